/* aixin import enrollments: a CSV file of enrollments, in batches. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_connect.h"
#include "commands.h"
#include "import_csv.h"
#include "import_resume.h"
#include "import_row.h"
#include "import_send.h"
#include "names.h"
#include "progress.h"
#include "rpc.h"
#include "server_text.h"
#include "error_text.h"

#define IMPORT_COMMAND "import enrollments"
#define IMPORT_DEFAULT_BATCH 500
#define IMPORT_MAX_BATCH 1000

static const char enrollments_help[] =
    "Usage: aixin import enrollments FILE.csv [--batch N]\n"
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
    "is enrolled for the year. Each row is checked here first; bad rows are\n"
    "not sent. The others travel in batches, each row with an idempotency\n"
    "key made from its contents, so running the same file again (after an\n"
    "interruption, or with some rows corrected) never enrolls anyone twice:\n"
    "rows done before come back as \"already done\". The rows acknowledged\n"
    "at the start of the file are remembered in FILE.csv.aixin-progress and\n"
    "not sent again while the file is unchanged.\n"
    "\n"
    "Rows refused (here or by the server) are written to the error file:\n"
    "line, reason, field, then the row's own columns. A progress bar is\n"
    "shown when stderr is a terminal; a summary is printed at the end.\n"
    "\n"
    "Exit status: 0 every row enrolled or already done; 1 some rows\n"
    "refused; 2 usage (a required column missing); 3 the server became\n"
    "unreachable (run the same command again to go on).\n"
    "\n"
    "Options:\n"
    "  -b, --batch N           rows per request, 1-1000 (default 500)\n"
    "  -e, --errors FILE       the error file (default: FILE.errors.csv,\n"
    "                          next to FILE.csv)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Example:\n"
    "  aixin import enrollments 2027-dunhou.csv\n";

/* A refused row, for the error file. */
typedef struct import_error {
    uint32_t line;
    size_t record;
    char *reason; /* owned */
    char field[IMPORT_FIELD_SIZE];
} import_error_t;

typedef struct import_run {
    const import_file_t *file;
    import_item_t *items;
    size_t n_items;
    long *item_of;            /* per record: its item, or -1 when bad */
    import_error_t *errors;
    size_t n_errors, cap_errors;
    size_t n_bad_local;
    import_resume_t resume;
    bool resume_ok;
    size_t prefix_next;       /* the next record the prefix looks at */
    bool oom;
} import_run_t;

static void run_add_error(import_run_t *run, size_t record, const char *reason,
                          const char *field)
{
    if (run->n_errors == run->cap_errors) {
        size_t cap = run->cap_errors == 0 ? 16 : run->cap_errors * 2;
        import_error_t *e = realloc(run->errors, cap * sizeof(*e));
        if (e == NULL) {
            run->oom = true;
            return;
        }
        run->errors = e;
        run->cap_errors = cap;
    }
    import_error_t *e = &run->errors[run->n_errors];
    e->reason = strdup(reason);
    if (e->reason == NULL) {
        run->oom = true;
        return;
    }
    e->line = run->file->records[record].line;
    e->record = record;
    snprintf(e->field, sizeof(e->field), "%s", field);
    run->n_errors++;
}

static void on_refused(void *ctx, const import_item_t *item,
                       const Aixin__V1__Error *e)
{
    import_run_t *run = ctx;
    char message[2 * IMPORT_REASON_SIZE];
    char reason[3 * IMPORT_REASON_SIZE];
    const char *code = names_error_code(e->code);
    server_text_translate(e->message != NULL ? e->message : "", message,
                          sizeof(message));
    snprintf(reason, sizeof(reason), "%s: %s (%s)", code != NULL ? code : "ERROR",
             message, error_text_reason(e->code));
    run_add_error(run, item->record, reason,
                  import_row_column_of(e->field != NULL ? e->field : ""));
}

/* Move the acknowledged prefix on as far as it goes; save it when due. */
static void run_advance_prefix(import_run_t *run, bool save_now)
{
    if (!run->resume_ok)
        return;
    for (; run->prefix_next < run->file->n_records; run->prefix_next++) {
        size_t r = run->prefix_next;
        long i = run->item_of[r];
        const uint8_t *key = NULL;
        if (i >= 0) {
            uint8_t st = run->items[i].status;
            if (st != IMPORT_ENROLLED && st != IMPORT_REPLAYED &&
                st != IMPORT_SKIPPED)
                break;
            key = run->items[i].row.key;
        }
        import_resume_add(&run->resume, run->file->records[r].line, key);
    }
    if (!import_resume_save(&run->resume, save_now)) {
        cli_warn("cannot write %s (the next run sends every row again)",
                 run->resume.path);
        run->resume_ok = false; /* said once */
    }
}

