/*
 * Telling the service manager (systemd, Type=notify) what the daemon is
 * doing: ready, reloading, stopping, and the watchdog's "still alive".
 * Without $NOTIFY_SOCKET (not under systemd) every call does nothing.
 */
#ifndef AIXIN_SERVICE_NOTIFY_H
#define AIXIN_SERVICE_NOTIFY_H

#include <event2/event.h>

#include "worker.h"

/* READY=1 with a STATUS line: listening, serving. */
void service_notify_ready(const char *status);
/* RELOADING=1 (with MONOTONIC_USEC, as systemd 253+ wants): a SIGHUP is
 * being applied; service_notify_ready() ends it. */
void service_notify_reloading(void);
/* STOPPING=1: shutdown began. */
void service_notify_stopping(void);

typedef struct service_watchdog service_watchdog_t;

/* When the unit has WatchdogSec=, ping every half period on BASE, but
 * only while every worker's loop is turning (its heartbeat advanced), so
 * that a stuck worker gets the daemon restarted. NULL when there is no
 * watchdog. */
service_watchdog_t *service_watchdog_start(struct event_base *base,
                                           worker_t *workers, int nworkers);
void service_watchdog_stop(service_watchdog_t *wd);

#endif
