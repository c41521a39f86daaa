#include "pwhash_pool.h"

#include <pthread.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define PWHASH_MAX_PASSWORD 256
#define PWHASH_STR_SIZE 128
#define PWHASH_KEY_SIZE 48

typedef enum pwhash_kind { PWHASH_VERIFY, PWHASH_HASH } pwhash_kind_t;

typedef struct pwhash_job {
    pwhash_kind_t kind;
    char password[PWHASH_MAX_PASSWORD]; /* wiped once used */
    char hash[PWHASH_STR_SIZE];         /* in for verify, out for hash */
    bool have_hash;
    bool ok;
    pwhash_cb cb;
    void *arg;
    pwhash_waiter_t *waiter; /* borrowed: where to hand the result */
    char key[PWHASH_KEY_SIZE]; /* "" = not counted per key */
    struct pwhash_job *next;
} pwhash_job_t;

struct pwhash_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pwhash_job_t *head, *tail;
    int queued;
    int queue_max;
    bool stopping;
    int nthreads;
    pthread_t *threads;
    char dummy_hash[PWHASH_STR_SIZE]; /* verified for unknown users */
    /* Jobs queued or running per key; at most queue_max + nthreads keys. */
    int per_key_max;
    int nkeys, keys_cap;
    struct pwhash_key_count {
        char key[PWHASH_KEY_SIZE];
        int jobs;    /* queued or running */
        int running; /* of which on a thread now */
    } *keys; /* owned */
};

/* Under pool->lock. The slot of key, created when `create`. */
static struct pwhash_key_count *pwhash_key_slot(pwhash_pool_t *pool,
                                                const char *key, bool create)
{
    for (int i = 0; i < pool->nkeys; i++)
        if (strcmp(pool->keys[i].key, key) == 0)
            return &pool->keys[i];
    if (!create || pool->nkeys >= pool->keys_cap)
        return NULL;
    struct pwhash_key_count *k = &pool->keys[pool->nkeys++];
    snprintf(k->key, sizeof(k->key), "%s", key);
    k->jobs = 0;
    k->running = 0;
    return k;
}

/* Under pool->lock: a job of this key is finished. */
static void pwhash_key_done(pwhash_pool_t *pool, const char *key)
{
    if (key[0] == '\0')
        return;
    struct pwhash_key_count *k = pwhash_key_slot(pool, key, false);
    if (k == NULL)
        return;
    k->running--;
    if (--k->jobs <= 0)
        *k = pool->keys[--pool->nkeys];
}

/* Hashes running now for the job's key (0 without a key). */
static int pwhash_key_running(pwhash_pool_t *pool, const pwhash_job_t *job)
{
    if (job->key[0] == '\0')
        return 0;
    struct pwhash_key_count *k = pwhash_key_slot(pool, job->key, false);
    return k != NULL ? k->running : 0;
}

/*
 * Under pool->lock, queue not empty: take the oldest job among those whose
 * key has the fewest hashes running, so that an address flooding the
 * queue gets a thread only after every other address had its turn.
 */
static pwhash_job_t *pwhash_take_fair(pwhash_pool_t *pool)
{
    pwhash_job_t *best = NULL, *best_prev = NULL, *prev = NULL;
    int best_running = 0;
    for (pwhash_job_t *j = pool->head; j != NULL; prev = j, j = j->next) {
        int r = pwhash_key_running(pool, j);
        if (best == NULL || r < best_running) {
            best = j;
            best_prev = prev;
            best_running = r;
            if (r == 0)
                break;
        }
    }
    if (best_prev != NULL)
        best_prev->next = best->next;
    else
        pool->head = best->next;
    if (pool->tail == best)
        pool->tail = best_prev;
    best->next = NULL;
    pool->queued--;
    if (best->key[0] != '\0') {
        struct pwhash_key_count *k = pwhash_key_slot(pool, best->key, false);
        if (k != NULL)
            k->running++;
    }
    return best;
}

struct pwhash_waiter {
    pwhash_pool_t *pool;
    struct event *done_ev; /* activated from worker threads */
    pthread_mutex_t lock;
    pwhash_job_t *done_head;
};

bool pwhash_hash_now(const char *password, char out[128])
{
    return crypto_pwhash_str(out, password, strlen(password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

static void pwhash_run(pwhash_pool_t *pool, pwhash_job_t *job)
{
    if (job->kind == PWHASH_HASH) {
        job->ok = pwhash_hash_now(job->password, job->hash);
    } else {
        const char *h = job->have_hash ? job->hash : pool->dummy_hash;
        bool match = crypto_pwhash_str_verify(h, job->password,
                                              strlen(job->password)) == 0;
        job->ok = match && job->have_hash;
    }
    sodium_memzero(job->password, sizeof(job->password));
}

static void *pwhash_thread(void *arg)
{
    pwhash_pool_t *pool = arg;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (pool->head == NULL && !pool->stopping)
            pthread_cond_wait(&pool->cond, &pool->lock);
        if (pool->head == NULL) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        pwhash_job_t *job = pwhash_take_fair(pool);
        pthread_mutex_unlock(&pool->lock);

        pwhash_run(pool, job);
        pthread_mutex_lock(&pool->lock);
        pwhash_key_done(pool, job->key);
        pthread_mutex_unlock(&pool->lock);

        pwhash_waiter_t *w = job->waiter;
        pthread_mutex_lock(&w->lock);
        job->next = w->done_head;
        w->done_head = job;
        pthread_mutex_unlock(&w->lock);
        event_active(w->done_ev, EV_READ, 0);
    }
}

void pwhash_pool_set_per_key_max(pwhash_pool_t *pool, int per_key_max)
{
    pthread_mutex_lock(&pool->lock);
    pool->per_key_max = per_key_max;
    pthread_mutex_unlock(&pool->lock);
}

pwhash_pool_t *pwhash_pool_new(int threads, int queue_max, int per_key_max)
{
    pwhash_pool_t *pool = calloc(1, sizeof(*pool));
    if (pool == NULL)
        return NULL;
    pool->threads = calloc((size_t)threads, sizeof(pthread_t));
    pool->keys_cap = queue_max + threads;
    pool->keys = calloc((size_t)pool->keys_cap, sizeof(*pool->keys));
    pool->per_key_max = per_key_max;
    if (pool->threads == NULL || pool->keys == NULL) {
        free(pool->threads);
        free(pool->keys);
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->cond, NULL);
    pool->queue_max = queue_max;
    char random_pw[33];
    randombytes_buf(random_pw, 32);
    for (int i = 0; i < 32; i++)
        random_pw[i] = (char)('a' + ((unsigned char)random_pw[i] % 26));
    random_pw[32] = '\0';
    if (!pwhash_hash_now(random_pw, pool->dummy_hash)) {
        log_error("event=pwhash_init_failed");
        pthread_mutex_destroy(&pool->lock);
        pthread_cond_destroy(&pool->cond);
        free(pool->threads);
        free(pool->keys);
        free(pool);
        return NULL;
    }
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&pool->threads[i], NULL, pwhash_thread, pool) != 0)
            break;
        pool->nthreads++;
    }
    return pool;
}

