/*
 * door_probe SCENARIO HOST PORT ...: attacks on the door from outside, with
 * raw protocol connections, and what an honest client sees meanwhile.
 * Exit 0 when the daemon held, 1 when it did not (reason on stderr).
 * Latency figures are printed, never judged: they are for benchmarks.
 *
 *   conn-flood HOST PORT FLOOD SECONDS USER PASSWORD
 *       FLOOD connections from 127.0.0.1 send Hello and then ListInsurers
 *       every second (the old trick that kept them alive), reconnecting
 *       when closed; meanwhile an honest client from 127.0.0.2 connects,
 *       logs in and lists the policy years, again and again for SECONDS.
 *       Held: every honest attempt succeeded.
 *   deadline HOST PORT
 *       Hello, then ListInsurers every 200 ms without logging in. Held: the
 *       daemon closed the connection within 20 s.
 *   guess HOST PORT USER WRONG RIGHT_PASSWORD
 *       WRONG wrong passwords for USER (waiting a little when told to),
 *       then the right one. Held: attempts were throttled and the right
 *       password was refused as locked.
 *   login-flood HOST PORT FLOODERS SECONDS USER PASSWORD
 *       FLOODERS connections from 127.0.0.1 send wrong passwords as fast as
 *       they are answered; an honest client from 127.0.0.2 logs in every
 *       300 ms. Held: every honest login succeeded.
 *   strangers HOST PORT N
 *       N connections from 127.0.0.1, one after the other, each sending
 *       Hello and kept open; prints "admitted=A" (how many got HelloOk and
 *       are still open at the end): what the door's caps let in now.
 *   revoke HOST PORT MODE USER PASSWORD [ADMIN ADMIN_PASSWORD]
 *       Two connections share USER's session (Login, then Authenticate with
 *       its token); then MODE: logout (on the first), disable (ADMIN
 *       disables USER) or password (USER changes its password on the
 *       first; the second has logged in on its own, as another office of
 *       the same account would). Held: the second connection's next
 *       request is refused UNAUTHENTICATED.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "aixin/v1/envelope.pb-c.h"
#include "probe_conn.h"

#define FLOOD_SOURCE "127.0.0.1"
#define HONEST_SOURCE "127.0.0.2"

static const char *host;
static int port;

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "door_probe: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static bool send_body(probe_conn_t *c, Aixin__V1__Request *req)
{
    req->request_id = 0;
    return probe_send(c, req);
}

static bool send_hello(probe_conn_t *c)
{
    Aixin__V1__Hello h = AIXIN__V1__HELLO__INIT;
    h.min_version = 1;
    h.max_version = 1;
    h.client_name = "door_probe";
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_HELLO;
    req.hello = &h;
    return send_body(c, &req);
}

static bool send_login(probe_conn_t *c, const char *user, const char *pw)
{
    Aixin__V1__Login l = AIXIN__V1__LOGIN__INIT;
    l.username = (char *)user;
    l.password = (char *)pw;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LOGIN;
    req.login = &l;
    return send_body(c, &req);
}

static bool send_list_insurers(probe_conn_t *c)
{
    Aixin__V1__ListInsurers li = AIXIN__V1__LIST_INSURERS__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_INSURERS;
    req.list_insurers = &li;
    return send_body(c, &req);
}

static bool send_list_years(probe_conn_t *c)
{
    Aixin__V1__ListPolicyYears ly = AIXIN__V1__LIST_POLICY_YEARS__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
    req.list_policy_years = &ly;
    return send_body(c, &req);
}

/* libsodium's generator, as the client draws its keys: probes started one
 * after the other must never share a key (rand() seeded with the time and
 * pid did, now and then, and the second request was refused as a reused
 * key). */
static void random_key(uint8_t key[16])
{
    randombytes_buf(key, 16);
}

