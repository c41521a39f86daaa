/* Pipelined, retried sending of import batches; see import_send.h. */
#include "import_send.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connection.h"
#include "names.h"

static const unsigned backoff_ms[] = {200, 500, 1000, 2000, 4000};

typedef struct batch {
    uint64_t request_id;
    size_t *idx;   /* owned: item indices, in the order sent */
    size_t n;
} batch_t;

typedef struct sender {
    import_job_t *job;
    conn_t *conn;            /* borrowed from the client; NULL: none */
    size_t *queue;           /* owned: item indices waiting to be sent */
    size_t q_head, q_len, q_cap;
    batch_t flight[IMPORT_SEND_PIPELINE];
    size_t f_head, f_len;
    unsigned failures;       /* rounds in a row without any answer */
    char last_failure[CONN_ERROR_TEXT_SIZE + 64];
} sender_t;

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void backoff(const sender_t *s)
{
    size_t n = sizeof(backoff_ms) / sizeof(backoff_ms[0]);
    unsigned i = s->failures == 0 ? 0 : s->failures - 1;
    sleep_ms(backoff_ms[i < n ? i : n - 1]);
}

static bool queue_reserve(sender_t *s, size_t extra)
{
    if (s->q_head > 0) { /* compact */
        memmove(s->queue, s->queue + s->q_head,
                (s->q_len - s->q_head) * sizeof(*s->queue));
        s->q_len -= s->q_head;
        s->q_head = 0;
    }
    if (s->q_len + extra <= s->q_cap)
        return true;
    size_t cap = s->q_cap == 0 ? 64 : s->q_cap;
    while (cap < s->q_len + extra)
        cap *= 2;
    size_t *q = realloc(s->queue, cap * sizeof(*q));
    if (q == NULL)
        return false;
    s->queue = q;
    s->q_cap = cap;
    return true;
}

/* Put every row of the batches in flight back at the front of the queue,
 * in their order, and forget the batches. */
static bool flight_requeue(sender_t *s)
{
    size_t rows = 0;
    for (size_t k = 0; k < s->f_len; k++)
        rows += s->flight[(s->f_head + k) % IMPORT_SEND_PIPELINE].n;
    if (!queue_reserve(s, rows))
        return false;
    memmove(s->queue + rows, s->queue, s->q_len * sizeof(*s->queue));
    size_t at = 0;
    for (size_t k = 0; k < s->f_len; k++) {
        batch_t *b = &s->flight[(s->f_head + k) % IMPORT_SEND_PIPELINE];
        memcpy(s->queue + at, b->idx, b->n * sizeof(*b->idx));
        at += b->n;
        free(b->idx);
        b->idx = NULL;
    }
    s->q_len += rows;
    s->f_head = 0;
    s->f_len = 0;
    return true;
}

/* The connection failed or the server said to retry the batch: resend
 * everything in flight on a new connection, after a pause. */
static void sender_lost(sender_t *s, const char *why)
{
    snprintf(s->last_failure, sizeof(s->last_failure), "%s", why);
    rpc_client_drop_connection(s->job->client);
    s->conn = NULL;
    s->failures++;
}

/* Send one batch from the head of the queue. */
static bool sender_send_batch(sender_t *s)
{
    import_job_t *job = s->job;
    size_t n = s->q_len - s->q_head;
    if (n > job->batch_rows)
        n = job->batch_rows;
    size_t *idx = malloc(n * sizeof(*idx));
    Aixin__V1__EnrollmentRow **rows = malloc(n * sizeof(*rows));
    if (idx == NULL || rows == NULL) {
        free(idx);
        free(rows);
        sender_lost(s, "out of memory");
        return false;
    }
    memcpy(idx, s->queue + s->q_head, n * sizeof(*idx));
    for (size_t i = 0; i < n; i++)
        rows[i] = &job->items[idx[i]].row.msg;
    Aixin__V1__ImportEnrollments body = AIXIN__V1__IMPORT_ENROLLMENTS__INIT;
    body.n_rows = n;
    body.rows = rows;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_IMPORT_ENROLLMENTS;
    req.import_enrollments = &body;
    char err[CONN_ERROR_TEXT_SIZE];
    conn_result_t r = conn_send_request(s->conn, &req, err);
    free(rows);
    if (r != CONN_OK) {
        free(idx);
        sender_lost(s, err);
        return false;
    }
    s->q_head += n;
    batch_t *b = &s->flight[(s->f_head + s->f_len) % IMPORT_SEND_PIPELINE];
    *b = (batch_t){.request_id = req.request_id, .idx = idx, .n = n};
    s->f_len++;
    return true;
}

static bool error_retryable(const Aixin__V1__Error *e)
{
    return e->retryable ||
           e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE ||
           e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN ||
           e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS;
}

static void describe(const Aixin__V1__Error *e, char *out, size_t size)
{
    const char *name = names_error_code(e->code);
    snprintf(out, size, "%s: %s", name != NULL ? name : "ERROR",
             e->message != NULL ? e->message : "");
}

/* Apply the answer of the oldest batch. Returns false with *fatal set for
 * an answer that ends the job. */
