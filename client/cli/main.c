/*
 * aixin: the office client of the city's child-insurance programme.
 * Global options, then a subcommand from the table below.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "error_text.h"
#include "i18n.h"
#include "rpc.h"

static const cli_command_t commands[] = {
    {"login", N_("log in and save the session"), cmd_session_login, NULL},
    {"logout", N_("end the saved session"), cmd_session_logout, NULL},
    {"whoami", N_("show your user, role, division and session expiry"),
     cmd_session_whoami, NULL},
    {"account", N_("manage accounts"), NULL, cmd_account_verbs},
    {"password", N_("change your own password"), NULL, cmd_password_verbs},
    {"audit", N_("read and verify the audit log (city admin, auditor)"), NULL,
     cmd_audit_verbs},
    {"divisions", N_("list divisions as a tree"), cmd_divisions_list, NULL},
    {"year", N_("open, change, close and list policy years"), NULL,
     cmd_year_verbs},
    {"insurer", N_("register and list insurers"), NULL, cmd_insurer_verbs},
    {"terms", N_("set and list each county's share and insurer"), NULL,
     cmd_terms_verbs},
    {"household", N_("register households, add children, look them up"), NULL,
     cmd_household_verbs},
    {"enroll", N_("enroll a child for a policy year"), cmd_enroll_child, NULL},
    {"policies", N_("list a child's policies"), cmd_enroll_list_policies, NULL},
    {"census", N_("submit and list eligible households"), NULL,
     cmd_census_verbs},
    {"disbursement", N_("record money paid in"), NULL, cmd_disbursement_verbs},
    {"ledger", N_("what each level owes, has paid and has outstanding"),
     cmd_funding_ledger, NULL},
    {"spool", N_("list the changes waiting for the server"), cmd_spool_list,
     NULL},
    {"sync", N_("send the changes waiting for the server"), cmd_spool_sync,
     NULL},
    {"import", N_("enroll from a CSV file"), NULL, cmd_import_verbs},
    {"renew", N_("renew last year's children into the next year (续保)"),
     cmd_renew, NULL},
    {"claim", N_("file, decide, pay and follow claims"), NULL, cmd_claim_verbs},
    {"grievance", N_("record, assign, answer and close grievances (信访)"),
     NULL, cmd_grievance_verbs},
    {"alerts", N_("early warnings: what needs attention now"), cmd_alerts,
     NULL},
    {"report", N_("the city's indicators: table, CSV, JSON or HTML charts"),
     cmd_report, NULL},
    {"export", N_("a year's policies or claims as CSV or FHIR, for partners"),
     cmd_export, NULL},
    {"desk", "the office client as a web page in the browser", cmd_desk,
     NULL},
    {NULL, NULL, NULL, NULL},
};

static const char *const usage_head =
    N_("Usage: aixin [--server HOST:PORT] [--format FORMAT] COMMAND [options]\n"
    "\n"
    "Office client of the city's child-insurance programme (爱心保险).\n"
    "\n"
    "Global options (before COMMAND; --format also after it):\n"
    "  -s, --server HOST:PORT   the aixind server; default AIXIN_SERVER, the\n"
    "                           saved session's server, server= in\n"
    "                           ~/.config/aixin/config, 127.0.0.1:7460\n"
    "  -f, --format FORMAT      table (aligned columns, the default) or json;\n"
    "                           csv and html too for `report`\n"
    "  -h, --help               show this help\n"
    "  -V, --version            show the version\n"
    "\n"
    "Commands:\n");

static const char *const usage_tail =
    N_("\n"
    "Run 'aixin COMMAND --help' for a command's options and an example.\n"
    "\n"
    "Credentials: AIXIN_USER and AIXIN_PASSWORD log in on every command;\n"
    "otherwise the session saved by `aixin login` ($AIXIN_SESSION_FILE or\n"
    "~/.config/aixin/session) is used.\n"
    "\n"
    "JSON output: one object for one record, an array for a list (the\n"
    "ledger is an object with its rows); keys are the protocol's field\n"
    "names; amounts are integers in fen (premium_fen);\n"
    "dates are \"YYYY-MM-DD\"; timestamps are ISO 8601 strings at UTC+08:00\n"
    "(Asia/Shanghai), e.g. \"2027-03-01T09:30:00+08:00\".\n"
    "\n"
    "Changes are sent with an idempotency key and retried with the same key\n"
    "(up to 4 attempts) when the server or the network fails, so a change\n"
    "is never made twice.\n"
    "\n"
    "Exit status:\n"
    "  0  done\n"
    "  1  rejected by the server or by a local check (bad ID number, date,\n"
    "     amount), or not logged in; CONFLICT: someone changed the record\n"
    "     first (show it again)\n"
    "  2  usage error (unknown option, missing option)\n"
    "  3  server or network unavailable, or the server failed; a change\n"
    "     that could not be sent is then saved to the offline spool (the\n"
    "     message says so) and `aixin sync` sends it later\n"
    "\n"
    "Environment: AIXIN_SERVER, AIXIN_USER, AIXIN_PASSWORD,\n"
    "AIXIN_NEW_PASSWORD, AIXIN_SESSION_FILE, AIXIN_CONFIG, AIXIN_SPOOL_DIR;\n"
    "TLS: AIXIN_CA_FILE (verify the server; turns TLS on), AIXIN_CERT_FILE and\n"
    "AIXIN_KEY_FILE (a client certificate that can log in by itself).\n");

static void main_print_help(void)
{
    fputs(_(usage_head), stdout);
    for (const cli_command_t *c = commands; c->name != NULL; c++) {
        if (c->verbs != NULL)
            cli_print_verbs(c->name, c->verbs);
        else
            printf("  %-22s %s\n", c->name, _(c->summary));
    }
    fputs(_(usage_tail), stdout);
}

/*
 * Whether a change made by this command waits in the offline spool when
 * the server cannot be reached (rpc.h). Not for the session commands,
 * which need the server, nor for those that send the spool or a file,
 * nor for claims: their paper dates default to the server's today, which
 * would be the day of the sync.
 */
