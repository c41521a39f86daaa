/* One import of an office list, row by row; see bulk_run.h. */
#include "bulk_run.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "notice.h"
#include "request_check.h"

typedef enum bulk_status {
    BULK_WAITING = 0, /* not sent (yet) */
    BULK_DONE,        /* the server answered it done */
    BULK_REFUSED_HERE,
    BULK_REFUSED_SERVER,
    BULK_UNKNOWN,     /* sent, no final answer: may be done */
    BULK_STATUS_COUNT
} bulk_status_t;

typedef struct bulk_row {
    uint8_t key[BULK_KEY_SIZE];   /* over the row's content */
    uint8_t status;               /* bulk_status_t */
    char *reason;                 /* owned: why it was refused */
    char column[64];              /* the CSV column at fault, or "" */
} bulk_row_t;

/* The refusal a row's checks or the server gave, taken from the notices
 * (notice.h) while the row is built and sent. */
typedef struct bulk_catch {
    char text[BULK_TEXT_SIZE * 2];
    char field[64];
    bool caught;
} bulk_catch_t;

static void bulk_catch_notice(void *arg, notice_kind_t kind,
                              const char *field, const char *text)
{
    bulk_catch_t *c = arg;
    if (kind == NOTICE_REJECTED || kind == NOTICE_ERROR) {
        if (!c->caught) {
            snprintf(c->text, sizeof(c->text), "%s", text);
            snprintf(c->field, sizeof(c->field), "%s",
                     field != NULL ? field : "");
            c->caught = true;
        }
        return;
    }
    fprintf(stderr, "%s: %s\n", CLI_PROGRAM_NAME, text);
}

char *bulk_default_errors_path(const char *csv)
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

/* The content key of record `rec` (bulk_run.h, step 2). */
static void row_key(const bulk_kind_t *kind, const bulk_file_t *f,
                    const char *username, size_t rec,
                    uint8_t key[BULK_KEY_SIZE])
{
    crypto_generichash_state st;
    static const unsigned char sep = 0x1F;
    crypto_generichash_init(&st, NULL, 0, BULK_KEY_SIZE);
    crypto_generichash_update(&st, (const unsigned char *)kind->key_label,
                              strlen(kind->key_label));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)username,
                              strlen(username));
    for (size_t c = 0; c < kind->spec->n_columns; c++) {
        const char *v = bulk_file_value(f, rec, c);
        crypto_generichash_update(&st, &sep, 1);
        crypto_generichash_update(&st, (const unsigned char *)v, strlen(v));
    }
    crypto_generichash_final(&st, key, BULK_KEY_SIZE);
}

/* The key sent: the content key, with the kind's secret mixed in. */
static void row_send_key(const bulk_kind_t *kind, size_t rec,
                         const uint8_t content[BULK_KEY_SIZE],
                         uint8_t out[BULK_KEY_SIZE])
{
    const char *secret =
        kind->key_secret != NULL ? kind->key_secret(kind->ctx, rec) : NULL;
    if (secret == NULL) {
        memcpy(out, content, BULK_KEY_SIZE);
        return;
    }
    crypto_generichash(out, BULK_KEY_SIZE, content, BULK_KEY_SIZE,
                       (const unsigned char *)secret, strlen(secret));
}

static bool row_refuse(bulk_row_t *row, bulk_status_t status,
                       const char *reason, const char *column)
{
    row->status = (uint8_t)status;
    free(row->reason);
    row->reason = strdup(reason);
    snprintf(row->column, sizeof(row->column), "%s", column);
    return row->reason != NULL;
}

static int by_key(const void *a, const void *b, void *rows)
{
    const bulk_row_t *r = rows;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = memcmp(r[x].key, r[y].key, BULK_KEY_SIZE);
    return c != 0 ? c : (x < y ? -1 : x > y);
}

