/*
 * bench_enroll: enrollments per second through aixind and straight into
 * the same PostgreSQL, on the same generated rows and the same SQL
 * function (aixin.import_enrollment: household found or made, child found
 * or added, policy; one row per transaction, committed durably).
 *
 * Modes, each run from an empty data set (the business tables are
 * truncated before every run; divisions, accounts, policy years, insurers
 * and county terms stay):
 *   single-C  aixind: C connections, each sending ImportEnrollments of one
 *             row and waiting for the answer;  direct: C libpq connections,
 *             each calling the prepared function and waiting.  C = 1, 16, 64.
 *   enroll-C  single enrollments (Enroll) of registered children: before
 *             each run the rows are imported for 2027 (through aixind, in
 *             batches), then every child is enrolled for 2028, one per
 *             transaction;  aixind: C connections, each sending Enroll and
 *             waiting;  direct: C libpq connections calling aixin.enroll.
 *             Needs year 2028 open with county terms (run-bench.sh).
 *             In single-C and enroll-C the direct side has C database
 *             sessions and aixind threads x db_pool_size (run-bench.sh:
 *             2 x AIXIN_BENCH_POOL); AIXIN_BENCH_POOL=8 gives both sides
 *             16 for C = 16.
 *   batch     aixind: --clients connections, each with up to 4 batches of
 *             --batch rows in flight (as `aixin import`);  direct:
 *             --direct-conns libpq connections in pipeline mode, up to
 *             --batch calls in flight each, a Sync after every call (one
 *             transaction per row). Give --direct-conns the daemon's pool
 *             (threads x db_pool_size) so both sides get the same number
 *             of database sessions.
 * Direct and aixind runs alternate (direct first in even pairs, aixind
 * first in odd ones), --pairs pairs per mode; printed: rows/s of every
 * run, and per mode the median of the pair ratios aixind/direct, with
 * PostgreSQL's fsync and synchronous_commit.
 *
 * CPU per row: with AIXIN_BENCH_AIXIND_PID and AIXIN_BENCH_POSTMASTER_PID
 * (run-bench.sh sets both), every run also prints the CPU time per row of
 * aixind, of PostgreSQL (the postmaster and all its processes: backends,
 * WAL writer, checkpointer) and of this program, read from /proc and
 * getrusage over the timed part. CPU time is what a shared, noisy machine
 * disturbs least: wall-clock rates move with the neighbours' load.
 * aixind runs also print how aixind's sessions (the backends of role
 * aixin_serve, as run-bench.sh sets up) spent the run, per row: on a CPU,
 * waiting for one (the machine's load), and blocked (waiting for aixind's
 * next query, for a lock, or for their commit's WAL flush), from
 * /proc/PID/schedstat.
 *
 * Needs a running PostgreSQL with the aixin schema and a running aixind
 * on it, year 2027 open with county terms for 360821 and 360824, and a
 * city administrator: tests/bench/run-bench.sh sets all that up in a
 * throwaway cluster and runs this program. By hand:
 *
 *   bench_enroll --server 127.0.0.1:7460 --database "dbname=aixin" \
 *       --user admin [--rows 200000] [--pairs 6] [--batch 500] \
 *       [--clients 4] [--direct-conns 8] [--modes single-1,single-16,...]
 *   (password: AIXIN_PASSWORD)
 *
 * The database user must be allowed to TRUNCATE with triggers disabled
 * (session_replication_role): a superuser, as in the throwaway cluster.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libpq-fe.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aixin/v1/envelope.pb-c.h"
#include "frame.h"
#include "idcard.h"

#define BENCH_MAX_MODES 8
#define BENCH_PIPELINE 4
#define BENCH_TEXT 40

typedef struct bench_row {
    char child[BENCH_TEXT], guardian[BENCH_TEXT], cert[BENCH_TEXT];
    char child_name[BENCH_TEXT], guardian_name[BENCH_TEXT];
    char township[16], birth[16], sex[2];
    const char *kind;
    uint8_t key[16];
} bench_row_t;

typedef struct bench_config {
    const char *server;
    const char *database;
    const char *user;
    const char *password;
    size_t rows;
    int pairs;
    size_t batch;
    int clients;
    int direct_conns;
    char modes[BENCH_MAX_MODES][16];
    int n_modes;
} bench_config_t;

static bench_config_t cfg;
static bench_row_t *rows;
static long long actor_id;

static void die(const char *what)
{
    fprintf(stderr, "bench_enroll: %s\n", what);
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An ID number: region, date, sequence q (0-499), sex. */
static void make_id(char out[BENCH_TEXT], const char *region, int y, int m,
                    int d, int q, char sex)
{
    snprintf(out, BENCH_TEXT, "%s%04d%02d%02d%03d", region, y, m, d,
             2 * q + (sex == 'M'));
    out[17] = idcard_check_char(out);
    out[18] = '\0';
}

