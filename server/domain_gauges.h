/*
 * Programme figures for /metrics (policies of the current year, claims
 * overdue today), read once a minute on one worker's loop through
 * aixin.metrics_gauges() and kept in that worker's metrics.
 */
#ifndef AIXIN_DOMAIN_GAUGES_H
#define AIXIN_DOMAIN_GAUGES_H

#include "db_timer.h"
#include "worker.h"

#define DOMAIN_GAUGES_PERIOD_MS 60000

db_timer_t *domain_gauges_start(worker_t *w);

#endif