/* A row repeated word for word: refused here, naming the first copy. */
static bool refuse_repeats(const bulk_file_t *f, bulk_row_t *rows, size_t n)
{
    if (n < 2)
        return true;
    size_t *order = malloc(n * sizeof(*order));
    if (order == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof(*order), by_key, rows);
    bool ok = true;
    size_t first = order[0];
    for (size_t k = 1; ok && k < n; k++) {
        size_t i = order[k];
        if (memcmp(rows[first].key, rows[i].key, BULK_KEY_SIZE) != 0) {
            first = i;
            continue;
        }
        char reason[BULK_TEXT_SIZE];
        snprintf(reason, sizeof(reason),
                 _("the same row as line %u: a row is done once"),
                 (unsigned)f->csv.records[first].line);
        ok = row_refuse(&rows[i], BULK_REFUSED_HERE, reason, "");
    }
    free(order);
    return ok;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef enum send_outcome {
    SEND_DONE = 0,
    SEND_REFUSED,   /* the checks here or the server refused it */
    SEND_GAVE_UP,   /* no final answer within the patience */
    SEND_STOP,      /* a failure that ends the run (already reported) */
    SEND_OUTCOME_COUNT
} send_outcome_t;

typedef struct run {
    const bulk_run_options_t *o;
    const bulk_kind_t *kind;
    const bulk_file_t *file;
    rpc_client_t *client;
    const char *username;
    bulk_row_t *rows;
    void *scratch;
} run_t;

/* Build, check and send row i; *resp set on SEND_DONE. */
static send_outcome_t row_send(run_t *run, size_t i, bulk_catch_t *caught,
                               bool *sent, Aixin__V1__Response **resp)
{
    const bulk_kind_t *kind = run->kind;
    memset(run->scratch, 0, kind->scratch_size);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    cli_exit_t rc = kind->build(kind->ctx, run->file, i, &req, run->scratch);
    if (rc != CLI_EXIT_OK)
        return caught->caught ? SEND_REFUSED : SEND_STOP;
    uint8_t key[BULK_KEY_SIZE];
    row_send_key(kind, i, run->rows[i].key, key);
    req.idempotency_key.data = key;
    req.idempotency_key.len = sizeof(key);
    req.request_id = 1; /* rpc sets the real one */
    request_problem_t problem;
    if (!request_check(&req, &problem)) {
        snprintf(caught->text, sizeof(caught->text), "%s", problem.message);
        snprintf(caught->field, sizeof(caught->field), "%s", problem.field);
        caught->caught = true;
        return SEND_REFUSED;
    }
    int64_t since = now_ms();
    unsigned delay_ms = 500;
    for (;;) {
        caught->caught = false;
        *sent = true;
        rc = rpc_client_call(run->client, &req, kind->expect, resp);
        if (rc == CLI_EXIT_OK)
            return SEND_DONE;
        /* A session that ended (expired, the account disabled) or whose
         * password must be changed first refuses every row alike: stop
         * rather than list the whole file. */
        if (rc == CLI_EXIT_REJECTED &&
            rpc_refusal_is_of_session(rpc_client_refusal(run->client)))
            return SEND_STOP;
        if (rc == CLI_EXIT_REJECTED)
            return SEND_REFUSED;
        /* Unreachable, or an answer that is not final: the same key
         * again until the patience runs out. */
        if (now_ms() - since >= (int64_t)run->o->patience_s * 1000)
            return SEND_GAVE_UP;
        cli_warn(_("line %u: no answer (%s); trying again"),
                 (unsigned)run->file->csv.records[i].line,
                 caught->caught ? caught->text : _("server unreachable"));
        rpc_client_drop_connection(run->client);
        sleep_ms(delay_ms);
        if (delay_ms < 4000)
            delay_ms *= 2;
    }
}

/* Send every row in file order; not CLI_EXIT_OK when the run stopped
 * early (reported). */
static cli_exit_t run_rows(run_t *run)
{
    const bulk_file_t *f = run->file;
    for (size_t i = 0; i < f->csv.n_records; i++) {
        bulk_row_t *row = &run->rows[i];
        unsigned line = (unsigned)f->csv.records[i].line;
        if (row->status == BULK_REFUSED_HERE) {
            if (!run->o->quiet_rows)
                printf(_("line %u: refused: %s\n"), line, row->reason);
            continue;
        }
        bulk_catch_t caught = {.caught = false};
        notice_sink_set(bulk_catch_notice, &caught);
        bool sent = false;
        Aixin__V1__Response *resp = NULL;
        send_outcome_t out = row_send(run, i, &caught, &sent, &resp);
        notice_sink_set(NULL, NULL);
        const char *column = "";
        switch (out) {
        case SEND_DONE: {
            char text[BULK_TEXT_SIZE] = "";
            bool kept = run->kind->on_done(run->kind->ctx, f, i, resp, text,
                                           sizeof(text));
            aixin__v1__response__free_unpacked(resp, NULL);
            row->status = BULK_DONE;
            if (!run->o->quiet_rows)
                printf(_("line %u: done: %s\n"), line, text);
            if (!kept)
                return CLI_EXIT_UNAVAILABLE;
            break;
        }
        case SEND_REFUSED:
            column = bulk_file_column_of(run->kind->spec, caught.field);
            if (!row_refuse(row,
                            sent ? BULK_REFUSED_SERVER : BULK_REFUSED_HERE,
                            caught.caught ? caught.text : _("refused"),
                            column))
                return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
            if (run->o->quiet_rows)
                break;
            if (column[0] != '\0')
                printf(_("line %u: refused: %s (column %s)\n"), line,
                       row->reason, column);
            else
                printf(_("line %u: refused: %s\n"), line, row->reason);
            break;
        case SEND_GAVE_UP:
            row->status = BULK_UNKNOWN;
            cli_error(CLI_EXIT_UNAVAILABLE,
                      _("line %u: no answer from the server for %u s; "
                        "stopping (running the same file again is safe)"),
                      line, run->o->patience_s);
            return CLI_EXIT_UNAVAILABLE;
        default:
            if (sent)
                row->status = BULK_UNKNOWN;
            if (caught.caught)
                fprintf(stderr, "%s: %s\n", CLI_PROGRAM_NAME, caught.text);
            return rpc_refusal_is_of_session(rpc_client_refusal(run->client))
                       ? CLI_EXIT_REJECTED
                       : CLI_EXIT_UNAVAILABLE;
        }
    }
    return CLI_EXIT_OK;
}

/* The error file: line, reason, field, then the row's own columns, in
 * the input's encoding; removed when nothing was refused. */
static cli_exit_t write_errors(const run_t *run, const char *path,
                               bool *written)
{
    const bulk_file_t *f = run->file;
    size_t n = 0;
    for (size_t i = 0; i < f->csv.n_records; i++)
        n += run->rows[i].reason != NULL;
    *written = false;
    if (n == 0)
        return unlink(path) == 0 || errno == ENOENT
                   ? CLI_EXIT_OK
                   : cli_error(CLI_EXIT_UNAVAILABLE, _("cannot remove %s: %s"),
                               path, strerror(errno));
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"), path,
                         strerror(errno));
    const import_record_t *h = &f->csv.header;
    bool ok = import_csv_write_field(out, "line", false) &&
              import_csv_write_field(out, "reason", false) &&
              import_csv_write_field(out, "field", h->n_fields == 0);
    for (uint32_t k = 0; ok && k < h->n_fields; k++)
        ok = import_csv_write_field(out, h->fields[k], k + 1 == h->n_fields);
    for (size_t i = 0; ok && i < f->csv.n_records; i++) {
        const bulk_row_t *row = &run->rows[i];
        if (row->reason == NULL)
            continue;
        const import_record_t *rec = &f->csv.records[i];
        char line[16];
        snprintf(line, sizeof(line), "%u", (unsigned)rec->line);
        ok = import_csv_write_field(out, line, false) &&
             import_csv_write_field(out, row->reason, false) &&
             import_csv_write_field(out, row->column, rec->n_fields == 0);
        for (uint32_t k = 0; ok && k < rec->n_fields; k++)
            ok = import_csv_write_field(out, rec->fields[k],
                                        k + 1 == rec->n_fields);
    }
    if (fclose(out) != 0)
        ok = false;
    if (ok)
        ok = text_encoding_rewrite_file(path, f->csv.encoding);
    *written = ok;
    return ok ? CLI_EXIT_OK
              : cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s"), path);
}

