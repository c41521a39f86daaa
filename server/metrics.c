#include "metrics.h"

#include <string.h>

const uint64_t metrics_latency_bounds_us[METRICS_LATENCY_BUCKETS] = {
    1000, 5000, 20000, 100000, 500000, 2000000, 10000000, 60000000};

static int metrics_bucket(uint64_t us)
{
    int b = 0;
    while (b < METRICS_LATENCY_BUCKETS && us > metrics_latency_bounds_us[b])
        b++;
    return b;
}

/* The slot of `op`, claimed on first use; the last slot takes whatever
 * does not fit (never expected: the protocol has fewer requests). */
static metrics_op_t *metrics_op_slot(metrics_t *m, const char *op)
{
    for (int i = 0; i < METRICS_OPS_MAX; i++) {
        const char *name = atomic_load_explicit(&m->ops[i].name,
                                                memory_order_relaxed);
        if (name == NULL) {
            atomic_store_explicit(&m->ops[i].name, op, memory_order_release);
            return &m->ops[i];
        }
        if (name == op || strcmp(name, op) == 0)
            return &m->ops[i];
    }
    return &m->ops[METRICS_OPS_MAX - 1];
}

void metrics_count_request(metrics_t *m, const char *op, uint64_t us,
                           int error_code)
{
    int b = metrics_bucket(us);
    atomic_fetch_add_explicit(&m->requests, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_us, us, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_bucket[b], 1, memory_order_relaxed);
    metrics_op_t *o = metrics_op_slot(m, op != NULL ? op : "unknown");
    atomic_fetch_add_explicit(&o->requests, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&o->latency_sum_us, us, memory_order_relaxed);
    atomic_fetch_add_explicit(&o->latency_bucket[b], 1, memory_order_relaxed);
    if (error_code != 0) {
        atomic_fetch_add_explicit(&m->errors, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&o->errors, 1, memory_order_relaxed);
        int c = error_code < 0 || error_code >= METRICS_ERROR_CODES
                    ? METRICS_ERROR_CODES - 1
                    : error_code;
        atomic_fetch_add_explicit(&m->errors_by_code[c], 1, memory_order_relaxed);
    }
}

void metrics_count_replays(metrics_t *m, const char *op, uint64_t n)
{
    if (n == 0)
        return;
    metrics_op_t *o = metrics_op_slot(m, op != NULL ? op : "unknown");
    atomic_fetch_add_explicit(&o->replays, n, memory_order_relaxed);
}
