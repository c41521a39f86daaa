#include "admin_http.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bound_addr.h"
#include "config.h"
#include "log.h"
#include "names.h"

struct admin_http {
    struct evhttp *http; /* owned */
    worker_t *workers;   /* borrowed */
    int nworkers;
    server_shared_t *shared; /* borrowed */
};

static void admin_reply_text(struct evhttp_request *r, int code,
                             const char *reason, struct evbuffer *body)
{
    evhttp_add_header(evhttp_request_get_output_headers(r), "Content-Type",
                      "text/plain; version=0.0.4; charset=utf-8");
    evhttp_send_reply(r, code, reason, body);
}

static bool admin_ready(const admin_http_t *h)
{
    for (int i = 0; i < h->nworkers; i++)
        if (atomic_load(&h->workers[i].metrics.db_connections_up) == 0)
            return false;
    return true;
}

static void admin_on_healthz(struct evhttp_request *r, void *arg)
{
    struct evbuffer *b = evbuffer_new();
    if (b == NULL) {
        evhttp_send_error(r, 500, NULL);
        return;
    }
    evbuffer_add_printf(b, "ok\n");
    admin_reply_text(r, 200, "OK", b);
    evbuffer_free(b);
}

static void admin_on_readyz(struct evhttp_request *r, void *arg)
{
    admin_http_t *h = arg;
    struct evbuffer *b = evbuffer_new();
    if (b == NULL) {
        evhttp_send_error(r, 500, NULL);
        return;
    }
    bool ready = admin_ready(h);
    evbuffer_add_printf(b, ready ? "ready\n" : "not ready: database\n");
    admin_reply_text(r, ready ? 200 : 503, ready ? "OK" : "Service Unavailable",
                     b);
    evbuffer_free(b);
}

/* One counter (at offset within metrics_t) summed over workers. */
static uint64_t admin_sum_counter(const admin_http_t *h, size_t offset)
{
    uint64_t sum = 0;
    for (int i = 0; i < h->nworkers; i++) {
        const atomic_uint_fast64_t *c =
            (const atomic_uint_fast64_t *)(const void *)((const char *)&h->workers[i].metrics +
                                                         offset);
        sum += atomic_load(c);
    }
    return sum;
}

/* Per operation: requests, errors and a latency histogram, summed over
 * the workers (each names its operations in the order it met them). */
