/*
 * Purging what the database no longer needs: expired sessions and
 * idempotency keys past their retention (aixin.housekeeping_purge), in
 * small batches on one worker's loop, every housekeeping_interval_s, one
 * batch after another (a short pause between) while batches come back
 * full, so requests are never held up behind a long delete.
 */
#ifndef AIXIN_HOUSEKEEPING_H
#define AIXIN_HOUSEKEEPING_H

#include "db_timer.h"
#include "worker.h"

/* NULL when turned off (housekeeping_interval_s = 0) or out of memory. */
db_timer_t *housekeeping_start(worker_t *w);

#endif