/* The rows of tests/integration/enrollments_csv.sh: every tenth household
 * has two daughters, the others one child; two townships. */
static void rows_generate(void)
{
    rows = calloc(cfg.rows, sizeof(*rows));
    if (rows == NULL)
        die("out of memory");
    size_t n = 0;
    for (long h = 1; n < cfg.rows; h++) {
        const char *twp = (h % 2) ? "360821100" : "360824100";
        char region[7];
        memcpy(region, twp, 6);
        region[6] = '\0';
        long g = h - 1;
        bool two = h % 10 == 0;
        char gid[BENCH_TEXT];
        make_id(gid, region, 1980 + (int)(g % 15), 1 + (int)(g / 15 % 12),
                1 + (int)(g / 180 % 28), (int)(g / 5040), 'M');
        for (int c = 0; c < (two ? 2 : 1) && n < cfg.rows; c++, n++) {
            bench_row_t *r = &rows[n];
            long k = (long)n;
            char sex = two ? 'F' : ((k % 2) ? 'M' : 'F');
            int y = 2021 + (int)(k % 5), mo = 1 + (int)(k / 5 % 12),
                d = 1 + (int)(k / 60 % 28);
            make_id(r->child, region, y, mo, d, (int)(k / 1680), sex);
            memcpy(r->guardian, gid, sizeof(gid));
            snprintf(r->cert, sizeof(r->cert), "%s-%ld", two ? "ED" : "JA", h);
            snprintf(r->child_name, sizeof(r->child_name), "孩子%ld", k);
            snprintf(r->guardian_name, sizeof(r->guardian_name), "家长%ld", h);
            snprintf(r->township, sizeof(r->township), "%s", twp);
            snprintf(r->birth, sizeof(r->birth), "%04d-%02d-%02d", y, mo, d);
            r->sex[0] = sex;
            r->kind = two ? "two_daughters" : "only_child";
        }
    }
}

/* Fresh keys for a run, so that no run replays another's. */
static void rows_rekey(int run)
{
    for (size_t i = 0; i < cfg.rows; i++) {
        uint64_t a = (uint64_t)run * 0x9E3779B97F4A7C15ull ^ i;
        memcpy(rows[i].key, &a, 8);
        memcpy(rows[i].key + 8, &i, 8);
    }
}

/* --- PostgreSQL --------------------------------------------------------- */

static PGconn *pg_connect(void)
{
    PGconn *c = PQconnectdb(cfg.database);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench_enroll: %s", PQerrorMessage(c));
        exit(1);
    }
    return c;
}

static char *pg_value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        fprintf(stderr, "bench_enroll: %s: %s", sql, PQerrorMessage(c));
        exit(1);
    }
    char *v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static void pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "bench_enroll: %s: %s", sql, PQerrorMessage(c));
        exit(1);
    }
    PQclear(r);
}

/* Empty the business tables (years, terms, accounts stay). */
static void data_reset(void)
{
    PGconn *c = pg_connect();
    pg_exec(c, "SET client_min_messages = warning");
    pg_exec(c, "SET session_replication_role = replica");
    pg_exec(c, "TRUNCATE aixin.policies, aixin.children, aixin.guardians, "
               "aixin.households, aixin.idempotency_keys, aixin.audit_log "
               "CASCADE");
    pg_exec(c, "CHECKPOINT");
    PQfinish(c);
}

