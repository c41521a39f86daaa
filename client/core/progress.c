/* A progress bar on a terminal; see progress.h. */
#include "progress.h"
#include "i18n.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_WIDTH 20
#define PROGRESS_REDRAW_MS 100

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* n with thousands separators: 20000 -> "20,000". */
static void with_commas(uint64_t n, char out[32])
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    int o = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void progress_draw(progress_t *p, int64_t t)
{
    char bar[PROGRESS_WIDTH + 1];
    uint64_t filled = p->total > 0 ? p->done * PROGRESS_WIDTH / p->total
                                   : PROGRESS_WIDTH;
    for (int i = 0; i < PROGRESS_WIDTH; i++)
        bar[i] = (uint64_t)i < filled ? '#' : '.';
    bar[PROGRESS_WIDTH] = '\0';
    double secs = (double)(t - p->started_ms) / 1000.0;
    double rate = secs > 0.05 ? (double)p->done / secs : 0.0;
    char done[32], total[32], rate_text[32], eta[32] = "-:--";
    with_commas(p->done, done);
    with_commas(p->total, total);
    with_commas((uint64_t)rate, rate_text);
    if (rate > 0.0 && p->total >= p->done) {
        uint64_t left = (uint64_t)((double)(p->total - p->done) / rate);
        snprintf(eta, sizeof(eta), "%llu:%02llu",
                 (unsigned long long)(left / 60),
                 (unsigned long long)(left % 60));
    }
    fputc('\r', stderr);
    fprintf(stderr, _("[%s] %s/%s  %s rows/s  ETA %s   "), bar, done, total,
            rate_text, eta);
    fflush(stderr);
    p->drawn_ms = t;
    p->drawn = true;
}

void progress_start(progress_t *p, uint64_t total)
{
    p->enabled = isatty(STDERR_FILENO) != 0;
    p->total = total;
    p->done = 0;
    p->started_ms = now_ms();
    p->drawn_ms = 0;
    p->drawn = false;
    if (p->enabled)
        progress_draw(p, p->started_ms);
}

void progress_update(progress_t *p, uint64_t done)
{
    p->done = done;
    if (!p->enabled)
        return;
    int64_t t = now_ms();
    if (t - p->drawn_ms >= PROGRESS_REDRAW_MS)
        progress_draw(p, t);
}

void progress_finish(progress_t *p)
{
    if (!p->enabled)
        return;
    progress_draw(p, now_ms());
    fputc('\n', stderr);
    p->enabled = false;
}
