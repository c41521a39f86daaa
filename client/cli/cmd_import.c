/* aixin import enrollments: a CSV file of enrollments, in batches. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "i18n.h"
#include "commands.h"
#include "import_run.h"
#include "import_send.h"
#include "rpc.h"

#define IMPORT_COMMAND "import enrollments"
#define IMPORT_DEFAULT_BATCH IMPORT_RUN_DEFAULT_BATCH
#define IMPORT_MAX_BATCH IMPORT_RUN_MAX_BATCH
#define IMPORT_MAX_PATIENCE_S 86400

static const char enrollments_help[] = N_(
    "Usage: aixin import enrollments FILE.csv [--batch N] [--patience S]\n"
    "                                [--errors FILE.errors.csv]\n"
    "\n"
    "Enroll the children listed in a CSV file (UTF-8, a header row, a byte\n"
    "order mark accepted). Required columns, in any order (others are\n"
    "ignored): policy_year, township (9 digits), household_kind (only_child\n"
    "or two_daughters), certificate_no, guardian_id, guardian_name,\n"
    "child_id, child_name, child_sex (M or F), child_birth_date\n"
    "(YYYY-MM-DD).\n"
    "\n"
    "A household is found by its certificate number (same township and\n"
    "kind, and the row's guardian one of its guardians) or registered with\n"
    "that guardian; a child is found by ID number or added; then the child\n"
    "is enrolled for the year. The file is applied as if row after row:\n"
    "when two rows name the same child, the first one wins and the later\n"
    "one is refused. Each row is checked here first; bad rows (and a row\n"
    "repeated word for word) are not sent. The others travel in batches,\n"
    "each row with an idempotency key made from its contents, the account\n"
    "and the year (not from the server's address), so running the same file\n"
    "again (after an interruption, or with some rows corrected) never\n"
    "enrolls anyone twice: rows done before come back as \"already done\".\n"
    "The rows a database acknowledged as done are remembered in\n"
    "FILE.csv.aixin-progress and not sent again while the server works on\n"
    "that same database (not after it was replaced or restored).\n"
    "\n"
    "When the server or its database is unreachable, the import waits and\n"
    "retries; it gives up only after --patience seconds without any answer.\n"
    "\n"
    "Rows refused (here or by the server) are written to the error file:\n"
    "line, reason, field, then the row's own columns. A progress bar is\n"
    "shown when stderr is a terminal; a summary is printed at the end: each\n"
    "row is done, refused, or not done (never sent, or sent without an\n"
    "answer: it may have been done; running the same command again is safe).\n"
    "\n"
    "Exit status: 0 every row enrolled or already done; 1 some rows\n"
    "refused; 2 usage (a required column missing); 3 the server stayed\n"
    "unreachable (run the same command again to go on).\n"
    "\n"
    "Options:\n"
    "  -b, --batch N           rows per request, 1-1000 (default 500)\n"
    "  -p, --patience S        seconds without an answer before giving up,\n"
    "                          1-86400 (default 120)\n"
    "  -e, --errors FILE       the error file (default: FILE.errors.csv,\n"
    "                          next to FILE.csv)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Example:\n"
    "  aixin import enrollments 2027-dunhou.csv\n");

/* FILE.csv -> FILE.errors.csv (FILE.errors.csv next to other names). */
static char *default_errors_path(const char *csv)
{
    size_t len = strlen(csv);
    if (len > 4 && strcmp(csv + len - 4, ".csv") == 0)
        len -= 4;
    char *p = malloc(len + sizeof(".errors.csv"));
    if (p != NULL) {
        memcpy(p, csv, len);
        memcpy(p + len, ".errors.csv", sizeof(".errors.csv"));
    }
    return p;
}