static long long policies_count(void)
{
    PGconn *c = pg_connect();
    char *v = pg_value(c, "SELECT count(*) FROM aixin.policies");
    long long n = atoll(v);
    free(v);
    PQfinish(c);
    return n;
}

static const char import_sql[] =
    "SELECT id FROM aixin.import_enrollment($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11, $12, $13, $14)";

/* The 14 parameters of row i, as text (the key as bytea hex). */
typedef struct call_params {
    char actor[24], request[24], key[40], line[16], year[8];
    const char *values[14];
} call_params_t;

static void call_params_fill(call_params_t *p, size_t i)
{
    const bench_row_t *r = &rows[i];
    snprintf(p->actor, sizeof(p->actor), "%lld", actor_id);
    snprintf(p->request, sizeof(p->request), "%zu", i + 1);
    strcpy(p->key, "\\x");
    for (int k = 0; k < 16; k++)
        snprintf(p->key + 2 + 2 * k, 3, "%02x", r->key[k]);
    snprintf(p->line, sizeof(p->line), "%zu", i + 2);
    snprintf(p->year, sizeof(p->year), "2027");
    const char *v[14] = {p->actor, p->request, p->key, p->line, p->year,
                         r->township, r->kind, r->cert, r->guardian,
                         r->guardian_name, r->child, r->child_name, r->sex,
                         r->birth};
    memcpy(p->values, v, sizeof(v));
}

static void pg_check(PGresult *r, PGconn *c)
{
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_enroll: import_enrollment: %s",
                PQerrorMessage(c));
        exit(1);
    }
}

/* Every worker connects (and, through aixind, logs in: an argon2id
 * verification on purpose slow) before the clock starts; then all start
 * together. Only the loading is timed. */
static pthread_barrier_t start_barrier;

typedef struct worker {
    pthread_t thread;
    size_t first, step; /* rows first, first+step, ... */
    bool batch;
    bool enroll; /* Enroll of registered children instead of import rows */
} worker_t;

static const char enroll_sql[] =
    "SELECT id FROM aixin.enroll($1, $2, $3, $4, 2028)";

/* The 4 parameters of Enroll of row i's child, as text. */
static void enroll_params_fill(call_params_t *p, size_t i)
{
    call_params_fill(p, i);
    p->values[0] = p->actor;
    p->values[1] = p->request;
    p->values[2] = p->key;
    p->values[3] = rows[i].child;
}

static void *direct_worker(void *arg)
{
    worker_t *w = arg;
    PGconn *c = pg_connect();
    PGresult *r = w->enroll ? PQprepare(c, "enr", enroll_sql, 4, NULL)
                            : PQprepare(c, "imp", import_sql, 14, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("prepare failed");
    PQclear(r);
    pthread_barrier_wait(&start_barrier);
    call_params_t p;
    if (w->enroll) {
        for (size_t i = w->first; i < cfg.rows; i += w->step) {
            enroll_params_fill(&p, i);
            r = PQexecPrepared(c, "enr", 4, p.values, NULL, NULL, 0);
            pg_check(r, c);
            PQclear(r);
        }
        PQfinish(c);
        return NULL;
    }
    if (!w->batch) {
        for (size_t i = w->first; i < cfg.rows; i += w->step) {
            call_params_fill(&p, i);
            r = PQexecPrepared(c, "imp", 14, p.values, NULL, NULL, 0);
            pg_check(r, c);
            PQclear(r);
        }
        PQfinish(c);
        return NULL;
    }
    if (!PQenterPipelineMode(c))
        die("pipeline mode");
    size_t sent = w->first, done = w->first, in_flight = 0;
    while (done < cfg.rows) {
        while (sent < cfg.rows && in_flight < cfg.batch) {
            call_params_fill(&p, sent);
            if (!PQsendQueryPrepared(c, "imp", 14, p.values, NULL, NULL, 0) ||
                !PQpipelineSync(c))
                die("pipeline send");
            sent += w->step;
            in_flight++;
        }
        if (PQflush(c) != 0)
            die("flush");
        /* One call's result, its NULL, then its Sync. */
        r = PQgetResult(c);
        pg_check(r, c);
        PQclear(r);
        if (PQgetResult(c) != NULL)
            die("pipeline: more than one result");
        r = PQgetResult(c);
        if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
            die("pipeline: no sync");
        PQclear(r);
        in_flight--;
        done += w->step;
    }
    PQfinish(c);
    return NULL;
}

/* --- aixind ----------------------------------------------------------------- */

typedef struct ax_conn {
    int fd;
    uint64_t next_id;
    frame_decoder_t dec;
} ax_conn_t;

static void ax_write(ax_conn_t *c, Aixin__V1__Request *req)
{
    req->request_id = ++c->next_id;
    size_t len = aixin__v1__request__get_packed_size(req);
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + len);
    if (buf == NULL)
        die("out of memory");
    frame_header_write(buf, (uint32_t)len);
    aixin__v1__request__pack(req, buf + FRAME_HEADER_SIZE);
    for (size_t off = 0; off < FRAME_HEADER_SIZE + len;) {
        ssize_t n = write(c->fd, buf + off, FRAME_HEADER_SIZE + len - off);
        if (n <= 0 && errno != EINTR)
            die("write to aixind failed");
        if (n > 0)
            off += (size_t)n;
    }
    free(buf);
}

