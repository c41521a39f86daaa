/* Pipelined, ordered, patient sending of import batches; see import_send.h. */
#include "import_send.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error_text.h"
#include "i18n.h"
#include "import_elsewhere.h"
#include "names.h"
#include "server_text.h"

#define BACKOFF_FIRST_MS 200
#define BACKOFF_MAX_MS 2000

typedef struct batch {
    uint64_t request_id;
    size_t *idx;   /* owned: item indices, in the order sent */
    size_t n;
} batch_t;

/* An insert-only set of 64-bit hashes (open addressing), rebuilt for each
 * batch: what the rows in flight, and the rows held back, touch. */
typedef struct touch_set {
    uint64_t *slots; /* owned; 0 marks an empty slot */
    size_t cap;      /* a power of two */
    size_t n;
} touch_set_t;

typedef struct sender {
    import_job_t *job;
    conn_t *conn;            /* borrowed from the client; NULL: none */
    batch_t flight[IMPORT_SEND_PIPELINE];
    size_t f_head, f_len;
    size_t low;              /* items before it all have a final answer */
    size_t n_final;          /* items with a final answer */
    unsigned quiet_rounds;   /* rounds in a row without a final answer */
    int64_t last_answer_ms;  /* the last final answer, or the start */
    bool outage_said;        /* "retrying" told for this outage */
    bool identity_told;      /* job->on_identity called once */
    touch_set_t touched;
    char last_failure[RPC_WHY_SIZE];
} sender_t;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static bool item_final(const import_item_t *it)
{
    return it->status != IMPORT_WAITING;
}

/* ---------- the set of what is touched ---------- */

static uint64_t touch_slot_value(uint64_t h)
{
    return h == 0 ? 1 : h; /* 0 marks empty */
}

static bool touch_set_reset(touch_set_t *t, size_t want)
{
    size_t cap = 64;
    while (cap < 2 * want)
        cap *= 2;
    if (cap > t->cap) {
        uint64_t *s = realloc(t->slots, cap * sizeof(*s));
        if (s == NULL)
            return false;
        t->slots = s;
        t->cap = cap;
    }
    memset(t->slots, 0, t->cap * sizeof(*t->slots));
    t->n = 0;
    return true;
}

static bool touch_set_has(const touch_set_t *t, uint64_t h)
{
    h = touch_slot_value(h);
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i] == 0)
            return false;
        if (t->slots[i] == h)
            return true;
    }
}

/* Insert; false when the set is full (the caller stops filling). */
static bool touch_set_add(touch_set_t *t, uint64_t h)
{
    if (2 * (t->n + 1) > t->cap)
        return false;
    h = touch_slot_value(h);
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i] == h)
            return true;
        if (t->slots[i] == 0) {
            t->slots[i] = h;
            t->n++;
            return true;
        }
    }
}

static bool item_touches_any(const touch_set_t *t, const import_item_t *it)
{
    for (int k = 0; k < IMPORT_TOUCH_COUNT; k++)
        if (touch_set_has(t, it->row.touches[k]))
            return true;
    return false;
}

static bool item_touch_add(touch_set_t *t, const import_item_t *it)
{
    for (int k = 0; k < IMPORT_TOUCH_COUNT; k++)
        if (!touch_set_add(t, it->row.touches[k]))
            return false;
    return true;
}

/* ---------- batches in flight ---------- */

/* Every row in flight becomes WAITING again (sent: its outcome is not
 * known); the batches are forgotten. */
static void flight_forget(sender_t *s)
{
    for (size_t k = 0; k < s->f_len; k++) {
        batch_t *b = &s->flight[(s->f_head + k) % IMPORT_SEND_PIPELINE];
        for (size_t j = 0; j < b->n; j++)
            s->job->items[b->idx[j]].in_flight = false;
        free(b->idx);
        b->idx = NULL;
    }
    s->f_head = 0;
    s->f_len = 0;
}

static void sender_lost(sender_t *s, const char *why)
{
    snprintf(s->last_failure, sizeof(s->last_failure), "%s", why);
    rpc_client_drop_connection(s->job->client);
    s->conn = NULL;
    flight_forget(s);
}

