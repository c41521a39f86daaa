/* aixin report: the city's indicators per division and policy year, as a
 * table, CSV, JSON or an HTML page with charts. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "report_data.h"
#include "report_html.h"
#include "rpc.h"
#include "text_encoding.h"
#include "i18n.h"

#define REPORT "report"
/* Policy years are 2000-2100: a range's trend asks for at most 101. */
#define REPORT_MAX_YEARS 101
#define REPORT_FILE_NAME_SIZE 64

static const char *const report_help =
    /* xgettext:no-c-format */
    N_("Usage: aixin report KIND [--year YEAR | --from YEAR --to YEAR]\n"
    "                         [--division CODE] [--format FORMAT]\n"
    "                         [--output FILE] [--bom] [--encoding ENC]\n"
    "\n"
    "The programme's indicators for a division and the divisions directly\n"
    "below it (a row each; every parent row is the sum of its children),\n"
    "for one policy year or a range of years. A claim counts in the policy\n"
    "year of its policy. KIND and the columns of each row (besides\n"
    "division, name and level):\n"
    "  enrollment  eligible_households, insured_households, policies,\n"
    "              enrollment_rate (insured / eligible households)\n"
    "  funding     premium_fen; city_, county_ and township_owed_fen and\n"
    "              _paid_fen; outstanding_fen\n"
    "  claims      claims_filed, claims_paid, paid_fen, premium_fen,\n"
    "              payout_ratio (insurers' payouts / premiums),\n"
    "              supplementary_fen (the city's, apart), households paid\n"
    "              500 or 3,000 yuan at once, households paid for a death\n"
    "  service     same_day_, seven_day_ and fifteen_day_total and _on_time;\n"
    "              home_delivery_required, home_delivery_done, visits_done,\n"
    "              overdue_now\n"
    "  insurers    one row per insurer: policies, premium_fen, paid_fen,\n"
    "              payout_ratio, share_of_policies\n"
    "  assessment  one row per county: enrollment_rate, meets_target (rate\n"
    "              of 90% or more), points (10 when met); then, year by\n"
    "              year with the year settings, assessment_points and\n"
    "              weighted_score (points x the insurance item's weight)\n"
    "  grievances  grievances received in the years: filed, answered,\n"
    "              answered_on_time, open (not closed), open_overdue (not\n"
    "              answered, past the deadline today)\n"
    "  post-audit  the division's total, then one row per insurer: sampled,\n"
    "              reviewed, ok, with_recovery, sampled_paid_fen,\n"
    "              recovered_fen (adjusters: their insurer only)\n"
    "Township and county clerks and auditors see their own division and\n"
    "those below it; the city administrator every division.\n"
    "\n"
    "Formats (--format here, or the global --format before `report`):\n"
    "  table  aligned columns (the default): money in yuan with two\n"
    "         decimals (titles without _fen), rates as percentages with two\n"
    "         decimals, yes/no, '-' for null\n"
    "  csv    RFC 4180, UTF-8 (a byte order mark only with --bom): a header\n"
    "         row of the column keys, money in fen, rates as fractions with\n"
    "         four decimals (0.9378), true/false, an empty field for null\n"
    "  json   one array of objects keyed by the column keys: integers\n"
    "         (money in fen), rates as numbers with four decimals, true/\n"
    "         false, null; stable for scripts\n"
    "  html   one self-contained page to view offline and print on A4: the\n"
    "         title, charts (enrollment rate against the 90% target, payout\n"
    "         ratios, shares owed and paid by level, service on time,\n"
    "         county points), with --from/--to a trend across the years,\n"
    "         and the table. Written to --output, by default\n"
    "         report-KIND-YEARS.html\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR       one policy year\n"
    "      --from YEAR       first policy year of a range (with --to)\n"
    "      --to YEAR         last policy year of a range; the figures cover\n"
    "                        every year in it\n"
    "  -d, --division CODE   the city, a county or a township (6 or 9\n"
    "                        digits); default your own division\n"
    "  -f, --format FORMAT   table, csv, json or html\n"
    "  -o, --output FILE     write to FILE instead of standard output ('-':\n"
    "                        standard output, also for html)\n"
    "      --bom             csv: start with a UTF-8 byte order mark\n"
    "      --encoding ENC    csv: utf-8 (the default), utf-8-bom, or gb18030\n"
    "                        for Excel on a Chinese Windows PC\n"
    "  -h, --help            show this help\n"
    "\n"
    "Examples:\n"
    "  aixin report enrollment --year 2027\n"
    "  aixin report claims --from 2025 --to 2027 --division 360821 "
    "--format csv\n"
    "  aixin --format html report assessment --from 2025 --to 2027\n");

