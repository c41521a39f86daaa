#include "metrics.h"

const uint64_t metrics_latency_bounds_us[METRICS_LATENCY_BUCKETS] = {
    1000, 5000, 20000, 100000, 500000, 2000000, 10000000, 60000000};

void metrics_count_request(metrics_t *m, uint64_t us, int is_error)
{
    atomic_fetch_add_explicit(&m->requests, 1, memory_order_relaxed);
    if (is_error)
        atomic_fetch_add_explicit(&m->errors, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_us, us, memory_order_relaxed);
    int b = 0;
    while (b < METRICS_LATENCY_BUCKETS && us > metrics_latency_bounds_us[b])
        b++;
    atomic_fetch_add_explicit(&m->latency_bucket[b], 1, memory_order_relaxed);
}