/* ---------- the encoded size of a batch ---------- */

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* What a row adds to the encoded ImportEnrollments: its tag (field 1), its
 * length and its bytes. */
static size_t row_encoded_cost(const import_item_t *it)
{
    size_t len = aixin__v1__enrollment_row__get_packed_size(&it->row.msg);
    return 1 + varint_size(len) + len;
}

/* The bytes a Request carrying an ImportEnrollments adds around its rows:
 * the largest request_id, the body's tag and the longest length prefix a
 * payload of `max_bytes` can need. An upper bound, a few bytes above the
 * exact figure at most. */
static size_t request_overhead(uint32_t max_bytes)
{
    Aixin__V1__ImportEnrollments body = AIXIN__V1__IMPORT_ENROLLMENTS__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.request_id = UINT64_MAX;
    req.body_case = AIXIN__V1__REQUEST__BODY_IMPORT_ENROLLMENTS;
    req.import_enrollments = &body;
    /* The empty body is packed with a 1-byte length; a full one needs
     * up to varint_size(max_bytes). */
    return aixin__v1__request__get_packed_size(&req) - 1 +
           varint_size(max_bytes);
}

/*
 * Choose the rows of the next batch, in file order: a row goes when
 * nothing it touches is in flight, in this batch, or held back (an
 * earlier row not sent yet). The batch holds at most job->batch_rows rows
 * and, encoded, fits the server's frame limit (docs/PROTOCOL.md, "Size of
 * a request"): a row that would pass it waits for the next batch. Returns
 * the count chosen into idx.
 */
static size_t sender_choose(sender_t *s, size_t *idx, bool *oom)
{
    import_job_t *job = s->job;
    size_t in_flight = 0;
    for (size_t k = 0; k < s->f_len; k++)
        in_flight += s->flight[(s->f_head + k) % IMPORT_SEND_PIPELINE].n;
    /* Room for what is in flight, this batch and some held-back rows. */
    if (!touch_set_reset(&s->touched, IMPORT_TOUCH_COUNT *
                                          (in_flight + 2 * job->batch_rows +
                                           256))) {
        *oom = true;
        return 0;
    }
    for (size_t k = 0; k < s->f_len; k++) {
        const batch_t *b = &s->flight[(s->f_head + k) % IMPORT_SEND_PIPELINE];
        for (size_t j = 0; j < b->n; j++)
            (void)item_touch_add(&s->touched, &job->items[b->idx[j]]);
    }
    while (s->low < job->n_items && item_final(&job->items[s->low]))
        s->low++;
    uint32_t max_bytes = conn_max_frame_bytes(s->conn);
    size_t bytes = request_overhead(max_bytes);
    size_t n = 0;
    for (size_t i = s->low; i < job->n_items && n < job->batch_rows; i++) {
        import_item_t *it = &job->items[i];
        if (item_final(it) || it->in_flight)
            continue;
        bool held = it->given_up || item_touches_any(&s->touched, it);
        if (!held) {
            size_t cost = row_encoded_cost(it);
            /* The first row always goes: alone over the limit, the
             * sender says so (sender_send_batch). */
            if (n > 0 && bytes + cost > max_bytes)
                break;
            bytes += cost;
        }
        /* Held back or chosen, what it touches waits for it. When the set
         * is full, stop: the rest waits for the next batch. */
        if (!item_touch_add(&s->touched, it))
            break;
        if (!held)
            idx[n++] = i;
    }
    return n;
}

/* Send the next batch; false when there was nothing to send, the
 * connection failed (then s->conn is NULL) or a row alone is over the
 * server's frame limit (then *fatal is set). */
