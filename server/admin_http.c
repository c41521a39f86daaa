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
