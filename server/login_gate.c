#include "login_gate.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* Bounds: beyond them the gate keeps nothing more (the database still
 * throttles) and counts the rest in one "(others)" summary row. */
#define GATE_KEYS_MAX 4096
#define GATE_SUMMARIES_MAX 4096
#define GATE_KEY_SIZE 72 /* "a:" or "d:" + a name (32) or an address (46) */

typedef struct gate_key {
    char key[GATE_KEY_SIZE];
    int64_t until_ms; /* monotonic; 0 = free slot */
    int64_t kept_until_ms; /* monotonic: trust the entry until then */
    bool locked;
} gate_key_t;

typedef struct gate_summary {
    char name[40];
    char address[48];
    int attempts;
    bool locked;
    int64_t first_at_ms, last_at_ms; /* wall clock, unix ms */
} gate_summary_t;

struct login_gate {
    pthread_mutex_t lock;
    gate_key_t *keys;       /* owned, GATE_KEYS_MAX */
    gate_summary_t *sums;   /* owned, GATE_SUMMARIES_MAX + 1 ("others") */
    int nsums;
    gate_summary_t others;
};

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *login_gate_name(const char *username)
{
    size_t n = strlen(username);
    bool ok = n >= 3 && n <= 32;
    int digits = 0;
    for (size_t i = 0; ok && i < n; i++) {
        char c = username[i];
        bool digit = c >= '0' && c <= '9';
        ok = (c >= 'a' && c <= 'z') || digit || c == '_' || c == '.' ||
             c == '-';
        digits = digit ? digits + 1 : 0;
        if (digits >= 15) /* never something that looks like an ID number */
            ok = false;
    }
    return ok ? username : "(unusable name)";
}

login_gate_t *login_gate_new(void)
{
    login_gate_t *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    g->keys = calloc(GATE_KEYS_MAX, sizeof(*g->keys));
    g->sums = calloc(GATE_SUMMARIES_MAX, sizeof(*g->sums));
    if (g->keys == NULL || g->sums == NULL) {
        free(g->keys);
        free(g->sums);
        free(g);
        return NULL;
    }
    pthread_mutex_init(&g->lock, NULL);
    return g;
}

void login_gate_free(login_gate_t *g)
{
    if (g == NULL)
        return;
    pthread_mutex_destroy(&g->lock);
    free(g->keys);
    free(g->sums);
    free(g);
}

static void key_text(char out[GATE_KEY_SIZE], char kind, const char *s)
{
    snprintf(out, GATE_KEY_SIZE, "%c:%s", kind, s);
}

/* The live entry for key, or NULL; with `make`, a free (or expired) slot
 * for it. Linear: the table is small and only refused logins come here
 * in numbers. */
static gate_key_t *key_find(login_gate_t *g, const char *key, bool make,
                            int64_t now)
{
    gate_key_t *free_slot = NULL;
    for (int i = 0; i < GATE_KEYS_MAX; i++) {
        gate_key_t *k = &g->keys[i];
        bool live = k->until_ms > now && k->kept_until_ms > now;
        if (live && strcmp(k->key, key) == 0)
            return k;
        if (!live && free_slot == NULL)
            free_slot = k;
    }
    if (!make || free_slot == NULL)
        return NULL;
    memset(free_slot, 0, sizeof(*free_slot));
    snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
    return free_slot;
}

static void key_set(login_gate_t *g, const char *key, int64_t wait_ms,
                    bool locked, int recheck_ms, int64_t now)
{
    gate_key_t *k = key_find(g, key, wait_ms > 0 && recheck_ms > 0, now);
    if (k == NULL)
        return;
    if (wait_ms <= 0 || recheck_ms <= 0) {
        k->until_ms = 0; /* free again */
        return;
    }
    k->until_ms = now + wait_ms;
    k->kept_until_ms = now + recheck_ms;
    k->locked = locked;
}

void login_gate_note(login_gate_t *g, const char *username,
                     const char *address, int64_t account_wait_ms,
                     bool account_locked, int64_t address_wait_ms,
                     bool address_locked, int recheck_ms)
{
    char a[GATE_KEY_SIZE], d[GATE_KEY_SIZE];
    key_text(a, 'a', login_gate_name(username));
    key_text(d, 'd', address);
    int64_t now = clock_ms(CLOCK_MONOTONIC);
    pthread_mutex_lock(&g->lock);
    key_set(g, a, account_wait_ms, account_locked, recheck_ms, now);
    key_set(g, d, address_wait_ms, address_locked, recheck_ms, now);
    pthread_mutex_unlock(&g->lock);
}

