#include "door.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DOOR_BUCKETS 4096

/* One source address and what it holds. */
typedef struct door_addr {
    uint8_t key[16]; /* IPv6, or IPv4-mapped */
    int total;           /* counted connections */
    int unauthenticated; /* of which strangers */
    int refs;            /* slots pointing here, evicted ones included */
    struct door_addr *next; /* bucket chain */
} door_addr_t;

/* One admitted connection. */
typedef struct door_slot {
    uint64_t id;
    int worker;
    door_addr_t *addr;         /* borrowed from the address table */
    bool stranger;             /* in the strangers' list */
    bool evicted;              /* chosen to make room: no longer counted */
    struct door_slot *older, *newer; /* strangers' list, oldest first */
    struct door_slot *next;          /* bucket chain */
} door_slot_t;

struct door {
    pthread_mutex_t lock;
    door_limits_t limits;
    uint64_t next_id;
    int connections;     /* counted (not evicted) */
    int unauthenticated; /* length of the strangers' list */
    door_slot_t *oldest, *newest;
    door_slot_t *slots[DOOR_BUCKETS];
    door_addr_t *addrs[DOOR_BUCKETS];
    door_counts_t counts;
};

door_t *door_new(const door_limits_t *limits)
{
    door_t *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NULL;
    pthread_mutex_init(&d->lock, NULL);
    d->limits = *limits;
    d->next_id = 1;
    return d;
}

void door_set_limits(door_t *d, const door_limits_t *limits)
{
    pthread_mutex_lock(&d->lock);
    d->limits = *limits;
    pthread_mutex_unlock(&d->lock);
}

void door_free(door_t *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < DOOR_BUCKETS; i++) {
        for (door_slot_t *s = d->slots[i]; s != NULL;) {
            door_slot_t *n = s->next;
            free(s);
            s = n;
        }
        for (door_addr_t *a = d->addrs[i]; a != NULL;) {
            door_addr_t *n = a->next;
            free(a);
            a = n;
        }
    }
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static void addr_key(const struct sockaddr *sa, uint8_t key[16])
{
    memset(key, 0, 16);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &in->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    }
}

static size_t addr_bucket(const uint8_t key[16])
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (int i = 0; i < 16; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    return (size_t)(h % DOOR_BUCKETS);
}

static door_addr_t *addr_get(door_t *d, const uint8_t key[16], bool create)
{
    size_t b = addr_bucket(key);
    for (door_addr_t *a = d->addrs[b]; a != NULL; a = a->next)
        if (memcmp(a->key, key, 16) == 0)
            return a;
    if (!create)
        return NULL;
    door_addr_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    memcpy(a->key, key, 16);
    a->next = d->addrs[b];
    d->addrs[b] = a;
    return a;
}

static void addr_maybe_drop(door_t *d, door_addr_t *a)
{
    if (a->refs > 0)
        return;
    door_addr_t **p = &d->addrs[addr_bucket(a->key)];
    while (*p != a)
        p = &(*p)->next;
    *p = a->next;
    free(a);
}

static door_slot_t *slot_find(door_t *d, uint64_t id)
{
    for (door_slot_t *s = d->slots[id % DOOR_BUCKETS]; s != NULL; s = s->next)
        if (s->id == id)
            return s;
    return NULL;
}

static void strangers_push(door_t *d, door_slot_t *s)
{
    s->stranger = true;
    s->newer = NULL;
    s->older = d->newest;
    if (d->newest)
        d->newest->newer = s;
    else
        d->oldest = s;
    d->newest = s;
    d->unauthenticated++;
    s->addr->unauthenticated++;
}

static void strangers_remove(door_t *d, door_slot_t *s)
{
    if (!s->stranger)
        return;
    if (s->older)
        s->older->newer = s->newer;
    else
        d->oldest = s->newer;
    if (s->newer)
        s->newer->older = s->older;
    else
        d->newest = s->older;
    s->older = s->newer = NULL;
    s->stranger = false;
    d->unauthenticated--;
    s->addr->unauthenticated--;
}

/*
 * A stranger stops counting and its worker is told to close it: the
 * oldest one of the address that holds the most strangers, so that one
 * address flooding the door evicts its own connections, not the office
 * next door that is halfway through its login.
 */
