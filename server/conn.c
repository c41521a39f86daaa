#include "conn.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <assert.h>
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/ssl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "frame.h"
#include "log.h"
#include "request_check.h"
#include "tls_server.h"
#include "worker.h"

/* Output above this stops reading until the peer has taken some. */
#define CONN_OUTPUT_HIGH (4u << 20)
/* How long a closing connection may take to flush its last frame. */
#define CONN_DRAIN_MS 2000

static const char *const conn_state_names[CONN_STATE_COUNT] = {
    "handshake", "open", "draining", "closed"};

static void conn_set_state(conn_t *c, conn_state_t s)
{
    assert((unsigned)s < CONN_STATE_COUNT);
    log_debug("conn=%" PRIu64 " event=state from=%s to=%s", c->id,
              conn_state_names[c->state], conn_state_names[s]);
    c->state = s;
}

static const server_config_t *conn_config(const conn_t *c)
{
    return c->worker->shared->config;
}

static void timer_arm(struct event *ev, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    evtimer_add(ev, &tv);
}

static void conn_finalize(conn_t *c)
{
    if (c->state == CONN_CLOSED)
        return;
    conn_set_state(c, CONN_CLOSED);
    if (c->bev != NULL) {
        bufferevent_free(c->bev);
        c->bev = NULL;
    }
    evtimer_del(c->handshake_timer);
    evtimer_del(c->login_timer);
    evtimer_del(c->frame_timer);
    evtimer_del(c->idle_timer);
    evtimer_del(c->drain_timer);
    atomic_fetch_sub(&c->worker->shared->connections, 1);
    door_release(c->worker->shared->door, c->door_id);
    worker_retire_conn(c->worker, c);
}

/* Let go of every request: running ones are orphaned, the rest freed. */
static void conn_drop_requests(conn_t *c)
{
    request_t *r = c->head;
    while (r != NULL) {
        request_t *next = r->next;
        r->next = NULL;
        if (r->state == REQUEST_RUNNING)
            r->conn = NULL;
        else
            request_free(r);
        r = next;
    }
    c->head = c->tail = NULL;
    c->unfinished = 0;
}

void conn_abort(conn_t *c)
{
    if (c->state == CONN_CLOSED)
        return;
    conn_drop_requests(c);
    conn_finalize(c);
}

static void conn_write_frame(conn_t *c, const uint8_t *frame, size_t len)
{
    if (c->bev != NULL)
        bufferevent_write(c->bev, frame, len);
}

/* Pack and queue an error response outside the request FIFO. */
static void conn_send_error(conn_t *c, uint64_t request_id,
                            Aixin__V1__ErrorCode code, const char *message)
{
    Aixin__V1__Error err = AIXIN__V1__ERROR__INIT;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    err.code = code;
    err.message = (char *)message;
    err.retryable = code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
    resp.request_id = request_id;
    resp.error = &err;
    size_t len = aixin__v1__response__get_packed_size(&resp);
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + len);
    if (buf == NULL)
        return;
    frame_header_write(buf, (uint32_t)len);
    aixin__v1__response__pack(&resp, buf + FRAME_HEADER_SIZE);
    conn_write_frame(c, buf, FRAME_HEADER_SIZE + len);
    free(buf);
}

static bool conn_output_empty(const conn_t *c)
{
    return c->bev == NULL ||
           evbuffer_get_length(bufferevent_get_output(c->bev)) == 0;
}

void conn_close(conn_t *c, Aixin__V1__ErrorCode code, const char *fmt, ...)
{
    if (c->state == CONN_DRAINING || c->state == CONN_CLOSED)
        return;
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    if (code != 0 && !c->quiet_close)
        log_info("conn=%" PRIu64 " event=close peer=%s code=%s reason=\"%s\"",
                 c->id, c->peer,
                 protobuf_c_enum_descriptor_get_value(
                     &aixin__v1__error_code__descriptor, (int)code)
                     ? protobuf_c_enum_descriptor_get_value(
                           &aixin__v1__error_code__descriptor, (int)code)
                           ->name
                     : "?",
                 reason);
    else
        log_debug("conn=%" PRIu64 " event=close peer=%s reason=\"%s\"",
                  c->id, c->peer, reason);
    conn_drop_requests(c);
    if (code != 0)
        conn_send_error(c, 0, code, reason);
    if (c->bev == NULL || conn_output_empty(c)) {
        conn_finalize(c);
        return;
    }
    /* Let the last frames reach the peer, but not for ever. */
    conn_set_state(c, CONN_DRAINING);
    bufferevent_disable(c->bev, EV_READ);
    timer_arm(c->drain_timer, CONN_DRAIN_MS);
}