static void on_answered(void *ctx)
{
    run_advance_prefix(ctx, false);
}

/* Check and key every record; bad ones go to the error list. */
static cli_exit_t run_build_rows(import_run_t *run, const char *server,
                                 const char *username)
{
    const import_file_t *f = run->file;
    run->items = calloc(f->n_records + 1, sizeof(*run->items));
    run->item_of = calloc(f->n_records + 1, sizeof(*run->item_of));
    if (run->items == NULL || run->item_of == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
    for (size_t r = 0; r < f->n_records; r++) {
        char reason[IMPORT_REASON_SIZE];
        char field[IMPORT_FIELD_SIZE];
        import_item_t *it = &run->items[run->n_items];
        if (import_row_build(f, &f->records[r], server, username, &it->row,
                             reason, field)) {
            it->record = r;
            run->item_of[r] = (long)run->n_items++;
        } else {
            run->item_of[r] = -1;
            run->n_bad_local++;
            char shown[2 * IMPORT_REASON_SIZE]; /* in the user's language */
            server_text_translate(reason, shown, sizeof(shown));
            run_add_error(run, r, shown, field);
        }
        if (run->oom)
            return cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
    }
    return CLI_EXIT_OK;
}

/* Skip the prefix an earlier run had acknowledged, if the file matches. */
static size_t run_apply_resume(import_run_t *run)
{
    size_t claimed;
    uint8_t want[IMPORT_RESUME_DIGEST_SIZE];
    if (!run->resume_ok || !import_resume_load(&run->resume, &claimed, want) ||
        claimed == 0 || claimed > run->file->n_records)
        return 0;
    import_resume_t probe = run->resume;
    for (size_t r = 0; r < claimed; r++) {
        long i = run->item_of[r];
        import_resume_add(&probe, run->file->records[r].line,
                          i >= 0 ? run->items[i].row.key : NULL);
    }
    uint8_t got[IMPORT_RESUME_DIGEST_SIZE];
    import_resume_digest(&probe, got);
    if (memcmp(got, want, sizeof(got)) != 0)
        return 0; /* stale: send everything */
    size_t skipped = 0;
    for (size_t r = 0; r < claimed; r++)
        if (run->item_of[r] >= 0) {
            run->items[run->item_of[r]].status = IMPORT_SKIPPED;
            skipped++;
        }
    run->resume = probe;
    run->resume.saved_records = claimed;
    run->prefix_next = claimed;
    return skipped;
}

static int error_by_line(const void *a, const void *b)
{
    const import_error_t *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* The error file: line, reason, field, then the row's own columns. */
static cli_exit_t run_write_errors(import_run_t *run, const char *path)
{
    if (run->n_errors == 0) /* no error file, not even an old one */
        return unlink(path) == 0 || errno == ENOENT
                   ? CLI_EXIT_OK
                   : cli_error(CLI_EXIT_UNAVAILABLE, "cannot remove %s: %s",
                               path, strerror(errno));
    qsort(run->errors, run->n_errors, sizeof(*run->errors), error_by_line);
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, "cannot write %s: %s", path,
                         strerror(errno));
    const import_record_t *h = &run->file->header;
    bool ok = import_csv_write_field(out, "line", false) &&
              import_csv_write_field(out, "reason", false) &&
              import_csv_write_field(out, "field", h->n_fields == 0);
    for (uint32_t i = 0; ok && i < h->n_fields; i++)
        ok = import_csv_write_field(out, h->fields[i], i + 1 == h->n_fields);
    for (size_t k = 0; ok && k < run->n_errors; k++) {
        const import_error_t *e = &run->errors[k];
        const import_record_t *rec = &run->file->records[e->record];
        char line[16];
        snprintf(line, sizeof(line), "%u", (unsigned)e->line);
        ok = import_csv_write_field(out, line, false) &&
             import_csv_write_field(out, e->reason, false) &&
             import_csv_write_field(out, e->field, rec->n_fields == 0);
        for (uint32_t i = 0; ok && i < rec->n_fields; i++)
            ok = import_csv_write_field(out, rec->fields[i],
                                        i + 1 == rec->n_fields);
    }
    if (fclose(out) != 0)
        ok = false;
    /* In the input's encoding, so that Excel opens it as it opened that. */
    if (ok)
        ok = text_encoding_rewrite_file(path, run->file->encoding);
    return ok ? CLI_EXIT_OK
              : cli_error(CLI_EXIT_UNAVAILABLE, "cannot write %s", path);
}

static void run_free(import_run_t *run)
{
    for (size_t i = 0; i < run->n_items; i++)
        import_row_free(&run->items[i].row);
    free(run->items);
    free(run->item_of);
    for (size_t k = 0; k < run->n_errors; k++)
        free(run->errors[k].reason);
    free(run->errors);
}

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

static void print_summary(const import_run_t *run, const import_job_t *job,
                          size_t skipped, const char *errors_path)
{
    size_t not_done = 0;
    for (size_t i = 0; i < run->n_items; i++)
        not_done += run->items[i].status == IMPORT_WAITING;
    printf("rows read:     %zu\n", run->file->n_records);
    printf("enrolled now:  %zu\n", job->n_enrolled);
    printf("already done:  %zu (%zu answered as done before, %zu skipped "
           "as acknowledged by an earlier run)\n",
           job->n_replayed + skipped, job->n_replayed, skipped);
    printf("refused:       %zu (%zu by the checks here, %zu by the server)\n",
           run->n_errors, run->n_bad_local, job->n_refused);
    if (not_done > 0)
        printf("not done:      %zu (the server could not be reached)\n",
               not_done);
    printf("errors:        %s\n", run->n_errors > 0 ? errors_path : "none");
}

typedef struct import_options {
    const char *file;
    const char *errors;
    size_t batch;
} import_options_t;

static cli_exit_t parse_options(int argc, char **argv, import_options_t *o,
                                bool *done)
{
    static const struct option options[] = {
        {"batch", required_argument, NULL, 'b'},
        {"errors", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *done = false;
    o->batch = IMPORT_DEFAULT_BATCH;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":b:e:h", options, NULL)) != -1) {
        int64_t n;
        switch (c) {
        case 'b':
            if (!cli_parse_int64(optarg, 1, IMPORT_MAX_BATCH, &n))
                return cli_usage_error(IMPORT_COMMAND,
                                       "--batch must be 1-%d, not '%s'",
                                       IMPORT_MAX_BATCH, optarg);
            o->batch = (size_t)n;
            break;
        case 'e':
            o->errors = optarg;
            break;
        case 'h':
            fputs(enrollments_help, stdout);
            *done = true;
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(IMPORT_COMMAND, argv, c);
        }
    }
    if (optind >= argc)
        return cli_usage_error(IMPORT_COMMAND, "missing FILE.csv");
    if (optind + 1 < argc)
        return cli_usage_error(IMPORT_COMMAND, "one file at a time, not '%s'",
                               argv[optind + 1]);
    o->file = argv[optind];
    return CLI_EXIT_OK;
}

