/*
 * A progress bar on stderr for long jobs (imports), only when stderr is a
 * terminal: rows done of the total, the rate and the time left, rewritten
 * in place with '\r' at most ten times a second, e.g.
 *   [##########..........]  10,000/20,000  1,234 rows/s  ETA 0:08
 * progress_finish() ends the line. Nothing is printed when stderr is not
 * a terminal, so logs and pipes stay clean.
 */
#ifndef AIXIN_CLIENT_PROGRESS_H
#define AIXIN_CLIENT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct progress {
    bool enabled;
    uint64_t total;
    uint64_t done;
    int64_t started_ms;
    int64_t drawn_ms;   /* when the bar was last drawn */
    bool drawn;
} progress_t;

/* Start a bar for `total` items (enabled when stderr is a terminal). */
void progress_start(progress_t *p, uint64_t total);

/* `done` items are finished; redraw when due. */
void progress_update(progress_t *p, uint64_t done);

/* Draw the final state and end the line. */
void progress_finish(progress_t *p);

#endif
