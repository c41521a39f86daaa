#include "db_timer.h"

#include <stdlib.h>

struct db_timer {
    worker_t *worker;        /* borrowed */
    struct event *ev;        /* owned; NULL once stopped */
    db_timer_build_fn build;
    db_timer_done_fn done;
    void *arg;               /* borrowed */
    bool in_flight;
};

static void db_timer_arm(db_timer_t *t, int ms)
{
    if (ms < 0)
        ms = 0;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    evtimer_add(t->ev, &tv);
}

static void db_timer_on_answer(void *arg, db_outcome_t outcome,
                               const PGresult *res)
{
    db_timer_t *t = arg;
    t->in_flight = false;
    if (t->ev == NULL) { /* stopped while the query ran */
        free(t);
        return;
    }
    int next = t->done(t->arg, outcome, res);
    if (!t->worker->stopping)
        db_timer_arm(t, next);
}

static void db_timer_on_fire(evutil_socket_t fd, short what, void *arg)
{
    db_timer_t *t = arg;
    if (t->worker->stopping || t->in_flight)
        return;
    db_query_t *q = t->build(t->arg, db_timer_on_answer, t);
    if (q == NULL) {
        db_timer_on_answer(t, DB_OUTCOME_UNAVAILABLE, NULL);
        return;
    }
    t->in_flight = true;
    db_pool_submit(t->worker->db, q);
}

db_timer_t *db_timer_start(worker_t *w, int first_ms, db_timer_build_fn build,
                           db_timer_done_fn done, void *arg)
{
    db_timer_t *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->worker = w;
    t->build = build;
    t->done = done;
    t->arg = arg;
    t->ev = evtimer_new(w->base, db_timer_on_fire, t);
    if (t->ev == NULL) {
        free(t);
        return NULL;
    }
    db_timer_arm(t, first_ms);
    return t;
}

void db_timer_stop(db_timer_t *t)
{
    if (t == NULL)
        return;
    event_free(t->ev);
    t->ev = NULL;
    if (!t->in_flight)
        free(t);
}
