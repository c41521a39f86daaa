/* Who may use the desk; see desk_guard.h. */
#include "desk_guard.h"

#include <arpa/inet.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

static void random_hex(char out[DESK_SECRET_HEX_SIZE])
{
    uint8_t bytes[(DESK_SECRET_HEX_SIZE - 1) / 2];
    randombytes_buf(bytes, sizeof(bytes));
    sodium_bin2hex(out, DESK_SECRET_HEX_SIZE, bytes, sizeof(bytes));
    sodium_memzero(bytes, sizeof(bytes));
}

void desk_guard_init(desk_guard_t *g, uint16_t port)
{
    memset(g, 0, sizeof(*g));
    g->port = port;
    snprintf(g->host, sizeof(g->host), "127.0.0.1:%u", (unsigned)port);
    snprintf(g->origin, sizeof(g->origin), "http://%s", g->host);
    random_hex(g->entry_key);
    random_hex(g->cookie);
}

static bool peer_is_loopback(struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    if (conn == NULL)
        return false;
    const struct sockaddr *sa = evhttp_connection_get_addr(conn);
    if (sa == NULL || sa->sa_family != AF_INET)
        return false;
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    return ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK;
}

/* Constant-time equality of a secret and what the request says. */
static bool secret_equal(const char *secret, const char *given, size_t len)
{
    if (given == NULL || len != strlen(secret))
        return false;
    return sodium_memcmp(secret, given, len) == 0;
}

/* The value of cookie `name` in a Cookie header, as pointer and length. */
static const char *cookie_find(const char *header, const char *name,
                               size_t *len)
{
    size_t name_len = strlen(name);
    const char *p = header;
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t item_len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (item_len > name_len && strncmp(p, name, name_len) == 0 &&
            p[name_len] == '=') {
            *len = item_len - name_len - 1;
            return p + name_len + 1;
        }
        p = end;
    }
    return NULL;
}

static bool has_secret_cookie(const desk_guard_t *g, struct evkeyvalq *in)
{
    for (struct evkeyval *h = in->tqh_first; h != NULL; h = h->next.tqe_next) {
        if (evutil_ascii_strcasecmp(h->key, "Cookie") != 0)
            continue;
        size_t len = 0;
        const char *v = cookie_find(h->value, DESK_COOKIE_NAME, &len);
        if (v != NULL && secret_equal(g->cookie, v, len))
            return true;
    }
    return false;
}

/* The k= of the query, when the request has one. */
static bool has_entry_key(const desk_guard_t *g, struct evhttp_request *req)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
    if (query == NULL || g->entry_used)
        return false;
    struct evkeyvalq q;
    TAILQ_INIT(&q);
    bool ok = false;
    if (evhttp_parse_query_str(query, &q) == 0) {
        const char *k = evhttp_find_header(&q, "k");
        ok = k != NULL && secret_equal(g->entry_key, k, strlen(k));
    }
    evhttp_clear_headers(&q);
    return ok;
}

desk_guard_result_t desk_guard_check(desk_guard_t *g,
                                     struct evhttp_request *req, bool post)
{
    if (!peer_is_loopback(req))
        return DESK_GUARD_BAD_PEER;
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    const char *host = evhttp_find_header(in, "Host");
    if (host == NULL || strcmp(host, g->host) != 0)
        return DESK_GUARD_BAD_HOST;
    if (evhttp_find_header(in, "Forwarded") != NULL ||
        evhttp_find_header(in, "X-Forwarded-For") != NULL ||
        evhttp_find_header(in, "X-Forwarded-Host") != NULL ||
        evhttp_find_header(in, "X-Real-IP") != NULL)
        return DESK_GUARD_FORWARDED;
    const char *origin = evhttp_find_header(in, "Origin");
    if (origin != NULL && strcmp(origin, g->origin) != 0)
        return DESK_GUARD_BAD_ORIGIN;
    if (post && origin == NULL)
        return DESK_GUARD_BAD_ORIGIN;
    if (has_secret_cookie(g, in))
        return DESK_GUARD_OK;
    if (!post && has_entry_key(g, req)) {
        g->entry_used = true;
        return DESK_GUARD_ENTER;
    }
    return DESK_GUARD_NO_SECRET;
}

const char *desk_guard_reason(desk_guard_result_t r)
{
    switch (r) {
    case DESK_GUARD_OK: return "ok";
    case DESK_GUARD_ENTER: return "entered with the one-time key";
    case DESK_GUARD_BAD_PEER: return "not from 127.0.0.1";
    case DESK_GUARD_BAD_HOST: return "Host is not the desk's";
    case DESK_GUARD_FORWARDED: return "relayed by a proxy";
    case DESK_GUARD_BAD_ORIGIN: return "another origin";
    case DESK_GUARD_NO_SECRET: return "without the desk's secret";
    default: return "?";
    }
}

void desk_guard_cookie_header(const desk_guard_t *g, char *out, size_t size)
{
    /* No Max-Age: the cookie ends with the browser session, and the
     * secret with this desk process. */
    snprintf(out, size, "%s=%s; Path=/; HttpOnly; SameSite=Strict",
             DESK_COOKIE_NAME, g->cookie);
}
