/*
 * The door: who may hold a connection. Strangers (connections that have
 * not logged in) have a cap of their own and a cap per source address;
 * when the strangers' cap or the connection limit is reached, a stranger
 * makes room: the oldest of the address that holds the most strangers.
 * An office that has logged in is never refused because of strangers,
 * and one address flooding the door evicts its own connections
 * (OpenSSH's MaxStartups, pgbouncer's limits).
 *
 * Shared by the acceptor (main thread) and the workers: every call takes
 * the door's lock, briefly. Refusals and evictions are counted here and
 * logged by the acceptor as one summary line now and then, never one line
 * per connection.
 */
#ifndef AIXIN_DOOR_H
#define AIXIN_DOOR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct door door_t;

typedef struct door_limits {
    int max_connections;             /* all connections */
    int max_unauthenticated;         /* connections not logged in */
    int max_per_address;             /* all connections of one address */
    int max_unauthenticated_per_address;
} door_limits_t;

typedef enum door_verdict {
    DOOR_ADMIT = 0,        /* take the connection */
    DOOR_REFUSE_FULL,      /* at the limit and nobody to evict */
    DOOR_REFUSE_ADDRESS,   /* this address holds too many already */
    DOOR_VERDICT_COUNT
} door_verdict_t;

/* What the door counted since the last door_take_counts(). */
typedef struct door_counts {
    uint64_t refused_full;
    uint64_t refused_address;
    uint64_t evicted;
    uint64_t login_deadline;
    int connections;
    int unauthenticated;
} door_counts_t;

door_t *door_new(const door_limits_t *limits);
/* A reload: new limits for the connections to come. Connections already
 * held stay, even above a lowered limit; strangers make room as usual. */
void door_set_limits(door_t *d, const door_limits_t *limits);
void door_free(door_t *d);

/*
 * A new connection from `sa`, to be handled by worker `worker`. On
 * DOOR_ADMIT *id names it from now on (pass it to the worker); when room
 * had to be made, *evict_id / *evict_worker name the stranger to close
 * (0 when none).
 */
__attribute__((warn_unused_result)) door_verdict_t
door_admit(door_t *d, const struct sockaddr *sa, int worker, uint64_t *id,
           uint64_t *evict_id, int *evict_worker);

/* The connection logged in: it is no stranger any more. False when it
 * had already been chosen for eviction (it closes anyway). */
bool door_authenticated(door_t *d, uint64_t id);
/* The connection logged out: a stranger again, the newest one. */
void door_unauthenticated(door_t *d, uint64_t id);
/* The connection is gone. */
void door_release(door_t *d, uint64_t id);

/* A stranger missed its login deadline (for the summary line). */
void door_count_deadline(door_t *d);
/* Copy and reset the counters. */
void door_take_counts(door_t *d, door_counts_t *out);

#endif
