/*
 * One line per event: "ts=... level=info conn=12 event=accept peer=...".
 * Callers pass the key=value part as a printf format. Debug arguments are
 * not evaluated unless debug logging is on. Never pass passwords, tokens
 * or whole ID numbers (mask them with idcard_mask()).
 */
#ifndef AIXIN_LOG_H
#define AIXIN_LOG_H

#include <stdatomic.h>
#include <stdbool.h>

typedef enum log_level {
    LOG_LEVEL_DEBUG = 0,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_COUNT
} log_level_t;

/* Changed by a reload while other threads log: atomic. */
extern _Atomic log_level_t log_min_level;

/* Parse "debug", "info", "warn" or "error". */
bool log_level_parse(const char *name, log_level_t *out);

void log_write(log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...)                                                        \
    do {                                                                      \
        if (log_min_level <= LOG_LEVEL_DEBUG)                                 \
            log_write(LOG_LEVEL_DEBUG, __VA_ARGS__);                          \
    } while (0)
#define log_info(...)                                                         \
    do {                                                                      \
        if (log_min_level <= LOG_LEVEL_INFO)                                  \
            log_write(LOG_LEVEL_INFO, __VA_ARGS__);                           \
    } while (0)
#define log_warn(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)

/* Rate limit for one call site: true at most once per `seconds`; the calls
 * refused in between are counted and *suppressed gets that count (to log
 * with the next line that passes). */
bool log_rate_allow(_Atomic long long *last_s, atomic_ullong *refused,
                    int seconds, unsigned long long *suppressed);

/* A warning that may repeat in a storm (a client misbehaving thousands of
 * times a second): written at most once per SECONDS from this call site,
 * followed by how many were suppressed. */
#define log_warn_every(seconds, ...)                                          \
    do {                                                                      \
        static _Atomic long long log_last_s_;                                 \
        static atomic_ullong log_refused_;                                    \
        unsigned long long log_suppressed_;                                   \
        if (log_rate_allow(&log_last_s_, &log_refused_, (seconds),            \
                           &log_suppressed_)) {                               \
            log_write(LOG_LEVEL_WARN, __VA_ARGS__);                           \
            if (log_suppressed_ > 0)                                          \
                log_write(LOG_LEVEL_WARN,                                     \
                          "event=log_suppressed count=%llu at=%s:%d",         \
                          log_suppressed_, __FILE__, __LINE__);               \
        }                                                                     \
    } while (0)
#define log_error(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
