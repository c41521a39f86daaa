/* The desk's link to aixind; see desk_link.h. */
#include "desk_link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "client_config.h"
#include "credentials.h"
#include "desk_labels.h"
#include "i18n.h"
#include "spool.h"
#include "spool_offline.h"

void desk_notices_add(desk_notices_t *n, notice_kind_t kind,
                      const char *field, const char *fmt, ...)
{
    if (n->n >= DESK_NOTICES_MAX)
        return;
    desk_notice_t *item = &n->items[n->n++];
    item->kind = kind;
    snprintf(item->field, sizeof(item->field), "%s",
             field != NULL ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(item->text, sizeof(item->text), fmt, ap);
    va_end(ap);
}

const desk_notice_t *desk_notices_for(const desk_notices_t *n,
                                      const char *field)
{
    for (size_t i = 0; i < n->n; i++)
        if (strcmp(n->items[i].field, field) == 0)
            return &n->items[i];
    return NULL;
}

/* The notice sink of a page: the core's messages join the page's. */
void desk_notices_sink(void *arg, notice_kind_t kind, const char *field,
                       const char *text)
{
    desk_notices_add(arg, kind, field, "%s", text);
}

static void link_sink(void *arg, notice_kind_t kind, const char *field,
                      const char *text)
{
    desk_notices_t *n = arg;
    if (kind == NOTICE_INFO) {
        /* spool_offline.c: the change is saved; `text` is why it could
         * not be sent. The page says so in its own words. */
        n->spooled = true;
        return;
    }
    char words[DESK_NOTICE_TEXT_SIZE];
    desk_label_server_text(text, words, sizeof(words));
    desk_notices_add(n, kind, field, "%s", words);
}

/* Load the session when it belongs to the address in use. */
static void link_load_session(desk_link_t *l)
{
    l->logged_in = false;
    char path[CREDENTIALS_PATH_SIZE];
    if (!credentials_session_path(path))
        return;
    session_file_t s = {0};
    if (credentials_session_load(path, &s) != CREDENTIALS_OK)
        return;
    if (!l->explicit_address && strcmp(s.server, l->address) != 0) {
        /* Without --server the session's server wins, as in the CLI. */
        char *a = strdup(s.server);
        if (a != NULL) {
            free(l->address);
            l->address = a;
        }
    }
    if (strcmp(s.server, l->address) == 0) {
        l->logged_in = true;
        snprintf(l->username, sizeof(l->username), "%s", s.username);
    }
    credentials_session_free(&s);
}

cli_exit_t desk_link_init(desk_link_t *l, const char *server_flag)
{
    memset(l, 0, sizeof(*l));
    const char *env = getenv("AIXIN_SERVER");
    l->explicit_address = server_flag != NULL || (env != NULL && env[0]);
    client_config_t cfg;
    cli_exit_t rc = client_config_load(&cfg);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_context_t ctx = {.server = server_flag, .format = OUTPUT_FORMAT_TABLE};
    rc = cli_connect_address(&ctx, &cfg, &l->address);
    client_config_free(&cfg);
    if (rc == CLI_EXIT_OK)
        link_load_session(l);
    return rc;
}

static void link_close(desk_link_t *l)
{
    rpc_client_close(l->client);
    l->client = NULL;
}

void desk_link_free(desk_link_t *l)
{
    link_close(l);
    free(l->address);
    l->address = NULL;
}

static void link_take_session(desk_link_t *l, const Aixin__V1__Session *s)
{
    if (s == NULL)
        return;
    snprintf(l->username, sizeof(l->username), "%s",
             s->username != NULL ? s->username : "");
    snprintf(l->division_code, sizeof(l->division_code), "%s",
             s->division_code != NULL ? s->division_code : "");
    l->role = s->role;
    l->password_change_required = s->password_change_required;
}

/*
 * An open client with the saved token. A client opened while the server
 * was unreachable is offline for good (rpc.h): it is replaced, so the
 * desk notices when the city is back.
 */
static cli_exit_t link_open(desk_link_t *l)
{
    if (l->client != NULL && rpc_client_session(l->client) != NULL)
        return CLI_EXIT_OK;
    link_close(l);
    if (!l->logged_in)
        return cli_error(CLI_EXIT_REJECTED, "%s", _("not logged in"));
    char path[CREDENTIALS_PATH_SIZE];
    session_file_t s = {0};
    if (!credentials_session_path(path) ||
        credentials_session_load(path, &s) != CREDENTIALS_OK) {
        l->logged_in = false;
        return cli_error(CLI_EXIT_REJECTED, "%s", _("not logged in"));
    }
    rpc_credentials_t creds = {.kind = RPC_AUTH_TOKEN, .token = s.token};
    s.token = NULL;
    credentials_session_free(&s);
    /* Opened with the spool on: an unreachable server gives an offline
     * client, on which changes wait in the spool. */
    rpc_offline_spool_enable(true);
    Aixin__V1__ErrorCode refused = AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED;
    cli_exit_t rc = rpc_client_open(l->address, &creds, 0, &refused,
                                    &l->client);
    rpc_credentials_free(&creds);
    if (rc != CLI_EXIT_OK) {
        if (refused == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED)
            l->logged_in = false; /* the session ended on the server */
        return rc;
    }
    const Aixin__V1__Session *session = rpc_client_session(l->client);
    l->offline = session == NULL;
    link_take_session(l, session);
    return CLI_EXIT_OK;
}

cli_exit_t desk_link_client(desk_link_t *l, rpc_client_t **out,
                            desk_notices_t *notices)
{
    *out = NULL;
    notice_sink_set(link_sink, notices);
    cli_exit_t rc = link_open(l);
    if (rc == CLI_EXIT_OK && l->offline)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, "%s",
                       _("the city's server cannot be reached"));
    notice_sink_set(NULL, NULL);
    if (rc == CLI_EXIT_OK)
        *out = l->client;
    return rc;
}

