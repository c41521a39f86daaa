/* aixin account create, aixin account bind-certificate. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "cmd_bulk.h"
#include "commands.h"
#include "input_check.h"
#include "names.h"
#include "records.h"
#include "rpc.h"
#include "secret_input.h"
#include "i18n.h"

#define ACCOUNT_CREATE "account create"

static const char *const account_create_help =
    N_("Usage: aixin account create --username USER --role ROLE --division CODE\n"
    "                            [--insurer CODE [--supervisor]]\n"
    "                            [--password-stdin] [--no-password-change]\n"
    "\n"
    "Create an account (city administrators only). Prints the account: id,\n"
    "user name, role, division, when it was created, and for insurer\n"
    "adjusters their insurer (insurer_code) and whether they may answer\n"
    "escalated claims (supervisor). The holder must change the password at\n"
    "the first login (until then the city refuses all other work), unless\n"
    "--no-password-change says the holder chose it.\n"
    "\n"
    "Options:\n"
    "  -u, --username USER   3-32 of a-z 0-9 _ . -\n"
    "  -r, --role ROLE       city_admin, county_clerk, township_clerk,\n"
    "                        insurer_adjuster or auditor\n"
    "  -d, --division CODE   the account's scope: a township (9 digits) for\n"
    "                        township clerks, a county (6 digits) for county\n"
    "                        clerks, any division for auditors; for insurer\n"
    "                        adjusters the area they serve, e.g. the city\n"
    "                        (360800)\n"
    "  -i, --insurer CODE    insurer adjusters only, and required for them:\n"
    "                        the insurer whose claims they handle, e.g.\n"
    "                        chinalife\n"
    "      --supervisor      insurer adjusters only: may approve or reject\n"
    "                        escalated claims of that insurer\n"
    "      --password-stdin  read the new account's password (one line) from\n"
    "                        standard input; without it, AIXIN_NEW_PASSWORD\n"
    "      --no-password-change\n"
    "                        the holder chose this password: no change at\n"
    "                        the first login\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  printf '%s\\n' \"$PW\" | aixin account create --username clerk01 \\\n"
    "      --role township_clerk --division 360821100 --password-stdin\n"
    "  AIXIN_NEW_PASSWORD=\"$PW\" aixin account create --username cl_wang \\\n"
    "      --role insurer_adjuster --division 360800 --insurer chinalife \\\n"
    "      --supervisor\n");

/* The new account's password: stdin or AIXIN_NEW_PASSWORD. */
static cli_exit_t account_read_password(bool from_stdin, char **out)
{
    if (from_stdin) {
        secret_result_t r = secret_read_line(stdin, out);
        if (r == SECRET_OK)
            return CLI_EXIT_OK;
        if (r == SECRET_EOF)
            return cli_usage_error(ACCOUNT_CREATE,
                                   _("--password-stdin: standard input is "
                                   "empty"));
        return cli_error(CLI_EXIT_UNAVAILABLE,
                         _("cannot read the password from standard input"));
    }
    const char *env = getenv("AIXIN_NEW_PASSWORD");
    if (env == NULL || env[0] == '\0')
        return cli_usage_error(ACCOUNT_CREATE,
                               _("no password: give --password-stdin or set "
                               "AIXIN_NEW_PASSWORD"));
    *out = strdup(env);
    return *out != NULL ? CLI_EXIT_OK
                        : cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
}

