/* One connection to aixind; see connection.h. */
#include "connection.h"
#include "tls_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "frame.h"
#include "i18n.h"

#define CONN_PROTOCOL_VERSION 1
#define CONN_READ_CHUNK 16384
#define CONN_HOST_SIZE 256
#define CONN_PORT_SIZE 8
#define CONN_ADDRESS_SIZE 300
#define CONN_SERVER_NAME_SIZE 64

struct conn {
    int fd;                           /* owned */
    SSL *ssl;                         /* owned; NULL on plain TCP */
    frame_decoder_t decoder;          /* owned buffer of unread bytes */
    uint64_t last_request_id;         /* ids are 1, 2, ... per connection */
    uint32_t max_frame_bytes;         /* the server's cap on our payloads */
    uint32_t max_in_flight;
    char address[CONN_ADDRESS_SIZE];  /* for messages */
    char server_name[CONN_SERVER_NAME_SIZE];
    char identity[CONN_IDENTITY_SIZE]; /* "" when HelloOk had none */
};

/* An error sentence into err; a long one is cut, which is harmless. */
__attribute__((format(printf, 2, 3))) static void
error_text(char err[CONN_ERROR_TEXT_SIZE], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, CONN_ERROR_TEXT_SIZE, fmt, ap);
    va_end(ap);
}

bool conn_result_is_transient(conn_result_t r)
{
    switch (r) {
    case CONN_ERR_RESOLVE:
    case CONN_ERR_CONNECT:
    case CONN_ERR_TIMEOUT:
    case CONN_ERR_CLOSED:
    case CONN_ERR_IO:
        return true;
    case CONN_OK:
    case CONN_ERR_PROTOCOL:
    case CONN_ERR_TOO_LARGE:
    case CONN_ERR_NOMEM:
    case CONN_ERR_REFUSED:
    case CONN_ERR_TLS:
    case CONN_RESULT_COUNT:
        break;
    }
    return false;
}

static int64_t clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until `deadline`, at least 0, for poll(). */
static int deadline_remaining_ms(int64_t deadline)
{
    int64_t left = deadline - clock_now_ms();
    if (left < 0)
        return 0;
    if (left > 0x7fffffff)
        return 0x7fffffff;
    return (int)left;
}

/*
 * Wait until fd is ready for `events` or the deadline passes. Returns 1
 * when ready, 0 on timeout, -1 on a poll error (errno set).
 */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events, .revents = 0};
        int n = poll(&p, 1, deadline_remaining_ms(deadline));
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

bool conn_split_address(const char *address, char *host, size_t host_size,
                        char *port, size_t port_size)
{
    const char *colon;
    const char *host_start = address;
    size_t host_len;
    if (address[0] == '[') {
        const char *close = strchr(address, ']');
        if (close == NULL || close[1] != ':')
            return false;
        host_start = address + 1;
        host_len = (size_t)(close - host_start);
        colon = close + 1;
    } else {
        colon = strrchr(address, ':');
        if (colon == NULL)
            return false;
        host_len = (size_t)(colon - address);
        /* An IPv6 address must be bracketed to carry a port. */
        if (memchr(address, ':', host_len) != NULL)
            return false;
    }
    if (host_len == 0 || host_len >= host_size)
        return false;
    const char *p = colon + 1;
    size_t port_len = strlen(p);
    if (port_len == 0 || port_len >= port_size || port_len > 5)
        return false;
    unsigned long value = 0;
    for (size_t i = 0; i < port_len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        value = value * 10 + (unsigned long)(p[i] - '0');
    }
    if (value == 0 || value > 65535)
        return false;
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';
    memcpy(port, p, port_len + 1);
    return true;
}

/*
 * Connect one socket to one resolved address before `deadline`. Returns
 * the fd, or -1 with errno set (ETIMEDOUT when the deadline passed).
 */
