/*
 * Who may use the desk. The desk listens on 127.0.0.1 only; on top of
 * that every request must
 *   - come from 127.0.0.1 (the peer address of the TCP connection);
 *   - name the desk itself in Host ("127.0.0.1:PORT": a page of another
 *     site that rebinds its DNS name to 127.0.0.1 sends its own name);
 *   - carry no Forwarded / X-Forwarded-For / X-Real-IP header (a proxy on
 *     this PC relaying someone else);
 *   - when it has an Origin, have the desk's own; a form sent (POST) must
 *     have one (browsers send it), so another site cannot post to it;
 *   - hold the secret: the cookie the desk set, or the one-time key of the
 *     address the desk printed, which is good for one visit (that visit
 *     gets the cookie and is sent on to the address without the key).
 */
#ifndef AIXIN_DESK_GUARD_H
#define AIXIN_DESK_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DESK_SECRET_HEX_SIZE 65 /* 32 random bytes in hex, NUL */
#define DESK_ORIGIN_SIZE 48
#define DESK_HOST_SIZE 32
#define DESK_COOKIE_NAME "aixin_desk"

struct evhttp_request;

typedef struct desk_guard {
    uint16_t port;
    char origin[DESK_ORIGIN_SIZE];        /* "http://127.0.0.1:PORT" */
    char host[DESK_HOST_SIZE];             /* "127.0.0.1:PORT" */
    char entry_key[DESK_SECRET_HEX_SIZE]; /* one-time, in the address */
    bool entry_used;
    char cookie[DESK_SECRET_HEX_SIZE];    /* the browser's secret */
} desk_guard_t;

typedef enum desk_guard_result {
    DESK_GUARD_OK = 0,        /* let it in */
    DESK_GUARD_ENTER,         /* the one-time key: set the cookie, redirect */
    DESK_GUARD_BAD_PEER,      /* not from 127.0.0.1 */
    DESK_GUARD_BAD_HOST,      /* Host is not the desk's */
    DESK_GUARD_FORWARDED,     /* relayed by a proxy */
    DESK_GUARD_BAD_ORIGIN,    /* another Origin, or a form without one */
    DESK_GUARD_NO_SECRET,     /* no or a wrong cookie, no or a used key */
    DESK_GUARD_RESULT_COUNT
} desk_guard_result_t;

/* New random secrets for a desk on `port`. */
void desk_guard_init(desk_guard_t *g, uint16_t port);

/* Judge a request; ENTER also marks the key used. */
desk_guard_result_t desk_guard_check(desk_guard_t *g,
                                     struct evhttp_request *req, bool post);

/* English reason for the log. */
const char *desk_guard_reason(desk_guard_result_t r);

/* The Set-Cookie value for ENTER. */
void desk_guard_cookie_header(const desk_guard_t *g, char *out, size_t size);

#endif
