/* The offline spool of this user and server; see spool_offline.h. */
#include "spool_offline.h"
#include "i18n.h"
#include "notice.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli_connect.h"
#include "client_config.h"
#include "credentials.h"

#define SPOOL_NAME_PART_MAX 96
#define SPOOL_NAME_HASH_BYTES 4

bool spool_offline_accepts(Aixin__V1__Request__BodyCase body)
{
    /* CreateAccount carries a password: never kept in a file. */
    return body != AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT &&
           rpc_request_is_mutating(body);
}

/* Copy s into out keeping [A-Za-z0-9._-] and writing '_' for the rest. */
static void name_part(const char *s, char out[SPOOL_NAME_PART_MAX + 1])
{
    size_t i = 0;
    for (; s[i] != '\0' && i < SPOOL_NAME_PART_MAX; i++) {
        char ch = s[i];
        bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
                    ch == '_';
        out[i] = keep ? ch : '_';
    }
    out[i] = '\0';
}

/* mkdir one level (0700); true when it exists afterwards. *made: created. */
static bool dir_make(const char *path, bool *made)
{
    if (mkdir(path, 0700) == 0) {
        *made = true;
        return true;
    }
    struct stat st;
    return errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir -p with 0700; each directory made is fsync'd into its parent. */
static cli_exit_t dir_make_all(const char *dir)
{
    char buf[SPOOL_PATH_SIZE];
    snprintf(buf, sizeof(buf), "%s", dir);
    size_t len = strlen(buf);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        bool made = false;
        if (!dir_make(buf, &made))
            return cli_error(CLI_EXIT_UNAVAILABLE,
                             _("cannot create the spool directory %s: %s"), buf,
                             strerror(errno));
        if (made && !spool_sync_parent_dir(buf))
            return cli_error(CLI_EXIT_UNAVAILABLE,
                             _("cannot flush the directory above %s: %s"), buf,
                             strerror(errno));
        buf[i] = saved;
    }
    return CLI_EXIT_OK;
}

cli_exit_t spool_offline_path(const char *address, const char *username,
                              bool make_dir, char out[SPOOL_PATH_SIZE])
{
    char dir[SPOOL_PATH_SIZE];
    const char *env = getenv("AIXIN_SPOOL_DIR");
    if (env != NULL && env[0] != '\0') {
        if ((size_t)snprintf(dir, sizeof(dir), "%s", env) >= sizeof(dir))
            return cli_error(CLI_EXIT_USAGE, _("AIXIN_SPOOL_DIR is too long"));
    } else {
        const char *home = getenv("HOME");
        if (home == NULL || home[0] == '\0')
            return cli_error(CLI_EXIT_USAGE,
                             _("HOME is not set: set AIXIN_SPOOL_DIR to keep "
                             "the offline spool"));
        if ((size_t)snprintf(dir, sizeof(dir), "%s/.local/share/aixin/spool",
                             home) >= sizeof(dir))
            return cli_error(CLI_EXIT_USAGE, _("HOME is too long"));
    }
    if (make_dir) {
        cli_exit_t rc = dir_make_all(dir);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    char user_part[SPOOL_NAME_PART_MAX + 1];
    char server_part[SPOOL_NAME_PART_MAX + 1];
    name_part(username, user_part);
    name_part(address, server_part);
    uint8_t hash[SPOOL_NAME_HASH_BYTES];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof(hash));
    crypto_generichash_update(&st, (const uint8_t *)address, strlen(address));
    crypto_generichash_update(&st, (const uint8_t *)"\n", 1);
    crypto_generichash_update(&st, (const uint8_t *)username,
                              strlen(username));
    crypto_generichash_final(&st, hash, sizeof(hash));
    if ((size_t)snprintf(out, SPOOL_PATH_SIZE,
                         "%s/%s@%s-%02x%02x%02x%02x.spool", dir, user_part,
                         server_part, hash[0], hash[1], hash[2],
                         hash[3]) >= SPOOL_PATH_SIZE)
        return cli_error(CLI_EXIT_USAGE, _("the spool path is too long"));
    return CLI_EXIT_OK;
}

cli_exit_t spool_offline_locate(const cli_context_t *ctx,
                                char out[SPOOL_PATH_SIZE])
{
    rpc_credentials_t creds = {0};
    credentials_result_t env = credentials_from_env(&creds);
    if (env == CREDENTIALS_ERROR)
        return CLI_EXIT_UNAVAILABLE;
    cli_exit_t rc;
    if (env == CREDENTIALS_OK) {
        client_config_t cfg;
        rc = client_config_load(&cfg);
        char *address = NULL;
        if (rc == CLI_EXIT_OK)
            rc = cli_connect_address(ctx, &cfg, &address);
        if (rc == CLI_EXIT_OK)
            rc = spool_offline_path(address, creds.username, false, out);
        client_config_free(&cfg);
        free(address);
        rpc_credentials_free(&creds);
        return rc;
    }
    char path[CREDENTIALS_PATH_SIZE];
    if (!credentials_session_path(path))
        return CLI_EXIT_USAGE;
    session_file_t s = {0};
    credentials_result_t r = credentials_session_load(path, &s);
    if (r == CREDENTIALS_ERROR)
        return CLI_EXIT_REJECTED;
    if (r == CREDENTIALS_MISSING)
        return cli_error(CLI_EXIT_REJECTED,
                         _("not logged in: run `aixin login` or set "
                         "AIXIN_USER and AIXIN_PASSWORD"));
    const char *wanted = ctx->server;
    if (wanted == NULL) {
        const char *e = getenv("AIXIN_SERVER");
        wanted = e != NULL && e[0] != '\0' ? e : NULL;
    }
    if (wanted != NULL && strcmp(wanted, s.server) != 0)
        rc = cli_error(CLI_EXIT_REJECTED,
                       _("the saved session is for %s, not %s: run `aixin "
                       "login`"),
                       s.server, wanted);
    else
        rc = spool_offline_path(s.server, s.username, false, out);
    credentials_session_free(&s);
    return rc;
}

