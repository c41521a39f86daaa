#include "probe_conn.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void probe_connect(probe_conn_t *c, const char *host, int port)
{
    memset(c, 0, sizeof(*c));
    c->next_id = 1;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (c->fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("probe: connect");
        exit(1);
    }
    frame_decoder_init(&c->decoder, 0);
}

bool probe_connect_from(probe_conn_t *c, const char *src, const char *host,
                        int port)
{
    memset(c, 0, sizeof(*c));
    c->next_id = 1;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    frame_decoder_init(&c->decoder, 0);
    if (c->fd < 0)
        return false;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    bool ok = inet_pton(AF_INET, host, &sa.sin_addr) == 1;
    if (ok && src != NULL) {
        struct sockaddr_in from = {0};
        from.sin_family = AF_INET;
        ok = inet_pton(AF_INET, src, &from.sin_addr) == 1 &&
             bind(c->fd, (struct sockaddr *)&from, sizeof(from)) == 0;
    }
    ok = ok && connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    if (!ok) {
        close(c->fd);
        c->fd = -1;
    }
    return ok;
}

void probe_close(probe_conn_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    frame_decoder_free(&c->decoder);
}

bool probe_send_raw(probe_conn_t *c, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t w = send(c->fd, b, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

bool probe_send(probe_conn_t *c, Aixin__V1__Request *req)
{
    if (req->request_id == 0)
        req->request_id = c->next_id++;
    size_t len = aixin__v1__request__get_packed_size(req);
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + len);
    if (buf == NULL)
        return false;
    frame_header_write(buf, (uint32_t)len);
    aixin__v1__request__pack(req, buf + FRAME_HEADER_SIZE);
    bool ok = probe_send_raw(c, buf, FRAME_HEADER_SIZE + len);
    free(buf);
    return ok;
}

Aixin__V1__Response *probe_read(probe_conn_t *c, int timeout_ms, bool *eof)
{
    *eof = false;
    for (;;) {
        const uint8_t *payload;
        uint32_t len;
        frame_result_t r = frame_decoder_next(&c->decoder, &payload, &len);
        if (r == FRAME_OK)
            return aixin__v1__response__unpack(NULL, len, payload);
        if (r != FRAME_NEED_MORE)
            return NULL;
        struct pollfd p = {c->fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0)
            return NULL;
        uint8_t buf[65536];
        ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            *eof = true;
            return NULL;
        }
        if (frame_decoder_feed(&c->decoder, buf, (size_t)n) != FRAME_OK)
            return NULL;
    }
}

bool probe_login(probe_conn_t *c, const char *user, const char *password)
{
    Aixin__V1__Hello h = AIXIN__V1__HELLO__INIT;
    h.min_version = 1;
    h.max_version = 1;
    h.client_name = "probe";
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_HELLO;
    req.hello = &h;
    Aixin__V1__Login l = AIXIN__V1__LOGIN__INIT;
    l.username = (char *)user;
    l.password = (char *)password;
    Aixin__V1__Request req2 = AIXIN__V1__REQUEST__INIT;
    req2.body_case = AIXIN__V1__REQUEST__BODY_LOGIN;
    req2.login = &l;
    if (!probe_send(c, &req) || !probe_send(c, &req2))
        return false;
    bool eof;
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        Aixin__V1__Response *r = probe_read(c, 10000, &eof);
        if (r == NULL || r->error != NULL) {
            fprintf(stderr, "probe: %s failed: %s\n", i ? "login" : "hello",
                    r && r->error ? r->error->message : "no answer");
            ok = false;
        }
        if (r)
            aixin__v1__response__free_unpacked(r, NULL);
    }
    return ok;
}