cli_exit_t desk_link_call(desk_link_t *l, Aixin__V1__Request *req,
                          Aixin__V1__Response__BodyCase expect, bool spool,
                          Aixin__V1__Response **out, desk_notices_t *notices)
{
    *out = NULL;
    notice_sink_set(link_sink, notices);
    cli_exit_t rc = link_open(l);
    if (rc == CLI_EXIT_OK) {
        rpc_offline_spool_enable(spool);
        rc = rpc_client_call(l->client, req, expect, out);
        rpc_offline_spool_enable(true);
        /* Unreachable (offline client, or lost on this call): the line at
         * the top of every page says so until a call goes through. */
        l->offline = rpc_client_session(l->client) == NULL ||
                     (rc == CLI_EXIT_UNAVAILABLE &&
                      rpc_client_refusal(l->client) ==
                          AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED);
        if (rc == CLI_EXIT_REJECTED &&
            rpc_client_refusal(l->client) ==
                AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED) {
            l->logged_in = false;
            link_close(l);
        }
    } else if (rc == CLI_EXIT_UNAVAILABLE) {
        l->offline = true;
    }
    notice_sink_set(NULL, NULL);
    return rc;
}

cli_exit_t desk_link_login(desk_link_t *l, const char *username,
                           const char *password, desk_notices_t *notices)
{
    char path[CREDENTIALS_PATH_SIZE];
    notice_sink_set(link_sink, notices);
    link_close(l);
    l->logged_in = false;
    cli_exit_t rc = CLI_EXIT_USAGE;
    rpc_credentials_t creds = {.kind = RPC_AUTH_PASSWORD,
                               .username = strdup(username),
                               .password = strdup(password)};
    rpc_client_t *client = NULL;
    if (creds.username == NULL || creds.password == NULL)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
    else if (credentials_session_path(path)) {
        rpc_offline_spool_enable(false); /* logging in needs the server */
        rc = rpc_client_open(l->address, &creds, 0, NULL, &client);
        rpc_offline_spool_enable(true);
    }
    rpc_credentials_free(&creds);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__Session *s = rpc_client_session(client);
        session_file_t file = {.server = l->address,
                               .username = s->username,
                               .token = s->token};
        if (s->token == NULL || s->token[0] == '\0' ||
            !credentials_session_save(path, &file)) {
            rc = CLI_EXIT_UNAVAILABLE;
            desk_notices_add(notices, NOTICE_ERROR, NULL, "%s",
                             _("the session could not be saved"));
        } else {
            l->logged_in = true;
            l->offline = false;
            link_take_session(l, s);
        }
    } else if (rc == CLI_EXIT_UNAVAILABLE) {
        l->offline = true;
    }
    /* The password client is closed; pages use the saved token. */
    rpc_client_close(client);
    notice_sink_set(NULL, NULL);
    return rc;
}