static Aixin__V1__Response *ax_read(ax_conn_t *c)
{
    for (;;) {
        const uint8_t *payload;
        uint32_t len;
        frame_result_t fr = frame_decoder_next(&c->dec, &payload, &len);
        if (fr == FRAME_OK) {
            Aixin__V1__Response *resp =
                aixin__v1__response__unpack(NULL, len, payload);
            if (resp == NULL)
                die("unreadable response");
            if (resp->error != NULL) {
                fprintf(stderr, "bench_enroll: aixind: %s (%s)\n",
                        resp->error->message, resp->error->field);
                exit(1);
            }
            return resp;
        }
        if (fr != FRAME_NEED_MORE)
            die("bad frame from aixind");
        uint8_t chunk[65536];
        ssize_t n = read(c->fd, chunk, sizeof(chunk));
        if (n <= 0 && errno != EINTR)
            die("aixind closed the connection");
        if (n > 0 && frame_decoder_feed(&c->dec, chunk, (size_t)n) != FRAME_OK)
            die("bad frame from aixind");
    }
}

static void ax_open(ax_conn_t *c)
{
    char host[256];
    snprintf(host, sizeof(host), "%s", cfg.server);
    char *colon = strrchr(host, ':');
    if (colon == NULL)
        die("--server HOST:PORT");
    *colon = '\0';
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
        die("cannot resolve the server");
    c->fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (c->fd < 0 || connect(c->fd, ai->ai_addr, ai->ai_addrlen) != 0)
        die("cannot connect to aixind");
    freeaddrinfo(ai);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->next_id = 0;
    frame_decoder_init(&c->dec, 16u << 20);
    Aixin__V1__Hello hello = AIXIN__V1__HELLO__INIT;
    hello.min_version = hello.max_version = 1;
    hello.client_name = (char *)"bench_enroll";
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_HELLO;
    req.hello = &hello;
    ax_write(c, &req);
    aixin__v1__response__free_unpacked(ax_read(c), NULL);
    Aixin__V1__Login login = AIXIN__V1__LOGIN__INIT;
    login.username = (char *)cfg.user;
    login.password = (char *)cfg.password;
    req.body_case = AIXIN__V1__REQUEST__BODY_LOGIN;
    req.login = &login;
    ax_write(c, &req);
    aixin__v1__response__free_unpacked(ax_read(c), NULL);
}

static void ax_close(ax_conn_t *c)
{
    close(c->fd);
    frame_decoder_free(&c->dec);
}

/* The EnrollmentRow messages of rows[], built once per run. */
typedef struct ax_row {
    Aixin__V1__EnrollmentRow msg;
    Aixin__V1__Guardian guardian;
} ax_row_t;
static ax_row_t *ax_rows;