static bool sender_send_batch(sender_t *s, bool *oom, cli_exit_t *fatal)
{
    import_job_t *job = s->job;
    size_t *idx = malloc(job->batch_rows * sizeof(*idx));
    Aixin__V1__EnrollmentRow **rows = malloc(job->batch_rows * sizeof(*rows));
    if (idx == NULL || rows == NULL) {
        free(idx);
        free(rows);
        *oom = true;
        return false;
    }
    size_t n = sender_choose(s, idx, oom);
    if (n == 0) {
        free(idx);
        free(rows);
        return false;
    }
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
    if (r == CONN_ERR_TOO_LARGE) {
        /* Only a lone row can be over (sender_choose); nothing was sent
         * and sending it again cannot help. */
        *fatal = cli_error(CLI_EXIT_REJECTED,
                           _("line %u cannot be sent: %s"),
                           (unsigned)job->items[idx[0]].row.msg.line, err);
        free(idx);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        job->items[idx[i]].in_flight = true;
        job->items[idx[i]].sent = true; /* part of it may have left */
    }
    batch_t *b = &s->flight[(s->f_head + s->f_len) % IMPORT_SEND_PIPELINE];
    *b = (batch_t){.request_id = req.request_id, .idx = idx, .n = n};
    s->f_len++;
    if (r != CONN_OK) {
        sender_lost(s, err);
        return false;
    }
    return true;
}

static bool error_retryable(const Aixin__V1__Error *e)
{
    return e->retryable ||
           e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE ||
           e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN ||
           e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS ||
           e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT;
}

static void describe(const Aixin__V1__Error *e, char *out, size_t size)
{
    const char *name = names_error_code(e->code);
    snprintf(out, size, "%s: %s", name != NULL ? name : "ERROR",
             e->message != NULL ? e->message : "");
}

/* A final refusal as the error file shows it: the code, the server's
 * message in the user's language and the code's reason in words. */
static void describe_refusal(const Aixin__V1__Error *e, char *out,
                             size_t size)
{
    char message[2 * IMPORT_REASON_SIZE];
    const char *name = names_error_code(e->code);
    server_text_translate(e->message != NULL ? e->message : "", message,
                          sizeof(message));
    snprintf(out, size, "%s: %s (%s)", name != NULL ? name : "ERROR", message,
             error_text_reason(e->code));
}

/* A retryable answer for item it: it waits to be sent again, unless it has
 * been answered so for longer than the patience. */
static void item_retry_later(sender_t *s, import_item_t *it, int64_t now)
{
    it->in_flight = false;
    if (it->retry_since_ms == 0)
        it->retry_since_ms = now;
    else if (now - it->retry_since_ms >= (int64_t)s->job->patience_s * 1000)
        it->given_up = true;
}

static void item_final_answer(sender_t *s, import_item_t *it,
                              import_status_t st)
{
    it->in_flight = false;
    it->retry_since_ms = 0;
    it->status = (uint8_t)st;
    s->n_final++;
}

/* Apply the answer of batch b. False with *fatal set for an answer that
 * ends the job. *any_final: some row got its final answer. */
static bool sender_apply(sender_t *s, batch_t *b, const Aixin__V1__Response *resp,
                         cli_exit_t *fatal, bool *any_final)
{
    import_job_t *job = s->job;
    const Aixin__V1__ImportResult *ir = resp->import_result;
    if (resp->body_case != AIXIN__V1__RESPONSE__BODY_IMPORT_RESULT ||
        ir->n_results != b->n) {
        *fatal = cli_error(CLI_EXIT_UNAVAILABLE,
                           _("the server answered an import batch with "
                             "something else"));
        return false;
    }
    int64_t now = now_ms();
    for (size_t j = 0; j < b->n; j++) {
        import_item_t *it = &job->items[b->idx[j]];
        const Aixin__V1__RowResult *res = ir->results[j];
        if (res->line != it->row.msg.line) {
            *fatal = cli_error(CLI_EXIT_UNAVAILABLE,
                               _("the server answered line %u for line %u"),
                               (unsigned)res->line,
                               (unsigned)it->row.msg.line);
            return false;
        }
        if (res->error != NULL && error_retryable(res->error)) {
            describe(res->error, s->last_failure, sizeof(s->last_failure));
            item_retry_later(s, it, now);
            continue;
        }
        if (res->error != NULL) {
            char text[3 * IMPORT_REASON_SIZE];
            describe_refusal(res->error, text, sizeof(text));
            free(it->refusal);
            it->refusal = strdup(text);
            snprintf(it->refusal_field, sizeof(it->refusal_field), "%s",
                     import_row_column_of(res->error->field != NULL
                                              ? res->error->field
                                              : ""));
            if (it->refusal == NULL) {
                *fatal = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
                return false;
            }
            it->child_elsewhere =
                import_elsewhere_is_refusal(res->error->message);
            item_final_answer(s, it, IMPORT_REFUSED);
        } else if (res->policy != NULL) {
            item_final_answer(s, it,
                              res->replayed ? IMPORT_REPLAYED
                                            : IMPORT_ENROLLED);
        } else {
            *fatal = cli_error(CLI_EXIT_UNAVAILABLE,
                               _("the server answered line %u with neither a "
                                 "policy nor an error"),
                               (unsigned)res->line);
            return false;
        }
        *any_final = true;
    }
    return true;
}

