/*
 * replay_probe HOST PORT USER PASSWORD CHILD_ID YEAR [KEY_HEX]
 *
 * Exactly-once at the protocol level: one Enroll with one idempotency key
 * is sent three times over two connections at once (pipelined, without
 * waiting); every answer must carry the same policy (an IN_PROGRESS answer
 * is retried with the same key, as a client would). Then the same key with
 * a different request must be refused with KEY_REUSED. Prints the policy
 * id and the key (hex); exit 0 when all held, 1 otherwise. Given KEY_HEX
 * (from an earlier run), the same key is used again: a replay.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "probe_conn.h"

static void make_enroll(Aixin__V1__Request *req, Aixin__V1__Enroll *e,
                        uint8_t key[16], const char *child, int year)
{
    aixin__v1__request__init(req);
    aixin__v1__enroll__init(e);
    e->child_id_number = (char *)child;
    e->policy_year = year;
    req->idempotency_key.data = key;
    req->idempotency_key.len = 16;
    req->body_case = AIXIN__V1__REQUEST__BODY_ENROLL;
    req->enroll = e;
}

/* Read one answer: the policy id, 0 for IN_PROGRESS, -1 for anything else. */
static int64_t read_policy(probe_conn_t *c)
{
    bool eof;
    Aixin__V1__Response *r = probe_read(c, 30000, &eof);
    int64_t id = -1;
    if (r == NULL) {
        fprintf(stderr, "replay_probe: no answer\n");
    } else if (r->error != NULL) {
        if (r->error->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS)
            id = 0;
        else
            fprintf(stderr, "replay_probe: refused: %s: %s\n",
                    names_error_code(r->error->code), r->error->message);
    } else if (r->body_case == AIXIN__V1__RESPONSE__BODY_POLICY) {
        id = r->policy->id;
    }
    if (r)
        aixin__v1__response__free_unpacked(r, NULL);
    return id;
}

int main(int argc, char **argv)
{
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: replay_probe HOST PORT USER PASSWORD CHILD_ID "
                        "YEAR [KEY_HEX]\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    int port = atoi(argv[2]);
    int year = atoi(argv[6]);
    probe_conn_t a, b;
    probe_connect(&a, argv[1], port);
    probe_connect(&b, argv[1], port);
    if (!probe_login(&a, argv[3], argv[4]) || !probe_login(&b, argv[3], argv[4]))
        return 1;
    uint8_t key[16];
    size_t key_len = 0;
    if (argc == 8) {
        if (sodium_hex2bin(key, sizeof(key), argv[7], strlen(argv[7]), NULL,
                           &key_len, NULL) != 0 ||
            key_len != sizeof(key)) {
            fprintf(stderr, "replay_probe: KEY_HEX must be 32 hex digits\n");
            return 2;
        }
    } else {
        randombytes_buf(key, sizeof(key));
    }
    Aixin__V1__Request req;
    Aixin__V1__Enroll e;
    make_enroll(&req, &e, key, argv[5], year);
    /* Three sends before any answer: A, B, A. */
    probe_conn_t *order[3] = {&a, &b, &a};
    for (int i = 0; i < 3; i++) {
        req.request_id = 0;
        if (!probe_send(order[i], &req))
            return 1;
    }
    int64_t ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = read_policy(order[i]);
    /* IN_PROGRESS means "the first attempt still runs": retry, same key. */
    for (int i = 0; i < 3; i++) {
        for (int tries = 0; ids[i] == 0 && tries < 20; tries++) {
            usleep(200000);
            req.request_id = 0;
            if (!probe_send(order[i], &req))
                return 1;
            ids[i] = read_policy(order[i]);
        }
    }
    int rc = 0;
    for (int i = 0; i < 3; i++) {
        if (ids[i] <= 0 || ids[i] != ids[0]) {
            fprintf(stderr, "replay_probe: answers differ: %lld %lld %lld\n",
                    (long long)ids[0], (long long)ids[1], (long long)ids[2]);
            rc = 1;
        }
    }
    /* The same key with another request: refused. */
    make_enroll(&req, &e, key, argv[5], year + 1);
    req.request_id = 0;
    bool eof;
    if (!probe_send(&b, &req))
        return 1;
    Aixin__V1__Response *r = probe_read(&b, 30000, &eof);
    if (r == NULL || r->error == NULL ||
        r->error->code != AIXIN__V1__ERROR_CODE__ERROR_CODE_KEY_REUSED) {
        fprintf(stderr, "replay_probe: a reused key with another request was "
                        "not refused as KEY_REUSED\n");
        rc = 1;
    }
    if (r)
        aixin__v1__response__free_unpacked(r, NULL);
    probe_close(&a);
    probe_close(&b);
    if (rc == 0) {
        char hex[33];
        sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
        printf("%lld %s\n", (long long)ids[0], hex);
    }
    return rc;
}