enum {
    OPT_FROM = 256,
    OPT_TO,
    OPT_BOM,
    OPT_ENCODING,
};

typedef struct report_args {
    Aixin__V1__ReportKind kind;
    const char *kind_name;
    int32_t year_from;
    int32_t year_to;
    const char *division; /* NULL: the caller's own */
    report_format_t format;
    const char *output;   /* NULL: standard output, or html's default */
    bool bom;
    text_encoding_t encoding; /* csv: what the file is written in */
} report_args_t;

bool cmd_report_format_known(const char *name)
{
    report_format_t f;
    return report_format_parse(name, &f);
}

/* The options; checks what can be checked before connecting. */
static cli_exit_t report_parse(const cli_context_t *ctx,
                               const char *global_format, int argc,
                               char **argv, report_args_t *a,
                               bool *help_shown)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"division", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"bom", no_argument, NULL, OPT_BOM},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *year_text = NULL;
    const char *from_text = NULL;
    const char *to_text = NULL;
    const char *format_text = global_format;
    const char *encoding_text = NULL;
    memset(a, 0, sizeof(*a));
    a->format = ctx->format == OUTPUT_FORMAT_JSON ? REPORT_FORMAT_JSON
                                                  : REPORT_FORMAT_TABLE;
    *help_shown = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:d:f:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case OPT_FROM:
            from_text = optarg;
            break;
        case OPT_TO:
            to_text = optarg;
            break;
        case 'd':
            a->division = optarg;
            break;
        case 'f':
            format_text = optarg;
            break;
        case 'o':
            a->output = optarg;
            break;
        case OPT_BOM:
            a->bom = true;
            break;
        case OPT_ENCODING:
            encoding_text = optarg;
            break;
        case 'h':
            fputs(_(report_help), stdout);
            *help_shown = true;
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(REPORT, argv, c);
        }
    }
    if (optind >= argc)
        return cli_usage_error(REPORT,
                               _("missing KIND: enrollment, funding, claims, "
                               "service, insurers, assessment, grievances or post-audit"));
    a->kind_name = argv[optind++];
    cli_exit_t rc = cli_check_no_operands(REPORT, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    a->kind = report_kind_parse(a->kind_name);
    if (a->kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED)
        return cli_usage_error(REPORT,
                               _("unknown KIND '%s' (enrollment, funding, "
                               "claims, service, insurers, assessment, "
                               "grievances or post-audit)"),
                               a->kind_name);
    if (format_text != NULL && !report_format_parse(format_text, &a->format))
        return cli_usage_error(REPORT,
                               _("--format must be table, csv, json or html, "
                               "not '%s'"),
                               format_text);
    if (a->bom && a->format != REPORT_FORMAT_CSV)
        return cli_usage_error(REPORT, _("--bom is for --format csv"));
    if (encoding_text != NULL) {
        if (a->format != REPORT_FORMAT_CSV)
            return cli_usage_error(REPORT, _("--encoding is for --format csv"));
        if (!text_encoding_parse(encoding_text, &a->encoding))
            return cli_usage_error(REPORT,
                                   _("--encoding must be utf-8, utf-8-bom or "
                                     "gb18030, not '%s'"),
                                   encoding_text);
        if (a->bom && a->encoding == TEXT_ENCODING_GB18030)
            return cli_usage_error(REPORT,
                                   _("--bom is for UTF-8, not gb18030"));
        if (a->encoding == TEXT_ENCODING_UTF8_BOM)
            a->bom = true;
    }
    if (year_text != NULL && (from_text != NULL || to_text != NULL))
        return cli_usage_error(REPORT, _("give --year or --from and --to, not "
                                       "both"));
    if (year_text == NULL && from_text == NULL && to_text == NULL)
        return cli_usage_error(REPORT, _("missing --year (or --from and --to)"));
    if (year_text == NULL && (from_text == NULL || to_text == NULL))
        return cli_usage_error(REPORT, from_text == NULL ? _("missing --from")
                                                         : _("missing --to"));
    if (year_text != NULL) {
        rc = input_check_year(year_text, "year_from", &a->year_from);
        a->year_to = a->year_from;
    } else {
        rc = input_check_year(from_text, "year_from", &a->year_from);
        if (rc == CLI_EXIT_OK)
            rc = input_check_year(to_text, "year_to", &a->year_to);
        if (rc == CLI_EXIT_OK && a->year_to < a->year_from)
            rc = cli_reject_input("year_to", _("--to %d is before --from %d"),
                                  (int)a->year_to, (int)a->year_from);
        if (rc == CLI_EXIT_OK &&
            a->year_to - a->year_from >= REPORT_MAX_YEARS)
            rc = cli_reject_input("year_to",
                                  _("a range covers at most %d years"),
                                  REPORT_MAX_YEARS);
    }
    if (rc == CLI_EXIT_OK && a->division != NULL)
        rc = input_check_division_code(a->division, "division_code");
    return rc;
}