static bool main_command_spools(const char *name)
{
    static const char *const online_only[] = {"login", "logout", "whoami",
                                              "spool", "sync", "import",
                                              "claim", "desk", "grievance",
                                              "alerts", "renew"};
    for (size_t i = 0; i < sizeof(online_only) / sizeof(online_only[0]); i++)
        if (strcmp(name, online_only[i]) == 0)
            return false;
    return true;
}

static const cli_command_t *main_find_command(const char *name)
{
    for (const cli_command_t *c = commands; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static cli_exit_t main_usage_error(const char *message, const char *word)
{
    fprintf(stderr, _("%s: %s '%s'\nTry '%s --help'.\n"), CLI_PROGRAM_NAME,
            message, word, CLI_PROGRAM_NAME);
    return CLI_EXIT_USAGE;
}

/*
 * "--format FORMAT" (or "--format=FORMAT") after the command, as people
 * also type it ("aixin policies --child ID --format json"): taken out of
 * the command's argv and applied like the global option. Not after "--",
 * and not for `report`, which parses its own --format.
 */
static cli_exit_t main_take_format(cli_context_t *ctx, int *argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        const char *value = NULL;
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--format") == 0) {
            if (i + 1 >= *argc)
                return main_usage_error(_("option needs a value:"), argv[i]);
            value = argv[++i];
        } else if (strncmp(argv[i], "--format=", 9) == 0) {
            value = argv[i] + 9;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (!output_format_parse(value, &ctx->format)) {
            if (cmd_report_format_known(value))
                return main_usage_error(
                    _("--format csv and html are for 'report', not"), argv[0]);
            return main_usage_error(_("--format must be table or json, not"),
                                    value);
        }
    }
    argv[out] = NULL;
    *argc = out;
    return CLI_EXIT_OK;
}

static cli_exit_t main_run(int argc, char **argv)
{
    static const struct option options[] = {
        {"server", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    cli_context_t ctx = {.server = NULL, .format = OUTPUT_FORMAT_TABLE};
    /* --format csv or html: formats of `report` only. */
    const char *report_format = NULL;
    opterr = 0;
    int c;
    /* '+': stop at the subcommand, whose options are its own. */
    while ((c = getopt_long(argc, argv, "+:s:f:hV", options, NULL)) != -1) {
        switch (c) {
        case 's':
            ctx.server = optarg;
            break;
        case 'f':
            report_format = NULL;
            if (output_format_parse(optarg, &ctx.format))
                break;
            if (!cmd_report_format_known(optarg))
                return main_usage_error(_("--format must be table, json, csv "
                                        "or html, not"),
                                        optarg);
            report_format = optarg;
            break;
        case 'h':
            main_print_help();
            return CLI_EXIT_OK;
        case 'V':
            printf("%s %s\n", CLI_PROGRAM_NAME, CLI_VERSION);
            return CLI_EXIT_OK;
        case ':':
            return main_usage_error(_("option needs a value:"), argv[optind - 1]);
        default:
            return main_usage_error(_("unknown option"), argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        fprintf(stderr, _("%s: missing command\nTry '%s --help'.\n"),
                CLI_PROGRAM_NAME, CLI_PROGRAM_NAME);
        return CLI_EXIT_USAGE;
    }
    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;

    /* "aixin help [COMMAND [VERB]]" is "aixin [COMMAND [VERB]] --help". */
    char help_flag[] = "--help";
    char *help_argv[4] = {NULL, NULL, NULL, NULL};
    if (strcmp(sub_argv[0], "help") == 0) {
        if (sub_argc == 1) {
            main_print_help();
            return CLI_EXIT_OK;
        }
        help_argv[0] = sub_argv[1];
        help_argv[1] = help_flag;
        int help_argc = 2;
        const cli_command_t *cmd = main_find_command(sub_argv[1]);
        if (cmd != NULL && cmd->verbs != NULL && sub_argc > 2) {
            help_argv[1] = sub_argv[2];
            help_argv[2] = help_flag;
            help_argc = 3;
        }
        sub_argc = help_argc;
        sub_argv = help_argv;
    }

    const cli_command_t *cmd = main_find_command(sub_argv[0]);
    if (cmd == NULL)
        return main_usage_error(_("unknown command"), sub_argv[0]);
    if (report_format != NULL && cmd->run != cmd_report)
        return main_usage_error(_("--format csv and html are for 'report', not"),
                                sub_argv[0]);
    /* export parses its own --format (csv, fhir). */
    if (cmd->run != cmd_report && cmd->run != cmd_export) {
        cli_exit_t rc = main_take_format(&ctx, &sub_argc, sub_argv);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    /* Tools reading JSON get the protocol's field paths in errors. */
    error_text_use_field_paths(ctx.format == OUTPUT_FORMAT_JSON);
    if (sodium_init() < 0)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot initialise libsodium"));
    rpc_offline_spool_enable(main_command_spools(cmd->name));
    if (cmd->verbs != NULL)
        return cli_dispatch_group(&ctx, cmd->name, cmd->verbs, sub_argc,
                                  sub_argv);
    if (report_format != NULL)
        return cmd_report_with_format(&ctx, report_format, sub_argc,
                                      sub_argv);
    return cmd->run(&ctx, sub_argc, sub_argv);
}

int main(int argc, char **argv)
{
    i18n_init();
    return (int)main_run(argc, argv);
}
