/* aixin login, logout, whoami. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "client_config.h"
#include "commands.h"
#include "credentials.h"
#include "records.h"
#include "rpc.h"
#include "secret_input.h"
#include "i18n.h"

static const char *const login_help =
    N_("Usage: aixin login [--user USER]\n"
    "\n"
    "Log in and save the session, so that later commands need no password.\n"
    "The session (server and token) is written to $AIXIN_SESSION_FILE, or\n"
    "~/.config/aixin/session, with mode 0600. Prints the session.\n"
    "\n"
    "Options:\n"
    "  -u, --user USER   account name; default AIXIN_USER, then user= in\n"
    "                    ~/.config/aixin/config, else asked on the terminal\n"
    "  -h, --help        show this help\n"
    "\n"
    "The password is taken from AIXIN_PASSWORD, else asked on the terminal\n"
    "without echo. The server is --server, AIXIN_SERVER, server= in the\n"
    "configuration file, or 127.0.0.1:7460.\n"
    "\n"
    "Example:\n"
    "  aixin --server 10.0.0.5:7460 login --user clerk01\n");

static const char *const logout_help =
    N_("Usage: aixin logout\n"
    "\n"
    "End the saved session on the server and remove the session file.\n"
    "A session the server no longer knows is removed all the same; when the\n"
    "server cannot be reached the file is kept (exit 3): try again later.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  aixin logout\n");

static const char *const whoami_help =
    N_("Usage: aixin whoami\n"
    "\n"
    "Show who the server takes you for: user, role, division, and when the\n"
    "session expires (ISO 8601 at +08:00).\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  aixin --format json whoami\n");

static const struct option help_only_options[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parse a command that takes only --help; OK means "go on". */
static cli_exit_t parse_help_only(const char *command, const char *help,
                                  int argc, char **argv, bool *done)
{
    *done = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", help_only_options, NULL)) !=
           -1) {
        if (c == 'h') {
            fputs(help, stdout);
            *done = true;
            return CLI_EXIT_OK;
        }
        return cli_report_bad_option(command, argv, c);
    }
    return cli_check_no_operands(command, argc, argv);
}