/* One GetReport; on success *out holds the response with its table. */
static cli_exit_t report_fetch(rpc_client_t *client, const report_args_t *a,
                               int32_t from, int32_t to,
                               Aixin__V1__Response **out)
{
    Aixin__V1__GetReport body = AIXIN__V1__GET_REPORT__INIT;
    body.kind = a->kind;
    body.year_from = from;
    body.year_to = to;
    if (a->division != NULL)
        body.division_code = (char *)a->division;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_GET_REPORT;
    req.get_report = &body;
    cli_exit_t rc =
        rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_REPORT, out);
    if (rc == CLI_EXIT_OK && (*out)->report == NULL) {
        aixin__v1__response__free_unpacked(*out, NULL);
        *out = NULL;
        return cli_error(CLI_EXIT_UNAVAILABLE, _("the server sent no report"));
    }
    return rc;
}

/* The name of division `code` from the division list, for a page whose
 * rows do not hold it (insurers). *resp keeps the name alive; NULL name
 * when the list does not have it. */
static const char *division_name_lookup(rpc_client_t *client,
                                        const char *code,
                                        Aixin__V1__Response **resp)
{
    Aixin__V1__ListDivisions body = AIXIN__V1__LIST_DIVISIONS__INIT;
    body.root_code = (char *)code;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_DIVISIONS;
    req.list_divisions = &body;
    *resp = NULL;
    if (code == NULL || code[0] == '\0' ||
        rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_DIVISIONS,
                        resp) != CLI_EXIT_OK)
        return NULL; /* the page then shows the code alone */
    const Aixin__V1__DivisionList *list = (*resp)->divisions;
    for (size_t i = 0; list != NULL && i < list->n_divisions; i++)
        if (strcmp(list->divisions[i]->code, code) == 0)
            return list->divisions[i]->name;
    return NULL;
}

/* Write the rendered bytes to `path` (NULL or "-": standard output). */
static cli_exit_t report_write(const char *path, const char *data,
                               size_t len)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write the output"));
        return CLI_EXIT_OK;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"), path,
                         strerror(errno));
    bool ok = fwrite(data, 1, len, f) == len;
    int saved = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        remove(path);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"), path,
                         strerror(saved));
    }
    printf(_("report written to %s\n"), path);
    if (fflush(stdout) != 0)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write the output"));
    return CLI_EXIT_OK;
}

/* The pages's default file: report-KIND-YEAR.html, or -FROM-TO. */
static void default_file_name(const report_args_t *a,
                              char out[REPORT_FILE_NAME_SIZE])
{
    if (a->year_from == a->year_to)
        snprintf(out, REPORT_FILE_NAME_SIZE, "report-%s-%d.html",
                 a->kind_name, (int)a->year_from);
    else
        snprintf(out, REPORT_FILE_NAME_SIZE, "report-%s-%d-%d.html",
                 a->kind_name, (int)a->year_from, (int)a->year_to);
}

/*
 * Fetch what the format needs and render it. For html with a range, the
 * report of each year too (the trend), and the division's name when no
 * row holds it.
 */
