/*
 * aixin export policies|claims: a year's records for a partner's systems,
 * as CSV or a FHIR R4 Bundle (export_file.h). The server answers a page
 * at a time; each page is written to the file before the next is asked
 * for, so a year of any size needs one page of memory here and on the
 * server. A file is written next to its name and renamed over it at the
 * end, so a failed export leaves no half file behind.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_connect.h"
#include "commands.h"
#include "export_file.h"
#include "i18n.h"
#include "input_check.h"
#include "progress.h"
#include "request_check.h"
#include "rpc.h"
#include "text_encoding.h"

#define EXPORT "export"
#define UTF8_BOM "\xEF\xBB\xBF"

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

typedef enum export_format {
    EXPORT_FORMAT_CSV = 0,
    EXPORT_FORMAT_FHIR,
    EXPORT_FORMAT_COUNT
} export_format_t;

typedef struct export_args {
    Aixin__V1__ExportKind kind;
    int32_t year;
    const char *division; /* NULL: the caller's */
    const char *insurer;  /* NULL: every insurer in scope */
    export_format_t format;
    const char *output;   /* NULL or "-": standard output */
    text_encoding_t encoding;
    uint32_t page_size;
} export_args_t;

static cli_exit_t export_parse(int argc, char **argv, export_args_t *a,
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

/* Where the records go: the file (a temporary one beside it until the
 * end) or standard output. */
typedef struct export_sink {
    FILE *out;
    char *temp_path; /* owned; NULL for standard output */
    const char *path;
    text_encoding_t encoding;
} export_sink_t;

static cli_exit_t sink_open(export_sink_t *s, const export_args_t *a)
{
    memset(s, 0, sizeof(*s));
    s->encoding = a->encoding;
    if (a->output == NULL || strcmp(a->output, "-") == 0) {
        s->out = stdout;
        return CLI_EXIT_OK;
    }
    s->path = a->output;
    size_t n = strlen(a->output) + 16;
    s->temp_path = malloc(n);
    if (s->temp_path == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    snprintf(s->temp_path, n, "%s.partial", a->output);
    s->out = fopen(s->temp_path, "wb");
    if (s->out == NULL) {
        int saved = errno;
        free(s->temp_path);
        s->temp_path = NULL;
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"),
                         a->output, strerror(saved));
    }
    return CLI_EXIT_OK;
}

/* Write UTF-8 bytes in the sink's encoding. */
static bool sink_write(export_sink_t *s, const char *data, size_t len)
{
    if (len == 0)
        return true;
    if (s->encoding != TEXT_ENCODING_GB18030)
        return fwrite(data, 1, len, s->out) == len;
    char *converted = NULL;
    size_t converted_len = 0;
    if (!text_encoding_from_utf8(s->encoding, data, len, &converted,
                                 &converted_len))
        return false;
    bool ok = fwrite(converted, 1, converted_len, s->out) == converted_len;
    free(converted);
    return ok;
}

/* Finish: on success rename the file into place; else remove it. */
static cli_exit_t sink_close(export_sink_t *s, cli_exit_t rc)
{
    if (s->out == NULL)
        return rc;
    bool ok = rc == CLI_EXIT_OK && fflush(s->out) == 0 && !ferror(s->out);
    int saved = errno;
    if (s->temp_path == NULL) {
        if (rc == CLI_EXIT_OK && !ok)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write the output"));
        return rc;
    }
    if (ok && fsync(fileno(s->out)) != 0) {
        ok = false;
        saved = errno;
    }
    if (fclose(s->out) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(s->temp_path, s->path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        remove(s->temp_path);
        if (rc == CLI_EXIT_OK)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"),
                           s->path, strerror(saved));
    }
    free(s->temp_path);
    s->temp_path = NULL;
    return rc;
}

/* One page from the server. */
static cli_exit_t export_fetch(rpc_client_t *client, const export_args_t *a,
                               int64_t after_id, Aixin__V1__Response **out)
{
    Aixin__V1__ExportRecords body = AIXIN__V1__EXPORT_RECORDS__INIT;
    body.kind = a->kind;
    body.policy_year = a->year;
    body.division_code = (char *)(a->division ? a->division : "");
    body.insurer_code = (char *)(a->insurer ? a->insurer : "");
    body.after_id = after_id;
    body.limit = a->page_size;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_EXPORT_RECORDS;
    req.export_records = &body;
    cli_exit_t rc = rpc_client_call(client, &req,
                                    AIXIN__V1__RESPONSE__BODY_EXPORT_PAGE, out);
    if (rc == CLI_EXIT_OK && (*out)->export_page == NULL) {
        aixin__v1__response__free_unpacked(*out, NULL);
        *out = NULL;
        return cli_error(CLI_EXIT_UNAVAILABLE, _("the server sent no records"));
    }
    return rc;
}

/* The page's records (and on the first page the file's head) as UTF-8
 * in `mem`. False when memory runs out. */
static bool export_render_page(const export_args_t *a,
                               const Aixin__V1__ExportPage *page, bool first,
                               export_fhir_t *fhir, FILE *mem)
{
    bool ok = true;
    if (a->format == EXPORT_FORMAT_CSV) {
        if (first)
            export_csv_header(a->kind, mem);
        for (size_t i = 0; i < page->n_policies; i++)
            export_csv_policy(page->policies[i], mem);
        for (size_t i = 0; i < page->n_claims; i++)
            export_csv_claim(page->claims[i], mem);
        return true;
    }
    if (first)
        export_fhir_begin(fhir, page, mem);
    for (size_t i = 0; ok && i < page->n_policies; i++)
        ok = export_fhir_policy(fhir, page->policies[i], mem);
    for (size_t i = 0; ok && i < page->n_claims; i++)
        ok = export_fhir_claim(fhir, page->claims[i], mem);
    if (ok && page->done)
        export_fhir_end(fhir, mem);
    return ok;
}

static cli_exit_t export_run(rpc_client_t *client, const export_args_t *a,
                             export_sink_t *sink, uint64_t *written)
{
    int64_t after = 0;
    bool first = true, done = false;
    export_fhir_t *fhir = NULL;
    progress_t bar = {0};
    cli_exit_t rc = CLI_EXIT_OK;
    *written = 0;
    if (sink->encoding == TEXT_ENCODING_UTF8_BOM &&
        !sink_write(sink, UTF8_BOM, 3))
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write the output"));
    while (!done && rc == CLI_EXIT_OK) {
        Aixin__V1__Response *resp = NULL;
        rc = export_fetch(client, a, after, &resp);
        if (rc != CLI_EXIT_OK)
            break;
        const Aixin__V1__ExportPage *page = resp->export_page;
        size_t n = page->n_policies + page->n_claims;
        if (first) {
            progress_start(&bar, page->total > 0 ? (uint64_t)page->total : 0);
            if (a->format == EXPORT_FORMAT_FHIR &&
                (fhir = export_fhir_new(page->ids_masked)) == NULL)
                rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
        }
        /* A page that neither ends the export nor moves on would repeat
         * for ever. */
        done = page->done || n == 0;
        if (rc == CLI_EXIT_OK && !done && page->next_after_id <= after)
            rc = cli_error(CLI_EXIT_UNAVAILABLE,
                           _("the server's export does not move on"));
        char *data = NULL;
        size_t len = 0;
        FILE *mem = rc == CLI_EXIT_OK ? open_memstream(&data, &len) : NULL;
        if (rc == CLI_EXIT_OK && mem == NULL)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
        if (mem != NULL) {
            /* The last page closes the Bundle even when it is empty. */
            Aixin__V1__ExportPage closing = *page;
            closing.done = done;
            bool rendered = export_render_page(a, &closing, first, fhir, mem);
            bool ok = fclose(mem) == 0 && rendered;
            if (!ok)
                rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
            else if (!sink_write(sink, data, len))
                rc = cli_error(CLI_EXIT_UNAVAILABLE,
                               _("cannot write the export in %s"),
                               text_encoding_name(sink->encoding));
            free(data);
        }
        *written += n;
        after = page->next_after_id;
        first = false;
        progress_update(&bar, *written);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    if (!first)
        progress_finish(&bar);
    export_fhir_free(fhir);
    return rc;
}

cli_exit_t cmd_export(const cli_context_t *ctx, int argc, char **argv)
{
    export_args_t a;
    bool help_shown;
    cli_exit_t rc = export_parse(argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    export_sink_t sink;
    rc = sink_open(&sink, &a);
    uint64_t written = 0;
    if (rc == CLI_EXIT_OK)
        rc = export_run(client, &a, &sink, &written);
    rc = sink_close(&sink, rc);
    rpc_client_close(client);
    if (rc == CLI_EXIT_OK && sink.path != NULL)
        printf(_("%llu records written to %s\n"), (unsigned long long)written,
               sink.path);
    return rc;
}
