/*
 * aixin export policies|claims: a year's records for a partner's systems,
 * as CSV or a FHIR R4 Bundle; the options are read here, the export is
 * the core's (export_run.h), which the desk runs too.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_connect.h"
#include "commands.h"
#include "export_run.h"
#include "i18n.h"
#include "input_check.h"
#include "request_check.h"
#include "rpc.h"
#include "text_encoding.h"

#define EXPORT "export"

static const char *const export_help =
    N_("Usage: aixin export policies|claims --year YEAR [--division CODE]\n"
    "                    [--insurer CODE] --format csv|fhir [--output FILE]\n"
    "                    [--encoding ENC] [--page-size N]\n"
    "\n"
    "The records of one policy year for a partner's systems: one per\n"
    "policy (policies), or one per claim with its payouts (claims; a claim\n"
    "counts in its policy's year). Clerks and auditors export their\n"
    "division; an insurer's adjuster exports only its own insurer's\n"
    "records (naming another insurer is refused). ID numbers are whole for\n"
    "the city and county and township offices, masked (360821********123X)\n"
    "for auditors and adjusters. Every export is recorded in the audit log.\n"
    "\n"
    "Formats:\n"
    "  csv   RFC 4180: a header row (column keys; Chinese labels under a\n"
    "        zh_CN locale), money in yuan with two decimals, dates\n"
    "        YYYY-MM-DD; the columns are listed in docs/EXPORTS.md\n"
    "  fhir  one FHIR R4 Bundle (JSON, type collection): Coverage per\n"
    "        policy, Claim and ClaimResponse per claim, Patient for the\n"
    "        child, RelatedPerson for each guardian, Organization for the\n"
    "        insurer (and the township office of a claim)\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR       the policy year\n"
    "  -d, --division CODE   a county or township (6 or 9 digits); default\n"
    "                        your own division\n"
    "  -i, --insurer CODE    only this insurer's policies and claims\n"
    "  -f, --format FORMAT   csv or fhir\n"
    "  -o, --output FILE     write to FILE ('-' or none: standard output)\n"
    "      --encoding ENC    csv: utf-8 (the default), utf-8-bom, or gb18030\n"
    "                        for Excel on a Chinese Windows PC\n"
    "      --page-size N     records asked for at a time, 1-1000 (500)\n"
    "  -h, --help            show this help\n"
    "\n"
    "A progress bar shows on a terminal.\n"
    "\n"
    "Examples:\n"
    "  aixin export policies --year 2027 --format csv --output policies.csv\n"
    "  aixin export claims --year 2027 --insurer chinalife --format fhir "
    "-o claims.json\n");

enum {
    OPT_ENCODING = 256,
    OPT_PAGE_SIZE,
};

static cli_exit_t export_parse(int argc, char **argv, export_options_t *a,
                               bool *help_shown)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"division", required_argument, NULL, 'd'},
        {"insurer", required_argument, NULL, 'i'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *year = NULL, *format = NULL, *encoding = NULL, *page = NULL;
    memset(a, 0, sizeof(*a));
    a->page_size = REQUEST_EXPORT_LIMIT_DEFAULT;
    *help_shown = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:d:i:f:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'y': year = optarg; break;
        case 'd': a->division = optarg; break;
        case 'i': a->insurer = optarg; break;
        case 'f': format = optarg; break;
        case 'o': a->output = optarg; break;
        case OPT_ENCODING: encoding = optarg; break;
        case OPT_PAGE_SIZE: page = optarg; break;
        case 'h':
            fputs(_(export_help), stdout);
            *help_shown = true;
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(EXPORT, argv, c);
        }
    }
    if (optind >= argc)
        return cli_usage_error(EXPORT, _("missing KIND: policies or claims"));
    const char *kind = argv[optind++];
    cli_exit_t rc = cli_check_no_operands(EXPORT, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (strcmp(kind, "policies") == 0)
        a->kind = AIXIN__V1__EXPORT_KIND__EXPORT_KIND_POLICIES;
    else if (strcmp(kind, "claims") == 0)
        a->kind = AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS;
    else
        return cli_usage_error(EXPORT,
                               _("unknown KIND '%s' (policies or claims)"),
                               kind);
    if (format == NULL)
        return cli_usage_error(EXPORT, _("missing --format (csv or fhir)"));
    if (strcmp(format, "csv") == 0)
        a->format = EXPORT_FORMAT_CSV;
    else if (strcmp(format, "fhir") == 0)
        a->format = EXPORT_FORMAT_FHIR;
    else
        return cli_usage_error(EXPORT,
                               _("--format must be csv or fhir, not '%s'"),
                               format);
    if (encoding != NULL) {
        if (a->format != EXPORT_FORMAT_CSV)
            return cli_usage_error(EXPORT,
                                   _("--encoding is for --format csv (FHIR "
                                     "JSON is UTF-8)"));
        if (!text_encoding_parse(encoding, &a->encoding))
            return cli_usage_error(EXPORT,
                                   _("--encoding must be utf-8, utf-8-bom or "
                                     "gb18030, not '%s'"),
                                   encoding);
    }
    if (page != NULL) {
        int64_t n = 0;
        if (!cli_parse_int64(page, 1, REQUEST_EXPORT_LIMIT_MAX, &n))
            return cli_usage_error(EXPORT, _("--page-size must be 1-%d"),
                                   REQUEST_EXPORT_LIMIT_MAX);
        a->page_size = (uint32_t)n;
    }
    if (year == NULL)
        return cli_usage_error(EXPORT, _("missing --year"));
    rc = input_check_year(year, "policy_year", &a->year);
    if (rc == CLI_EXIT_OK && a->division != NULL)
        rc = input_check_division_code(a->division, "division_code");
    if (rc == CLI_EXIT_OK && a->insurer != NULL)
        rc = input_check_insurer_code(a->insurer, "insurer_code");
    return rc;
}

cli_exit_t cmd_export(const cli_context_t *ctx, int argc, char **argv)
{
    export_options_t a;
    bool help_shown;
    cli_exit_t rc = export_parse(argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    a.progress_bar = true;
    uint64_t written = 0;
    rc = export_run(client, &a, &written);
    rpc_client_close(client);
    if (rc == CLI_EXIT_OK && a.output != NULL && strcmp(a.output, "-") != 0)
        printf(_("%llu records written to %s\n"), (unsigned long long)written,
               a.output);
    return rc;
}