static cli_exit_t report_run(rpc_client_t *client, const report_args_t *a)
{
    Aixin__V1__Response *whole = NULL;
    cli_exit_t rc = report_fetch(client, a, a->year_from, a->year_to, &whole);
    if (rc != CLI_EXIT_OK)
        return rc;
    const Aixin__V1__ReportTable *table = whole->report;
    size_t n_years = 0;
    Aixin__V1__Response *yearly[REPORT_MAX_YEARS] = {NULL};
    const Aixin__V1__ReportTable *years[REPORT_MAX_YEARS] = {NULL};
    Aixin__V1__Response *divisions = NULL;
    const char *division_name = NULL;
    if (a->format == REPORT_FORMAT_HTML) {
        if (a->year_to > a->year_from) {
            for (int32_t y = a->year_from; y <= a->year_to && rc == CLI_EXIT_OK; y++) {
                rc = report_fetch(client, a, y, y, &yearly[n_years]);
                if (rc == CLI_EXIT_OK) {
                    years[n_years] = yearly[n_years]->report;
                    n_years++;
                }
            }
        }
        division_name = report_html_division_name(table);
        if (rc == CLI_EXIT_OK && division_name == NULL)
            division_name =
                division_name_lookup(client, table->division_code, &divisions);
    }

    char *data = NULL;
    size_t len = 0;
    FILE *mem = rc == CLI_EXIT_OK ? open_memstream(&data, &len) : NULL;
    if (rc == CLI_EXIT_OK && mem == NULL)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    if (mem != NULL) {
        bool rendered = true;
        switch (a->format) {
        case REPORT_FORMAT_CSV:
            report_csv_render(table, a->bom, mem);
            break;
        case REPORT_FORMAT_JSON:
            report_json_render(table, mem);
            break;
        case REPORT_FORMAT_HTML: {
            report_html_t page = {
                .table = table,
                .years = n_years > 0 ? years : NULL,
                .n_years = n_years,
                .division_name = division_name,
                .generated_at = (int64_t)time(NULL),
            };
            rendered = report_html_render(&page, mem);
            break;
        }
        case REPORT_FORMAT_TABLE:
        case REPORT_FORMAT_COUNT:
        default:
            rendered = report_table_render(table, mem);
            break;
        }
        bool written = !ferror(mem);
        if (fclose(mem) != 0)
            written = false;
        if (!rendered)
            rc = CLI_EXIT_UNAVAILABLE; /* reported */
        else if (!written || data == NULL)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
        if (rc == CLI_EXIT_OK && a->format == REPORT_FORMAT_CSV &&
            a->encoding == TEXT_ENCODING_GB18030) {
            char *converted = NULL;
            size_t converted_len = 0;
            if (text_encoding_from_utf8(a->encoding, data, len, &converted,
                                        &converted_len)) {
                free(data);
                data = converted;
                len = converted_len;
            } else {
                rc = cli_error(CLI_EXIT_UNAVAILABLE,
                               _("cannot write the report in %s"),
                               text_encoding_name(a->encoding));
            }
        }
        if (rc == CLI_EXIT_OK) {
            char file[REPORT_FILE_NAME_SIZE];
            const char *path = a->output;
            if (path == NULL && a->format == REPORT_FORMAT_HTML) {
                default_file_name(a, file);
                path = file;
            }
            rc = report_write(path, data, len);
        }
        free(data);
    }
    for (size_t i = 0; i < n_years; i++)
        aixin__v1__response__free_unpacked(yearly[i], NULL);
    if (divisions != NULL)
        aixin__v1__response__free_unpacked(divisions, NULL);
    aixin__v1__response__free_unpacked(whole, NULL);
    return rc;
}

cli_exit_t cmd_report_with_format(const cli_context_t *ctx,
                                  const char *format, int argc, char **argv)
{
    report_args_t a;
    bool help_shown;
    cli_exit_t rc = report_parse(ctx, format, argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = report_run(client, &a);
    rpc_client_close(client);
    return rc;
}

cli_exit_t cmd_report(const cli_context_t *ctx, int argc, char **argv)
{
    return cmd_report_with_format(ctx, NULL, argc, argv);
}