static cli_exit_t account_create(const cli_context_t *ctx, int argc,
                                 char **argv)
{
    enum { OPT_PASSWORD_STDIN = 256, OPT_SUPERVISOR, OPT_NO_PASSWORD_CHANGE };
    static const struct option options[] = {
        {"username", required_argument, NULL, 'u'},
        {"role", required_argument, NULL, 'r'},
        {"division", required_argument, NULL, 'd'},
        {"insurer", required_argument, NULL, 'i'},
        {"supervisor", no_argument, NULL, OPT_SUPERVISOR},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"no-password-change", no_argument, NULL, OPT_NO_PASSWORD_CHANGE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *username = NULL;
    bool no_password_change = false;
    const char *role_name = NULL;
    const char *division = NULL;
    const char *insurer = NULL;
    bool supervisor = false;
    bool password_stdin = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":u:r:d:i:h", options, NULL)) != -1) {
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
        case 'i':
            insurer = optarg;
            break;
        case OPT_SUPERVISOR:
            supervisor = true;
            break;
        case OPT_PASSWORD_STDIN:
            password_stdin = true;
            break;
        case OPT_NO_PASSWORD_CHANGE:
            no_password_change = true;
            break;
        case 'h':
            fputs(_(account_create_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(ACCOUNT_CREATE, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(ACCOUNT_CREATE, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (username == NULL)
        return cli_usage_error(ACCOUNT_CREATE, _("missing --username"));
    if (role_name == NULL)
        return cli_usage_error(ACCOUNT_CREATE, _("missing --role"));
    if (division == NULL)
        return cli_usage_error(ACCOUNT_CREATE, _("missing --division"));
    Aixin__V1__Role role = names_role_parse(role_name);
    if (role == AIXIN__V1__ROLE__ROLE_UNSPECIFIED)
        return cli_usage_error(ACCOUNT_CREATE,
                               _("--role: '%s' is not one of city_admin, "
                               "county_clerk, township_clerk, "
                               "insurer_adjuster, auditor"),
                               role_name);
    bool adjuster = role == AIXIN__V1__ROLE__ROLE_INSURER_ADJUSTER;
    if (adjuster && insurer == NULL)
        return cli_usage_error(ACCOUNT_CREATE,
                               _("an insurer_adjuster needs --insurer"));
    if (!adjuster && (insurer != NULL || supervisor))
        return cli_usage_error(ACCOUNT_CREATE,
                               _("--insurer and --supervisor are for the "
                               "insurer_adjuster role only"));
    if (username[0] == '\0')
        return cli_reject_input("username", _("the user name is empty"));
    rc = input_check_division_code(division, "division_code");
    if (rc == CLI_EXIT_OK && insurer != NULL)
        rc = input_check_insurer_code(insurer, "insurer_code");
    if (rc != CLI_EXIT_OK)
        return rc;

    char *password = NULL;
    rc = account_read_password(password_stdin, &password);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (password[0] == '\0') {
        secret_free(password);
        return cli_reject_input("password", _("the password is empty"));
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
    if (insurer != NULL)
        body.insurer_code = (char *)insurer;
    body.supervisor = supervisor;
    body.skip_password_change = no_password_change;
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

#define ACCOUNT_BIND "account bind-certificate"

static const char *const account_bind_help =
    N_("Usage: aixin account bind-certificate --username USER --sha256 HEX\n"
    "\n"
    "Bind a TLS client certificate to an account (city administrators only),\n"
    "so that an office holding the certificate logs in without a password\n"
    "(AIXIN_CA_FILE, AIXIN_CERT_FILE, AIXIN_KEY_FILE set; no AIXIN_USER).\n"
    "An empty --sha256 '' removes the binding.\n"
    "\n"
    "Options:\n"
    "  -u, --username USER  the account\n"
    "  -s, --sha256 HEX     SHA-256 of the certificate, 64 hex digits, as\n"
    "                       `openssl x509 -noout -fingerprint -sha256` prints\n"
    "                       it (colons and case do not matter)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Example:\n"
    "  aixin account bind-certificate --username clerk01 --sha256 \\\n"
    "      \"$(openssl x509 -in office.pem -noout -fingerprint -sha256 | cut -d= -f2)\"\n");

/* Lowercase hex without colons; false when it is not 64 hex digits. */
static bool account_normalize_sha256(const char *in, char out[65])
{
    size_t n = 0;
    for (const char *p = in; *p != '\0'; p++) {
        char ch = *p;
        if (ch == ':')
            continue;
        if (ch >= 'A' && ch <= 'F')
            ch = (char)(ch - 'A' + 'a');
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) || n == 64)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return n == 64 || n == 0;
}

static cli_exit_t account_bind_certificate(const cli_context_t *ctx, int argc,
                                           char **argv)
{
    static const struct option options[] = {
        {"username", required_argument, NULL, 'u'},
        {"sha256", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *username = NULL;
    const char *sha = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":u:s:h", options, NULL)) != -1) {
        switch (c) {
        case 'u':
            username = optarg;
            break;
        case 's':
            sha = optarg;
            break;
        case 'h':
            fputs(_(account_bind_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(ACCOUNT_BIND, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(ACCOUNT_BIND, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (username == NULL)
        return cli_usage_error(ACCOUNT_BIND, _("missing --username"));
    if (sha == NULL)
        return cli_usage_error(ACCOUNT_BIND, _("missing --sha256"));
    char normalized[65];
    if (!account_normalize_sha256(sha, normalized))
        return cli_reject_input("sha256", _("--sha256 must be 64 hex digits"));
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__BindCertificate body = AIXIN__V1__BIND_CERTIFICATE__INIT;
    body.username = (char *)username;
    body.sha256 = normalized;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_BIND_CERTIFICATE;
    req.bind_certificate = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_ACCOUNT, &resp);
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
    {"create", N_("create an account (city admin)"), account_create, NULL},
    {"import", N_("create many accounts from a CSV file (city admin)"),
     cmd_account_import, NULL},
    {"bind-certificate", N_("bind a TLS client certificate to an account"),
     account_bind_certificate, NULL},
    {"unlock", "forget an account's failed logins (city admin)",
     cmd_account_unlock, NULL},
    {"disable", "disable an account and end its sessions (city admin)",
     cmd_account_disable, NULL},
    {"reset-password",
     "give an account a new password and end its sessions (city admin)",
     cmd_account_reset_password, NULL},
    {NULL, NULL, NULL, NULL},
};