/* ---------- request flow ---------- */

/* Whether anything before `r` in the FIFO is not finished. */
static bool conn_has_unfinished_before(const conn_t *c, const request_t *r)
{
    for (const request_t *p = c->head; p != NULL && p != r; p = p->next)
        if (p->state != REQUEST_DONE)
            return true;
    return false;
}

/*
 * Start every request that may start: requests run concurrently, except
 * that a barrier (Hello, Login, Authenticate, Logout: they change who the
 * connection is) waits for everything before it and holds everything
 * after it.
 */
static void conn_pump(conn_t *c)
{
    for (request_t *r = c->head; r != NULL; r = r->next) {
        if (c->state != CONN_OPEN && c->state != CONN_HANDSHAKE)
            return;
        if (r->state == REQUEST_RUNNING && r->barrier)
            return;
        if (r->state != REQUEST_QUEUED)
            continue;
        if (r->barrier && conn_has_unfinished_before(c, r))
            return;
        r->state = REQUEST_RUNNING;
        /* The handler may finish the request at once, which re-enters
         * conn_on_request_done; that only writes, it never pumps. */
        dispatch_request(r);
        if (c->state != CONN_OPEN && c->state != CONN_HANDSHAKE)
            return;
        if (r->barrier && r->state != REQUEST_DONE)
            return;
    }
}

static void conn_maybe_resume_reading(conn_t *c)
{
    if (!c->reading_paused || c->state != CONN_OPEN || c->bev == NULL ||
        c->peer_eof || c->worker->stopping)
        return;
    if (c->unfinished >= conn_config(c)->max_in_flight)
        return;
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) > CONN_OUTPUT_HIGH)
        return;
    c->reading_paused = false;
    bufferevent_enable(c->bev, EV_READ);
    /* Frames may already be buffered: look at them from the loop. */
    bufferevent_trigger(c->bev, EV_READ,
                        BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

/* Write the responses that are next in order. */
static void conn_flush(conn_t *c)
{
    bool close_after = false;
    while (c->head != NULL && c->head->state == REQUEST_DONE) {
        request_t *r = c->head;
        c->head = r->next;
        if (c->head == NULL)
            c->tail = NULL;
        conn_write_frame(c, r->response, r->response_len);
        close_after = close_after || r->closes_connection;
        request_free(r);
        if (close_after)
            break;
    }
    if (close_after) {
        conn_close(c, 0, "closed after error response");
        return;
    }
    if (c->head == NULL && c->unfinished == 0) {
        if (c->worker->stopping || c->peer_eof) {
            if (conn_output_empty(c))
                conn_close(c, 0, "shutdown");
            return;
        }
        /* Only a logged-in office earns idle time; a stranger has its
         * login deadline, which nothing it sends extends. */
        if (c->auth.authenticated)
            timer_arm(c->idle_timer, conn_config(c)->idle_timeout_ms);
    }
    conn_maybe_resume_reading(c);
}

/* Start what may start, then send what is in order. Requests finished
 * while pumping are only counted: flushing frees them, and the pump may
 * still be looking at them. */
static void conn_run(conn_t *c)
{
    c->pumping = true;
    conn_pump(c);
    c->pumping = false;
    if (c->state == CONN_OPEN || c->state == CONN_HANDSHAKE)
        conn_flush(c);
}

void conn_on_request_done(conn_t *c)
{
    c->unfinished--;
    if (c->pumping)
        return;
    if (c->state == CONN_OPEN || c->state == CONN_HANDSHAKE)
        conn_run(c);
}

static Aixin__V1__ErrorCode frame_error_code(frame_result_t r)
{
    return r == FRAME_ERR_TOO_LARGE ? AIXIN__V1__ERROR_CODE__ERROR_CODE_FRAME_TOO_LARGE
                                    : AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME;
}

/* This connection's last answer is queued: read nothing more (what the
 * peer sent after it would never be answered), answer what runs, close. */
static void conn_stop_reading(conn_t *c)
{
    c->peer_eof = true;
    c->stop_input = true;
    c->reading_paused = true;
    if (c->bev != NULL)
        bufferevent_disable(c->bev, EV_READ);
}

/* Turn one payload into a queued request. False if the connection closed. */
static bool conn_accept_frame(conn_t *c, const uint8_t *payload, uint32_t len)
{
    request_t *req = calloc(1, sizeof(*req));
    if (req == NULL) {
        conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, "out of memory");
        return false;
    }
    /* protobuf-c's structures take a few times the wire size; the budget
     * bounds what one frame can make the daemon allocate. */
    pb_arena_init(&req->arena, (size_t)len * 8 + 16384);
    request_problem_t problem;
    Aixin__V1__Request *msg = NULL;
    request_decode_result_t dr =
        request_decode(&req->arena, payload, len, &msg, &problem);
    if (dr == REQUEST_DECODE_UNREADABLE || dr == REQUEST_DECODE_TOO_LARGE) {
        request_free(req);
        conn_close(c, problem.code, "%s", problem.message);
        return false;
    }
    req->conn = c;
    req->worker = c->worker;
    req->serial = atomic_fetch_add(&c->worker->shared->next_request_serial, 1);
    req->request_id = msg->request_id;
    req->msg = msg;
    req->started_us = request_now_us();
    req->name = dispatch_request_name(msg->body_case);
    req->barrier = dispatch_is_barrier(msg->body_case);
    req->state = REQUEST_QUEUED;
    if (c->tail)
        c->tail->next = req;
    else
        c->head = req;
    c->tail = req;
    c->unfinished++;
    c->worker->requests++;
    evtimer_del(c->idle_timer);

    bool is_hello = msg->body_case == AIXIN__V1__REQUEST__BODY_HELLO;
    if (c->state == CONN_HANDSHAKE && !is_hello) {
        req->closes_connection = true;
        conn_stop_reading(c);
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PROTOCOL_ORDER,
                            NULL, "the first request must be Hello");
        return false;
    }
    if (c->state == CONN_OPEN && is_hello) {
        req->closes_connection = true;
        conn_stop_reading(c);
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PROTOCOL_ORDER,
                            NULL, "Hello was already exchanged");
        return false;
    }
    if (dr == REQUEST_DECODE_INVALID) {
        /* A bad record is answered, the connection stays. A bad Hello
         * ends it: there is no protocol to speak yet. */
        req->closes_connection = c->state == CONN_HANDSHAKE;
        if (req->closes_connection)
            conn_stop_reading(c);
        req->state = REQUEST_RUNNING;
        request_reply_error(req, problem.code,
                            problem.field[0] ? problem.field : NULL, "%s",
                            problem.message);
        return c->state == CONN_OPEN || c->state == CONN_HANDSHAKE;
    }
    if (c->state == CONN_HANDSHAKE) {
        evtimer_del(c->handshake_timer);
        conn_set_state(c, CONN_OPEN);
    }
    return true;
}