static int socket_connect(const struct addrinfo *ai, int64_t deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
                                       SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS && errno != EINTR) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        int ready = wait_fd(fd, POLLOUT, deadline);
        if (ready <= 0) {
            int saved = ready == 0 ? ETIMEDOUT : errno;
            close(fd);
            errno = saved;
            return -1;
        }
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 ||
            soerr != 0) {
            int saved = soerr != 0 ? soerr : errno;
            close(fd);
            errno = saved;
            return -1;
        }
    }
    /* Requests are small and answered one by one: do not wait for more. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static conn_result_t conn_connect_socket(conn_t *c, const char *address,
                                         char err[CONN_ERROR_TEXT_SIZE])
{
    char host[CONN_HOST_SIZE];
    char port[CONN_PORT_SIZE];
    if (!conn_split_address(address, host, sizeof(host), port, sizeof(port))) {
        error_text(err,
                 _("bad server address '%s': expected HOST:PORT"), address);
        return CONN_ERR_RESOLVE;
    }
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        error_text(err, _("cannot resolve '%s': %s"), host,
                 gai_strerror(gai));
        return CONN_ERR_RESOLVE;
    }
    int64_t deadline = clock_now_ms() + CONN_CONNECT_TIMEOUT_MS;
    int last_errno = ECONNREFUSED;
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket_connect(ai, deadline);
        if (fd >= 0) {
            c->fd = fd;
            freeaddrinfo(res);
            if (!tls_client_enabled())
                return CONN_OK;
            switch (tls_client_handshake(fd, host, deadline, &c->ssl, err,
                                         CONN_ERROR_TEXT_SIZE)) {
            case TLS_CLIENT_OK:
                return CONN_OK;
            case TLS_CLIENT_TIMEOUT:
                return CONN_ERR_CONNECT;
            case TLS_CLIENT_IO:
                return CONN_ERR_IO;
            case TLS_CLIENT_REFUSED:
            case TLS_CLIENT_RESULT_COUNT:
                break;
            }
            return CONN_ERR_TLS;
        }
        last_errno = errno;
        if (last_errno == ETIMEDOUT)
            break;
    }
    freeaddrinfo(res);
    error_text(err, _("cannot connect to %s: %s"), address,
             last_errno == ETIMEDOUT ? _("no answer within 10 s")
                                     : strerror(last_errno));
    return CONN_ERR_CONNECT;
}

static conn_result_t conn_write_all(conn_t *c, const uint8_t *data, size_t n,
                                    char err[CONN_ERROR_TEXT_SIZE])
{
    int64_t deadline = clock_now_ms() + CONN_WRITE_TIMEOUT_MS;
    size_t off = 0;
    while (off < n) {
        if (c->ssl != NULL) {
            size_t chunk = n - off > INT32_MAX ? INT32_MAX : n - off;
            tls_sigpipe_hold_t hold;
            tls_sigpipe_hold(&hold);
            int w = SSL_write(c->ssl, data + off, (int)chunk);
            tls_sigpipe_release(&hold);
            int want = tls_client_want(c->ssl, w);
            if (want == 0) {
                off += (size_t)w;
                continue;
            }
            if (want > 0) {
                int ready = wait_fd(c->fd, (short)want, deadline);
                if (ready > 0 || (ready < 0 && errno == EINTR))
                    continue;
                if (ready == 0) {
                    error_text(err, _("sending to %s timed out"), c->address);
                    return CONN_ERR_TIMEOUT;
                }
            }
            error_text(err, _("sending to %s failed: %s"), c->address,
                       strerror(errno));
            return CONN_ERR_CLOSED;
        }
        ssize_t w = send(c->fd, data + off, n - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int ready = wait_fd(c->fd, POLLOUT, deadline);
            if (ready > 0)
                continue;
            if (ready == 0) {
                error_text(err,
                         _("sending to %s timed out"), c->address);
                return CONN_ERR_TIMEOUT;
            }
        }
        error_text(err, _("sending to %s failed: %s"),
                 c->address, strerror(errno));
        return errno == EPIPE || errno == ECONNRESET ? CONN_ERR_CLOSED
                                                     : CONN_ERR_IO;
    }
    return CONN_OK;
}

conn_result_t conn_send_request(conn_t *c, Aixin__V1__Request *req,
                                char err[CONN_ERROR_TEXT_SIZE])
{
    req->request_id = ++c->last_request_id;
    size_t len = aixin__v1__request__get_packed_size(req);
    if (len == 0 || len > c->max_frame_bytes) {
        error_text(err,
                 _("the request is %zu bytes, over the server's limit of %u"),
                 len, (unsigned)c->max_frame_bytes);
        return CONN_ERR_TOO_LARGE;
    }
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + len);
    if (buf == NULL) {
        error_text(err, _("out of memory"));
        return CONN_ERR_NOMEM;
    }
    frame_header_write(buf, (uint32_t)len);
    aixin__v1__request__pack(req, buf + FRAME_HEADER_SIZE);
    conn_result_t r = conn_write_all(c, buf, FRAME_HEADER_SIZE + len, err);
    free(buf);
    return r;
}

/* Read more bytes into the decoder, waiting until `deadline`. */
static conn_result_t conn_read_some(conn_t *c, int64_t deadline,
                                    char err[CONN_ERROR_TEXT_SIZE])
{
    uint8_t chunk[CONN_READ_CHUNK];
    for (;;) {
        ssize_t n;
        if (c->ssl != NULL) {
            tls_sigpipe_hold_t hold; /* a read may answer a key update */
            tls_sigpipe_hold(&hold);
            int r = SSL_read(c->ssl, chunk, (int)sizeof(chunk));
            tls_sigpipe_release(&hold);
            int want = tls_client_want(c->ssl, r);
            if (want > 0) {
                int ready = wait_fd(c->fd, (short)want, deadline);
                if (ready > 0 || (ready < 0 && errno == EINTR))
                    continue;
                if (ready == 0) {
                    error_text(err, _("no answer from %s within %d s"),
                               c->address, CONN_RESPONSE_TIMEOUT_MS / 1000);
                    return CONN_ERR_TIMEOUT;
                }
                error_text(err, _("reading from %s failed: %s"), c->address,
                           strerror(errno));
                return CONN_ERR_IO;
            }
            /* A closed TLS link reads as end of stream. */
            n = want == 0 ? r : (errno == EPIPE ? 0 : -1);
        } else {
            n = recv(c->fd, chunk, sizeof(chunk), 0);
        }
        if (n > 0) {
            frame_result_t fr = frame_decoder_feed(&c->decoder, chunk,
                                                   (size_t)n);
            if (fr != FRAME_OK) {
                error_text(err,
                         _("bad frame from %s: %s"), c->address,
                         frame_result_name(fr));
                return fr == FRAME_ERR_NOMEM ? CONN_ERR_NOMEM
                                             : CONN_ERR_PROTOCOL;
            }
            return CONN_OK;
        }
        if (n == 0) {
            error_text(err,
                     _("%s closed the connection"), c->address);
            return CONN_ERR_CLOSED;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int ready = wait_fd(c->fd, POLLIN, deadline);
            if (ready > 0)
                continue;
            if (ready == 0) {
                error_text(err,
                         _("no answer from %s within %d s"), c->address,
                         CONN_RESPONSE_TIMEOUT_MS / 1000);
                return CONN_ERR_TIMEOUT;
            }
        }
        error_text(err, _("reading from %s failed: %s"),
                 c->address, strerror(errno));
        return errno == ECONNRESET ? CONN_ERR_CLOSED : CONN_ERR_IO;
    }
}

