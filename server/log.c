#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

_Atomic log_level_t log_min_level = LOG_LEVEL_INFO;

static const char *const level_names[LOG_LEVEL_COUNT] = {
    [LOG_LEVEL_DEBUG] = "debug",
    [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_WARN] = "warn",
    [LOG_LEVEL_ERROR] = "error",
};

bool log_level_parse(const char *name, log_level_t *out)
{
    for (int i = 0; i < LOG_LEVEL_COUNT; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (log_level_t)i;
            return true;
        }
    }
    return false;
}

bool log_rate_allow(_Atomic long long *last_s, atomic_ullong *refused,
                    int seconds, unsigned long long *suppressed)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* +1: a zero "last" means never, even in the first second of uptime. */
    long long now = (long long)ts.tv_sec + 1;
    long long last = atomic_load_explicit(last_s, memory_order_relaxed);
    if (last != 0 && now - last < seconds) {
        atomic_fetch_add_explicit(refused, 1, memory_order_relaxed);
        return false;
    }
    /* Only one thread wins the slot; the others count as refused. */
    if (!atomic_compare_exchange_strong(last_s, &last, now)) {
        atomic_fetch_add_explicit(refused, 1, memory_order_relaxed);
        return false;
    }
    *suppressed = atomic_exchange(refused, 0);
    return true;
}

void log_write(log_level_t level, const char *fmt, ...)
{
    if (level < log_min_level || level >= LOG_LEVEL_COUNT)
        return;
    char line[2048];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    int n = snprintf(line, sizeof(line),
                     "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000),
                     level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof(line) - 2)
        len = sizeof(line) - 2;
    line[len++] = '\n';
    /* One write per line so lines from several threads never interleave. */
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