static void conn_process_input(conn_t *c)
{
    const server_config_t *cfg = conn_config(c);
    struct evbuffer *in = bufferevent_get_input(c->bev);
    while ((c->state == CONN_HANDSHAKE || c->state == CONN_OPEN) &&
           !c->stop_input) {
        if (c->unfinished >= cfg->max_in_flight ||
            evbuffer_get_length(bufferevent_get_output(c->bev)) >
                CONN_OUTPUT_HIGH) {
            /* Backpressure: let TCP push back on the client. */
            if (!c->reading_paused) {
                c->reading_paused = true;
                bufferevent_disable(c->bev, EV_READ);
            }
            break;
        }
        size_t avail = evbuffer_get_length(in);
        if (avail == 0)
            break;
        uint8_t hdr[FRAME_HEADER_SIZE];
        size_t n = avail < FRAME_HEADER_SIZE ? avail : FRAME_HEADER_SIZE;
        evbuffer_copyout(in, hdr, n);
        frame_header_t h;
        frame_result_t r =
            frame_header_parse(hdr, n, (uint32_t)cfg->max_frame_bytes, &h);
        if (frame_result_is_fatal(r)) {
            conn_close(c, frame_error_code(r), "%s", frame_result_name(r));
            return;
        }
        if (r == FRAME_NEED_MORE ||
            avail < FRAME_HEADER_SIZE + (size_t)h.payload_len)
            break;
        evbuffer_drain(in, FRAME_HEADER_SIZE);
        const uint8_t *payload = evbuffer_pullup(in, h.payload_len);
        evtimer_del(c->frame_timer);
        bool ok = payload != NULL && conn_accept_frame(c, payload, h.payload_len);
        if (payload == NULL)
            conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, "out of memory");
        if (c->bev != NULL && c->state != CONN_CLOSED)
            evbuffer_drain(in, h.payload_len);
        if (!ok)
            return;
        conn_run(c);
    }
    if (c->state != CONN_HANDSHAKE && c->state != CONN_OPEN)
        return;
    /* A frame has begun: it must be complete within the deadline, however
     * slowly its bytes drip in. */
    if (evbuffer_get_length(in) > 0 && !c->reading_paused) {
        if (!evtimer_pending(c->frame_timer, NULL))
            timer_arm(c->frame_timer, cfg->frame_timeout_ms);
    } else {
        evtimer_del(c->frame_timer);
    }
}