/* Connect, check, send, report. */
static cli_exit_t import_run(const cli_context_t *ctx,
                             const import_options_t *o,
                             const import_file_t *file,
                             const char *errors_path)
{
    rpc_client_t *client = NULL;
    cli_exit_t rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    const Aixin__V1__Session *session = rpc_client_session(client);
    const char *server = rpc_client_address(client);
    import_run_t run = {.file = file};
    rc = run_build_rows(&run, server, session->username);
    size_t skipped = 0;
    import_job_t job = {.client = client, .batch_rows = o->batch};
    if (rc == CLI_EXIT_OK) {
        run.resume_ok = import_resume_init(&run.resume, o->file, server,
                                           session->username);
        skipped = run_apply_resume(&run);
        progress_t bar;
        progress_start(&bar, file->n_records);
        job.items = run.items;
        job.n_items = run.n_items;
        job.progress = &bar;
        job.progress_base = run.n_bad_local + skipped;
        job.on_refused = on_refused;
        job.on_answered = on_answered;
        job.ctx = &run;
        progress_update(&bar, job.progress_base);
        rc = import_send_all(&job);
        progress_finish(&bar);
        run_advance_prefix(&run, true);
        if (run.oom)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
        cli_exit_t wrc = run_write_errors(&run, errors_path);
        print_summary(&run, &job, skipped, errors_path);
        if (rc == CLI_EXIT_OK)
            rc = wrc;
        if (rc == CLI_EXIT_OK && run.n_errors > 0)
            rc = CLI_EXIT_REJECTED;
    }
    run_free(&run);
    rpc_client_close(client);
    return rc;
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
        return cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
    import_file_t file;
    rc = import_csv_read(o.file, &file);
    if (rc == CLI_EXIT_OK) {
        rc = import_run(ctx, &o, &file, errors_path);
        import_csv_free(&file);
    }
    free(errors_path);
    return rc;
}

const cli_command_t cmd_import_verbs[] = {
    {"enrollments", "enroll the children of a CSV file", import_enrollments,
     NULL},
    {NULL, NULL, NULL, NULL},
};
