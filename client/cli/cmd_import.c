/* aixin import enrollments: a CSV file of enrollments, in batches. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_connect.h"
#include "i18n.h"
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

/* A row refused here, for the error file. */
typedef struct import_error {
    uint32_t line;
    size_t record;
    char *reason; /* owned */
    char field[IMPORT_FIELD_SIZE];
} import_error_t;

typedef struct import_run {
    const import_file_t *file;
    const char *username;     /* borrowed from the session */
    import_item_t *items;
    size_t n_items;
    import_error_t *errors;   /* refused here */
    size_t n_errors, cap_errors;
    size_t n_bad_local;       /* failed the checks */
    size_t n_duplicates;      /* the same row as an earlier line */
    import_resume_t resume;
    bool resume_ok;
    size_t n_skipped_loaded;  /* rows the progress file let us skip */
    bool answered;            /* some batch was answered in this run */
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

static bool status_done(uint8_t st)
{
    return st == IMPORT_ENROLLED || st == IMPORT_REPLAYED ||
           st == IMPORT_SKIPPED;
}

/* Rewrite the progress file for the database of `identity`, listing the
 * rows known done there. */
static void run_resume_start(import_run_t *run, const char *identity)
{
    if (!run->resume_ok)
        return;
    size_t n = 0;
    uint8_t *keys = malloc((run->n_items + 1) * IMPORT_KEY_SIZE);
    uint32_t *lines = malloc((run->n_items + 1) * sizeof(*lines));
    for (size_t i = 0; keys != NULL && lines != NULL && i < run->n_items;
         i++) {
        import_item_t *it = &run->items[i];
        it->remembered = status_done(it->status);
        if (it->remembered) {
            memcpy(keys + IMPORT_KEY_SIZE * n, it->row.key, IMPORT_KEY_SIZE);
            lines[n++] = it->row.msg.line;
        }
    }
    if (keys == NULL || lines == NULL ||
        !import_resume_start(&run->resume, identity, run->username, keys,
                             lines, n)) {
        cli_warn(_("cannot write %s (the next run sends every row again)"),
                 run->resume.path);
        run->resume_ok = false;
    }
    free(keys);
    free(lines);
}

static void on_identity(void *ctx, const char *identity, bool changed)
{
    import_run_t *run = ctx;
    if (changed) {
        if (run->answered)
            cli_warn(_("the server now works on another database than the "
                       "one that answered before: every row is sent again "
                       "(rows in fact done come back \"already done\")"));
        else if (run->n_skipped_loaded > 0)
            cli_warn(_("%s was written for another database (replaced, "
                       "restored or another city's): every row is sent "
                       "again"),
                     run->resume.path);
        run->n_skipped_loaded = 0;
    }
    run_resume_start(run, identity);
}

/* Remember the rows answered done since the last call. */
static void on_answered(void *ctx)
{
    import_run_t *run = ctx;
    run->answered = true;
    if (!run->resume_ok)
        return;
    for (size_t i = 0; i < run->n_items; i++) {
        import_item_t *it = &run->items[i];
        if (!it->remembered && status_done(it->status)) {
            import_resume_add(&run->resume, it->row.key, it->row.msg.line);
            it->remembered = true;
        }
    }
    if (!import_resume_flush(&run->resume)) {
        cli_warn(_("cannot write %s (the next run sends every row again)"),
                 run->resume.path);
        run->resume_ok = false;
    }
}

static int item_by_key(const void *a, const void *b, void *items)
{
    const import_item_t *it = items;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = memcmp(it[x].row.key, it[y].row.key, IMPORT_KEY_SIZE);
    return c != 0 ? c : (x < y ? -1 : x > y);
}

/* A row repeated word for word has the same key as the first: it would
 * come back "already done". It is a mistake in the file: refuse it here. */
static void run_refuse_repeats(import_run_t *run)
{
    if (run->n_items < 2)
        return;
    size_t *order = malloc(run->n_items * sizeof(*order));
    if (order == NULL) {
        run->oom = true;
        return;
    }
    for (size_t i = 0; i < run->n_items; i++)
        order[i] = i;
    qsort_r(order, run->n_items, sizeof(*order), item_by_key, run->items);
    /* Equal keys sort together, in file order: the first of each group
     * is the row that goes; the others name it. */
    const import_item_t *first = &run->items[order[0]];
    for (size_t k = 1; k < run->n_items; k++) {
        import_item_t *it = &run->items[order[k]];
        if (memcmp(first->row.key, it->row.key, IMPORT_KEY_SIZE) != 0) {
            first = it;
            continue;
        }
        char reason[IMPORT_REASON_SIZE];
        snprintf(reason, sizeof(reason),
                 _("the same row as line %u: a row is done once"),
                 (unsigned)run->file->records[first->record].line);
        it->status = IMPORT_DUPLICATE;
        run->n_duplicates++;
        run_add_error(run, it->record, reason, "");
    }
    free(order);
}

/* Check and key every record; bad ones go to the error list. */
static cli_exit_t run_build_rows(import_run_t *run, const char *username)
{
    const import_file_t *f = run->file;
    run->items = calloc(f->n_records + 1, sizeof(*run->items));
    if (run->items == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    for (size_t r = 0; r < f->n_records; r++) {
        char reason[IMPORT_REASON_SIZE];
        char field[IMPORT_FIELD_SIZE];
        import_item_t *it = &run->items[run->n_items];
        if (import_row_build(f, &f->records[r], username, &it->row, reason,
                             field)) {
            it->record = r;
            run->n_items++;
        } else {
            run->n_bad_local++;
            char shown[2 * IMPORT_REASON_SIZE]; /* in the user's language */
            server_text_translate(reason, shown, sizeof(shown));
            run_add_error(run, r, shown, field);
        }
        if (run->oom)
            return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    run_refuse_repeats(run);
    if (run->oom)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    return CLI_EXIT_OK;
}

/* Mark the rows the progress file lists as done (on its database's word,
 * checked by the sender against the server's identity). The identity of
 * that database goes to `identity` ("" when there is no usable file). */
static size_t run_apply_resume(import_run_t *run,
                               char identity[CONN_IDENTITY_SIZE])
{
    identity[0] = '\0';
    if (!run->resume_ok)
        return 0;
    import_resume_load(&run->resume, run->username);
    if (run->resume.n_keys == 0)
        return 0;
    size_t skipped = 0;
    for (size_t i = 0; i < run->n_items; i++)
        if (run->items[i].status == IMPORT_WAITING &&
            import_resume_has(&run->resume, run->items[i].row.key)) {
            run->items[i].status = IMPORT_SKIPPED;
            skipped++;
        }
    if (skipped > 0)
        snprintf(identity, CONN_IDENTITY_SIZE, "%s", run->resume.identity);
    return skipped;
}

/* One line of the error file. */
typedef struct error_line {
    uint32_t line;
    size_t record;
    const char *reason;
    const char *field;
} error_line_t;

static int error_by_line(const void *a, const void *b)
{
    const error_line_t *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* The error file: line, reason, field, then the row's own columns: the
 * rows refused here and by the server, by line. */
static cli_exit_t run_write_errors(import_run_t *run, const char *path)
{
    size_t n = run->n_errors;
    for (size_t i = 0; i < run->n_items; i++)
        n += run->items[i].status == IMPORT_REFUSED;
    error_line_t *lines = calloc(n + 1, sizeof(*lines));
    if (lines == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    size_t k = 0;
    for (size_t e = 0; e < run->n_errors; e++)
        lines[k++] = (error_line_t){run->errors[e].line, run->errors[e].record,
                                    run->errors[e].reason,
                                    run->errors[e].field};
    for (size_t i = 0; i < run->n_items; i++) {
        const import_item_t *it = &run->items[i];
        if (it->status == IMPORT_REFUSED)
            lines[k++] = (error_line_t){it->row.msg.line, it->record,
                                        it->refusal != NULL ? it->refusal : "",
                                        it->refusal_field};
    }
    if (n == 0) { /* no error file, not even an old one */
        free(lines);
        return unlink(path) == 0 || errno == ENOENT
                   ? CLI_EXIT_OK
                   : cli_error(CLI_EXIT_UNAVAILABLE, _("cannot remove %s: %s"),
                               path, strerror(errno));
    }
    qsort(lines, n, sizeof(*lines), error_by_line);
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        free(lines);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"), path,
                         strerror(errno));
    }
    const import_record_t *h = &run->file->header;
    bool ok = import_csv_write_field(out, "line", false) &&
              import_csv_write_field(out, "reason", false) &&
              import_csv_write_field(out, "field", h->n_fields == 0);
    for (uint32_t i = 0; ok && i < h->n_fields; i++)
        ok = import_csv_write_field(out, h->fields[i], i + 1 == h->n_fields);
    for (size_t e = 0; ok && e < n; e++) {
        const error_line_t *l = &lines[e];
        const import_record_t *rec = &run->file->records[l->record];
        char line[16];
        snprintf(line, sizeof(line), "%u", (unsigned)l->line);
        ok = import_csv_write_field(out, line, false) &&
             import_csv_write_field(out, l->reason, false) &&
             import_csv_write_field(out, l->field, rec->n_fields == 0);
        for (uint32_t i = 0; ok && i < rec->n_fields; i++)
            ok = import_csv_write_field(out, rec->fields[i],
                                        i + 1 == rec->n_fields);
    }
    free(lines);
    if (fclose(out) != 0)
        ok = false;
    /* In the input's encoding, so that Excel opens it as it opened that. */
    if (ok)
        ok = text_encoding_rewrite_file(path, run->file->encoding);
    return ok ? CLI_EXIT_OK
              : cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s"), path);
}

static void run_free(import_run_t *run)
{
    import_items_clear(run->items, run->n_items);
    for (size_t i = 0; i < run->n_items; i++)
        import_row_free(&run->items[i].row);
    free(run->items);
    for (size_t k = 0; k < run->n_errors; k++)
        free(run->errors[k].reason);
    free(run->errors);
    import_resume_free(&run->resume);
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

/* Every count from the rows' final states, so that it is true whatever
 * happened on the way. */
static void print_summary(const import_run_t *run, const char *errors_path)
{
    size_t count[IMPORT_STATUS_COUNT] = {0};
    size_t unknown = 0, unsent = 0;
    for (size_t i = 0; i < run->n_items; i++) {
        const import_item_t *it = &run->items[i];
        count[it->status]++;
        if (it->status == IMPORT_WAITING) {
            if (it->sent)
                unknown++;
            else
                unsent++;
        }
    }
    size_t refused_here = run->n_bad_local + run->n_duplicates;
    printf(_("rows read:     %zu\n"), run->file->n_records);
    printf(_("enrolled now:  %zu\n"), count[IMPORT_ENROLLED]);
    printf(_("already done:  %zu (%zu answered as done before, %zu skipped "
             "as acknowledged by this database in an earlier run)\n"),
           count[IMPORT_REPLAYED] + count[IMPORT_SKIPPED],
           count[IMPORT_REPLAYED], count[IMPORT_SKIPPED]);
    printf(_("refused:       %zu (%zu by the checks here, %zu by the "
             "server)\n"),
           refused_here + count[IMPORT_REFUSED], refused_here,
           count[IMPORT_REFUSED]);
    if (unknown + unsent > 0)
        printf(_("not done:      %zu (%zu sent without an answer: they may "
                 "have been done; %zu not sent); running the same command "
                 "again is safe\n"),
               unknown + unsent, unknown, unsent);
    printf(_("errors:        %s\n"),
           refused_here + count[IMPORT_REFUSED] > 0 ? errors_path
                                                    : _("none"));
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
    import_run_t run = {.file = file, .username = session->username};
    rc = run_build_rows(&run, session->username);
    import_job_t job = {.client = client,
                        .batch_rows = o->batch,
                        .patience_s = o->patience_s};
    if (rc == CLI_EXIT_OK) {
        run.resume_ok = import_resume_init(&run.resume, o->file);
        run.n_skipped_loaded = run_apply_resume(&run, job.identity);
        progress_t bar;
        progress_start(&bar, file->n_records);
        job.items = run.items;
        job.n_items = run.n_items;
        job.progress = &bar;
        job.progress_base = run.n_bad_local + run.n_duplicates;
        job.on_identity = on_identity;
        job.on_answered = on_answered;
        job.ctx = &run;
        progress_update(&bar, job.progress_base + run.n_skipped_loaded);
        rc = import_send_all(&job);
        progress_finish(&bar);
        on_answered(&run);
        if (run.oom)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
        cli_exit_t wrc = run_write_errors(&run, errors_path);
        print_summary(&run, errors_path);
        size_t refused = run.n_bad_local + run.n_duplicates;
        for (size_t i = 0; i < run.n_items; i++)
            refused += run.items[i].status == IMPORT_REFUSED;
        if (rc == CLI_EXIT_OK)
            rc = wrc;
        if (rc == CLI_EXIT_OK && refused > 0)
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
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
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
    {"enrollments", N_("enroll the children of a CSV file"), import_enrollments,
     NULL},
    {NULL, NULL, NULL, NULL},
};