static void evict_oldest(door_t *d, uint64_t *evict_id, int *evict_worker)
{
    int most = 0;
    for (door_slot_t *t = d->oldest; t != NULL; t = t->newer)
        if (t->addr->unauthenticated > most)
            most = t->addr->unauthenticated;
    door_slot_t *s = d->oldest;
    while (s->addr->unauthenticated != most)
        s = s->newer;
    strangers_remove(d, s);
    s->evicted = true;
    d->connections--;
    s->addr->total--;
    d->counts.evicted++;
    *evict_id = s->id;
    *evict_worker = s->worker;
}

door_verdict_t door_admit(door_t *d, const struct sockaddr *sa, int worker,
                          uint64_t *id, uint64_t *evict_id, int *evict_worker)
{
    uint8_t key[16];
    addr_key(sa, key);
    *id = 0;
    *evict_id = 0;
    *evict_worker = 0;
    pthread_mutex_lock(&d->lock);
    door_verdict_t v = DOOR_ADMIT;
    door_addr_t *a = addr_get(d, key, true);
    door_slot_t *s = a != NULL ? calloc(1, sizeof(*s)) : NULL;
    if (s == NULL) {
        v = DOOR_REFUSE_FULL; /* out of memory: nothing better to do */
    } else if (a->total >= d->limits.max_per_address ||
               a->unauthenticated >= d->limits.max_unauthenticated_per_address) {
        v = DOOR_REFUSE_ADDRESS;
    } else if (d->connections >= d->limits.max_connections ||
               d->unauthenticated >= d->limits.max_unauthenticated) {
        if (d->oldest == NULL)
            v = DOOR_REFUSE_FULL;
        else
            evict_oldest(d, evict_id, evict_worker);
    }
    if (v != DOOR_ADMIT) {
        free(s);
        if (a != NULL)
            addr_maybe_drop(d, a);
        if (v == DOOR_REFUSE_ADDRESS)
            d->counts.refused_address++;
        else
            d->counts.refused_full++;
        pthread_mutex_unlock(&d->lock);
        return v;
    }
    s->id = d->next_id++;
    s->worker = worker;
    s->addr = a;
    s->next = d->slots[s->id % DOOR_BUCKETS];
    d->slots[s->id % DOOR_BUCKETS] = s;
    a->total++;
    a->refs++;
    d->connections++;
    strangers_push(d, s);
    *id = s->id;
    pthread_mutex_unlock(&d->lock);
    return DOOR_ADMIT;
}

bool door_authenticated(door_t *d, uint64_t id)
{
    pthread_mutex_lock(&d->lock);
    door_slot_t *s = slot_find(d, id);
    bool ok = s != NULL && !s->evicted;
    if (ok)
        strangers_remove(d, s);
    pthread_mutex_unlock(&d->lock);
    return ok;
}

void door_unauthenticated(door_t *d, uint64_t id)
{
    pthread_mutex_lock(&d->lock);
    door_slot_t *s = slot_find(d, id);
    if (s != NULL && !s->evicted && !s->stranger)
        strangers_push(d, s);
    pthread_mutex_unlock(&d->lock);
}

void door_release(door_t *d, uint64_t id)
{
    pthread_mutex_lock(&d->lock);
    door_slot_t **p = &d->slots[id % DOOR_BUCKETS];
    while (*p != NULL && (*p)->id != id)
        p = &(*p)->next;
    door_slot_t *s = *p;
    if (s != NULL) {
        *p = s->next;
        strangers_remove(d, s);
        if (!s->evicted) {
            d->connections--;
            s->addr->total--;
        }
        s->addr->refs--;
        addr_maybe_drop(d, s->addr);
        free(s);
    }
    pthread_mutex_unlock(&d->lock);
}

void door_count_deadline(door_t *d)
{
    pthread_mutex_lock(&d->lock);
    d->counts.login_deadline++;
    pthread_mutex_unlock(&d->lock);
}

void door_take_counts(door_t *d, door_counts_t *out)
{
    pthread_mutex_lock(&d->lock);
    *out = d->counts;
    out->connections = d->connections;
    out->unauthenticated = d->unauthenticated;
    memset(&d->counts, 0, sizeof(d->counts));
    pthread_mutex_unlock(&d->lock);
}