/* ---------- libevent callbacks ---------- */

static void conn_on_read(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    if (c->state == CONN_HANDSHAKE || c->state == CONN_OPEN)
        conn_process_input(c);
}

static void conn_on_write(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    if (c->state == CONN_DRAINING) {
        if (conn_output_empty(c))
            conn_finalize(c);
        return;
    }
    if ((c->worker->stopping || c->peer_eof) && c->unfinished == 0 &&
        c->head == NULL &&
        conn_output_empty(c)) {
        conn_close(c, 0, "shutdown");
        return;
    }
    conn_maybe_resume_reading(c);
}

static void conn_on_event(struct bufferevent *bev, short what, void *arg)
{
    conn_t *c = arg;
    if (what & BEV_EVENT_CONNECTED) {
        /* TLS handshake done: remember a verified client certificate. */
        SSL *ssl = bufferevent_openssl_get_ssl(bev);
        if (ssl != NULL)
            c->has_client_cert =
                tls_server_peer_fingerprint(ssl, c->client_cert_sha256);
        log_debug("conn=%" PRIu64 " event=tls_ready client_cert=%s", c->id,
                  c->has_client_cert ? "yes" : "no");
        return;
    }
    if (what & BEV_EVENT_ERROR) {
        if (c->tls)
            log_info("conn=%" PRIu64 " event=tls_error peer=%s", c->id, c->peer);
        conn_abort(c);
        return;
    }
    if (what & BEV_EVENT_EOF) {
        /* The client may have half-closed after its last request: answer
         * what is running, then close. */
        if (c->unfinished > 0 && c->state == CONN_OPEN) {
            bufferevent_disable(c->bev, EV_READ);
            c->reading_paused = true;
            c->peer_eof = true;
            return;
        }
        conn_close(c, 0, "peer closed");
    }
}

static void conn_on_handshake_timeout(evutil_socket_t fd, short what, void *arg)
{
    conn_t *c = arg;
    conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT,
               "no Hello within %d ms", conn_config(c)->handshake_timeout_ms);
}

static void conn_on_login_timeout(evutil_socket_t fd, short what, void *arg)
{
    conn_t *c = arg;
    if (c->auth.authenticated)
        return;
    door_count_deadline(c->worker->shared->door);
    c->quiet_close = true;
    conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT,
               "not logged in within %d ms", conn_config(c)->login_timeout_ms);
}

void conn_evict(conn_t *c)
{
    if (c->state != CONN_HANDSHAKE && c->state != CONN_OPEN)
        return;
    c->quiet_close = true;
    conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
               "too many connections that have not logged in; this one "
               "makes room");
}

void conn_on_signed_in(conn_t *c)
{
    evtimer_del(c->login_timer);
    /* False: chosen for eviction a moment ago; the eviction closes it. */
    (void)door_authenticated(c->worker->shared->door, c->door_id);
}

void conn_on_signed_out(conn_t *c)
{
    bool was = c->auth.authenticated;
    memset(&c->auth, 0, sizeof(c->auth));
    if (!was || (c->state != CONN_OPEN && c->state != CONN_HANDSHAKE))
        return;
    evtimer_del(c->idle_timer);
    door_unauthenticated(c->worker->shared->door, c->door_id);
    timer_arm(c->login_timer, conn_config(c)->login_timeout_ms);
}

static void conn_on_frame_timeout(evutil_socket_t fd, short what, void *arg)
{
    conn_t *c = arg;
    conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT,
               "frame not completed within %d ms",
               conn_config(c)->frame_timeout_ms);
}

