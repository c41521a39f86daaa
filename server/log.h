/*
 * One line per event: "ts=... level=info conn=12 event=accept peer=...".
 * Callers pass the key=value part as a printf format. Debug arguments are
 * not evaluated unless debug logging is on. Never pass passwords, tokens
 * or whole ID numbers (mask them with idcard_mask()).
 */
#ifndef AIXIN_LOG_H
#define AIXIN_LOG_H

#include <stdbool.h>

typedef enum log_level {
    LOG_LEVEL_DEBUG = 0,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_COUNT
} log_level_t;

extern log_level_t log_min_level;

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
#define log_error(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
