/* The desk's import worker; see desk_import_job.h. */
#include "desk_import_job.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"
#include "desk_labels.h"
#include "i18n.h"
#include "import_csv.h"
#include "import_send.h"
#include "names.h"
#include "progress.h"
#include "rpc.h"

#define IMPORT_BATCH_ROWS 500

typedef struct worker_run {
    desk_import_job_t *job;
    const import_file_t *file;
    import_item_t *items;
    size_t n_items;
    progress_t progress;
    bool oom;
} worker_run_t;

static void run_add_error(worker_run_t *run, size_t record, const char *reason,
                          const char *field)
{
    desk_import_job_t *job = run->job;
    desk_import_error_t *e =
        realloc(job->errors, (job->n_errors + 1) * sizeof(*e));
    if (e == NULL) {
        run->oom = true;
        return;
    }
    job->errors = e;
    e = &job->errors[job->n_errors];
    e->reason = strdup(reason);
    if (e->reason == NULL) {
        run->oom = true;
        return;
    }
    e->line = run->file->records[record].line;
    e->record = record;
    snprintf(e->field, sizeof(e->field), "%s", field);
    job->n_errors++;
}

static void on_refused(void *ctx, const import_item_t *item,
                       const Aixin__V1__Error *e)
{
    worker_run_t *run = ctx;
    char raw[IMPORT_REASON_SIZE + 32];
    char reason[IMPORT_REASON_SIZE + 96];
    const char *code = names_error_code(e->code);
    snprintf(raw, sizeof(raw), "%s: %s", code != NULL ? code : "ERROR",
             e->message != NULL ? e->message : "");
    desk_label_server_text(raw, reason, sizeof(reason));
    run_add_error(run, item->record, reason,
                  import_row_column_of(e->field != NULL ? e->field : ""));
}

static void on_answered(void *ctx)
{
    worker_run_t *run = ctx;
    atomic_store(&run->job->done, run->progress.done);
}