conn_result_t conn_receive_response(conn_t *c, uint64_t request_id,
                                    Aixin__V1__Response **out,
                                    char err[CONN_ERROR_TEXT_SIZE])
{
    int64_t deadline = clock_now_ms() + CONN_RESPONSE_TIMEOUT_MS;
    const uint8_t *payload = NULL;
    uint32_t payload_len = 0;
    for (;;) {
        frame_result_t fr =
            frame_decoder_next(&c->decoder, &payload, &payload_len);
        if (fr == FRAME_OK)
            break;
        if (fr != FRAME_NEED_MORE) {
            error_text(err, _("bad frame from %s: %s"),
                     c->address, frame_result_name(fr));
            return CONN_ERR_PROTOCOL;
        }
        conn_result_t r = conn_read_some(c, deadline, err);
        if (r != CONN_OK)
            return r;
    }
    Aixin__V1__Response *resp =
        aixin__v1__response__unpack(NULL, payload_len, payload);
    if (resp == NULL) {
        error_text(err,
                 _("unreadable response from %s"), c->address);
        return CONN_ERR_PROTOCOL;
    }
    bool unreadable_request = resp->request_id == 0 && resp->error != NULL;
    if (resp->request_id != request_id && !unreadable_request) {
        error_text(err,
                 _("response from %s answers request %llu, not %llu"),
                 c->address, (unsigned long long)resp->request_id,
                 (unsigned long long)request_id);
        aixin__v1__response__free_unpacked(resp, NULL);
        return CONN_ERR_PROTOCOL;
    }
    if (resp->error == NULL &&
        resp->body_case == AIXIN__V1__RESPONSE__BODY__NOT_SET) {
        error_text(err,
                 _("empty response from %s"), c->address);
        aixin__v1__response__free_unpacked(resp, NULL);
        return CONN_ERR_PROTOCOL;
    }
    *out = resp;
    return CONN_OK;
}