static bool sender_apply(sender_t *s, batch_t *b, const Aixin__V1__Response *resp,
                         cli_exit_t *fatal, bool *any_final)
{
    import_job_t *job = s->job;
    const Aixin__V1__ImportResult *ir = resp->import_result;
    if (resp->body_case != AIXIN__V1__RESPONSE__BODY_IMPORT_RESULT ||
        ir->n_results != b->n) {
        *fatal = cli_error(CLI_EXIT_UNAVAILABLE,
                           "the server answered an import batch with "
                           "something else");
        return false;
    }
    for (size_t j = 0; j < b->n; j++) {
        import_item_t *it = &job->items[b->idx[j]];
        const Aixin__V1__RowResult *res = ir->results[j];
        if (res->line != it->row.msg.line) {
            *fatal = cli_error(CLI_EXIT_UNAVAILABLE,
                               "the server answered line %u for line %u",
                               (unsigned)res->line,
                               (unsigned)it->row.msg.line);
            return false;
        }
        if (res->error != NULL && error_retryable(res->error)) {
            describe(res->error, s->last_failure, sizeof(s->last_failure));
            if (++it->attempts >= IMPORT_SEND_MAX_ROW_ATTEMPTS)
                continue; /* stays WAITING: given up at the end */
            if (!queue_reserve(s, 1)) {
                *fatal = cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
                return false;
            }
            s->queue[s->q_len++] = b->idx[j];
            continue;
        }
        *any_final = true;
        if (res->error != NULL) {
            it->status = IMPORT_REFUSED;
            job->n_refused++;
            if (job->on_refused != NULL)
                job->on_refused(job->ctx, it, res->error);
        } else if (res->policy != NULL) {
            it->status = res->replayed ? IMPORT_REPLAYED : IMPORT_ENROLLED;
            if (res->replayed)
                job->n_replayed++;
            else
                job->n_enrolled++;
        } else {
            *fatal = cli_error(CLI_EXIT_UNAVAILABLE,
                               "the server answered line %u with neither a "
                               "policy nor an error",
                               (unsigned)res->line);
            return false;
        }
    }
    return true;
}

/* Read and apply the answer of the oldest batch in flight. */
static bool sender_receive(sender_t *s, cli_exit_t *fatal)
{
    batch_t *b = &s->flight[s->f_head];
    char err[CONN_ERROR_TEXT_SIZE];
    Aixin__V1__Response *resp = NULL;
    conn_result_t r = conn_receive_response(s->conn, b->request_id, &resp,
                                            err);
    if (r != CONN_OK) {
        sender_lost(s, err);
        return true;
    }
    if (resp->error != NULL) {
        if (error_retryable(resp->error) || resp->request_id == 0) {
            char why[CONN_ERROR_TEXT_SIZE];
            describe(resp->error, why, sizeof(why));
            sender_lost(s, why);
        } else {
            char why[CONN_ERROR_TEXT_SIZE];
            describe(resp->error, why, sizeof(why));
            *fatal = cli_error(rpc_exit_for_error(resp->error->code),
                               "the server refused the import: %s", why);
        }
        aixin__v1__response__free_unpacked(resp, NULL);
        return *fatal == CLI_EXIT_OK;
    }
    bool any_final = false;
    bool ok = sender_apply(s, b, resp, fatal, &any_final);
    aixin__v1__response__free_unpacked(resp, NULL);
    free(b->idx);
    b->idx = NULL;
    s->f_head = (s->f_head + 1) % IMPORT_SEND_PIPELINE;
    s->f_len--;
    if (!ok)
        return false;
    import_job_t *job = s->job;
    if (any_final) {
        s->failures = 0;
    } else {
        /* A whole batch to send again: the server or its database is in
         * trouble. Pause before more. */
        s->failures++;
        backoff(s);
    }
    if (job->progress != NULL)
        progress_update(job->progress, job->progress_base + job->n_enrolled +
                                           job->n_replayed + job->n_refused);
    if (job->on_answered != NULL)
        job->on_answered(job->ctx);
    return true;
}

cli_exit_t import_send_all(import_job_t *job)
{
    sender_t s = {.job = job};
    cli_exit_t fatal = CLI_EXIT_OK;
    if (!queue_reserve(&s, job->n_items + 1))
        return cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
    for (size_t i = 0; i < job->n_items; i++)
        if (job->items[i].status == IMPORT_WAITING)
            s.queue[s.q_len++] = i;
    while (fatal == CLI_EXIT_OK && (s.q_len > s.q_head || s.f_len > 0)) {
        if (s.failures > IMPORT_SEND_MAX_FAILURES)
            break;
        if (s.conn == NULL) {
            if (!flight_requeue(&s)) {
                fatal = cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
                break;
            }
            if (s.failures > 0)
                backoff(&s);
            if (rpc_client_connection(job->client, &s.conn) != CLI_EXIT_OK) {
                s.conn = NULL;
                s.failures++;
                snprintf(s.last_failure, sizeof(s.last_failure),
                         "the server cannot be reached");
                continue;
            }
        }
        while (s.conn != NULL && s.f_len < IMPORT_SEND_PIPELINE &&
               s.q_len > s.q_head)
            (void)sender_send_batch(&s);
        if (s.conn != NULL && s.f_len > 0 && !sender_receive(&s, &fatal))
            break;
    }
    for (size_t k = 0; k < s.f_len; k++)
        free(s.flight[(s.f_head + k) % IMPORT_SEND_PIPELINE].idx);
    free(s.queue);
    if (fatal != CLI_EXIT_OK)
        return fatal;
    size_t left = 0;
    for (size_t i = 0; i < job->n_items; i++)
        left += job->items[i].status == IMPORT_WAITING;
    if (left > 0)
        return cli_error(CLI_EXIT_UNAVAILABLE,
                         "%s; gave up with %zu rows not done: run the same "
                         "command again to go on (rows already done are "
                         "not done twice)",
                         s.last_failure, left);
    return CLI_EXIT_OK;
}