/* The user the credentials act as, into out (owned by the caller). */
static cli_exit_t creds_username(const char *address,
                                 const rpc_credentials_t *creds, char **out)
{
    *out = NULL;
    if (creds->kind == RPC_AUTH_PASSWORD && creds->username != NULL) {
        *out = strdup(creds->username);
        return *out != NULL ? CLI_EXIT_OK
                            : cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    /* A token: its user is the one in the session file it came from. */
    char path[CREDENTIALS_PATH_SIZE];
    if (creds->kind != RPC_AUTH_TOKEN || !credentials_session_path(path))
        return cli_error(CLI_EXIT_UNAVAILABLE,
                         _("no user to keep an offline spool for"));
    session_file_t s = {0};
    if (credentials_session_load(path, &s) != CREDENTIALS_OK)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("the saved session is gone"));
    cli_exit_t rc = CLI_EXIT_OK;
    if (strcmp(s.server, address) != 0)
        rc = cli_error(CLI_EXIT_UNAVAILABLE,
                       _("the saved session is for another server"));
    else if ((*out = strdup(s.username)) == NULL)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    credentials_session_free(&s);
    return rc;
}

static void be64_write(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t be64_read(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

cli_exit_t spool_offline_save(const char *address,
                              const rpc_credentials_t *creds,
                              const Aixin__V1__Request *req,
                              const char *reason)
{
    const char *not_saved = _("the change was NOT saved");
    char *username = NULL;
    cli_exit_t rc = creds_username(address, creds, &username);
    char path[SPOOL_PATH_SIZE];
    if (rc == CLI_EXIT_OK)
        rc = spool_offline_path(address, username, true, path);
    free(username);
    if (rc != CLI_EXIT_OK)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("%s: %s"), reason, not_saved);
    size_t len = aixin__v1__request__get_packed_size(req);
    if (len == 0 || len + SPOOL_OFFLINE_PREFIX_SIZE > SPOOL_MAX_PAYLOAD)
        return cli_error(CLI_EXIT_UNAVAILABLE,
                         _("%s; the request is too large for the spool: %s"),
                         reason, not_saved);
    uint8_t *payload = malloc(SPOOL_OFFLINE_PREFIX_SIZE + len);
    if (payload == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("%s; out of memory: %s"), reason,
                         not_saved);
    be64_write(payload, (uint64_t)time(NULL));
    aixin__v1__request__pack(req, payload + SPOOL_OFFLINE_PREFIX_SIZE);
    size_t waiting = 0;
    char notice[SPOOL_ERROR_TEXT_SIZE];
    char err[SPOOL_ERROR_TEXT_SIZE];
    spool_result_t r =
        spool_append(path, payload, (uint32_t)(SPOOL_OFFLINE_PREFIX_SIZE + len),
                     &waiting, notice, err);
    free(payload);
    if (notice[0] != '\0')
        cli_warn("%s", notice);
    if (r != SPOOL_OK)
        return cli_error(CLI_EXIT_UNAVAILABLE,
                         _("%s; saving to the spool failed (%s): %s"), reason,
                         err, not_saved);
    /* To a sink, NOTICE_INFO means "saved"; the reason it could not be
     * sent is the text. */
    if (!notice_emit(NOTICE_INFO, NULL, "%s", reason)) {
        fprintf(stderr, "%s: %s\n", CLI_PROGRAM_NAME, reason);
        fprintf(stderr,
                _("%s: saved to the spool (%zu waiting): run `aixin sync` "
                  "when the server is back\n"),
                CLI_PROGRAM_NAME, waiting);
    }
    return CLI_EXIT_UNAVAILABLE;
}

bool spool_offline_decode(const spool_record_t *rec, int64_t *created_at,
                          Aixin__V1__Request **out)
{
    *out = NULL;
    if (rec->len <= SPOOL_OFFLINE_PREFIX_SIZE)
        return false;
    *created_at = (int64_t)be64_read(rec->payload);
    *out = aixin__v1__request__unpack(NULL,
                                      rec->len - SPOOL_OFFLINE_PREFIX_SIZE,
                                      rec->payload + SPOOL_OFFLINE_PREFIX_SIZE);
    return *out != NULL;
}
