/*
 * Counters a worker updates on its own thread and the admin HTTP endpoint
 * reads from the main thread: relaxed atomics, so reading never stops a
 * worker and a figure is at worst a moment old.
 */
#ifndef AIXIN_METRICS_H
#define AIXIN_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

/* Upper bounds (microseconds) of the request latency histogram buckets;
 * one more bucket above the last counts the rest. */
#define METRICS_LATENCY_BUCKETS 8
extern const uint64_t metrics_latency_bounds_us[METRICS_LATENCY_BUCKETS];

typedef struct metrics {
    atomic_uint_fast64_t requests;      /* answered */
    atomic_uint_fast64_t errors;        /* answered with an Error */
    atomic_uint_fast64_t accepted;      /* connections accepted */
    atomic_uint_fast64_t refused;       /* connections refused (limits) */
    atomic_uint_fast64_t latency_sum_us;
    atomic_uint_fast64_t latency_bucket[METRICS_LATENCY_BUCKETS + 1];
    /* Published by the worker once a second. */
    atomic_int db_connections_up;
    atomic_int db_queued;
    atomic_uint_fast64_t db_queries_done;
    atomic_uint_fast64_t db_queries_failed;
    atomic_uint_fast64_t heartbeats; /* +1 each publish: the loop turns */
} metrics_t;

/* Count one answered request that took `us` microseconds. */
void metrics_count_request(metrics_t *m, uint64_t us, int is_error);

#endif