static void conn_on_idle_timeout(evutil_socket_t fd, short what, void *arg)
{
    conn_t *c = arg;
    if (c->unfinished > 0)
        return; /* re-armed when the work finishes */
    conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT,
               "idle for %d ms", conn_config(c)->idle_timeout_ms);
}

static void conn_on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
    conn_abort(arg);
}

/* ---------- life cycle ---------- */

conn_t *conn_new(worker_t *w, evutil_socket_t fd, const struct sockaddr *sa,
                 int salen, uint64_t door_id)
{
    conn_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        door_release(w->shared->door, door_id);
        evutil_closesocket(fd);
        return NULL;
    }
    c->worker = w;
    c->door_id = door_id;
    c->id = atomic_fetch_add(&w->shared->next_conn_id, 1);
    c->state = CONN_HANDSHAKE;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
        snprintf(c->peer, sizeof(c->peer), "%s:%u", ip, ntohs(in->sin_port));
        snprintf(c->peer_ip, sizeof(c->peer_ip), "%s", ip);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        char ip[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
        snprintf(c->peer, sizeof(c->peer), "[%s]:%u", ip, ntohs(in6->sin6_port));
        snprintf(c->peer_ip, sizeof(c->peer_ip), "%s", ip);
    } else {
        snprintf(c->peer, sizeof(c->peer), "unknown");
        snprintf(c->peer_ip, sizeof(c->peer_ip), "unknown");
    }
    (void)salen;
    /* Answers are small and a client may wait for each one: never hold
     * them back for coalescing. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    const int bev_opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
    if (w->shared->tls != NULL) {
        SSL *ssl = SSL_new(w->shared->tls);
        if (ssl != NULL) {
            c->tls = true;
            c->bev = bufferevent_openssl_socket_new(
                w->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, bev_opts);
            if (c->bev == NULL)
                SSL_free(ssl);
            else
                /* Offices' links drop without close_notify: an EOF. */
                bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
        }
    } else {
        c->bev = bufferevent_socket_new(w->base, fd, bev_opts);
    }
    c->handshake_timer = evtimer_new(w->base, conn_on_handshake_timeout, c);
    c->login_timer = evtimer_new(w->base, conn_on_login_timeout, c);
    c->frame_timer = evtimer_new(w->base, conn_on_frame_timeout, c);
    c->idle_timer = evtimer_new(w->base, conn_on_idle_timeout, c);
    c->drain_timer = evtimer_new(w->base, conn_on_drain_timeout, c);
    if (c->bev == NULL || c->handshake_timer == NULL || c->frame_timer == NULL ||
        c->idle_timer == NULL || c->drain_timer == NULL || c->login_timer == NULL) {
        door_release(w->shared->door, door_id);
        if (c->bev)
            bufferevent_free(c->bev);
        else
            evutil_closesocket(fd);
        if (c->handshake_timer)
            event_free(c->handshake_timer);
        if (c->login_timer)
            event_free(c->login_timer);
        if (c->frame_timer)
            event_free(c->frame_timer);
        if (c->idle_timer)
            event_free(c->idle_timer);
        if (c->drain_timer)
            event_free(c->drain_timer);
        free(c);
        return NULL;
    }
    const server_config_t *cfg = w->shared->config;
    /* Never buffer more than one whole frame of input. */
    bufferevent_setwatermark(c->bev, EV_READ, 0,
                             FRAME_HEADER_SIZE + (size_t)cfg->max_frame_bytes);
    bufferevent_setcb(c->bev, conn_on_read, conn_on_write, conn_on_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    timer_arm(c->handshake_timer, cfg->handshake_timeout_ms);
    timer_arm(c->login_timer, cfg->login_timeout_ms);
    atomic_fetch_add(&w->shared->connections, 1);
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    log_debug("conn=%" PRIu64 " event=accept peer=%s", c->id, c->peer);
    return c;
}

void conn_begin_shutdown(conn_t *c)
{
    if (c->state != CONN_OPEN && c->state != CONN_HANDSHAKE)
        return;
    if (c->unfinished == 0 && c->head == NULL) {
        conn_close(c, 0, "shutdown");
        return;
    }
    /* Finish what was asked, read nothing more. */
    bufferevent_disable(c->bev, EV_READ);
    c->reading_paused = true;
}

void conn_free(conn_t *c)
{
    assert(c->state == CONN_CLOSED);
    event_free(c->handshake_timer);
    event_free(c->login_timer);
    event_free(c->frame_timer);
    event_free(c->idle_timer);
    event_free(c->drain_timer);
    free(c);
}