static void sender_backoff(sender_t *s)
{
    unsigned ms = BACKOFF_FIRST_MS;
    for (unsigned i = 1; i < s->quiet_rounds && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    sleep_ms(ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS);
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
        s->quiet_rounds++;
        return true;
    }
    bool any_final = false;
    bool ok = true;
    if (resp->error != NULL) {
        char why[CONN_ERROR_TEXT_SIZE];
        describe(resp->error, why, sizeof(why));
        if (resp->request_id == 0) {
            /* The connection is being closed (a deadline, say). */
            aixin__v1__response__free_unpacked(resp, NULL);
            sender_lost(s, why);
            s->quiet_rounds++;
            return true;
        }
        if (error_retryable(resp->error)) {
            snprintf(s->last_failure, sizeof(s->last_failure), "%s", why);
            int64_t now = now_ms();
            for (size_t j = 0; j < b->n; j++)
                item_retry_later(s, &s->job->items[b->idx[j]], now);
        } else {
            *fatal = cli_error(rpc_exit_for_error(resp->error->code),
                               _("the server refused the import: %s"), why);
            ok = false;
        }
    } else {
        ok = sender_apply(s, b, resp, fatal, &any_final);
    }
    aixin__v1__response__free_unpacked(resp, NULL);
    if (!ok)
        return false;
    free(b->idx);
    b->idx = NULL;
    s->f_head = (s->f_head + 1) % IMPORT_SEND_PIPELINE;
    s->f_len--;
    import_job_t *job = s->job;
    if (any_final) {
        s->quiet_rounds = 0;
        s->last_answer_ms = now_ms();
        if (s->outage_said) {
            cli_warn(_("the server answers again; going on"));
            s->outage_said = false;
        }
    } else {
        /* A whole batch to send again: the server or its database is in
         * trouble. Pause before more. */
        s->quiet_rounds++;
        sender_backoff(s);
    }
    if (job->progress != NULL)
        progress_update(job->progress, job->progress_base + s->n_final);
    if (job->on_answered != NULL)
        job->on_answered(job->ctx);
    return true;
}

/* Another database answers now: nothing it did not say counts. */
static void sender_identity_changed(sender_t *s, const char *identity)
{
    import_job_t *job = s->job;
    for (size_t i = 0; i < job->n_items; i++) {
        import_item_t *it = &job->items[i];
        if (it->status == IMPORT_DUPLICATE)
            continue;
        if (it->status == IMPORT_WAITING)
            continue;
        it->status = IMPORT_WAITING;
        free(it->refusal);
        it->refusal = NULL;
        it->refusal_field[0] = '\0';
        it->child_elsewhere = false;
    }
    s->n_final = 0;
    s->low = 0;
    snprintf(job->identity, sizeof(job->identity), "%s", identity);
}

/* Open a connection (one attempt). False with *fatal set for a final
 * failure; false with s->conn NULL for a transient one. */