/* One part of an identity: 1..64 of [0-9A-Za-z-]; false otherwise. */
static bool identity_part_ok(const char *s)
{
    size_t n = 0;
    for (; s != NULL && s[n] != '\0'; n++) {
        char ch = s[n];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
              (ch >= 'A' && ch <= 'Z') || ch == '-') ||
            n >= 64)
            return false;
    }
    return n > 0;
}

/* "SYSTEM/DATABASE/RESTORE" from HelloOk.identity, or "" when it is
 * absent or malformed (then nothing is trusted on its word). */
static void identity_text(const Aixin__V1__ServerIdentity *id,
                          char out[CONN_IDENTITY_SIZE])
{
    out[0] = '\0';
    if (id == NULL || !identity_part_ok(id->system_identifier) ||
        !identity_part_ok(id->database_id) || !identity_part_ok(id->restore_id))
        return;
    snprintf(out, CONN_IDENTITY_SIZE, "%s/%s/%s", id->system_identifier,
             id->database_id, id->restore_id);
}

static conn_result_t conn_hello(conn_t *c, Aixin__V1__Response **hello_error,
                                char err[CONN_ERROR_TEXT_SIZE])
{
    Aixin__V1__Hello hello = AIXIN__V1__HELLO__INIT;
    hello.min_version = CONN_PROTOCOL_VERSION;
    hello.max_version = CONN_PROTOCOL_VERSION;
    hello.client_name = (char *)CLI_CLIENT_NAME;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    conn_result_t r = conn_send_request(c, &req, err);
    if (r != CONN_OK)
        return r;
    Aixin__V1__Response *resp = NULL;
    r = conn_receive_response(c, req.request_id, &resp, err);
    if (r != CONN_OK)
        return r;
    if (resp->error != NULL) {
        error_text(err, _("%s refused the handshake"),
                 c->address);
        *hello_error = resp;
        return CONN_ERR_REFUSED;
    }
    if (resp->body_case != AIXIN__V1__RESPONSE__BODY_HELLO ||
        resp->hello->version != CONN_PROTOCOL_VERSION) {
        error_text(err,
                 _("%s answered the handshake with something else"),
                 c->address);
        aixin__v1__response__free_unpacked(resp, NULL);
        return CONN_ERR_PROTOCOL;
    }
    const Aixin__V1__HelloOk *ok = resp->hello;
    /* 0 means the server did not say: keep the protocol's default. */
    if (ok->max_frame_bytes != 0)
        c->max_frame_bytes = ok->max_frame_bytes < FRAME_HARD_MAX_PAYLOAD
                                 ? ok->max_frame_bytes
                                 : FRAME_HARD_MAX_PAYLOAD;
    c->max_in_flight = ok->max_in_flight != 0 ? ok->max_in_flight : 1;
    snprintf(c->server_name, sizeof(c->server_name), "%s", ok->server_name);
    identity_text(ok->identity, c->identity);
    aixin__v1__response__free_unpacked(resp, NULL);
    return CONN_OK;
}