void pwhash_pool_free(pwhash_pool_t *pool)
{
    if (pool == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->cond);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    /* Jobs never started are handed back as failed, so that every callback
     * still runs once (from pwhash_waiter_free): the pool goes before the
     * waiters, which are only freed after their loops have stopped. */
    while (pool->head != NULL) {
        pwhash_job_t *j = pool->head;
        pool->head = j->next;
        sodium_memzero(j->password, sizeof(j->password));
        j->ok = false;
        pwhash_waiter_t *w = j->waiter;
        pthread_mutex_lock(&w->lock);
        j->next = w->done_head;
        w->done_head = j;
        pthread_mutex_unlock(&w->lock);
    }
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->cond);
    free(pool->threads);
    free(pool->keys);
    free(pool);
}

static void pwhash_waiter_on_done(evutil_socket_t fd, short what, void *arg)
{
    pwhash_waiter_t *w = arg;
    pthread_mutex_lock(&w->lock);
    pwhash_job_t *list = w->done_head;
    w->done_head = NULL;
    pthread_mutex_unlock(&w->lock);
    while (list != NULL) {
        pwhash_job_t *job = list;
        list = job->next;
        job->cb(job->arg, job->ok, job->kind == PWHASH_HASH ? job->hash : NULL);
        sodium_memzero(job, sizeof(*job));
        free(job);
    }
}

pwhash_waiter_t *pwhash_waiter_new(pwhash_pool_t *pool,
                                   struct event_base *base)
{
    pwhash_waiter_t *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->pool = pool;
    pthread_mutex_init(&w->lock, NULL);
    w->done_ev = event_new(base, -1, 0, pwhash_waiter_on_done, w);
    if (w->done_ev == NULL) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

void pwhash_waiter_free(pwhash_waiter_t *w)
{
    if (w == NULL)
        return;
    /* Deliver finished jobs so every callback runs once. */
    pwhash_waiter_on_done(-1, 0, w);
    event_free(w->done_ev);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

static bool pwhash_submit(pwhash_waiter_t *w, pwhash_kind_t kind,
                          const char *key, const char *password,
                          const char *stored_hash, pwhash_cb cb, void *arg)
{
    pwhash_pool_t *pool = w->pool;
    size_t plen = strlen(password);
    if (plen >= PWHASH_MAX_PASSWORD)
        return false;
    if (stored_hash != NULL && strlen(stored_hash) >= PWHASH_STR_SIZE)
        stored_hash = NULL; /* not ours: will not match */
    pwhash_job_t *job = calloc(1, sizeof(*job));
    if (job == NULL)
        return false;
    job->kind = kind;
    memcpy(job->password, password, plen + 1);
    if (stored_hash != NULL) {
        memcpy(job->hash, stored_hash, strlen(stored_hash) + 1);
        job->have_hash = true;
    }
    job->cb = cb;
    job->arg = arg;
    job->waiter = w;
    if (key != NULL)
        snprintf(job->key, sizeof(job->key), "%s", key);
    pthread_mutex_lock(&pool->lock);
    struct pwhash_key_count *k =
        job->key[0] != '\0' ? pwhash_key_slot(pool, job->key, true) : NULL;
    if (pool->queued >= pool->queue_max || pool->stopping ||
        (job->key[0] != '\0' && (k == NULL || k->jobs >= pool->per_key_max))) {
        if (k != NULL && k->jobs == 0)
            *k = pool->keys[--pool->nkeys];
        pthread_mutex_unlock(&pool->lock);
        sodium_memzero(job, sizeof(*job));
        free(job);
        return false;
    }
    if (pool->tail)
        pool->tail->next = job;
    else
        pool->head = job;
    pool->tail = job;
    pool->queued++;
    if (k != NULL)
        k->jobs++;
    pthread_cond_signal(&pool->cond);
    pthread_mutex_unlock(&pool->lock);
    return true;
}

bool pwhash_verify(pwhash_waiter_t *w, const char *key, const char *password,
                   const char *stored_hash, pwhash_cb cb, void *arg)
{
    return pwhash_submit(w, PWHASH_VERIFY, key, password, stored_hash, cb,
                         arg);
}

bool pwhash_hash(pwhash_waiter_t *w, const char *password, pwhash_cb cb,
                 void *arg)
{
    return pwhash_submit(w, PWHASH_HASH, NULL, password, NULL, cb, arg);
}
