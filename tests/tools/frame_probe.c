/*
 * frame_probe HOST PORT SCENARIO: speaks raw frames to aixind and checks
 * how it answers hostile input. Exit 0 when the daemon behaved, 1 when it
 * did not (with the reason on stderr). Scenarios:
 *   hello        Hello then HelloOk
 *   garbage      random-looking bytes         -> BAD_FRAME, closed
 *   bad-version  header with version 9        -> BAD_FRAME, closed
 *   zero-length  header with length 0         -> BAD_FRAME, closed
 *   oversize     length just over the maximum -> FRAME_TOO_LARGE, closed
 *   huge-length  length 0xFFFFFFFF            -> FRAME_TOO_LARGE, closed
 *   bad-protobuf a frame whose payload is not a Request -> BAD_FRAME, closed
 *   no-hello     a request before Hello       -> PROTOCOL_ORDER, closed
 *   bad-field    Hello, then an Enroll with a bad ID -> INVALID_ARGUMENT,
 *                and the connection still answers a second Hello-less
 *                request (ListPolicyYears -> UNAUTHENTICATED)
 *   slow-drip    half a header, then silence  -> closed by the frame deadline
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aixin/v1/envelope.pb-c.h"
#include "frame.h"
#include "names.h"
#include "probe_conn.h"

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "frame_probe: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* The probe's connection; scenarios use one at a time. */
static probe_conn_t probe;

static void send_all(int fd, const void *p, size_t n)
{
    (void)fd;
    (void)probe_send_raw(&probe, p, n); /* a closed peer shows on reading */
}

static void send_request(int fd, Aixin__V1__Request *req)
{
    (void)fd;
    (void)probe_send(&probe, req);
}

static void send_hello(int fd, uint64_t id)
{
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    Aixin__V1__Hello h = AIXIN__V1__HELLO__INIT;
    h.min_version = 1;
    h.max_version = 1;
    h.client_name = "frame_probe";
    req.request_id = id;
    req.body_case = AIXIN__V1__REQUEST__BODY_HELLO;
    req.hello = &h;
    send_request(fd, &req);
}

static Aixin__V1__Response *read_response(int fd, frame_decoder_t *d,
                                          int timeout_ms, int *eof)
{
    (void)fd;
    (void)d;
    bool e;
    Aixin__V1__Response *r = probe_read(&probe, timeout_ms, &e);
    *eof = e;
    return r;
}

/* Expect one error response with `code`, then the connection closed. */
static int expect_error_then_close(int fd, Aixin__V1__ErrorCode code,
                                   int timeout_ms)
{
    int eof;
    int rc = 0;
    Aixin__V1__Response *resp = read_response(fd, NULL, timeout_ms, &eof);
    if (resp == NULL) {
        rc = fail("no error response (%s)", eof ? "closed" : "timeout");
    } else if (resp->error == NULL || resp->error->code != code) {
        rc = fail("expected error %s", names_error_code(code));
        if (resp->error)
            fprintf(stderr, "  got %s: %s\n", names_error_code(resp->error->code),
                    resp->error->message);
    } else {
        printf("error %s: %s\n", names_error_code(code), resp->error->message);
        Aixin__V1__Response *more = read_response(fd, NULL, timeout_ms, &eof);
        if (more != NULL || !eof)
            rc = fail("connection %s after the error", more ? "kept talking" : "stayed open");
        if (more)
            aixin__v1__response__free_unpacked(more, NULL);
    }
    if (resp)
        aixin__v1__response__free_unpacked(resp, NULL);
    return rc;
}