static void admin_write_ops(const admin_http_t *h, struct evbuffer *b)
{
    const char *names[METRICS_OPS_MAX];
    int n = 0;
    for (int w = 0; w < h->nworkers; w++) {
        for (int i = 0; i < METRICS_OPS_MAX; i++) {
            const char *name = atomic_load_explicit(&h->workers[w].metrics.ops[i].name,
                                                    memory_order_acquire);
            if (name == NULL)
                break;
            int k = 0;
            while (k < n && strcmp(names[k], name) != 0)
                k++;
            if (k == n && n < METRICS_OPS_MAX)
                names[n++] = name;
        }
    }
    evbuffer_add_printf(b, "# HELP aixin_op_requests_total Requests answered, by operation.\n"
                           "# TYPE aixin_op_requests_total counter\n");
    uint64_t requests[METRICS_OPS_MAX] = {0}, errors[METRICS_OPS_MAX] = {0},
             sum_us[METRICS_OPS_MAX] = {0}, replays[METRICS_OPS_MAX] = {0};
    uint64_t buckets[METRICS_OPS_MAX][METRICS_LATENCY_BUCKETS + 1];
    memset(buckets, 0, sizeof(buckets));
    for (int k = 0; k < n; k++) {
        for (int w = 0; w < h->nworkers; w++) {
            const metrics_t *m = &h->workers[w].metrics;
            for (int i = 0; i < METRICS_OPS_MAX; i++) {
                const char *name = atomic_load_explicit(&m->ops[i].name,
                                                        memory_order_acquire);
                if (name == NULL)
                    break;
                if (strcmp(name, names[k]) != 0)
                    continue;
                requests[k] += atomic_load(&m->ops[i].requests);
                errors[k] += atomic_load(&m->ops[i].errors);
                sum_us[k] += atomic_load(&m->ops[i].latency_sum_us);
                replays[k] += atomic_load(&m->ops[i].replays);
                for (int j = 0; j <= METRICS_LATENCY_BUCKETS; j++)
                    buckets[k][j] += atomic_load(&m->ops[i].latency_bucket[j]);
            }
        }
        evbuffer_add_printf(b, "aixin_op_requests_total{op=\"%s\"} %" PRIu64 "\n",
                            names[k], requests[k]);
    }
    evbuffer_add_printf(b, "# HELP aixin_op_request_errors_total Requests answered with "
                           "an error, by operation.\n"
                           "# TYPE aixin_op_request_errors_total counter\n");
    for (int k = 0; k < n; k++)
        evbuffer_add_printf(b, "aixin_op_request_errors_total{op=\"%s\"} %" PRIu64 "\n",
                            names[k], errors[k]);
    /* Only operations that replayed: the database tells the daemon so for
     * import rows; other changes answer a retry the same as the first. */
    evbuffer_add_printf(b, "# HELP aixin_replays_total Changes answered from a stored "
                           "idempotency key (retries, spool replays), by operation.\n"
                           "# TYPE aixin_replays_total counter\n");
    for (int k = 0; k < n; k++)
        if (replays[k] > 0)
            evbuffer_add_printf(b, "aixin_replays_total{op=\"%s\"} %" PRIu64 "\n",
                                names[k], replays[k]);
    evbuffer_add_printf(b, "# HELP aixin_op_request_seconds Request latency, by "
                           "operation.\n"
                           "# TYPE aixin_op_request_seconds histogram\n");
    for (int k = 0; k < n; k++) {
        uint64_t cumulative = 0;
        for (int j = 0; j <= METRICS_LATENCY_BUCKETS; j++) {
            cumulative += buckets[k][j];
            if (j < METRICS_LATENCY_BUCKETS)
                evbuffer_add_printf(b, "aixin_op_request_seconds_bucket{op=\"%s\","
                                       "le=\"%g\"} %" PRIu64 "\n",
                                    names[k],
                                    (double)metrics_latency_bounds_us[j] / 1e6,
                                    cumulative);
            else
                evbuffer_add_printf(b, "aixin_op_request_seconds_bucket{op=\"%s\","
                                       "le=\"+Inf\"} %" PRIu64 "\n",
                                    names[k], cumulative);
        }
        evbuffer_add_printf(b, "aixin_op_request_seconds_sum{op=\"%s\"} %.6f\n"
                               "aixin_op_request_seconds_count{op=\"%s\"} %" PRIu64 "\n",
                            names[k], (double)sum_us[k] / 1e6, names[k], cumulative);
    }
}