static int error_by_line(const void *a, const void *b)
{
    const desk_import_error_t *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* The refused rows as the CLI writes them: line, reason, field, then the
 * row's own columns. */
static bool write_errors(worker_run_t *run)
{
    desk_import_job_t *job = run->job;
    FILE *out = fopen(job->errors_path, "w");
    if (out == NULL)
        return false;
    const import_record_t *h = &run->file->header;
    bool ok = import_csv_write_field(out, "line", false) &&
              import_csv_write_field(out, "reason", false) &&
              import_csv_write_field(out, "field", h->n_fields == 0);
    for (uint32_t i = 0; ok && i < h->n_fields; i++)
        ok = import_csv_write_field(out, h->fields[i], i + 1 == h->n_fields);
    for (size_t k = 0; ok && k < job->n_errors; k++) {
        const desk_import_error_t *e = &job->errors[k];
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
    return fclose(out) == 0 && ok;
}

/* Check every record, then send the good ones. */
static bool worker_send(worker_run_t *run, rpc_client_t *client)
{
    desk_import_job_t *job = run->job;
    const import_file_t *f = run->file;
    run->items = calloc(f->n_records + 1, sizeof(*run->items));
    if (run->items == NULL)
        return false;
    for (size_t r = 0; r < f->n_records && !run->oom; r++) {
        char reason[IMPORT_REASON_SIZE];
        char field[IMPORT_FIELD_SIZE];
        import_item_t *it = &run->items[run->n_items];
        if (import_row_build(f, &f->records[r], job->address, job->username,
                             &it->row, reason, field)) {
            it->record = r;
            run->n_items++;
        } else {
            job->n_bad_local++;
            run_add_error(run, r, reason, field);
        }
    }
    if (run->oom)
        return false;
    progress_start(&run->progress, f->n_records);
    import_job_t send = {.client = client,
                         .items = run->items,
                         .n_items = run->n_items,
                         .batch_rows = IMPORT_BATCH_ROWS,
                         .progress = &run->progress,
                         .progress_base = job->n_bad_local,
                         .on_refused = on_refused,
                         .on_answered = on_answered,
                         .ctx = run};
    progress_update(&run->progress, send.progress_base);
    atomic_store(&job->done, send.progress_base);
    cli_exit_t rc = import_send_all(&send);
    job->n_enrolled = send.n_enrolled;
    job->n_replayed = send.n_replayed;
    job->n_refused = send.n_refused;
    for (size_t i = 0; i < run->n_items; i++)
        job->n_not_done += run->items[i].status == IMPORT_WAITING;
    return rc == CLI_EXIT_OK && !run->oom;
}

static void notices_sink(void *arg, notice_kind_t kind, const char *field,
                         const char *text)
{
    desk_notices_add(arg, kind, field, "%s", text);
}

static void *worker_main(void *arg)
{
    desk_import_job_t *job = arg;
    notice_sink_set(notices_sink, &job->notices);
    bool ok = false;
    import_file_t file;
    cli_exit_t rc = import_csv_read(job->csv_path, &file);
    if (rc == CLI_EXIT_OK) {
        job->n_records = file.n_records;
        atomic_store(&job->total, file.n_records);
        rpc_credentials_t creds = {.kind = RPC_AUTH_TOKEN, .token = job->token};
        job->token = NULL; /* moved */
        rpc_client_t *client = NULL;
        rc = rpc_client_open(job->address, &creds, 0, NULL, &client);
        rpc_credentials_free(&creds);
        worker_run_t run = {.job = job, .file = &file};
        if (rc == CLI_EXIT_OK) {
            ok = worker_send(&run, client);
            if (job->n_errors > 0) {
                qsort(job->errors, job->n_errors, sizeof(*job->errors),
                      error_by_line);
                if (!write_errors(&run)) {
                    desk_notices_add(&job->notices, NOTICE_ERROR, NULL, "%s",
                                     _("The file of refused rows could not "
                                       "be written."));
                    ok = false;
                }
            }
        }
        for (size_t i = 0; i < run.n_items; i++)
            import_row_free(&run.items[i].row);
        free(run.items);
        rpc_client_close(client);
        import_csv_free(&file);
    }
    notice_sink_set(NULL, NULL);
    atomic_store(&job->state, ok ? DESK_IMPORT_DONE : DESK_IMPORT_FAILED);
    return NULL;
}

/* The saved session's token for the worker's own connection. */
static bool job_take_session(desk_import_job_t *job, const desk_link_t *link)
{
    char path[CREDENTIALS_PATH_SIZE];
    session_file_t s = {0};
    if (!credentials_session_path(path) ||
        credentials_session_load(path, &s) != CREDENTIALS_OK)
        return false;
    job->token = s.token;
    s.token = NULL;
    job->username = strdup(s.username);
    job->address = strdup(link->address);
    credentials_session_free(&s);
    return job->token != NULL && job->username != NULL &&
           job->address != NULL;
}

static void job_free_strings(desk_import_job_t *job)
{
    if (job->token != NULL) {
        sodium_memzero(job->token, strlen(job->token));
        free(job->token);
    }
    free(job->username);
    free(job->address);
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

desk_import_job_t *desk_import_job_start(const desk_link_t *link,
                                         const char *data, size_t len,
                                         const char *file_name,
                                         desk_notices_t *notices)
{
    desk_import_job_t *job = calloc(1, sizeof(*job));
    if (job == NULL)
        return NULL;
    const char *tmp = getenv("TMPDIR");
    snprintf(job->dir, sizeof(job->dir), "%s/aixin-desk-import.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    snprintf(job->file_name, sizeof(job->file_name), "%s", file_name);
    bool ok = mkdtemp(job->dir) != NULL;
    if (ok) {
        snprintf(job->csv_path, sizeof(job->csv_path), "%s/upload.csv",
                 job->dir);
        snprintf(job->errors_path, sizeof(job->errors_path),
                 "%s/refused.csv", job->dir);
        int fd = open(job->csv_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      0600);
        ok = fd >= 0 && write_all(fd, data, len);
        if (fd >= 0 && close(fd) != 0)
            ok = false;
    }
    if (!ok) {
        desk_notices_add(notices, NOTICE_ERROR, NULL,
                         _("The file could not be saved for the import: %s"),
                         strerror(errno));
    } else if (!job_take_session(job, link)) {
        desk_notices_add(notices, NOTICE_REJECTED, NULL, "%s",
                         _("not logged in"));
        ok = false;
    } else if (pthread_create(&job->thread, NULL, worker_main, job) != 0) {
        desk_notices_add(notices, NOTICE_ERROR, NULL, "%s",
                         _("The import could not be started."));
        ok = false;
    }
    if (!ok) {
        job_free_strings(job);
        unlink(job->csv_path);
        rmdir(job->dir);
        free(job);
        return NULL;
    }
    return job;
}

void desk_import_job_free(desk_import_job_t *job)
{
    if (job == NULL)
        return;
    pthread_join(job->thread, NULL);
    for (size_t k = 0; k < job->n_errors; k++)
        free(job->errors[k].reason);
    free(job->errors);
    job_free_strings(job);
    unlink(job->csv_path);
    unlink(job->errors_path);
    rmdir(job->dir);
    free(job);
}