/* The summary: every row counted once, by its final state. */
static void print_summary(const import_run_result_t *r, const char *errors_path)
{
    size_t refused = r->n_refused_here + r->n_refused_server;
    size_t not_done = r->n_unknown + r->n_unsent;
    printf(_("rows read:     %zu\n"), r->n_records);
    printf(_("enrolled now:  %zu\n"), r->n_enrolled);
    printf(_("already done:  %zu (%zu answered as done before, %zu skipped "
             "as acknowledged by this database in an earlier run)\n"),
           r->n_replayed + r->n_skipped, r->n_replayed, r->n_skipped);
    printf(_("refused:       %zu (%zu by the checks here, %zu by the "
             "server)\n"),
           refused, r->n_refused_here, r->n_refused_server);
    if (not_done > 0)
        printf(_("not done:      %zu (%zu sent without an answer: they may "
                 "have been done; %zu not sent); running the same command "
                 "again is safe\n"),
               not_done, r->n_unknown, r->n_unsent);
    printf(_("errors:        %s\n"), refused > 0 ? errors_path : _("none"));
}

typedef struct import_options {
    const char *file;
    const char *errors;
    size_t batch;
    unsigned patience_s;
} import_options_t;

static cli_exit_t parse_options(int argc, char **argv, import_options_t *o,
                                bool *done)
{
    static const struct option options[] = {
        {"batch", required_argument, NULL, 'b'},
        {"patience", required_argument, NULL, 'p'},
        {"errors", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *done = false;
    o->batch = IMPORT_DEFAULT_BATCH;
    o->patience_s = IMPORT_SEND_DEFAULT_PATIENCE_S;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":b:p:e:h", options, NULL)) != -1) {
        int64_t n;
        switch (c) {
        case 'b':
            if (!cli_parse_int64(optarg, 1, IMPORT_MAX_BATCH, &n))
                return cli_usage_error(IMPORT_COMMAND,
                                       _("--batch must be 1-%d, not '%s'"),
                                       IMPORT_MAX_BATCH, optarg);
            o->batch = (size_t)n;
            break;
        case 'p':
            if (!cli_parse_int64(optarg, 1, IMPORT_MAX_PATIENCE_S, &n))
                return cli_usage_error(IMPORT_COMMAND,
                                       _("--patience must be 1-%d seconds, "
                                         "not '%s'"),
                                       IMPORT_MAX_PATIENCE_S, optarg);
            o->patience_s = (unsigned)n;
            break;
        case 'e':
            o->errors = optarg;
            break;
        case 'h':
            fputs(_(enrollments_help), stdout);
            *done = true;
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(IMPORT_COMMAND, argv, c);
        }
    }
    if (optind >= argc)
        return cli_usage_error(IMPORT_COMMAND, _("missing FILE.csv"));
    if (optind + 1 < argc)
        return cli_usage_error(IMPORT_COMMAND, _("one file at a time, not '%s'"),
                               argv[optind + 1]);
    o->file = argv[optind];
    return CLI_EXIT_OK;
}

static cli_exit_t connect_session(void *ctx, rpc_client_t **client)
{
    return cli_connect(ctx, client);
}

static cli_exit_t import_enrollments(const cli_context_t *ctx, int argc,
                                     char **argv)
{
    import_options_t o = {0};
    bool done;
    cli_exit_t rc = parse_options(argc, argv, &o, &done);
    if (rc != CLI_EXIT_OK || done)
        return rc;
    char *errors_path = o.errors != NULL ? strdup(o.errors)
                                         : default_errors_path(o.file);
    if (errors_path == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    import_run_options_t run = {.csv_path = o.file,
                                .errors_path = errors_path,
                                .batch_rows = o.batch,
                                .patience_s = o.patience_s,
                                .progress_bar = true,
                                .connect = connect_session,
                                .ctx = (void *)ctx};
    import_run_result_t result;
    rc = import_run(&run, &result);
    if (result.counted)
        print_summary(&result, errors_path);
    import_run_result_free(&result);
    free(errors_path);
    return rc;
}

const cli_command_t cmd_import_verbs[] = {
    {"enrollments", N_("enroll the children of a CSV file"), import_enrollments,
     NULL},
    {NULL, NULL, NULL, NULL},
};
