/* aixin account create. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "names.h"
#include "records.h"
#include "rpc.h"
#include "secret_input.h"

#define ACCOUNT_CREATE "account create"

static const char account_create_help[] =
    "Usage: aixin account create --username USER --role ROLE --division CODE\n"
    "                            [--password-stdin]\n"
    "\n"
    "Create an account (city administrators only). Prints the account.\n"
    "\n"
    "Options:\n"
    "  -u, --username USER   3-32 of a-z 0-9 _ . -\n"
    "  -r, --role ROLE       city_admin, county_clerk, township_clerk,\n"
    "                        insurer_adjuster or auditor\n"
    "  -d, --division CODE   the account's scope: a township (9 digits) for\n"
    "                        township clerks, a county (6 digits) for county\n"
    "                        clerks, any division for auditors\n"
    "      --password-stdin  read the new account's password (one line) from\n"
    "                        standard input; without it, AIXIN_NEW_PASSWORD\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  printf '%s\\n' \"$PW\" | aixin account create --username clerk01 \\\n"
    "      --role township_clerk --division 360821100 --password-stdin\n";

/* The new account's password: stdin or AIXIN_NEW_PASSWORD. */
static cli_exit_t account_read_password(bool from_stdin, char **out)
{
    if (from_stdin) {
        secret_result_t r = secret_read_line(stdin, out);
        if (r == SECRET_OK)
            return CLI_EXIT_OK;
        if (r == SECRET_EOF)
            return cli_usage_error(ACCOUNT_CREATE,
                                   "--password-stdin: standard input is "
                                   "empty");
        return cli_error(CLI_EXIT_UNAVAILABLE,
                         "cannot read the password from standard input");
    }
    const char *env = getenv("AIXIN_NEW_PASSWORD");
    if (env == NULL || env[0] == '\0')
        return cli_usage_error(ACCOUNT_CREATE,
                               "no password: give --password-stdin or set "
                               "AIXIN_NEW_PASSWORD");
    *out = strdup(env);
    return *out != NULL ? CLI_EXIT_OK
                        : cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
}

static cli_exit_t account_create(const cli_context_t *ctx, int argc,
                                 char **argv)
{
    enum { OPT_PASSWORD_STDIN = 256 };
    static const struct option options[] = {
        {"username", required_argument, NULL, 'u'},
        {"role", required_argument, NULL, 'r'},
        {"division", required_argument, NULL, 'd'},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *username = NULL;
    const char *role_name = NULL;
    const char *division = NULL;
    bool password_stdin = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":u:r:d:h", options, NULL)) != -1) {
        switch (c) {
        case 'u':
            username = optarg;
            break;
        case 'r':
            role_name = optarg;
            break;
        case 'd':
            division = optarg;
            break;
        case OPT_PASSWORD_STDIN:
            password_stdin = true;
            break;
        case 'h':
            fputs(account_create_help, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(ACCOUNT_CREATE, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(ACCOUNT_CREATE, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (username == NULL)
        return cli_usage_error(ACCOUNT_CREATE, "missing --username");
    if (role_name == NULL)
        return cli_usage_error(ACCOUNT_CREATE, "missing --role");
    if (division == NULL)
        return cli_usage_error(ACCOUNT_CREATE, "missing --division");
    Aixin__V1__Role role = names_role_parse(role_name);
    if (role == AIXIN__V1__ROLE__ROLE_UNSPECIFIED)
        return cli_usage_error(ACCOUNT_CREATE,
                               "--role: '%s' is not one of city_admin, "
                               "county_clerk, township_clerk, "
                               "insurer_adjuster, auditor",
                               role_name);
    if (username[0] == '\0')
        return cli_reject_input("username", "the user name is empty");
    rc = input_check_division_code(division, "division_code");
    if (rc != CLI_EXIT_OK)
        return rc;

    char *password = NULL;
    rc = account_read_password(password_stdin, &password);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (password[0] == '\0') {
        secret_free(password);
        return cli_reject_input("password", "the password is empty");
    }

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK) {
        secret_free(password);
        return rc;
    }
    Aixin__V1__CreateAccount body = AIXIN__V1__CREATE_ACCOUNT__INIT;
    body.username = (char *)username;
    body.password = password;
    body.role = role;
    body.division_code = (char *)division;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT;
    req.create_account = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_ACCOUNT,
                         &resp);
    secret_free(password);
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

const cli_command_t cmd_account_verbs[] = {
    {"create", "create an account (city admin)", account_create, NULL},
    {NULL, NULL, NULL, NULL},
};
