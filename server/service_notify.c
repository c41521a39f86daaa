#include "service_notify.h"

#include <inttypes.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "log.h"

void service_notify_ready(const char *status)
{
    sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void service_notify_reloading(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t usec = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=reloading", usec);
}

void service_notify_stopping(void)
{
    sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

struct service_watchdog {
    struct event *timer;  /* owned */
    worker_t *workers;    /* borrowed */
    int nworkers;
    uint64_t *last_beat;  /* owned: each worker's heartbeat at the last ping */
    struct timeval period;
};

static void service_watchdog_on_timer(evutil_socket_t fd, short what, void *arg)
{
    service_watchdog_t *wd = arg;
    bool alive = true;
    for (int i = 0; i < wd->nworkers; i++) {
        uint64_t beat = atomic_load(&wd->workers[i].metrics.heartbeats);
        if (beat == wd->last_beat[i]) {
            alive = false;
            log_warn_every(60, "event=watchdog_withheld worker=%d reason=no_heartbeat", i);
        }
        wd->last_beat[i] = beat;
    }
    if (alive)
        sd_notify(0, "WATCHDOG=1");
    evtimer_add(wd->timer, &wd->period);
}

service_watchdog_t *service_watchdog_start(struct event_base *base,
                                           worker_t *workers, int nworkers)
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return NULL;
    service_watchdog_t *wd = calloc(1, sizeof(*wd));
    if (wd == NULL)
        return NULL;
    wd->workers = workers;
    wd->nworkers = nworkers;
    wd->last_beat = calloc((size_t)nworkers, sizeof(*wd->last_beat));
    wd->timer = evtimer_new(base, service_watchdog_on_timer, wd);
    if (wd->last_beat == NULL || wd->timer == NULL) {
        service_watchdog_stop(wd);
        return NULL;
    }
    /* Half the period; workers beat every second, so allow at least 2 s
     * between checks or an idle worker would look stuck. */
    uint64_t half = usec / 2;
    if (half < 2000000u)
        half = 2000000u;
    wd->period.tv_sec = (time_t)(half / 1000000u);
    wd->period.tv_usec = (suseconds_t)(half % 1000000u);
    sd_notify(0, "WATCHDOG=1");
    evtimer_add(wd->timer, &wd->period);
    log_info("event=watchdog period_ms=%" PRIu64, usec / 1000u);
    return wd;
}

void service_watchdog_stop(service_watchdog_t *wd)
{
    if (wd == NULL)
        return;
    if (wd->timer)
        event_free(wd->timer);
    free(wd->last_beat);
    free(wd);
}