static cli_exit_t print_session(const cli_context_t *ctx,
                                const Aixin__V1__Session *s)
{
    if (s->password_change_required)
        cli_warn("%s", _("your password was set by an administrator: change "
                         "it now with `aixin password change`; until then "
                         "the city refuses all other work"));
    output_doc_t doc;
    output_doc_init(&doc, false);
    records_add_session(&doc, output_doc_add_record(&doc), s);
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

/* The user name for login: flag, environment, configuration, terminal. */
static cli_exit_t login_pick_user(const char *flag, const client_config_t *cfg,
                                  char **out)
{
    const char *env = getenv("AIXIN_USER");
    const char *given = flag;
    if (given == NULL && env != NULL && env[0] != '\0')
        given = env;
    if (given == NULL)
        given = cfg->user;
    if (given != NULL) {
        *out = strdup(given);
        return *out != NULL ? CLI_EXIT_OK
                            : cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    secret_result_t r = secret_prompt(_("User: "), true, out);
    if (r == SECRET_OK && (*out)[0] != '\0')
        return CLI_EXIT_OK;
    if (r == SECRET_OK) {
        secret_free(*out);
        *out = NULL;
    }
    if (r == SECRET_NO_TTY)
        return cli_usage_error("login",
                               _("no user: give --user or set AIXIN_USER"));
    return cli_usage_error("login", _("no user given"));
}

static cli_exit_t login_pick_password(const char *user, char **out)
{
    const char *env = getenv("AIXIN_PASSWORD");
    if (env != NULL && env[0] != '\0') {
        *out = strdup(env);
        return *out != NULL ? CLI_EXIT_OK
                            : cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    char prompt[128];
    snprintf(prompt, sizeof(prompt), _("Password for %s: "), user);
    secret_result_t r = secret_prompt(prompt, false, out);
    if (r == SECRET_OK)
        return CLI_EXIT_OK;
    if (r == SECRET_NO_TTY)
        return cli_usage_error("login", _("no password: set AIXIN_PASSWORD or "
                                        "run on a terminal"));
    return cli_usage_error("login", _("no password given"));
}

cli_exit_t cmd_session_login(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"user", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *user_flag = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":u:h", options, NULL)) != -1) {
        switch (c) {
        case 'u':
            user_flag = optarg;
            break;
        case 'h':
            fputs(_(login_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option("login", argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands("login", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    char path[CREDENTIALS_PATH_SIZE];
    if (!credentials_session_path(path))
        return CLI_EXIT_USAGE;

    client_config_t cfg;
    rc = client_config_load(&cfg);
    if (rc != CLI_EXIT_OK)
        return rc;
    char *address = NULL;
    rpc_credentials_t creds = {.kind = RPC_AUTH_PASSWORD};
    rc = cli_connect_address(ctx, &cfg, &address);
    if (rc == CLI_EXIT_OK)
        rc = login_pick_user(user_flag, &cfg, &creds.username);
    if (rc == CLI_EXIT_OK)
        rc = login_pick_password(creds.username, &creds.password);
    client_config_free(&cfg);

    rpc_client_t *client = NULL;
    if (rc == CLI_EXIT_OK)
        rc = rpc_client_open(address, &creds, 0, NULL, &client);
    rpc_credentials_free(&creds);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__Session *s = rpc_client_session(client);
        if (s->token == NULL || s->token[0] == '\0') {
            rc = cli_error(CLI_EXIT_UNAVAILABLE,
                           _("the server sent no session token"));
        } else {
            session_file_t file = {
                .server = address,
                .username = s->username,
                .token = s->token,
            };
            if (!credentials_session_save(path, &file))
                rc = CLI_EXIT_UNAVAILABLE;
            else
                rc = print_session(ctx, s);
        }
    }
    rpc_client_close(client);
    free(address);
    return rc;
}

/* {"logged_out": true} in JSON; a plain sentence in table format. */
static cli_exit_t print_logged_out(const cli_context_t *ctx, bool was_in)
{
    if (ctx->format == OUTPUT_FORMAT_TABLE) {
        if (!was_in) {
            fprintf(stderr, _("%s: not logged in\n"), CLI_PROGRAM_NAME);
            return CLI_EXIT_OK;
        }
        puts(_("logged out"));
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
    }
    output_doc_t doc;
    output_doc_init(&doc, false);
    output_add_bool(&doc, output_doc_add_record(&doc), "logged_out",
                    N_("LOGGED OUT"), was_in);
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

cli_exit_t cmd_session_logout(const cli_context_t *ctx, int argc, char **argv)
{
    bool done;
    cli_exit_t rc = parse_help_only("logout", _(logout_help), argc, argv, &done);
    if (rc != CLI_EXIT_OK || done)
        return rc;
    char path[CREDENTIALS_PATH_SIZE];
    if (!credentials_session_path(path))
        return CLI_EXIT_USAGE;
    session_file_t s = {0};
    credentials_result_t r = credentials_session_load(path, &s);
    if (r == CREDENTIALS_ERROR)
        return CLI_EXIT_REJECTED;
    if (r == CREDENTIALS_MISSING)
        return print_logged_out(ctx, false);
    /* The token goes back to the server it came from, whatever --server
     * says: that is the session being ended. */
    rpc_credentials_t creds = {.kind = RPC_AUTH_TOKEN, .token = s.token};
    s.token = NULL;
    rpc_client_t *client = NULL;
    Aixin__V1__ErrorCode refused;
    rc = rpc_client_open(s.server, &creds, RPC_OPEN_QUIET_UNAUTHENTICATED,
                         &refused, &client);
    bool stale = rc != CLI_EXIT_OK &&
                 refused == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED;
    if (rc == CLI_EXIT_OK) {
        Aixin__V1__Logout logout = AIXIN__V1__LOGOUT__INIT;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        req.body_case = AIXIN__V1__REQUEST__BODY_LOGOUT;
        req.logout = &logout;
        Aixin__V1__Response *resp = NULL;
        rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_EMPTY,
                             &resp);
        if (resp != NULL)
            aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    credentials_session_free(&s);
    if (rc != CLI_EXIT_OK && !stale)
        return rc; /* keep the file: the token may still be valid */
    if (credentials_session_remove(path) == CREDENTIALS_ERROR)
        return CLI_EXIT_UNAVAILABLE;
    return print_logged_out(ctx, true);
}

cli_exit_t cmd_session_whoami(const cli_context_t *ctx, int argc, char **argv)
{
    bool done;
    cli_exit_t rc = parse_help_only("whoami", _(whoami_help), argc, argv, &done);
    if (rc != CLI_EXIT_OK || done)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = print_session(ctx, rpc_client_session(client));
    rpc_client_close(client);
    return rc;
}
