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

/* Operations counted apart (more than the protocol has requests); error
 * codes counted apart (codes above the last share the last slot). */
#define METRICS_OPS_MAX 96
#define METRICS_ERROR_CODES 32

/* One operation's figures. name is set once, by the owning worker, after
 * the counters are zero; a reader skips slots whose name is still NULL. */
typedef struct metrics_op {
    _Atomic(const char *) name; /* borrowed: the dispatch table's name */
    atomic_uint_fast64_t requests;
    atomic_uint_fast64_t errors;
    atomic_uint_fast64_t latency_sum_us;
    atomic_uint_fast64_t latency_bucket[METRICS_LATENCY_BUCKETS + 1];
    atomic_uint_fast64_t replays; /* answered from a stored idempotency key */
} metrics_op_t;

typedef struct metrics {
    atomic_uint_fast64_t requests;      /* answered */
    atomic_uint_fast64_t errors;        /* answered with an Error */
    atomic_uint_fast64_t accepted;      /* connections accepted */
    atomic_uint_fast64_t refused;       /* connections refused (limits) */
    atomic_uint_fast64_t latency_sum_us;
    atomic_uint_fast64_t latency_bucket[METRICS_LATENCY_BUCKETS + 1];
    metrics_op_t ops[METRICS_OPS_MAX];  /* by operation (request type) */
    atomic_uint_fast64_t errors_by_code[METRICS_ERROR_CODES];
    /* Published by the worker once a second. */
    atomic_int db_connections_up;
    atomic_int db_queued;
    atomic_uint_fast64_t db_queries_done;
    atomic_uint_fast64_t db_queries_failed;
    atomic_uint_fast64_t db_wait_us_total; /* queued until sent, summed */
    atomic_uint_fast64_t db_waits;
    atomic_uint_fast64_t db_pipelined; /* sent behind another on its connection */
    atomic_uint_fast64_t heartbeats; /* +1 each publish: the loop turns */
    /* Logins refused for a wrong password (a wrong old password on a
     * change counts too: the database counts it as a failed login), and
     * logins refused unchecked because of earlier failures. */
    atomic_uint_fast64_t login_failures;
    atomic_uint_fast64_t login_throttled;
    /* Housekeeping (one worker). */
    atomic_uint_fast64_t purged_sessions;
    atomic_uint_fast64_t purged_keys;
    /* Programme gauges (one worker, once a minute). */
    atomic_llong policies_this_year;
    atomic_llong claims_overdue;
    atomic_int gauges_ready;
} metrics_t;

/* Count one answered request of operation `op` (a string that lives as
 * long as the daemon) that took `us` microseconds; error_code 0 = OK.
 * Only the worker owning m calls it. */
void metrics_count_request(metrics_t *m, const char *op, uint64_t us,
                           int error_code);

/* Count n changes of operation `op` that the database answered from a
 * stored idempotency key (a client's retry or spool replay) rather than
 * making them again. Only the worker owning m calls it. */
void metrics_count_replays(metrics_t *m, const char *op, uint64_t n);

#endif