static bool sender_connect(sender_t *s, cli_exit_t *fatal)
{
    import_job_t *job = s->job;
    bool transient = false;
    cli_exit_t rc = rpc_client_connection_try(job->client, &s->conn,
                                              &transient, s->last_failure);
    if (rc != CLI_EXIT_OK) {
        s->conn = NULL;
        if (!transient)
            *fatal = rc;
        return false;
    }
    const char *identity = conn_server_identity(s->conn);
    if (identity[0] == '\0') {
        snprintf(s->last_failure, sizeof(s->last_failure), "%s",
                 _("the server does not say which database it works on (its "
                   "database may be unreachable)"));
        rpc_client_drop_connection(job->client);
        s->conn = NULL;
        return false;
    }
    bool changed = job->identity[0] != '\0' &&
                   strcmp(job->identity, identity) != 0;
    if (changed)
        sender_identity_changed(s, identity);
    else
        snprintf(job->identity, sizeof(job->identity), "%s", identity);
    if ((changed || !s->identity_told) && job->on_identity != NULL)
        job->on_identity(job->ctx, identity, changed);
    s->identity_told = true;
    return true;
}

void import_items_clear(import_item_t *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].refusal);
        items[i].refusal = NULL;
    }
}

static bool sender_has_work(const sender_t *s)
{
    if (s->f_len > 0)
        return true;
    for (size_t i = s->low; i < s->job->n_items; i++) {
        const import_item_t *it = &s->job->items[i];
        if (!item_final(it) && !it->given_up)
            return true;
    }
    return false;
}

cli_exit_t import_send_all(import_job_t *job)
{
    sender_t s = {.job = job, .last_answer_ms = now_ms()};
    cli_exit_t fatal = CLI_EXIT_OK;
    bool oom = false;
    for (size_t i = 0; i < job->n_items; i++)
        s.n_final += item_final(&job->items[i]);
    int64_t patience_ms = (int64_t)job->patience_s * 1000;
    /* Connect at least once, even with every row skipped: a skip holds
     * only when this server works on the database of the progress file. */
    while (fatal == CLI_EXIT_OK && !oom &&
           (!s.identity_told || sender_has_work(&s))) {
        if (s.conn == NULL) {
            if (now_ms() - s.last_answer_ms >= patience_ms)
                break;
            if (s.quiet_rounds > 0) {
                if (!s.outage_said) {
                    cli_warn(_("%s; retrying for up to %u s"), s.last_failure,
                             job->patience_s);
                    s.outage_said = true;
                }
                sender_backoff(&s);
            }
            if (!sender_connect(&s, &fatal)) {
                s.quiet_rounds++;
                continue;
            }
        }
        if (now_ms() - s.last_answer_ms >= patience_ms)
            break;
        while (s.conn != NULL && s.f_len < IMPORT_SEND_PIPELINE &&
               sender_send_batch(&s, &oom, &fatal))
            ;
        if (fatal != CLI_EXIT_OK)
            break;
        if (s.conn != NULL && s.f_len == 0)
            break; /* what waits is held back by rows given up */
        if (s.conn != NULL && !sender_receive(&s, &fatal))
            break;
        if (s.quiet_rounds > 0 && !s.outage_said && s.conn != NULL &&
            now_ms() - s.last_answer_ms >= 2000) {
            cli_warn(_("%s; retrying for up to %u s"), s.last_failure,
                     job->patience_s);
            s.outage_said = true;
        }
    }
    flight_forget(&s);
    free(s.touched.slots);
    if (!s.identity_told) /* never confirmed: not done on our word alone */
        for (size_t i = 0; i < job->n_items; i++)
            if (job->items[i].status == IMPORT_SKIPPED)
                job->items[i].status = IMPORT_WAITING;
    if (oom && fatal == CLI_EXIT_OK)
        fatal = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    if (fatal != CLI_EXIT_OK)
        return fatal;
    size_t left = 0;
    for (size_t i = 0; i < job->n_items; i++)
        left += job->items[i].status == IMPORT_WAITING;
    if (left > 0)
        return cli_error(CLI_EXIT_UNAVAILABLE,
                         _("%s; gave up after %u s without an answer, with "
                           "%zu rows not done: run the same command again to "
                           "go on (rows already done are not done twice)"),
                         s.last_failure, job->patience_s, left);
    return CLI_EXIT_OK;
}