/* Errors by code, pool wait, housekeeping, build and programme figures. */
static void admin_write_extra(const admin_http_t *h, struct evbuffer *b)
{
    evbuffer_add_printf(b, "# HELP aixin_errors_total Error answers, by error code.\n"
                           "# TYPE aixin_errors_total counter\n");
    for (int c = 1; c < METRICS_ERROR_CODES; c++) {
        uint64_t sum = 0;
        for (int w = 0; w < h->nworkers; w++)
            sum += atomic_load(&h->workers[w].metrics.errors_by_code[c]);
        if (sum > 0)
            evbuffer_add_printf(b, "aixin_errors_total{code=\"%s\"} %" PRIu64 "\n",
                                names_error_code((Aixin__V1__ErrorCode)c), sum);
    }
    uint64_t wait_us = admin_sum_counter(h, offsetof(metrics_t, db_wait_us_total));
    uint64_t waits = admin_sum_counter(h, offsetof(metrics_t, db_waits));
    evbuffer_add_printf(b, "# HELP aixin_db_pool_wait_seconds Time queries waited for a "
                           "PostgreSQL connection.\n"
                           "# TYPE aixin_db_pool_wait_seconds summary\n"
                           "aixin_db_pool_wait_seconds_sum %.6f\n"
                           "aixin_db_pool_wait_seconds_count %" PRIu64 "\n",
                        (double)wait_us / 1e6, waits);
    evbuffer_add_printf(b, "# HELP aixin_housekeeping_purged_total Rows purged by "
                           "housekeeping.\n"
                           "# TYPE aixin_housekeeping_purged_total counter\n"
                           "aixin_housekeeping_purged_total{what=\"sessions\"} %" PRIu64 "\n"
                           "aixin_housekeeping_purged_total{what=\"idempotency_keys\"} %" PRIu64 "\n",
                        admin_sum_counter(h, offsetof(metrics_t, purged_sessions)),
                        admin_sum_counter(h, offsetof(metrics_t, purged_keys)));
    evbuffer_add_printf(b, "# HELP aixin_build_info The running daemon's version and "
                           "newest migration.\n"
                           "# TYPE aixin_build_info gauge\n"
                           "aixin_build_info{version=\"%s\",schema=\"%s\"} 1\n",
                        AIXIN_VERSION, AIXIN_SCHEMA_VERSION);
    for (int w = 0; w < h->nworkers; w++) {
        const metrics_t *m = &h->workers[w].metrics;
        if (!atomic_load(&m->gauges_ready))
            continue;
        evbuffer_add_printf(b, "# HELP aixin_policies_this_year Policies of the current "
                               "policy year (refreshed each minute).\n"
                               "# TYPE aixin_policies_this_year gauge\n"
                               "aixin_policies_this_year %lld\n"
                               "# HELP aixin_claims_overdue Claims waiting past their "
                               "service deadline (refreshed each minute).\n"
                               "# TYPE aixin_claims_overdue gauge\n"
                               "aixin_claims_overdue %lld\n",
                            (long long)atomic_load(&m->policies_this_year),
                            (long long)atomic_load(&m->claims_overdue));
    }
}