void desk_link_logout(desk_link_t *l, desk_notices_t *notices)
{
    Aixin__V1__Logout logout = AIXIN__V1__LOGOUT__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LOGOUT;
    req.logout = &logout;
    Aixin__V1__Response *resp = NULL;
    if (l->logged_in &&
        desk_link_call(l, &req, AIXIN__V1__RESPONSE__BODY_EMPTY, false, &resp,
                       notices) == CLI_EXIT_OK)
        aixin__v1__response__free_unpacked(resp, NULL);
    link_close(l);
    char path[CREDENTIALS_PATH_SIZE];
    notice_sink_set(link_sink, notices);
    if (credentials_session_path(path) &&
        credentials_session_remove(path) == CREDENTIALS_ERROR)
        desk_notices_add(notices, NOTICE_ERROR, NULL, "%s",
                         _("the saved session could not be removed"));
    notice_sink_set(NULL, NULL);
    l->logged_in = false;
    l->username[0] = '\0';
    l->division_code[0] = '\0';
    l->role = AIXIN__V1__ROLE__ROLE_UNSPECIFIED;
    l->password_change_required = false;
}

bool desk_link_spool_path(const desk_link_t *l, char *out, size_t size)
{
    if (l->username[0] == '\0' || size < SPOOL_PATH_SIZE)
        return false;
    desk_notices_t ignored = {0};
    notice_sink_set(link_sink, &ignored);
    bool ok = spool_offline_path(l->address, l->username, false, out) ==
              CLI_EXIT_OK;
    notice_sink_set(NULL, NULL);
    return ok;
}

size_t desk_link_spool_count(const desk_link_t *l)
{
    char path[SPOOL_PATH_SIZE];
    if (!desk_link_spool_path(l, path, sizeof(path)))
        return 0;
    spool_contents_t sc;
    char err[SPOOL_ERROR_TEXT_SIZE];
    if (spool_load(path, &sc, err) != SPOOL_OK)
        return 0;
    size_t n = sc.n_records;
    spool_contents_free(&sc);
    return n;
}

bool desk_link_worker_credentials(const desk_link_t *l, char **address,
                                  char **token)
{
    char path[CREDENTIALS_PATH_SIZE];
    session_file_t s = {0};
    *address = NULL;
    *token = NULL;
    if (!credentials_session_path(path) ||
        credentials_session_load(path, &s) != CREDENTIALS_OK)
        return false;
    *token = s.token; /* moved */
    s.token = NULL;
    credentials_session_free(&s);
    *address = strdup(l->address);
    return *token != NULL && *address != NULL;
}

cli_exit_t desk_link_worker_open(const char *address, char **token,
                                 rpc_client_t **client)
{
    rpc_credentials_t creds = {.kind = RPC_AUTH_TOKEN, .token = *token};
    *token = NULL; /* moved; rpc_credentials_free wipes it */
    cli_exit_t rc = rpc_client_open(address, &creds, 0, NULL, client);
    rpc_credentials_free(&creds);
    return rc;
}