static void raw_header(uint8_t h[8], uint8_t version, uint32_t len)
{
    frame_header_write(h, len);
    h[2] = version;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: frame_probe HOST PORT SCENARIO\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    const char *s = argv[3];
    probe_connect(&probe, host, port);
    int fd = probe.fd;
    uint8_t h[8];
    const int t = 5000;
    if (strcmp(s, "hello") == 0) {
        send_hello(fd, 1);
        int eof;
        Aixin__V1__Response *r = read_response(fd, NULL, t, &eof);
        int rc = (r && r->body_case == AIXIN__V1__RESPONSE__BODY_HELLO && r->request_id == 1)
                     ? 0
                     : fail("%s", "no HelloOk");
        if (r)
            aixin__v1__response__free_unpacked(r, NULL);
        return rc;
    }
    if (strcmp(s, "garbage") == 0) {
        const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        send_all(fd, junk, sizeof(junk) - 1);
        return expect_error_then_close(fd, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, t);
    }
    if (strcmp(s, "bad-version") == 0) {
        raw_header(h, 9, 10);
        send_all(fd, h, 8);
        return expect_error_then_close(fd, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, t);
    }
    if (strcmp(s, "zero-length") == 0) {
        raw_header(h, FRAME_VERSION, 0);
        send_all(fd, h, 8);
        return expect_error_then_close(fd, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, t);
    }
    if (strcmp(s, "oversize") == 0 || strcmp(s, "huge-length") == 0) {
        uint32_t len = strcmp(s, "oversize") == 0 ? (1u << 20) + 1 : 0xFFFFFFFFu;
        raw_header(h, FRAME_VERSION, len);
        send_all(fd, h, 8);
        return expect_error_then_close(fd, AIXIN__V1__ERROR_CODE__ERROR_CODE_FRAME_TOO_LARGE, t);
    }
    if (strcmp(s, "bad-protobuf") == 0) {
        const uint8_t body[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};
        raw_header(h, FRAME_VERSION, sizeof(body));
        send_all(fd, h, 8);
        send_all(fd, body, sizeof(body));
        return expect_error_then_close(fd, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, t);
    }
    if (strcmp(s, "no-hello") == 0) {
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        Aixin__V1__ListPolicyYears l = AIXIN__V1__LIST_POLICY_YEARS__INIT;
        req.request_id = 7;
        req.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
        req.list_policy_years = &l;
        send_request(fd, &req);
        return expect_error_then_close(fd, AIXIN__V1__ERROR_CODE__ERROR_CODE_PROTOCOL_ORDER, t);
    }
    if (strcmp(s, "bad-field") == 0) {
        send_hello(fd, 1);
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        Aixin__V1__Enroll e = AIXIN__V1__ENROLL__INIT;
        uint8_t key[16] = {1, 2, 3};
        e.child_id_number = "360821201501010010"; /* wrong check digit */
        e.policy_year = 2027;
        req.request_id = 2;
        req.idempotency_key.data = key;
        req.idempotency_key.len = sizeof(key);
        req.body_case = AIXIN__V1__REQUEST__BODY_ENROLL;
        req.enroll = &e;
        send_request(fd, &req);
        Aixin__V1__ListPolicyYears l = AIXIN__V1__LIST_POLICY_YEARS__INIT;
        Aixin__V1__Request req3 = AIXIN__V1__REQUEST__INIT;
        req3.request_id = 3;
        req3.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
        req3.list_policy_years = &l;
        send_request(fd, &req3);
        int eof, rc = 0;
        Aixin__V1__Response *r1 = read_response(fd, NULL, t, &eof);
        Aixin__V1__Response *r2 = read_response(fd, NULL, t, &eof);
        Aixin__V1__Response *r3 = read_response(fd, NULL, t, &eof);
        if (!r1 || r1->request_id != 1 || r1->body_case != AIXIN__V1__RESPONSE__BODY_HELLO)
            rc = fail("%s", "no HelloOk first");
        else if (!r2 || r2->request_id != 2 || !r2->error ||
                 r2->error->code != AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT ||
                 strcmp(r2->error->field, "child_id_number") != 0)
            rc = fail("%s", "no INVALID_ARGUMENT on child_id_number for request 2");
        else if (!r3 || r3->request_id != 3 || !r3->error ||
                 r3->error->code != AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED)
            rc = fail("%s", "connection did not answer request 3 in order");
        else
            printf("bad field answered (%s), connection kept\n", r2->error->message);
        if (r1)
            aixin__v1__response__free_unpacked(r1, NULL);
        if (r2)
            aixin__v1__response__free_unpacked(r2, NULL);
        if (r3)
            aixin__v1__response__free_unpacked(r3, NULL);
        return rc;
    }
    if (strcmp(s, "slow-drip") == 0) {
        send_hello(fd, 1);
        raw_header(h, FRAME_VERSION, 100);
        send_all(fd, h, 5);
        int eof;
        Aixin__V1__Response *r = read_response(fd, NULL, t, &eof);
        if (r)
            aixin__v1__response__free_unpacked(r, NULL);
        return expect_error_then_close(fd, AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT, 60000);
    }
    return fail("unknown scenario %s", s);
}