static void admin_on_metrics(struct evhttp_request *r, void *arg)
{
    admin_http_t *h = arg;
    struct evbuffer *b = evbuffer_new();
    if (b == NULL) {
        evhttp_send_error(r, 500, NULL);
        return;
    }
    struct {
        const char *name, *help;
        size_t offset;
    } counters[] = {
        {"aixin_requests_total", "Requests answered.", offsetof(metrics_t, requests)},
        {"aixin_request_errors_total", "Requests answered with an error.",
         offsetof(metrics_t, errors)},
        {"aixin_connections_accepted_total", "Client connections accepted.",
         offsetof(metrics_t, accepted)},
        {"aixin_connections_refused_total",
         "Client connections refused at the connection limit.",
         offsetof(metrics_t, refused)},
        {"aixin_db_queries_total", "Database queries answered.",
         offsetof(metrics_t, db_queries_done)},
        {"aixin_db_query_failures_total",
         "Database queries that never reached an answer.",
         offsetof(metrics_t, db_queries_failed)},
        {"aixin_db_queries_pipelined_total",
         "Database queries sent behind another on a busy connection "
         "(pipeline mode).",
         offsetof(metrics_t, db_pipelined)},
        {"aixin_login_failures_total",
         "Logins (and password changes) refused for a wrong password.",
         offsetof(metrics_t, login_failures)},
        {"aixin_login_throttled_total",
         "Logins refused unchecked because of earlier failures.",
         offsetof(metrics_t, login_throttled)},
    };
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
        evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n",
                            counters[i].name, counters[i].help,
                            counters[i].name, counters[i].name,
                            admin_sum_counter(h, counters[i].offset));
    int up = 0, queued = 0;
    for (int i = 0; i < h->nworkers; i++) {
        up += atomic_load(&h->workers[i].metrics.db_connections_up);
        queued += atomic_load(&h->workers[i].metrics.db_queued);
    }
    evbuffer_add_printf(b,
                        "# HELP aixin_connections Open client connections.\n"
                        "# TYPE aixin_connections gauge\n"
                        "aixin_connections %d\n"
                        "# HELP aixin_db_connections_up PostgreSQL connections "
                        "ready or busy.\n"
                        "# TYPE aixin_db_connections_up gauge\n"
                        "aixin_db_connections_up %d\n"
                        "# HELP aixin_db_queue Queries waiting for a "
                        "PostgreSQL connection.\n"
                        "# TYPE aixin_db_queue gauge\n"
                        "aixin_db_queue %d\n",
                        atomic_load(&h->shared->connections), up, queued);
    evbuffer_add_printf(b, "# HELP aixin_request_seconds Request latency.\n"
                           "# TYPE aixin_request_seconds histogram\n");
    uint64_t cumulative = 0;
    for (int k = 0; k <= METRICS_LATENCY_BUCKETS; k++) {
        cumulative += admin_sum_counter(
            h, offsetof(metrics_t, latency_bucket) +
                   (size_t)k * sizeof(atomic_uint_fast64_t));
        if (k < METRICS_LATENCY_BUCKETS)
            evbuffer_add_printf(b, "aixin_request_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
                                (double)metrics_latency_bounds_us[k] / 1e6,
                                cumulative);
        else
            evbuffer_add_printf(b, "aixin_request_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
                                cumulative);
    }
    evbuffer_add_printf(b, "aixin_request_seconds_sum %.6f\naixin_request_seconds_count %" PRIu64 "\n",
                        (double)admin_sum_counter(h, offsetof(metrics_t, latency_sum_us)) / 1e6,
                        cumulative);
    admin_write_ops(h, b);
    admin_write_extra(h, b);
    admin_reply_text(r, 200, "OK", b);
    evbuffer_free(b);
}

admin_http_t *admin_http_start(struct event_base *base, const char *listen,
                               worker_t *workers, int nworkers,
                               server_shared_t *shared)
{
    char host[256];
    int port;
    if (!config_split_hostport(listen, host, sizeof(host), &port)) {
        log_error("event=admin_http_failed reason=bad_address addr=%s", listen);
        return NULL;
    }
    admin_http_t *h = calloc(1, sizeof(*h));
    if (h == NULL)
        return NULL;
    h->workers = workers;
    h->nworkers = nworkers;
    h->shared = shared;
    h->http = evhttp_new(base);
    struct evhttp_bound_socket *bound =
        h->http ? evhttp_bind_socket_with_handle(h->http, host, (uint16_t)port)
                : NULL;
    if (bound == NULL) {
        log_error("event=admin_http_failed reason=bind addr=%s", listen);
        admin_http_stop(h);
        return NULL;
    }
    char addr[CONFIG_STR_MAX];
    if (!bound_addr_format(evhttp_bound_socket_get_fd(bound), addr, sizeof(addr)))
        snprintf(addr, sizeof(addr), "%s", listen);
    const char *file = shared->config->admin_listen_file;
    if (file[0] != '\0' && !bound_addr_write_file(file, addr)) {
        admin_http_stop(h);
        return NULL;
    }
    evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_timeout(h->http, 10);
    evhttp_set_cb(h->http, "/healthz", admin_on_healthz, h);
    evhttp_set_cb(h->http, "/readyz", admin_on_readyz, h);
    evhttp_set_cb(h->http, "/metrics", admin_on_metrics, h);
    log_info("event=admin_http addr=%s", addr);
    return h;
}

void admin_http_stop(admin_http_t *h)
{
    if (h == NULL)
        return;
    if (h->http)
        evhttp_free(h->http);
    free(h);
}