static void count_attempt(login_gate_t *g, const char *name,
                          const char *address, bool locked)
{
    int64_t wall = clock_ms(CLOCK_REALTIME);
    gate_summary_t *s = NULL;
    for (int i = 0; i < g->nsums && s == NULL; i++)
        if (strcmp(g->sums[i].name, name) == 0 &&
            strcmp(g->sums[i].address, address) == 0)
            s = &g->sums[i];
    if (s == NULL && g->nsums < GATE_SUMMARIES_MAX) {
        s = &g->sums[g->nsums++];
        memset(s, 0, sizeof(*s));
        snprintf(s->name, sizeof(s->name), "%s", name);
        snprintf(s->address, sizeof(s->address), "%s", address);
    }
    if (s == NULL) {
        s = &g->others;
        snprintf(s->name, sizeof(s->name), "(others)");
        snprintf(s->address, sizeof(s->address), "(others)");
    }
    if (s->attempts == 0)
        s->first_at_ms = wall;
    s->attempts++;
    s->last_at_ms = wall;
    s->locked = s->locked || locked;
}

bool login_gate_check(login_gate_t *g, const char *username,
                      const char *address, int64_t *wait_ms, bool *locked)
{
    const char *name = login_gate_name(username);
    char a[GATE_KEY_SIZE], d[GATE_KEY_SIZE];
    key_text(a, 'a', name);
    key_text(d, 'd', address);
    int64_t now = clock_ms(CLOCK_MONOTONIC);
    pthread_mutex_lock(&g->lock);
    const gate_key_t *ka = key_find(g, a, false, now);
    const gate_key_t *kd = key_find(g, d, false, now);
    int64_t until = 0;
    bool is_locked = false;
    if (ka != NULL) {
        until = ka->until_ms;
        is_locked = ka->locked;
    }
    if (kd != NULL) {
        if (kd->until_ms > until)
            until = kd->until_ms;
        is_locked = is_locked || kd->locked;
    }
    bool throttled = until > now;
    if (throttled) {
        *wait_ms = until - now;
        *locked = is_locked;
        count_attempt(g, name, address, is_locked);
    }
    pthread_mutex_unlock(&g->lock);
    return throttled;
}

void login_gate_forget(login_gate_t *g, const char *username)
{
    char a[GATE_KEY_SIZE];
    key_text(a, 'a', login_gate_name(username));
    int64_t now = clock_ms(CLOCK_MONOTONIC);
    pthread_mutex_lock(&g->lock);
    gate_key_t *k = key_find(g, a, false, now);
    if (k != NULL)
        k->until_ms = 0;
    pthread_mutex_unlock(&g->lock);
}

/* One summary as a JSON object; names and addresses hold no character
 * that JSON must escape (login_gate_name(), numeric addresses). */
static int summary_json(char *out, size_t len, const gate_summary_t *s)
{
    return snprintf(out, len,
                    "{\"username\":\"%s\",\"address\":\"%s\",\"attempts\":%d,"
                    "\"locked\":%s,\"first_at\":%" PRId64
                    ",\"last_at\":%" PRId64 "}",
                    s->name, s->address, s->attempts,
                    s->locked ? "true" : "false", s->first_at_ms,
                    s->last_at_ms);
}

char *login_gate_take_summary(login_gate_t *g)
{
    pthread_mutex_lock(&g->lock);
    int n = g->nsums + (g->others.attempts > 0 ? 1 : 0);
    char *json = NULL;
    if (n > 0) {
        size_t cap = (size_t)n * 200 + 3;
        json = malloc(cap);
        if (json != NULL) {
            size_t used = 0;
            json[used++] = '[';
            for (int i = 0; i < n; i++) {
                const gate_summary_t *s =
                    i < g->nsums ? &g->sums[i] : &g->others;
                if (i > 0)
                    json[used++] = ',';
                int w = summary_json(json + used, cap - used, s);
                if (w > 0 && (size_t)w < cap - used)
                    used += (size_t)w;
            }
            json[used++] = ']';
            json[used] = '\0';
        } else {
            for (int i = 0; i < n; i++) {
                const gate_summary_t *s =
                    i < g->nsums ? &g->sums[i] : &g->others;
                log_warn("event=login_throttled_unaudited user=%s address=%s "
                         "attempts=%d reason=out_of_memory",
                         s->name, s->address, s->attempts);
            }
        }
    }
    g->nsums = 0;
    memset(&g->others, 0, sizeof(g->others));
    pthread_mutex_unlock(&g->lock);
    return json;
}
