/* aixin account unlock, disable, reset-password: administration that
 * ends sessions (city administrators). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "commands.h"
#include "i18n.h"
#include "records.h"
#include "rpc.h"
#include "secret_input.h"

/* Parse "--help" and exactly one operand, the user name. */
static cli_exit_t one_username(const char *command, const char *help,
                               int argc, char **argv, const char **user,
                               bool *password_stdin, bool *no_password_change)
{
    enum { OPT_PASSWORD_STDIN = 256, OPT_NO_PASSWORD_CHANGE };
    static const struct option options[] = {
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"no-password-change", no_argument, NULL, OPT_NO_PASSWORD_CHANGE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return CLI_EXIT_COUNT; /* done, nothing to run */
        }
        if (c == OPT_PASSWORD_STDIN && password_stdin != NULL) {
            *password_stdin = true;
            continue;
        }
        if (c == OPT_NO_PASSWORD_CHANGE && no_password_change != NULL) {
            *no_password_change = true;
            continue;
        }
        return cli_report_bad_option(command, argv, c);
    }
    if (optind != argc - 1)
        return cli_usage_error(command, _("give exactly one user name"));
    *user = argv[optind];
    return CLI_EXIT_OK;
}

static cli_exit_t call_and_print_account(const cli_context_t *ctx,
                                         Aixin__V1__Request *req)
{
    rpc_client_t *client = NULL;
    cli_exit_t rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, req, AIXIN__V1__RESPONSE__BODY_ACCOUNT, &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_account(&doc, output_doc_add_record(&doc), resp->account);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

cli_exit_t cmd_account_unlock(const cli_context_t *ctx, int argc, char **argv)
{
    const char *user = NULL;
    cli_exit_t rc = one_username(
        "account unlock",
        _("Usage: aixin account unlock USER\n"
          "\n"
          "Forget USER's failed logins, ending a temporary lock (city\n"
          "administrators only).\n"),
        argc, argv, &user, NULL, NULL);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    Aixin__V1__UnlockAccount body = AIXIN__V1__UNLOCK_ACCOUNT__INIT;
    body.username = (char *)user;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_UNLOCK_ACCOUNT;
    req.unlock_account = &body;
    return call_and_print_account(ctx, &req);
}

cli_exit_t cmd_account_disable(const cli_context_t *ctx, int argc, char **argv)
{
    const char *user = NULL;
    cli_exit_t rc = one_username(
        "account disable",
        _("Usage: aixin account disable USER\n"
          "\n"
          "Disable USER: it can no longer log in, and its sessions end at\n"
          "once on every connection (city administrators only).\n"),
        argc, argv, &user, NULL, NULL);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    Aixin__V1__DisableAccount body = AIXIN__V1__DISABLE_ACCOUNT__INIT;
    body.username = (char *)user;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_DISABLE_ACCOUNT;
    req.disable_account = &body;
    return call_and_print_account(ctx, &req);
}

cli_exit_t cmd_account_reset_password(const cli_context_t *ctx, int argc,
                                      char **argv)
{
    const char *user = NULL;
    bool from_stdin = false, no_password_change = false;
    cli_exit_t rc = one_username(
        "account reset-password",
        _("Usage: aixin account reset-password [--password-stdin]\n"
          "                                    [--no-password-change] USER\n"
          "\n"
          "Give USER a new password and end all its sessions (city\n"
          "administrators only). The new password is read from standard\n"
          "input with --password-stdin, else from AIXIN_NEW_PASSWORD. USER\n"
          "must change it at the next login (until then the city refuses\n"
          "all other work), unless --no-password-change says USER chose it.\n"),
        argc, argv, &user, &from_stdin, &no_password_change);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    char *password = NULL;
    if (from_stdin) {
        if (secret_read_line(stdin, &password) != SECRET_OK)
            return cli_usage_error("account reset-password",
                                   _("cannot read the new password from "
                                     "standard input"));
    } else {
        const char *env = getenv("AIXIN_NEW_PASSWORD");
        if (env == NULL || env[0] == '\0')
            return cli_usage_error("account reset-password",
                                   _("no password: give --password-stdin or "
                                     "set AIXIN_NEW_PASSWORD"));
        password = strdup(env);
        if (password == NULL)
            return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    Aixin__V1__ResetPassword body = AIXIN__V1__RESET_PASSWORD__INIT;
    body.username = (char *)user;
    body.new_password = password;
    body.skip_password_change = no_password_change;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_RESET_PASSWORD;
    req.reset_password = &body;
    rc = call_and_print_account(ctx, &req);
    secret_free(password);
    return rc;
}