/* Connect to one HOST:PORT and say Hello. */
static conn_result_t conn_open_one(const char *address, conn_t **out,
                                   Aixin__V1__Response **hello_error,
                                   char err[CONN_ERROR_TEXT_SIZE])
{
    conn_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        error_text(err, _("out of memory"));
        return CONN_ERR_NOMEM;
    }
    c->fd = -1;
    c->max_frame_bytes = FRAME_DEFAULT_MAX_PAYLOAD;
    c->max_in_flight = 1;
    snprintf(c->address, sizeof(c->address), "%s", address);
    frame_decoder_init(&c->decoder, CONN_MAX_RESPONSE_BYTES);
    conn_result_t r = conn_connect_socket(c, address, err);
    if (r == CONN_OK)
        r = conn_hello(c, hello_error, err);
    if (r != CONN_OK) {
        conn_close(c);
        return r;
    }
    *out = c;
    return CONN_OK;
}

/*
 * The entry of a server list to dial first: the one that last worked, or
 * the one after the one that last failed. Process-wide, so that every
 * reconnect of every call moves on together.
 */
static size_t conn_list_start;

size_t conn_address_count(const char *address)
{
    size_t n = 1;
    for (const char *p = address; *p != '\0'; p++)
        n += *p == ',';
    return n;
}

bool conn_address_item(const char *address, size_t index, char *item,
                       size_t item_size)
{
    const char *p = address;
    for (size_t i = 0; i < index; i++) {
        p = strchr(p, ',');
        if (p == NULL)
            return false;
        p++;
    }
    size_t len = strcspn(p, ",");
    if (len >= item_size)
        return false;
    memcpy(item, p, len);
    item[len] = '\0';
    return true;
}

conn_result_t conn_open(const char *address, conn_t **out,
                        Aixin__V1__Response **hello_error,
                        char err[CONN_ERROR_TEXT_SIZE])
{
    *out = NULL;
    *hello_error = NULL;
    size_t n = conn_address_count(address);
    if (n == 1)
        return conn_open_one(address, out, hello_error, err);
    /* A list "a:7460,b:7460": each server in turn, from the preferred one,
     * until one answers Hello. A server that refused the Hello answered,
     * so its answer stands, but the next attempt starts at its neighbour. */
    conn_result_t r = CONN_ERR_CONNECT;
    size_t start = conn_list_start % n;
    for (size_t k = 0; k < n; k++) {
        size_t i = (start + k) % n;
        char item[CONN_ADDRESS_SIZE];
        if (!conn_address_item(address, i, item, sizeof(item))) {
            error_text(err, _("bad server address '%s': expected HOST:PORT"),
                       address);
            return CONN_ERR_RESOLVE;
        }
        r = conn_open_one(item, out, hello_error, err);
        if (r == CONN_OK) {
            conn_list_start = i;
            return CONN_OK;
        }
        conn_list_start = i + 1;
        if (!conn_result_is_transient(r))
            return r;
    }
    return r;
}

void conn_close(conn_t *c)
{
    if (c == NULL)
        return;
    tls_client_close(c->ssl);
    if (c->fd >= 0)
        close(c->fd);
    frame_decoder_free(&c->decoder);
    free(c);
}

uint32_t conn_max_in_flight(const conn_t *c)
{
    return c->max_in_flight;
}

uint32_t conn_max_frame_bytes(const conn_t *c)
{
    return c->max_frame_bytes;
}

const char *conn_server_name(const conn_t *c)
{
    return c->server_name;
}

const char *conn_server_identity(const conn_t *c)
{
    return c->identity;
}