static void ax_rows_build(void)
{
    if (ax_rows == NULL)
        ax_rows = calloc(cfg.rows, sizeof(*ax_rows));
    if (ax_rows == NULL)
        die("out of memory");
    for (size_t i = 0; i < cfg.rows; i++) {
        bench_row_t *r = &rows[i];
        ax_row_t *a = &ax_rows[i];
        aixin__v1__enrollment_row__init(&a->msg);
        aixin__v1__guardian__init(&a->guardian);
        a->guardian.id_number = r->guardian;
        a->guardian.name = r->guardian_name;
        a->msg.line = (uint32_t)i + 2;
        a->msg.idempotency_key.data = r->key;
        a->msg.idempotency_key.len = 16;
        a->msg.policy_year = 2027;
        a->msg.township_code = r->township;
        a->msg.household_kind =
            r->kind[0] == 'o'
                ? AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD
                : AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS;
        a->msg.certificate_no = r->cert;
        a->msg.guardian = &a->guardian;
        a->msg.child_id_number = r->child;
        a->msg.child_name = r->child_name;
        a->msg.child_sex = r->sex[0] == 'M' ? AIXIN__V1__SEX__SEX_MALE
                                            : AIXIN__V1__SEX__SEX_FEMALE;
        a->msg.child_birth_date = r->birth;
    }
}

/* Send the rows first, first+step, ... in requests of `per` rows, with up
 * to `depth` requests in flight. */
static void ax_send_rows(ax_conn_t *c, size_t first, size_t step, size_t per,
                         int depth)
{
    size_t max = per;
    Aixin__V1__EnrollmentRow **ptrs = malloc(max * sizeof(*ptrs));
    if (ptrs == NULL)
        die("out of memory");
    size_t next = first;
    int in_flight = 0;
    while (next < cfg.rows || in_flight > 0) {
        while (next < cfg.rows && in_flight < depth) {
            size_t n = 0;
            for (; n < per && next < cfg.rows; n++, next += step)
                ptrs[n] = &ax_rows[next].msg;
            Aixin__V1__ImportEnrollments body =
                AIXIN__V1__IMPORT_ENROLLMENTS__INIT;
            body.n_rows = n;
            body.rows = ptrs;
            Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
            req.body_case = AIXIN__V1__REQUEST__BODY_IMPORT_ENROLLMENTS;
            req.import_enrollments = &body;
            ax_write(c, &req);
            in_flight++;
        }
        Aixin__V1__Response *resp = ax_read(c);
        const Aixin__V1__ImportResult *ir = resp->import_result;
        for (size_t k = 0; ir != NULL && k < ir->n_results; k++)
            if (ir->results[k]->error != NULL) {
                fprintf(stderr, "bench_enroll: line %u: %s\n",
                        ir->results[k]->line,
                        ir->results[k]->error->message);
                exit(1);
            }
        aixin__v1__response__free_unpacked(resp, NULL);
        in_flight--;
    }
    free(ptrs);
}

/* Enroll of the children of rows first, first+step, ..., one at a time. */
static void ax_send_enrolls(ax_conn_t *c, size_t first, size_t step)
{
    for (size_t i = first; i < cfg.rows; i += step) {
        Aixin__V1__Enroll body = AIXIN__V1__ENROLL__INIT;
        body.child_id_number = rows[i].child;
        body.policy_year = 2028;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        req.idempotency_key.data = rows[i].key;
        req.idempotency_key.len = 16;
        req.body_case = AIXIN__V1__REQUEST__BODY_ENROLL;
        req.enroll = &body;
        ax_write(c, &req);
        aixin__v1__response__free_unpacked(ax_read(c), NULL);
    }
}

static void *aixind_worker(void *arg)
{
    worker_t *w = arg;
    ax_conn_t c;
    ax_open(&c);
    pthread_barrier_wait(&start_barrier);
    if (w->enroll)
        ax_send_enrolls(&c, w->first, w->step);
    else if (w->batch)
        ax_send_rows(&c, w->first, w->step, cfg.batch, BENCH_PIPELINE);
    else
        ax_send_rows(&c, w->first, w->step, 1, 1);
    ax_close(&c);
    return NULL;
}

/* --- CPU time ------------------------------------------------------------------- */

static long cpu_aixind_pid, cpu_postmaster_pid;

/* Fields of /proc/PID/stat in clock ticks: utime + stime, plus cutime +
 * cstime (reaped children) when `reaped`; the parent's pid in *ppid. */
