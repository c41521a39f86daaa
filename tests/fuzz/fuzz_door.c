/*
 * The door (server/door.c) under any sequence of arrivals, logins, logouts,
 * evictions and departures, from a handful of addresses, against a model:
 * the counts match, arrivals never pass the caps, an address over its
 * cap is refused, a stranger is evicted only to make room (the oldest of
 * the address holding the most strangers), and a logged-in connection is
 * never evicted. Then every Login-shaped
 * request in the input goes through the request checks that guard the
 * login path.
 */
#include "door.h"
#include "request_check.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LIVE 64
#define ADDRESSES 4

typedef struct live {
    uint64_t id;
    int addr;
    bool authenticated;
    bool evicted; /* told to close, not yet gone */
    uint64_t stranger_since; /* order of becoming a stranger */
} live_t;

static void check(bool ok)
{
    if (!ok)
        abort();
}

static void fuzz_door(const uint8_t *data, size_t size)
{
    if (size < 4)
        return;
    door_limits_t lim = {
        .max_connections = 1 + data[0] % 16,
        .max_unauthenticated = 1 + data[1] % 8,
        .max_per_address = 1 + data[2] % 12,
        .max_unauthenticated_per_address = 1 + data[3] % 6,
    };
    door_t *d = door_new(&lim);
    check(d != NULL);
    live_t live[MAX_LIVE];
    int n = 0;
    uint64_t clock = 0;
    int prev_strangers = 0;
    for (size_t i = 4; i + 1 < size; i += 2) {
        uint8_t op = data[i] % 4, arg = data[i + 1];
        bool admitted = false;
        if (op == 0 && n < MAX_LIVE) { /* arrival */
            struct sockaddr_in sa = {0};
            sa.sin_family = AF_INET;
            int a = arg % ADDRESSES;
            sa.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)a);
            uint64_t id, evict_id;
            int evict_worker;
            door_verdict_t v = door_admit(d, (struct sockaddr *)&sa, 0, &id,
                                          &evict_id, &evict_worker);
            if (evict_id != 0) {
                /* Only a stranger makes room: the oldest of the address
                 * holding the most strangers. */
                int strangers_of[ADDRESSES] = {0}, most = 0;
                for (int k = 0; k < n; k++)
                    if (!live[k].authenticated && !live[k].evicted)
                        strangers_of[live[k].addr]++;
                for (int x = 0; x < ADDRESSES; x++)
                    if (strangers_of[x] > most)
                        most = strangers_of[x];
                live_t *victim = NULL, *oldest = NULL;
                for (int k = 0; k < n; k++) {
                    if (live[k].id == evict_id)
                        victim = &live[k];
                    if (!live[k].authenticated && !live[k].evicted &&
                        strangers_of[live[k].addr] == most &&
                        (oldest == NULL ||
                         live[k].stranger_since < oldest->stranger_since))
                        oldest = &live[k];
                }
                check(victim != NULL && victim == oldest);
                victim->evicted = true;
            }
            if (v == DOOR_ADMIT)
                live[n++] = (live_t){id, a, false, false, ++clock};
            else
                check(evict_id == 0); /* nobody is evicted for nothing */
            admitted = v == DOOR_ADMIT;
        } else if (op == 1 && n > 0) { /* login */
            live_t *l = &live[arg % n];
            bool ok = door_authenticated(d, l->id);
            check(ok == !l->evicted);
            if (ok)
                l->authenticated = true;
        } else if (op == 2 && n > 0) { /* logout */
            live_t *l = &live[arg % n];
            door_unauthenticated(d, l->id);
            if (l->authenticated && !l->evicted) {
                l->authenticated = false;
                l->stranger_since = ++clock;
            }
        } else if (op == 3 && n > 0) { /* departure */
            int k = arg % n;
            door_release(d, live[k].id);
            live[k] = live[--n];
        }
        /* The model's counts against the door's. */
        door_counts_t c;
        door_take_counts(d, &c);
        int counted = 0, strangers = 0;
        int per_addr[ADDRESSES] = {0};
        for (int k = 0; k < n; k++) {
            if (live[k].evicted)
                continue;
            counted++;
            per_addr[live[k].addr]++;
            strangers += !live[k].authenticated;
        }
        check(c.connections == counted && c.unauthenticated == strangers);
        check(counted <= lim.max_connections);
        /* A logout may make one stranger too many (it is not refused); an
         * arrival never does. */
        if (admitted)
            check(strangers <= lim.max_unauthenticated ||
                  strangers <= prev_strangers);
        prev_strangers = strangers;
        for (int a = 0; a < ADDRESSES; a++)
            check(per_addr[a] <= lim.max_per_address);
    }
    for (int k = 0; k < n; k++)
        door_release(d, live[k].id);
    door_counts_t c;
    door_take_counts(d, &c);
    check(c.connections == 0 && c.unauthenticated == 0);
    door_free(d);
}

/* The same bytes as a Request: whatever decodes must pass or fail the
 * checks without harm, and a Login that passes has clean fields. */
static void fuzz_login_request(const uint8_t *data, size_t size)
{
    pb_arena_t arena;
    pb_arena_init(&arena, size * 8 + 16384);
    Aixin__V1__Request *msg = NULL;
    request_problem_t problem;
    request_decode_result_t r =
        request_decode(&arena, data, size, &msg, &problem);
    if (r == REQUEST_DECODE_OK &&
        msg->body_case == AIXIN__V1__REQUEST__BODY_LOGIN) {
        check(msg->login->username != NULL && msg->login->password != NULL);
        check(strlen(msg->login->username) <= 32);
    }
    pb_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_door(data, size);
    fuzz_login_request(data, size);
    return 0;
}
