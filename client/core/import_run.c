/* One import of an enrollment file, start to end; see import_run.h. */
#include "import_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "import_csv.h"
#include "import_elsewhere.h"
#include "import_resume.h"
#include "import_send.h"
#include "progress.h"
#include "server_text.h"

/* A row refused here, for the error file. */
typedef struct local_error {
    uint32_t line;
    size_t record;
    char *reason; /* owned */
    char field[IMPORT_FIELD_SIZE];
} local_error_t;

typedef struct run {
    const import_run_options_t *o;
    const import_file_t *file;
    const char *username;     /* borrowed from the session */
    import_item_t *items;
    size_t n_items;
    local_error_t *errors;    /* refused here */
    size_t n_errors, cap_errors;
    size_t n_bad_local;       /* failed the checks */
    size_t n_duplicates;      /* the same row as an earlier line */
    import_resume_t resume;
    bool resume_ok;
    size_t n_skipped_loaded;  /* rows the progress file let us skip */
    bool answered;            /* some batch was answered in this run */
    bool oom;
    progress_t bar;
} run_t;

static void run_add_error(run_t *run, size_t record, const char *reason,
                          const char *field)
{
    if (run->n_errors == run->cap_errors) {
        size_t cap = run->cap_errors == 0 ? 16 : run->cap_errors * 2;
        local_error_t *e = realloc(run->errors, cap * sizeof(*e));
        if (e == NULL) {
            run->oom = true;
            return;
        }
        run->errors = e;
        run->cap_errors = cap;
    }
    local_error_t *e = &run->errors[run->n_errors];
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

static void run_tell_progress(run_t *run)
{
    if (run->o->on_progress != NULL)
        run->o->on_progress(run->o->ctx, run->bar.done, run->bar.total);
}

/* Rewrite the progress file for the database of `identity`, listing the
 * rows known done there. */
static void run_resume_start(run_t *run, const char *identity)
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
    run_t *run = ctx;
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
    run_t *run = ctx;
    run->answered = true;
    run_tell_progress(run);
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
static void run_refuse_repeats(run_t *run)
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
static cli_exit_t run_build_rows(run_t *run)
{
    const import_file_t *f = run->file;
    run->items = calloc(f->n_records + 1, sizeof(*run->items));
    if (run->items == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    for (size_t r = 0; r < f->n_records; r++) {
        char reason[IMPORT_REASON_SIZE];
        char field[IMPORT_FIELD_SIZE];
        import_item_t *it = &run->items[run->n_items];
        if (import_row_build(f, &f->records[r], run->username, &it->row,
                             reason, field)) {
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
static size_t run_apply_resume(run_t *run, char identity[CONN_IDENTITY_SIZE])
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

/* The refused rows, here and by the server, by line (n in *n). */
static error_line_t *run_refused_lines(const run_t *run, size_t *n_out)
{
    size_t n = run->n_errors;
    for (size_t i = 0; i < run->n_items; i++)
        n += run->items[i].status == IMPORT_REFUSED;
    error_line_t *lines = calloc(n + 1, sizeof(*lines));
    if (lines == NULL)
        return NULL;
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
    qsort(lines, n, sizeof(*lines), error_by_line);
    *n_out = n;
    return lines;
}

/* The error file: line, reason, field, then the row's own columns. */
static cli_exit_t write_errors(const run_t *run, const error_line_t *lines,
                               size_t n, const char *path, bool *written)
{
    *written = false;
    if (n == 0) /* no error file, not even an old one */
        return unlink(path) == 0 || errno == ENOENT
                   ? CLI_EXIT_OK
                   : cli_error(CLI_EXIT_UNAVAILABLE, _("cannot remove %s: %s"),
                               path, strerror(errno));
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"), path,
                         strerror(errno));
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
    if (fclose(out) != 0)
        ok = false;
    /* In the input's encoding, so that Excel opens it as it opened that. */
    if (ok)
        ok = text_encoding_rewrite_file(path, run->file->encoding);
    *written = ok;
    return ok ? CLI_EXIT_OK
              : cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s"), path);
}

/* Write the error file and keep the refusals for the face. */
static cli_exit_t run_refusals(run_t *run, import_run_result_t *out)
{
    size_t n = 0;
    error_line_t *lines = run_refused_lines(run, &n);
    if (lines == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    cli_exit_t rc = write_errors(run, lines, n, run->o->errors_path,
                                 &out->errors_written);
    bool oom = false;
    out->refusals = calloc(n + 1, sizeof(*out->refusals));
    for (size_t k = 0; !oom && k < n; k++) {
        char *reason = out->refusals != NULL ? strdup(lines[k].reason) : NULL;
        if (reason == NULL) {
            oom = true;
            break;
        }
        import_run_refusal_t *r = &out->refusals[out->n_refusals++];
        r->line = lines[k].line;
        r->reason = reason;
        snprintf(r->field, sizeof(r->field), "%s", lines[k].field);
    }
    free(lines);
    if (oom || out->refusals == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    return rc;
}

/* Every count from the rows' final states, so that it is true whatever
 * happened on the way. */
static void run_count(const run_t *run, import_run_result_t *out)
{
    size_t count[IMPORT_STATUS_COUNT] = {0};
    for (size_t i = 0; i < run->n_items; i++) {
        const import_item_t *it = &run->items[i];
        count[it->status]++;
        if (it->status == IMPORT_WAITING) {
            if (it->sent)
                out->n_unknown++;
            else
                out->n_unsent++;
        }
    }
    out->n_enrolled = count[IMPORT_ENROLLED];
    out->n_replayed = count[IMPORT_REPLAYED];
    out->n_skipped = count[IMPORT_SKIPPED];
    out->n_refused_here = run->n_bad_local + run->n_duplicates;
    out->n_refused_server = count[IMPORT_REFUSED];
}

static void run_free(run_t *run)
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

/* Check, skip what is known done, send, write the refusals, count. */
static cli_exit_t run_send(run_t *run, rpc_client_t *client,
                           import_run_result_t *out)
{
    const import_run_options_t *o = run->o;
    cli_exit_t rc = run_build_rows(run);
    if (rc != CLI_EXIT_OK)
        return rc;
    import_job_t job = {.client = client,
                        .batch_rows = o->batch_rows,
                        .patience_s = o->patience_s};
    run->resume_ok = import_resume_init(
        &run->resume, o->resume_base != NULL ? o->resume_base : o->csv_path);
    run->n_skipped_loaded = run_apply_resume(run, job.identity);
    if (o->progress_bar)
        progress_start(&run->bar, run->file->n_records);
    else
        run->bar = (progress_t){.total = run->file->n_records};
    job.items = run->items;
    job.n_items = run->n_items;
    job.progress = &run->bar;
    job.progress_base = run->n_bad_local + run->n_duplicates;
    job.on_identity = on_identity;
    job.on_answered = on_answered;
    job.ctx = run;
    progress_update(&run->bar, job.progress_base + run->n_skipped_loaded);
    run_tell_progress(run);
    rc = import_send_all(&job);
    progress_finish(&run->bar);
    on_answered(run);
    if (rc == CLI_EXIT_OK &&
        !import_elsewhere_explain(client, run->items, run->n_items))
        run->oom = true;
    if (run->oom)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    cli_exit_t wrc = run_refusals(run, out);
    run_count(run, out);
    out->counted = true;
    if (rc == CLI_EXIT_OK)
        rc = wrc;
    if (rc == CLI_EXIT_OK &&
        out->n_refused_here + out->n_refused_server > 0)
        rc = CLI_EXIT_REJECTED;
    return rc;
}

cli_exit_t import_run(const import_run_options_t *o, import_run_result_t *out)
{
    memset(out, 0, sizeof(*out));
    import_file_t file;
    cli_exit_t rc = import_csv_read(o->csv_path, &file);
    if (rc != CLI_EXIT_OK)
        return rc;
    out->n_records = file.n_records;
    out->encoding = file.encoding;
    if (o->on_progress != NULL)
        o->on_progress(o->ctx, 0, file.n_records);
    rpc_client_t *client = NULL;
    rc = o->connect(o->ctx, &client);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__Session *session = rpc_client_session(client);
        run_t run = {.o = o, .file = &file, .username = session->username};
        rc = run_send(&run, client, out);
        run_free(&run);
    }
    rpc_client_close(client);
    import_csv_free(&file);
    return rc;
}

void import_run_result_free(import_run_result_t *r)
{
    for (size_t k = 0; k < r->n_refusals; k++)
        free(r->refusals[k].reason);
    free(r->refusals);
    r->refusals = NULL;
    r->n_refusals = 0;
}
