/* aixin password change: the logged-in account changes its own password;
 * its other sessions end, this one stays. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "commands.h"
#include "i18n.h"
#include "rpc.h"
#include "secret_input.h"

/* From the environment variable `env`, else asked on the terminal. */
static cli_exit_t password_get(const char *env, const char *prompt, char **out)
{
    const char *v = getenv(env);
    if (v != NULL && v[0] != '\0') {
        *out = strdup(v);
        return *out != NULL ? CLI_EXIT_OK
                            : cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    if (secret_prompt(prompt, false, out) == SECRET_OK)
        return CLI_EXIT_OK;
    return cli_usage_error("password change",
                           _("no password: set %s or run on a terminal"), env);
}

static cli_exit_t password_change(const cli_context_t *ctx, int argc,
                                  char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(_("Usage: aixin password change\n"
                    "\n"
                    "Change your own password. The old one comes from\n"
                    "AIXIN_PASSWORD and the new one from AIXIN_NEW_PASSWORD,\n"
                    "else both are asked on the terminal. Your other\n"
                    "sessions end; this one stays.\n"),
                  stdout);
            return CLI_EXIT_OK;
        }
        return cli_report_bad_option("password change", argv, c);
    }
    cli_exit_t rc = cli_check_no_operands("password change", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    char *old_pw = NULL, *new_pw = NULL, *again = NULL;
    rc = password_get("AIXIN_PASSWORD", _("Current password: "), &old_pw);
    if (rc == CLI_EXIT_OK)
        rc = password_get("AIXIN_NEW_PASSWORD", _("New password: "), &new_pw);
    if (rc == CLI_EXIT_OK && getenv("AIXIN_NEW_PASSWORD") == NULL) {
        rc = password_get("AIXIN_NEW_PASSWORD", _("New password again: "),
                          &again);
        if (rc == CLI_EXIT_OK && strcmp(again, new_pw) != 0)
            rc = cli_reject_input("new_password",
                                  _("the two new passwords differ"));
    }
    rpc_client_t *client = NULL;
    if (rc == CLI_EXIT_OK)
        rc = cli_connect(ctx, &client);
    if (rc == CLI_EXIT_OK) {
        Aixin__V1__ChangePassword body = AIXIN__V1__CHANGE_PASSWORD__INIT;
        body.old_password = old_pw;
        body.new_password = new_pw;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        req.body_case = AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD;
        req.change_password = &body;
        Aixin__V1__Response *resp = NULL;
        rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_EMPTY, &resp);
        if (rc == CLI_EXIT_OK) {
            printf("%s\n", _("password changed; your other sessions have ended"));
            aixin__v1__response__free_unpacked(resp, NULL);
        }
        rpc_client_close(client);
    }
    secret_free(old_pw);
    secret_free(new_pw);
    secret_free(again);
    return rc;
}

const cli_command_t cmd_password_verbs[] = {
    {"change", "change your own password", password_change, NULL},
    {NULL, NULL, NULL, NULL},
};
