/* Choosing the server and the credentials; see cli_connect.h. */
#include "cli_connect.h"
#include "tls_client.h"

#include <stdlib.h>
#include <string.h>

#include "connection.h"
#include "credentials.h"
#include "i18n.h"

#define ADDRESS_PART_SIZE 256

/* --server or AIXIN_SERVER, whichever is set first; NULL when neither. */
static const char *explicit_address(const cli_context_t *ctx)
{
    if (ctx->server != NULL)
        return ctx->server;
    const char *env = getenv("AIXIN_SERVER");
    if (env != NULL && env[0] != '\0')
        return env;
    return NULL;
}

/* HOST:PORT, or a list of them separated by commas (tried in turn). */
static cli_exit_t address_check(const char *address)
{
    char host[ADDRESS_PART_SIZE];
    char port[ADDRESS_PART_SIZE];
    char item[ADDRESS_PART_SIZE];
    size_t n = conn_address_count(address);
    for (size_t i = 0; i < n; i++)
        if (!conn_address_item(address, i, item, sizeof(item)) ||
            !conn_split_address(item, host, sizeof(host), port, sizeof(port)))
            return cli_error(CLI_EXIT_USAGE,
                             _("bad server address '%s': expected HOST:PORT "
                             "(e.g. 127.0.0.1:7460 or [::1]:7460)"),
                             address);
    return CLI_EXIT_OK;
}

cli_exit_t cli_connect_address(const cli_context_t *ctx,
                               const client_config_t *cfg, char **out)
{
    *out = NULL;
    const char *address = explicit_address(ctx);
    if (address == NULL)
        address = cfg->server != NULL ? cfg->server : CLI_DEFAULT_SERVER;
    cli_exit_t rc = address_check(address);
    if (rc != CLI_EXIT_OK)
        return rc;
    *out = strdup(address);
    if (*out == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    return CLI_EXIT_OK;
}

/* Credentials and address from the saved session. */
static cli_exit_t connect_with_session(const cli_context_t *ctx,
                                       const client_config_t *cfg,
                                       rpc_credentials_t *creds,
                                       char **address)
{
    char path[CREDENTIALS_PATH_SIZE];
    if (!credentials_session_path(path))
        return CLI_EXIT_USAGE;
    session_file_t s = {0};
    credentials_result_t r = credentials_session_load(path, &s);
    if (r == CREDENTIALS_ERROR)
        return CLI_EXIT_REJECTED;
    if (r == CREDENTIALS_MISSING && tls_client_has_certificate()) {
        /* No password and no session: the TLS client certificate is the
         * credential. */
        creds->kind = RPC_AUTH_CERTIFICATE;
        return cli_connect_address(ctx, cfg, address);
    }
    if (r == CREDENTIALS_MISSING)
        return cli_error(CLI_EXIT_REJECTED,
                         _("not logged in: run `aixin login` or set "
                         "AIXIN_USER and AIXIN_PASSWORD"));
    const char *wanted = explicit_address(ctx);
    if (wanted != NULL && strcmp(wanted, s.server) != 0) {
        cli_exit_t rc = cli_error(CLI_EXIT_REJECTED,
                                  _("the saved session is for %s, not %s: "
                                  "run `aixin login`"),
                                  s.server, wanted);
        credentials_session_free(&s);
        return rc;
    }
    /* The session's server wins over the configured default. */
    cli_exit_t rc = address_check(s.server);
    if (rc != CLI_EXIT_OK) {
        credentials_session_free(&s);
        return rc;
    }
    creds->kind = RPC_AUTH_TOKEN;
    creds->token = s.token; /* moved */
    s.token = NULL;
    *address = s.server; /* moved */
    s.server = NULL;
    credentials_session_free(&s);
    return CLI_EXIT_OK;
}

cli_exit_t cli_connect(const cli_context_t *ctx, rpc_client_t **out)
{
    *out = NULL;
    client_config_t cfg;
    cli_exit_t rc = client_config_load(&cfg);
    if (rc != CLI_EXIT_OK)
        return rc;
    rpc_credentials_t creds = {0};
    char *address = NULL;
    credentials_result_t env = credentials_from_env(&creds);
    if (env == CREDENTIALS_ERROR)
        rc = CLI_EXIT_UNAVAILABLE;
    else if (env == CREDENTIALS_OK)
        rc = cli_connect_address(ctx, &cfg, &address);
    else
        rc = connect_with_session(ctx, &cfg, &creds, &address);
    client_config_free(&cfg);
    if (rc == CLI_EXIT_OK)
        rc = rpc_client_open(address, &creds, 0, NULL, out); /* takes creds */
    rpc_credentials_free(&creds);
    free(address);
    return rc;
}