static void run_count(const run_t *run, bulk_run_result_t *out)
{
    for (size_t i = 0; i < run->file->csv.n_records; i++) {
        switch (run->rows[i].status) {
        case BULK_DONE: out->n_done++; break;
        case BULK_REFUSED_HERE: out->n_refused_here++; break;
        case BULK_REFUSED_SERVER: out->n_refused_server++; break;
        case BULK_UNKNOWN: out->n_unknown++; break;
        default: out->n_unsent++; break;
        }
    }
}

cli_exit_t bulk_run(const bulk_run_options_t *o, const bulk_kind_t *kind,
                    bulk_run_result_t *out)
{
    memset(out, 0, sizeof(*out));
    bulk_file_t file;
    cli_exit_t rc = bulk_file_read(o->csv_path, kind->spec, &file);
    if (rc != CLI_EXIT_OK)
        return rc;
    out->n_records = file.csv.n_records;
    run_t run = {.o = o, .kind = kind, .file = &file};
    run.rows = calloc(file.csv.n_records + 1, sizeof(*run.rows));
    run.scratch = calloc(1, kind->scratch_size);
    if (run.rows == NULL || run.scratch == NULL)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    if (rc == CLI_EXIT_OK)
        rc = o->connect(o->connect_ctx, &run.client);
    if (rc == CLI_EXIT_OK) {
        run.username = rpc_client_session(run.client)->username;
        for (size_t i = 0; i < file.csv.n_records; i++)
            row_key(kind, &file, run.username, i, run.rows[i].key);
        if (!refuse_repeats(&file, run.rows, file.csv.n_records))
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    if (rc == CLI_EXIT_OK) {
        rc = run_rows(&run);
        cli_exit_t wrc = write_errors(&run, o->errors_path,
                                      &out->errors_written);
        run_count(&run, out);
        out->counted = true;
        if (rc == CLI_EXIT_OK)
            rc = wrc;
        if (rc == CLI_EXIT_OK &&
            out->n_refused_here + out->n_refused_server > 0)
            rc = CLI_EXIT_REJECTED;
    }
    rpc_client_close(run.client);
    for (size_t i = 0; run.rows != NULL && i < file.csv.n_records; i++)
        free(run.rows[i].reason);
    free(run.rows);
    free(run.scratch);
    bulk_file_free(&file);
    return rc;
}

void bulk_run_print_summary(const bulk_run_result_t *r,
                            const char *errors_path)
{
    size_t refused = r->n_refused_here + r->n_refused_server;
    size_t not_done = r->n_unknown + r->n_unsent;
    printf(_("rows read:     %zu\n"), r->n_records);
    printf(_("done:          %zu (each row is applied once: a row done by "
             "an earlier run of the file is answered as it was then)\n"),
           r->n_done);
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