static bool cpu_proc_ticks(long pid, bool reaped, long long *ticks, long *ppid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (p == NULL)
        return false;
    long pp;
    unsigned long long ut, st;
    long long cut, cst;
    if (sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
                      "%lld %lld", &pp, &ut, &st, &cut, &cst) != 5)
        return false;
    *ticks = (long long)(ut + st) + (reaped ? cut + cst : 0);
    if (ppid != NULL)
        *ppid = pp;
    return true;
}

#define CPU_MAX_SESSIONS 256

typedef struct cpu_session {
    long pid;
    unsigned long long run_ns, wait_ns; /* on a CPU; runnable, waiting */
} cpu_session_t;

typedef struct cpu_sample {
    long long aixind, postgres; /* clock ticks */
    double client;              /* seconds */
    double at;                  /* now_s() */
    cpu_session_t sessions[CPU_MAX_SESSIONS]; /* aixind's backends */
    int n_sessions;
} cpu_sample_t;

/* A backend of aixind's role: its process title names the role first. */
static bool cpu_is_aixind_session(long pid)
{
    char path[64], title[64];
    snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    size_t n = fread(title, 1, sizeof(title) - 1, f);
    fclose(f);
    title[n] = '\0';
    return strncmp(title, "postgres: aixin_serve ", 22) == 0;
}

static void cpu_session_add(cpu_sample_t *s, long pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/schedstat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    cpu_session_t *x = &s->sessions[s->n_sessions];
    if (fscanf(f, "%llu %llu", &x->run_ns, &x->wait_ns) == 2) {
        x->pid = pid;
        s->n_sessions++;
    }
    fclose(f);
}

/* PostgreSQL's CPU so far: the postmaster, its live children, and the
 * children it has reaped (backends of closed connections); aixind's
 * sessions into *s. */
static long long cpu_postgres_ticks(cpu_sample_t *s)
{
    long long total = 0, t;
    if (!cpu_proc_ticks(cpu_postmaster_pid, true, &t, NULL))
        return 0;
    total += t;
    DIR *d = opendir("/proc");
    if (d == NULL)
        return total;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        long ppid;
        if (*end == '\0' && pid > 0 && cpu_proc_ticks(pid, false, &t, &ppid) &&
            ppid == cpu_postmaster_pid) {
            total += t;
            if (s->n_sessions < CPU_MAX_SESSIONS && cpu_is_aixind_session(pid))
                cpu_session_add(s, pid);
        }
    }
    closedir(d);
    return total;
}

