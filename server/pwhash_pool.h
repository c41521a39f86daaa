/*
 * argon2id hashing and verification off the event loops. One hash costs
 * tens of milliseconds and 64 MiB by design, so it runs on a few threads of
 * its own; the result comes back to the loop that asked, as a callback.
 */
#ifndef AIXIN_PWHASH_POOL_H
#define AIXIN_PWHASH_POOL_H

#include <event2/event.h>
#include <stdbool.h>

typedef struct pwhash_pool pwhash_pool_t;
typedef struct pwhash_waiter pwhash_waiter_t;

/*
 * verify: ok = the password matches. hash: ok = hash_out filled (argon2id
 * string, borrowed for the call). ok = false and busy = true when the pool
 * refused the job (queue full): answer UNAVAILABLE.
 */
typedef void (*pwhash_cb)(void *arg, bool ok, const char *hash_out);

/* per_key_max: jobs one key (a source address) may have queued or
 * running at once, so that one address flooding logins cannot fill the
 * queue and starve the others. */
pwhash_pool_t *pwhash_pool_new(int threads, int queue_max, int per_key_max);
/* A reload: a new per_key_max for the jobs to come (queued ones stay). */
void pwhash_pool_set_per_key_max(pwhash_pool_t *pool, int per_key_max);
/* Joins the threads; jobs not yet run are failed back to their waiters.
 * Call before freeing the waiters (a running job reports to its waiter). */
void pwhash_pool_free(pwhash_pool_t *pool);

/* One per event loop: where finished jobs are handed back. */
pwhash_waiter_t *pwhash_waiter_new(pwhash_pool_t *pool,
                                   struct event_base *base);
void pwhash_waiter_free(pwhash_waiter_t *w);

/*
 * Queue a job; the password is copied (and wiped after use). Returns false
 * when the queue is full; otherwise cb runs exactly once on the waiter's
 * loop. For a verify with stored_hash NULL (unknown user) a dummy hash is
 * checked so that unknown and known users take the same time.
 */
/* key: who asks (the source address); NULL: not limited per key. */
__attribute__((warn_unused_result)) bool
pwhash_verify(pwhash_waiter_t *w, const char *key, const char *password,
              const char *stored_hash, pwhash_cb cb, void *arg);
__attribute__((warn_unused_result)) bool
pwhash_hash(pwhash_waiter_t *w, const char *password, pwhash_cb cb,
            void *arg);

/* Blocking hash for offline commands (--create-admin). */
bool pwhash_hash_now(const char *password, char out[128]);

#endif