/* The answer's error code (0 = success), -1 when none came. */
static int answer_code(probe_conn_t *c, int timeout_ms, char *token,
                       size_t tokenlen)
{
    bool eof;
    Aixin__V1__Response *r = probe_read(c, timeout_ms, &eof);
    if (r == NULL)
        return -1;
    int code = r->error != NULL ? (int)r->error->code : 0;
    if (code == 0 && token != NULL && r->body_case == AIXIN__V1__RESPONSE__BODY_SESSION)
        snprintf(token, tokenlen, "%s", r->session->token);
    aixin__v1__response__free_unpacked(r, NULL);
    return code;
}

/* ---- figures ---- */

typedef struct figures {
    double *ms;
    int n, cap, failed;
} figures_t;

static void figures_add(figures_t *f, double ms)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->ms = realloc(f->ms, (size_t)f->cap * sizeof(double));
        if (f->ms == NULL)
            exit(1);
    }
    f->ms[f->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void figures_print(const char *what, figures_t *f)
{
    if (f->n == 0) {
        printf("%s: no successful attempt, %d failed\n", what, f->failed);
        return;
    }
    qsort(f->ms, (size_t)f->n, sizeof(double), cmp_double);
    printf("%s: %d ok, %d failed; latency ms median %.1f p95 %.1f max %.1f\n",
           what, f->n, f->failed, f->ms[f->n / 2], f->ms[(f->n * 95) / 100],
           f->ms[f->n - 1]);
}

/* One honest round from HONEST_SOURCE: connect, Hello, Login, ListPolicyYears. */
static bool honest_round(const char *user, const char *pw, double *ms)
{
    double t0 = now_ms();
    probe_conn_t c;
    bool ok = probe_connect_from(&c, HONEST_SOURCE, host, port) &&
              send_hello(&c) && send_login(&c, user, pw) && send_list_years(&c);
    int codes[3] = {-1, -1, -1};
    for (int i = 0; ok && i < 3; i++) {
        codes[i] = answer_code(&c, 10000, NULL, 0);
        ok = codes[i] == 0;
    }
    *ms = now_ms() - t0;
    if (!ok)
        fprintf(stderr, "door_probe: honest round failed (answers %d %d %d)\n",
                codes[0], codes[1], codes[2]);
    probe_close(&c);
    return ok;
}

/* ---- conn-flood ---- */

typedef struct flood {
    int n;
    probe_conn_t *conns;
    volatile bool stop;
    long opened, closed_by_server;
} flood_t;

static bool flood_open(probe_conn_t *c)
{
    if (!probe_connect_from(c, FLOOD_SOURCE, host, port))
        return false;
    return send_hello(c);
}

static void *flood_main(void *arg)
{
    flood_t *f = arg;
    double last_poke = now_ms();
    while (!f->stop) {
        int reopened = 0;
        for (int i = 0; i < f->n && !f->stop; i++) {
            probe_conn_t *c = &f->conns[i];
            if (c->fd >= 0) {
                struct pollfd p = {c->fd, POLLIN, 0};
                if (poll(&p, 1, 0) > 0) {
                    char buf[4096];
                    ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
                    if (r <= 0 || p.revents & (POLLHUP | POLLERR)) {
                        probe_close(c);
                        f->closed_by_server++;
                    }
                }
            }
            /* Reopen what was closed, a bounded number per round. */
            if (c->fd < 0 && reopened < 200) {
                reopened++;
                if (flood_open(c))
                    f->opened++;
            }
        }
        if (now_ms() - last_poke > 1000) {
            last_poke = now_ms();
            for (int i = 0; i < f->n; i++)
                if (f->conns[i].fd >= 0)
                    (void)send_list_insurers(&f->conns[i]);
        }
        sleep_ms(100);
    }
    return NULL;
}

static void raise_fd_limit(int want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int scenario_conn_flood(int nflood, int seconds, const char *user,
                               const char *pw)
{
    raise_fd_limit(nflood + 256);
    flood_t f = {.n = nflood};
    f.conns = calloc((size_t)nflood, sizeof(probe_conn_t));
    if (f.conns == NULL)
        return fail("out of memory");
    for (int i = 0; i < nflood; i++) {
        f.conns[i].fd = -1;
        if (flood_open(&f.conns[i]))
            f.opened++;
    }
    sleep_ms(500); /* let the daemon take them all in */
    pthread_t t;
    pthread_create(&t, NULL, flood_main, &f);
    figures_t fig = {0};
    double end = now_ms() + seconds * 1000.0;
    while (now_ms() < end) {
        double ms;
        if (honest_round(user, pw, &ms))
            figures_add(&fig, ms);
        else
            fig.failed++;
        sleep_ms(200);
    }
    f.stop = true;
    pthread_join(t, NULL);
    int open = 0;
    for (int i = 0; i < nflood; i++) {
        if (f.conns[i].fd >= 0)
            open++;
        probe_close(&f.conns[i]);
    }
    free(f.conns);
    printf("flood: %d connections wanted, %ld opened in all, %ld closed by "
           "the daemon, %d open at the end\n",
           nflood, f.opened, f.closed_by_server, open);
    figures_print("honest client under the connection flood", &fig);
    int failed = fig.failed, n = fig.n;
    free(fig.ms);
    if (failed > 0 || n == 0)
        return fail("%d honest attempts failed", failed);
    return 0;
}

/* ---- deadline ---- */

static int scenario_deadline(void)
{
    probe_conn_t c;
    if (!probe_connect_from(&c, FLOOD_SOURCE, host, port) || !send_hello(&c))
        return fail("cannot connect");
    double t0 = now_ms();
    while (now_ms() - t0 < 20000) {
        if (!send_list_insurers(&c))
            break; /* closed */
        bool eof = false;
        Aixin__V1__Response *r;
        while ((r = probe_read(&c, 200, &eof)) != NULL) {
            bool timeout = r->error != NULL &&
                           r->error->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT &&
                           r->request_id == 0;
            aixin__v1__response__free_unpacked(r, NULL);
            if (timeout)
                eof = true;
        }
        if (eof)
            break;
    }
    double took = now_ms() - t0;
    probe_close(&c);
    if (took >= 20000)
        return fail("a connection that never logged in is still open after "
                    "20 s of unauthenticated requests");
    printf("closed after %.0f ms without a login\n", took);
    return 0;
}

/* ---- strangers ---- */

static int scenario_strangers(int n)
{
    if (n < 1 || n > 1000)
        return fail("strangers: N must be 1..1000");
    probe_conn_t *conns = calloc((size_t)n, sizeof(*conns));
    bool *open = calloc((size_t)n, sizeof(*open));
    if (conns == NULL || open == NULL) {
        free(conns);
        free(open);
        return fail("out of memory");
    }
    for (int i = 0; i < n; i++) {
        if (!probe_connect_from(&conns[i], FLOOD_SOURCE, host, port))
            continue;
        open[i] = send_hello(&conns[i]) &&
                  answer_code(&conns[i], 10000, NULL, 0) == 0;
    }
    /* A stranger admitted first may have been evicted to make room:
     * count only those still open (a short read finds EOF). */
    int admitted = 0;
    for (int i = 0; i < n; i++) {
        if (open[i]) {
            bool eof = false;
            Aixin__V1__Response *r;
            while ((r = probe_read(&conns[i], 50, &eof)) != NULL)
                aixin__v1__response__free_unpacked(r, NULL);
            if (!eof)
                admitted++;
        }
        probe_close(&conns[i]);
    }
    free(conns);
    free(open);
    printf("admitted=%d\n", admitted);
    return 0;
}

/* ---- guess ---- */

/* One login attempt on a fresh connection (a login deadline closes a
 * stranger that lingers). The answer's code, -1 when none came. */
static int login_once(const char *user, const char *pw)
{
    probe_conn_t c;
    int code = -1;
    if (probe_connect_from(&c, FLOOD_SOURCE, host, port) && send_hello(&c) &&
        answer_code(&c, 10000, NULL, 0) == 0 && send_login(&c, user, pw))
        code = answer_code(&c, 20000, NULL, 0);
    probe_close(&c);
    return code;
}

static int scenario_guess(const char *user, int wrong, const char *right)
{
    int unauth = 0, throttled = 0, other = 0;
    for (int i = 0; i < wrong; i++) {
        int code = login_once(user, "not-the-password");
        if (code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED)
            unauth++;
        else if (code == AIXIN__V1__ERROR_CODE__ERROR_CODE_TOO_MANY_ATTEMPTS) {
            throttled++;
            sleep_ms(150);
        } else {
            other++;
            fprintf(stderr, "door_probe: wrong password answered %d\n", code);
        }
    }
    int code = login_once(user, right);
    printf("%d wrong passwords: %d refused, %d throttled, %d other; the right "
           "one then: %d\n",
           wrong, unauth, throttled, other, code);
    if (other > 0)
        return fail("%d attempts got no proper answer", other);
    if (throttled == 0)
        return fail("no attempt was throttled");
    if (code != AIXIN__V1__ERROR_CODE__ERROR_CODE_TOO_MANY_ATTEMPTS)
        return fail("the right password after %d wrong ones was answered %d, "
                    "not TOO_MANY_ATTEMPTS", wrong, code);
    return 0;
}

/* ---- login-flood ---- */

typedef struct flooder {
    pthread_t thread;
    volatile bool *stop;
    long attempts;
    int index;
} flooder_t;

static void *flooder_main(void *arg)
{
    flooder_t *fl = arg;
    char name[32];
    while (!*fl->stop) {
        probe_conn_t c;
        if (!probe_connect_from(&c, FLOOD_SOURCE, host, port) || !send_hello(&c) ||
            answer_code(&c, 10000, NULL, 0) != 0) {
            probe_close(&c);
            sleep_ms(50);
            continue;
        }
        while (!*fl->stop) {
            snprintf(name, sizeof(name), "guess%d_%ld", fl->index,
                     fl->attempts % 7);
            if (!send_login(&c, name, "wrong-password-123"))
                break;
            fl->attempts++;
            if (answer_code(&c, 20000, NULL, 0) < 0)
                break;
        }
        probe_close(&c);
    }
    return NULL;
}

static int scenario_login_flood(int nflood, int seconds, const char *user,
                                const char *pw)
{
    volatile bool stop = false;
    flooder_t *fl = calloc((size_t)nflood, sizeof(*fl));
    if (fl == NULL)
        return fail("out of memory");
    for (int i = 0; i < nflood; i++) {
        fl[i].stop = &stop;
        fl[i].index = i;
        pthread_create(&fl[i].thread, NULL, flooder_main, &fl[i]);
    }
    sleep_ms(300);
    figures_t fig = {0};
    double end = now_ms() + seconds * 1000.0;
    while (now_ms() < end) {
        double ms;
        if (honest_round(user, pw, &ms))
            figures_add(&fig, ms);
        else
            fig.failed++;
        sleep_ms(300);
    }
    stop = true;
    long attempts = 0;
    for (int i = 0; i < nflood; i++) {
        pthread_join(fl[i].thread, NULL);
        attempts += fl[i].attempts;
    }
    free(fl);
    printf("login flood: %d connections, %ld wrong passwords sent\n", nflood,
           attempts);
    figures_print("honest login under the login flood", &fig);
    int failed = fig.failed, n = fig.n;
    free(fig.ms);
    if (failed > 0 || n == 0)
        return fail("%d honest logins failed", failed);
    return 0;
}

/* ---- revoke ---- */

static int scenario_revoke(const char *mode, const char *user, const char *pw,
                           const char *admin, const char *admin_pw)
{
    probe_conn_t a, b;
    char token[128] = "";
    if (!probe_connect_from(&a, HONEST_SOURCE, host, port) || !send_hello(&a) ||
        answer_code(&a, 10000, NULL, 0) != 0 || !send_login(&a, user, pw) ||
        answer_code(&a, 10000, token, sizeof(token)) != 0 || token[0] == '\0')
        return fail("first connection cannot log in as %s", user);
    /* The same session on a second connection; for a password change, a
     * session of its own (the changing session itself stays). */
    Aixin__V1__Authenticate au = AIXIN__V1__AUTHENTICATE__INIT;
    au.token = token;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_AUTHENTICATE;
    req.authenticate = &au;
    bool own = strcmp(mode, "password") == 0;
    if (!probe_connect_from(&b, HONEST_SOURCE, host, port) || !send_hello(&b) ||
        answer_code(&b, 10000, NULL, 0) != 0 ||
        !(own ? send_login(&b, user, pw) : send_body(&b, &req)) ||
        answer_code(&b, 10000, NULL, 0) != 0)
        return fail("second connection cannot sign in");
    if (!send_list_years(&b) || answer_code(&b, 10000, NULL, 0) != 0)
        return fail("second connection cannot work before the revocation");

    uint8_t key[16];
    random_key(key);
    int code;
    if (strcmp(mode, "logout") == 0) {
        Aixin__V1__Logout lo = AIXIN__V1__LOGOUT__INIT;
        Aixin__V1__Request r = AIXIN__V1__REQUEST__INIT;
        r.body_case = AIXIN__V1__REQUEST__BODY_LOGOUT;
        r.logout = &lo;
        code = send_body(&a, &r) ? answer_code(&a, 10000, NULL, 0) : -1;
    } else if (strcmp(mode, "password") == 0) {
        Aixin__V1__ChangePassword cp = AIXIN__V1__CHANGE_PASSWORD__INIT;
        cp.old_password = (char *)pw;
        cp.new_password = "a-new-password-2";
        Aixin__V1__Request r = AIXIN__V1__REQUEST__INIT;
        r.body_case = AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD;
        r.change_password = &cp;
        r.idempotency_key.data = key;
        r.idempotency_key.len = sizeof(key);
        code = send_body(&a, &r) ? answer_code(&a, 10000, NULL, 0) : -1;
        /* The changing connection itself keeps its session. */
        if (code == 0 && (!send_list_years(&a) || answer_code(&a, 10000, NULL, 0) != 0))
            return fail("the connection that changed the password lost its session");
    } else if (strcmp(mode, "disable") == 0 && admin != NULL) {
        probe_conn_t ad;
        if (!probe_connect_from(&ad, HONEST_SOURCE, host, port) ||
            !probe_login(&ad, admin, admin_pw))
            return fail("admin cannot log in");
        Aixin__V1__DisableAccount da = AIXIN__V1__DISABLE_ACCOUNT__INIT;
        da.username = (char *)user;
        Aixin__V1__Request r = AIXIN__V1__REQUEST__INIT;
        r.body_case = AIXIN__V1__REQUEST__BODY_DISABLE_ACCOUNT;
        r.disable_account = &da;
        r.idempotency_key.data = key;
        r.idempotency_key.len = sizeof(key);
        code = send_body(&ad, &r) ? answer_code(&ad, 10000, NULL, 0) : -1;
        probe_close(&ad);
    } else {
        return fail("unknown revoke mode %s", mode);
    }
    if (code != 0)
        return fail("%s was answered %d", mode, code);
    if (!send_list_years(&b))
        return fail("second connection closed");
    code = answer_code(&b, 10000, NULL, 0);
    probe_close(&a);
    probe_close(&b);
    if (code != AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED)
        return fail("after %s the other connection's request was answered %d, "
                    "not UNAUTHENTICATED", mode, code);
    printf("after %s the other connection is signed out\n", mode);
    return 0;
}

/* ---- input ---- */

/* RegisterHousehold with one guardian; the answer's code. */
static int register_one(probe_conn_t *c, const char *id, const char *name)
{
    Aixin__V1__Guardian g = AIXIN__V1__GUARDIAN__INIT;
    g.id_number = (char *)id;
    g.name = (char *)name;
    Aixin__V1__Guardian *gs[1] = {&g};
    Aixin__V1__RegisterHousehold rh = AIXIN__V1__REGISTER_HOUSEHOLD__INIT;
    rh.township_code = "360821100";
    rh.kind = AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD;
    rh.certificate_no = "DOOR-1";
    rh.n_guardians = 1;
    rh.guardians = gs;
    uint8_t key[16];
    random_key(key);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD;
    req.register_household = &rh;
    req.idempotency_key.data = key;
    req.idempotency_key.len = sizeof(key);
    return send_body(c, &req) ? answer_code(c, 10000, NULL, 0) : -1;
}

/*
 * input HOST PORT USER PASSWORD GOOD_ID ZERO_REGION_ID: names with a line
 * separator or a bidi override, and an ID number whose address code is
 * 000000 (check character right), are refused INVALID_ARGUMENT; the same
 * household with clean input is accepted.
 */
static int scenario_input(const char *user, const char *pw, const char *good,
                          const char *zero)
{
    probe_conn_t c;
    if (!probe_connect_from(&c, HONEST_SOURCE, host, port) ||
        !probe_login(&c, user, pw))
        return fail("cannot log in as %s", user);
    static const struct {
        const char *name;
        bool id_zero;
        const char *why;
    } bad[] = {
        {"\xe5\x88\x98\xe2\x80\xa8\xe5\xbb\xba", false, "U+2028 in a name"},
        {"\xe5\x88\x98\xe2\x80\xa9", false, "U+2029 in a name"},
        {"abc\xe2\x80\xae" "fed", false, "U+202E in a name"},
        {"\xe2\x81\xa6x\xe2\x81\xa9", false, "U+2066/U+2069 in a name"},
        {"\xe5\x88\x98\xe5\xbb\xba", true, "address code 000000"},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int code = register_one(&c, bad[i].id_zero ? zero : good, bad[i].name);
        if (code != AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT) {
            fprintf(stderr, "door_probe: %s answered %d\n", bad[i].why, code);
            failures++;
        }
    }
    int code = register_one(&c, good, "\xe5\x88\x98\xe5\xbb\xba");
    probe_close(&c);
    if (code != 0)
        return fail("the clean household was answered %d", code);
    if (failures > 0)
        return fail("%d bad inputs were not refused", failures);
    printf("separators, bidi controls and address code 000000 refused\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: door_probe SCENARIO HOST PORT ... (see the "
                        "source)\n");
        return 2;
    }
    const char *s = argv[1];
    host = argv[2];
    port = atoi(argv[3]);
    if (sodium_init() < 0) {
        fprintf(stderr, "door_probe: libsodium did not start\n");
        return 2;
    }
    if (strcmp(s, "conn-flood") == 0 && argc == 8)
        return scenario_conn_flood(atoi(argv[4]), atoi(argv[5]), argv[6], argv[7]);
    if (strcmp(s, "deadline") == 0 && argc == 4)
        return scenario_deadline();
    if (strcmp(s, "strangers") == 0 && argc == 5)
        return scenario_strangers(atoi(argv[4]));
    if (strcmp(s, "guess") == 0 && argc == 7)
        return scenario_guess(argv[4], atoi(argv[5]), argv[6]);
    if (strcmp(s, "login-flood") == 0 && argc == 8)
        return scenario_login_flood(atoi(argv[4]), atoi(argv[5]), argv[6], argv[7]);
    if (strcmp(s, "revoke") == 0 && (argc == 7 || argc == 9))
        return scenario_revoke(argv[4], argv[5], argv[6], argc == 9 ? argv[7] : NULL,
                               argc == 9 ? argv[8] : NULL);
    if (strcmp(s, "input") == 0 && argc == 8)
        return scenario_input(argv[4], argv[5], argv[6], argv[7]);
    fprintf(stderr, "door_probe: unknown scenario or wrong arguments\n");
    return 2;
}