static void cpu_sample(cpu_sample_t *s)
{
    s->aixind = s->postgres = 0;
    s->n_sessions = 0;
    s->at = now_s();
    if (cpu_aixind_pid > 0)
        cpu_proc_ticks(cpu_aixind_pid, false, &s->aixind, NULL);
    if (cpu_postmaster_pid > 0)
        s->postgres = cpu_postgres_ticks(s);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    s->client = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* CPU microseconds per row between two samples, as text. */
/* a: the start; end: the end of the timed part (the sessions); b: a
 * moment later, once closed backends were reaped (the CPU totals). */
static void cpu_describe(const cpu_sample_t *a, const cpu_sample_t *end,
                         const cpu_sample_t *b, bool direct, char *out,
                         size_t len)
{
    out[0] = '\0';
    if (cpu_postmaster_pid <= 0)
        return;
    double tick_us = 1e6 / (double)sysconf(_SC_CLK_TCK);
    double rows_n = (double)cfg.rows;
    int n = snprintf(out, len,
                     "  cpu/row: aixind %4.0f us  postgres %5.0f us  client %3.0f us",
                     (double)(b->aixind - a->aixind) * tick_us / rows_n,
                     (double)(b->postgres - a->postgres) * tick_us / rows_n,
                     (b->client - a->client) * 1e6 / rows_n);
    /* aixind's sessions alive through the whole run. */
    double run = 0, wait = 0, wall = 0;
    int both = 0;
    for (int i = 0; i < end->n_sessions; i++)
        for (int j = 0; j < a->n_sessions; j++)
            if (a->sessions[j].pid == end->sessions[i].pid) {
                run += (double)(end->sessions[i].run_ns - a->sessions[j].run_ns);
                wait += (double)(end->sessions[i].wait_ns - a->sessions[j].wait_ns);
                wall += (end->at - a->at) * 1e9;
                both++;
            }
    if (!direct && both > 0 && n > 0 && (size_t)n < len)
        snprintf(out + n, len - (size_t)n,
                 "  %d sessions/row: run %4.0f wait %4.0f blocked %4.0f us", both,
                 run / 1e3 / rows_n, wait / 1e3 / rows_n,
                 (wall - run - wait) / 1e3 / rows_n);
}

/* --- runs --------------------------------------------------------------------- */

/* The rows imported for 2027 through aixind (untimed), so that their
 * children exist for an enroll run. */
static void enroll_setup(int run_no)
{
    rows_rekey(1000000 + run_no);
    ax_rows_build();
    ax_conn_t c;
    ax_open(&c);
    ax_send_rows(&c, 0, 1, cfg.batch, BENCH_PIPELINE);
    ax_close(&c);
}

/* One run: rows/s; its CPU per row in cpu_text. */
static double run_once(bool direct, bool batch, bool enroll, int conns,
                       int run_no, char *cpu_text, size_t cpu_len)
{
    data_reset();
    if (enroll)
        enroll_setup(run_no);
    rows_rekey(run_no);
    if (!direct && !enroll)
        ax_rows_build();
    worker_t *w = calloc((size_t)conns, sizeof(*w));
    if (w == NULL)
        die("out of memory");
    if (pthread_barrier_init(&start_barrier, NULL, (unsigned)conns + 1) != 0)
        die("pthread_barrier_init");
    for (int i = 0; i < conns; i++) {
        w[i] = (worker_t){.first = (size_t)i, .step = (size_t)conns,
                          .batch = batch, .enroll = enroll};
        if (pthread_create(&w[i].thread, NULL,
                           direct ? direct_worker : aixind_worker, &w[i]) != 0)
            die("pthread_create");
    }
    pthread_barrier_wait(&start_barrier);
    /* After the barrier: the logins (Argon2id) are not counted. */
    static cpu_sample_t cpu0, cpu_end, cpu1;
    cpu_sample(&cpu0);
    double t0 = now_s();
    for (int i = 0; i < conns; i++)
        pthread_join(w[i].thread, NULL);
    double secs = now_s() - t0;
    cpu_sample(&cpu_end);
    /* The backends of closed direct connections exit (and are reaped into
     * the postmaster's children time) a moment after PQfinish. */
    struct timespec settle = {0, 200000000};
    nanosleep(&settle, NULL);
    cpu_sample(&cpu1);
    cpu_describe(&cpu0, &cpu_end, &cpu1, direct, cpu_text, cpu_len);
    pthread_barrier_destroy(&start_barrier);
    free(w);
    long long got = policies_count();
    if (got != (long long)cfg.rows * (enroll ? 2 : 1)) {
        fprintf(stderr, "bench_enroll: %lld policies after a run of %zu rows\n",
                got, cfg.rows);
        exit(1);
    }
    return (double)cfg.rows / secs;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static void bench_mode(const char *mode, int *run_no)
{
    bool batch = strcmp(mode, "batch") == 0;
    bool enroll = strncmp(mode, "enroll-", 7) == 0;
    int conns = batch ? 0 : atoi(mode + strlen(enroll ? "enroll-" : "single-"));
    if (!batch && ((!enroll && strncmp(mode, "single-", 7) != 0) || conns < 1))
        die("modes are single-N, enroll-N and batch");
    double ratios[64];
    int pairs = cfg.pairs < 64 ? cfg.pairs : 64;
    for (int p = 0; p < pairs; p++) {
        double direct = 0, aixind = 0;
        for (int k = 0; k < 2; k++) {
            bool do_direct = (k == 0) == (p % 2 == 0);
            char cpu_text[256];
            double rate = run_once(
                do_direct, batch, enroll,
                batch ? (do_direct ? cfg.direct_conns : cfg.clients) : conns,
                ++*run_no, cpu_text, sizeof(cpu_text));
            double load[1] = {0};
            getloadavg(load, 1);
            printf("  %-9s pair %d  %-7s %9.0f rows/s  (load %.2f)%s\n", mode,
                   p + 1, do_direct ? "direct" : "aixind", rate, load[0],
                   cpu_text);
            fflush(stdout);
            if (do_direct)
                direct = rate;
            else
                aixind = rate;
        }
        ratios[p] = aixind / direct;
    }
    printf("%-9s median aixind/direct over %d pairs: %.3f\n", mode, pairs,
           median(ratios, pairs));
    fflush(stdout);
}

static void parse_modes(const char *list)
{
    cfg.n_modes = 0;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save);
         t != NULL && cfg.n_modes < BENCH_MAX_MODES;
         t = strtok_r(NULL, ",", &save))
        snprintf(cfg.modes[cfg.n_modes++], sizeof(cfg.modes[0]), "%s", t);
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"rows", required_argument, NULL, 'n'},
        {"pairs", required_argument, NULL, 'p'},
        {"server", required_argument, NULL, 's'},
        {"database", required_argument, NULL, 'd'},
        {"user", required_argument, NULL, 'u'},
        {"batch", required_argument, NULL, 'b'},
        {"clients", required_argument, NULL, 'c'},
        {"direct-conns", required_argument, NULL, 'D'},
        {"modes", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    cfg = (bench_config_t){.server = getenv("AIXIN_SERVER"),
                           .database = "",
                           .user = getenv("AIXIN_USER"),
                           .password = getenv("AIXIN_PASSWORD"),
                           .rows = 200000, .pairs = 6, .batch = 500,
                           .clients = 4, .direct_conns = 8};
    parse_modes("single-1,single-16,single-64,batch");
    int c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'n': cfg.rows = (size_t)atol(optarg); break;
        case 'p': cfg.pairs = atoi(optarg); break;
        case 's': cfg.server = optarg; break;
        case 'd': cfg.database = optarg; break;
        case 'u': cfg.user = optarg; break;
        case 'b': cfg.batch = (size_t)atol(optarg); break;
        case 'c': cfg.clients = atoi(optarg); break;
        case 'D': cfg.direct_conns = atoi(optarg); break;
        case 'm': parse_modes(optarg); break;
        default: die("see the comment at the top of tests/bench/bench_enroll.c");
        }
    }
    if (cfg.server == NULL || cfg.user == NULL || cfg.password == NULL ||
        cfg.rows < 1 || cfg.pairs < 1 || cfg.batch < 1 || cfg.batch > 1000 ||
        cfg.clients < 1 || cfg.direct_conns < 1)
        die("need --server (or AIXIN_SERVER), --user (or AIXIN_USER), "
            "AIXIN_PASSWORD, and sane numbers");
    const char *pid_env = getenv("AIXIN_BENCH_AIXIND_PID");
    cpu_aixind_pid = pid_env != NULL ? atol(pid_env) : 0;
    pid_env = getenv("AIXIN_BENCH_POSTMASTER_PID");
    cpu_postmaster_pid = pid_env != NULL ? atol(pid_env) : 0;
    PGconn *pg = pg_connect();
    char *fsync_on = pg_value(pg, "SHOW fsync");
    char *sync_commit = pg_value(pg, "SHOW synchronous_commit");
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT id FROM aixin.accounts WHERE username = '%s'", cfg.user);
    char *actor = pg_value(pg, sql);
    actor_id = atoll(actor);
    free(actor);
    PQfinish(pg);
    printf("bench_enroll: %zu rows per run, %d pairs per mode; batch %zu rows, "
           "%d aixind clients x %d in flight, %d direct connections\n",
           cfg.rows, cfg.pairs, cfg.batch, cfg.clients, BENCH_PIPELINE,
           cfg.direct_conns);
    printf("PostgreSQL durability: fsync=%s synchronous_commit=%s\n", fsync_on,
           sync_commit);
    free(fsync_on);
    free(sync_commit);
    rows_generate();
    int run_no = 0;
    for (int m = 0; m < cfg.n_modes; m++)
        bench_mode(cfg.modes[m], &run_no);
    free(rows);
    free(ax_rows);
    return 0;
}
