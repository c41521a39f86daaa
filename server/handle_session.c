/* Hello, Login, Authenticate, Logout and CreateAccount. */
#include <inttypes.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "db_result.h"
#include "login_gate.h"
#include "handlers.h"
#include "log.h"
#include "names.h"
#include "worker.h"

#define PROTOCOL_VERSION_MIN 1
#define PROTOCOL_VERSION_MAX 1
#define SERVER_NAME "aixind/0.1.0"

/* Tokens: 32 random bytes, base64url; the database keeps only sha256. */
#define TOKEN_BYTES 32
#define TOKEN_TEXT_SIZE 64

static const server_config_t *req_config(const request_t *req)
{
    return req->worker->shared->config;
}

static void token_hash(const char *token, uint8_t out[32])
{
    crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

/*
 * The database identity stated in HelloOk (aixin.server_identity(), see
 * deploy/sql/0008_server_identity.sql). Each worker thread keeps the last
 * answer for HELLO_IDENTITY_TTL_MS, so that a flood of Hellos costs the
 * database at most a query a second per worker; a database replaced
 * meanwhile is stated within that time.
 */
#define HELLO_IDENTITY_TTL_MS 1000
#define HELLO_IDENTITY_FIELD_SIZE 48

typedef struct hello_identity {
    bool known;
    uint64_t read_at_us;
    char system_identifier[HELLO_IDENTITY_FIELD_SIZE];
    char database_id[HELLO_IDENTITY_FIELD_SIZE];
    char restore_id[HELLO_IDENTITY_FIELD_SIZE];
} hello_identity_t;

static _Thread_local hello_identity_t hello_identity_cache;

static void hello_reply(request_t *req, const hello_identity_t *id)
{
    Aixin__V1__HelloOk ok = AIXIN__V1__HELLO_OK__INIT;
    Aixin__V1__ServerIdentity ident = AIXIN__V1__SERVER_IDENTITY__INIT;
    ok.version = req->conn != NULL ? req->conn->protocol_version
                                   : PROTOCOL_VERSION_MAX;
    ok.server_name = SERVER_NAME;
    ok.max_frame_bytes = (uint32_t)req_config(req)->max_frame_bytes;
    ok.max_in_flight = (uint32_t)req_config(req)->max_in_flight;
    if (id != NULL && id->known) {
        ident.system_identifier = (char *)id->system_identifier;
        ident.database_id = (char *)id->database_id;
        ident.restore_id = (char *)id->restore_id;
        ok.identity = &ident;
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_HELLO;
    resp.hello = &ok;
    request_reply(req, &resp);
}

/* The identity query answered: remember it and answer the Hello. Without
 * a database the Hello is still answered, with no identity: the client
 * decides what it may trust. */
static void hello_on_identity(void *arg, db_outcome_t outcome,
                              const PGresult *res)
{
    request_t *req = arg;
    hello_identity_t *cache = &hello_identity_cache;
    if (outcome == DB_OUTCOME_RESULT && res != NULL &&
        PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
        PQnfields(res) == 3) {
        snprintf(cache->system_identifier, sizeof(cache->system_identifier),
                 "%s", db_result_text(res, 0, 0));
        snprintf(cache->database_id, sizeof(cache->database_id), "%s",
                 db_result_text(res, 0, 1));
        snprintf(cache->restore_id, sizeof(cache->restore_id), "%s",
                 db_result_text(res, 0, 2));
        cache->known = true;
        cache->read_at_us = request_now_us();
        hello_reply(req, cache);
        return;
    }
    cache->known = false;
    hello_reply(req, NULL);
}

void handle_hello(request_t *req)
{
    const Aixin__V1__Hello *h = req->msg->hello;
    if (h->min_version > PROTOCOL_VERSION_MAX ||
        h->max_version < PROTOCOL_VERSION_MIN) {
        req->closes_connection = true;
        request_reply_error(req,
                            AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSUPPORTED_VERSION,
                            "min_version",
                            "server speaks protocol versions %d..%d",
                            PROTOCOL_VERSION_MIN, PROTOCOL_VERSION_MAX);
        return;
    }
    uint32_t v = h->max_version < PROTOCOL_VERSION_MAX ? h->max_version
                                                       : PROTOCOL_VERSION_MAX;
    req->conn->protocol_version = v;
    const hello_identity_t *cache = &hello_identity_cache;
    if (cache->known &&
        request_now_us() - cache->read_at_us < (uint64_t)HELLO_IDENTITY_TTL_MS * 1000u) {
        hello_reply(req, cache);
        return;
    }
    db_query_t *q = db_query_new(DB_STMT_SERVER_IDENTITY, hello_on_identity, req);
    if (q == NULL) {
        hello_reply(req, NULL);
        return;
    }
    db_result_submit(req, q);
}

/* Bind the connection to the account and answer with the session: the
 * columns username, role, division_code, expires_at and
 * password_change_required of `res` from column `first` on. */
static void session_established(request_t *req, const char *token,
                                const uint8_t hash[32], int64_t account_id,
                                const PGresult *res, int first)
{
    const char *username = db_result_text(res, 0, first);
    const char *role = db_result_text(res, 0, first + 1);
    const char *division = db_result_text(res, 0, first + 2);
    int64_t expires_at = db_result_int64(res, 0, first + 3);
    bool change_required = strcmp(db_result_text(res, 0, first + 4), "t") == 0;
    Aixin__V1__Role r = names_role_parse(role);
    if (req->conn != NULL) {
        conn_auth_t *a = &req->conn->auth;
        memset(a, 0, sizeof(*a));
        a->authenticated = r != 0;
        a->account_id = account_id;
        a->role = r;
        snprintf(a->username, sizeof(a->username), "%s", username);
        snprintf(a->division_code, sizeof(a->division_code), "%s", division);
        a->has_token = true;
        memcpy(a->token_hash, hash, 32);
        a->expires_at = expires_at;
        a->password_change_required = change_required;
        a->checked_generation = req->step_generation;
        a->checked_at_us = request_now_us();
        if (a->authenticated)
            conn_on_signed_in(req->conn);
        log_info("conn=%" PRIu64
                 " event=session user=%s role=%s division=%s%s",
                 req->conn->id, username, role, division,
                 change_required ? " password_change_required=yes" : "");
    }
    Aixin__V1__Session s = AIXIN__V1__SESSION__INIT;
    s.token = (char *)token;
    s.username = (char *)username;
    s.role = r;
    s.division_code = (char *)division;
    s.expires_at = expires_at;
    s.password_change_required = change_required;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_SESSION;
    resp.session = &s;
    request_reply(req, &resp);
}

/* ---- Login: look up, verify off-loop, open a session ---- */

typedef struct login_state {
    char token[TOKEN_TEXT_SIZE];
    uint8_t hash[32];
    char address[48]; /* the client's address, for throttling */
} login_state_t;

/* Scratch for the session handlers, in the request's arena until the reply
 * is packed. NULL when out of memory. */
static login_state_t *login_state(request_t *req)
{
    login_state_t *st = pb_arena_alloc(&req->arena, sizeof(login_state_t));
    if (st != NULL) {
        memset(st, 0, sizeof(*st));
        if (req->conn != NULL)
            snprintf(st->address, sizeof(st->address), "%s",
                     req->conn->peer_ip);
        req->step_state = st;
    }
    return st;
}

static void login_on_session(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "session not created");
        return;
    }
    login_state_t *st = (login_state_t *)req->step_state;
    session_established(req, st->token, st->hash, req->step_account_id, res,
                        0);
}

/* A fresh session token (random, base64url) and its hash, in `st`. */
static void session_token_new(login_state_t *st)
{
    uint8_t raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(st->token, sizeof(st->token), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    token_hash(st->token, st->hash);
}

/* ---- Refused logins are answered late ----
 * A guesser gets its answer after login_failure_delay_ms (OpenSSH does the
 * same), so that one connection cannot try more than a few times a second
 * even when every attempt is throttled and costs no hash; with the cap on
 * strangers per address this bounds what one address can make the
 * database do. */

typedef struct held_answer {
    request_t *req; /* borrowed until answered */
    Aixin__V1__ErrorCode code;
    char message[200];
} held_answer_t;

static void login_on_held(evutil_socket_t fd, short what, void *arg)
{
    held_answer_t *h = arg;
    request_t *req = h->req;
    req->worker->answers_held--;
    request_reply_error(req, h->code, NULL, "%s", h->message);
}

__attribute__((format(printf, 3, 4))) static void
login_refuse_late(request_t *req, Aixin__V1__ErrorCode code, const char *fmt,
                  ...)
{
    held_answer_t *h = pb_arena_alloc(&req->arena, sizeof(*h));
    if (h == NULL) {
        db_result_reply_oom(req);
        return;
    }
    h->req = req;
    h->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->message, sizeof(h->message), fmt, ap);
    va_end(ap);
    int ms = req_config(req)->login_failure_delay_ms;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    if (ms == 0 ||
        event_base_once(req->worker->base, -1, EV_TIMEOUT, login_on_held, h,
                        &tv) != 0) {
        request_reply_error(req, code, NULL, "%s", h->message);
        return;
    }
    req->worker->answers_held++;
}

/* The waits the database gave the name and the address apart (columns
 * `first` .. first + 3 of aixin.login_check / aixin.login_failure): the
 * login gate repeats them without asking again. */
static void login_gate_learn(request_t *req, const PGresult *res, int first)
{
    if (PQntuples(res) != 1 || PQnfields(res) < first + 4)
        return;
    login_state_t *st = (login_state_t *)req->step_state;
    login_gate_note(req->worker->shared->login_gate,
                    req->msg->login->username, st->address,
                    db_result_int64(res, 0, first),
                    strcmp(db_result_text(res, 0, first + 1), "t") == 0,
                    db_result_int64(res, 0, first + 2),
                    strcmp(db_result_text(res, 0, first + 3), "t") == 0,
                    req_config(req)->login_gate_recheck_ms);
}

/* A throttled attempt's answer: locked, or how long to wait. */
static void login_refuse_throttled(request_t *req, int64_t wait_ms,
                                   bool locked)
{
    int64_t secs = (wait_ms + 999) / 1000;
    atomic_fetch_add_explicit(&req->worker->metrics.login_throttled, 1,
                              memory_order_relaxed);
    if (locked)
        login_refuse_late(
            req, AIXIN__V1__ERROR_CODE__ERROR_CODE_TOO_MANY_ATTEMPTS,
            "too many failed logins: locked for %" PRId64 " s (or until an "
            "administrator unlocks the account)",
            secs);
    else
        login_refuse_late(
            req, AIXIN__V1__ERROR_CODE__ERROR_CODE_TOO_MANY_ATTEMPTS,
            "too many failed logins: try again in %" PRId64 " s", secs);
}

static void login_on_failure_counted(void *arg, db_outcome_t outcome,
                                     const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    login_gate_learn(req, res, 2);
    bool locked = PQntuples(res) == 1 &&
                  strcmp(db_result_text(res, 0, 1), "t") == 0;
    log_info("req=%" PRIu64 " event=login_failed user=%s locked=%s",
             req->serial, req->msg->login->username, locked ? "yes" : "no");
    atomic_fetch_add_explicit(&req->worker->metrics.login_failures, 1,
                              memory_order_relaxed);
    login_refuse_late(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                      "wrong username or password");
}

static void login_on_verified(void *arg, bool ok, const char *unused)
{
    request_t *req = arg;
    login_state_t *st = (login_state_t *)req->step_state;
    if (!ok) {
        /* Counted (and audited) before the answer, so that the next
         * attempt already sees the failure. */
        const server_config_t *cfg = req_config(req);
        db_query_t *q = db_result_query(req, DB_STMT_LOGIN_FAILED,
                                        login_on_failure_counted);
        if (q == NULL)
            return;
        db_query_add_text(q, req->msg->login->username);
        db_query_add_text(q, st->address);
        db_query_add_int64(q, cfg->login_delay_after);
        db_query_add_int64(q, cfg->login_delay_max_ms);
        db_query_add_int64(q, cfg->login_lock_after);
        db_query_add_int64(q, cfg->login_lock_s);
        db_query_add_int64(q, cfg->login_address_factor);
        db_result_submit(req, q);
        return;
    }
    session_token_new(st);
    db_query_t *q = db_result_query(req, DB_STMT_SESSION_OPEN, login_on_session);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->step_account_id);
    db_query_add_bytea(q, st->hash, sizeof(st->hash));
    db_query_add_int64(q, req_config(req)->session_ttl_s);
    db_result_submit(req, q);
}

static void login_on_begin(void *arg, db_outcome_t outcome,
                           const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "login check gave no answer");
        return;
    }
    login_gate_learn(req, res, 4);
    int64_t wait_ms = db_result_int64(res, 0, 2);
    if (wait_ms > 0) {
        /* Throttled: answered without spending a hash on it. */
        bool locked = strcmp(db_result_text(res, 0, 3), "t") == 0;
        log_info("req=%" PRIu64 " event=login_throttled locked=%s wait_s=%" PRId64,
                 req->serial, locked ? "yes" : "no", (wait_ms + 999) / 1000);
        login_refuse_throttled(req, wait_ms, locked);
        return;
    }
    const char *stored = NULL;
    if (!db_result_is_null(res, 0, 0)) {
        req->step_account_id = db_result_int64(res, 0, 0);
        stored = db_result_text(res, 0, 1);
    }
    login_state_t *st = (login_state_t *)req->step_state;
    /* Unknown users are verified against a dummy hash: same time taken.
     * One address may have only a few hashes queued at once. */
    if (!pwhash_verify(req->worker->pwhash, st->address,
                       req->msg->login->password, stored, login_on_verified,
                       req))
        login_refuse_late(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                          "too many logins at once from your address; retry");
}

void handle_login(request_t *req)
{
    login_state_t *st = login_state(req);
    if (st == NULL) {
        db_result_reply_oom(req);
        return;
    }
    req->step_generation =
        atomic_load(&req->worker->shared->session_generation);
    /* Still inside a wait the database gave this name or address: refused
     * here, no database call, no hash; counted for the audit's summary
     * (login_gate_audit.c). */
    int64_t wait_ms = 0;
    bool locked = false;
    if (login_gate_check(req->worker->shared->login_gate,
                         req->msg->login->username, st->address, &wait_ms,
                         &locked)) {
        login_refuse_throttled(req, wait_ms, locked);
        return;
    }
    db_query_t *q = db_result_query(req, DB_STMT_LOGIN_BEGIN, login_on_begin);
    if (q == NULL)
        return;
    db_query_add_text(q, req->msg->login->username);
    db_query_add_text(q, st->address);
    db_result_submit(req, q);
}

/* ---- Authenticate with a token from an earlier login ---- */

static void authenticate_on_session(void *arg, db_outcome_t outcome,
                                    const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                            "token", "session unknown or expired: log in again");
        return;
    }
    login_state_t *st = (login_state_t *)req->step_state;
    session_established(req, req->msg->authenticate->token, st->hash,
                        db_result_int64(res, 0, 0), res, 1);
}

void handle_authenticate(request_t *req)
{
    login_state_t *st = login_state(req);
    if (st == NULL) {
        db_result_reply_oom(req);
        return;
    }
    req->step_generation =
        atomic_load(&req->worker->shared->session_generation);
    token_hash(req->msg->authenticate->token, st->hash);
    db_query_t *q = db_result_query(req, DB_STMT_SESSION_RESUME,
                                    authenticate_on_session);
    if (q == NULL)
        return;
    db_query_add_bytea(q, st->hash, sizeof(st->hash));
    db_result_submit(req, q);
}

/* ---- CertificateLogin: the account bound to the TLS client cert ---- */

static void certificate_login_on_session(void *arg, db_outcome_t outcome,
                                         const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                            NULL, "no account is bound to this certificate");
        return;
    }
    login_state_t *st = (login_state_t *)req->step_state;
    session_established(req, st->token, st->hash, db_result_int64(res, 0, 0),
                        res, 1);
}

void handle_certificate_login(request_t *req)
{
    if (!req->conn->has_client_cert) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                            NULL, "no verified client certificate on this "
                                  "connection");
        return;
    }
    login_state_t *st = login_state(req);
    if (st == NULL) {
        db_result_reply_oom(req);
        return;
    }
    req->step_generation =
        atomic_load(&req->worker->shared->session_generation);
    session_token_new(st);
    db_query_t *q = db_result_query(req, DB_STMT_SESSION_OPEN_BY_CERTIFICATE,
                                    certificate_login_on_session);
    if (q == NULL)
        return;
    db_query_add_text(q, req->conn->client_cert_sha256);
    db_query_add_bytea(q, st->hash, sizeof(st->hash));
    db_query_add_int64(q, req_config(req)->session_ttl_s);
    db_result_submit(req, q);
}

/* ---- Logout ---- */

static void logout_on_closed(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    /* Other connections holding this token check it before their next
     * request. */
    atomic_fetch_add(&req->worker->shared->session_generation, 1);
    Aixin__V1__Empty empty = AIXIN__V1__EMPTY__INIT;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_EMPTY;
    resp.empty = &empty;
    request_reply(req, &resp);
}

void handle_logout(request_t *req)
{
    conn_auth_t *a = &req->conn->auth;
    uint8_t hash[32];
    bool had_token = a->has_token;
    memcpy(hash, a->token_hash, sizeof(hash));
    /* The connection is signed out at once, whatever the database says. */
    conn_on_signed_out(req->conn);
    if (!had_token) {
        logout_on_closed(req, DB_OUTCOME_RESULT, NULL);
        return;
    }
    db_query_t *q = db_result_query(req, DB_STMT_SESSION_CLOSE, logout_on_closed);
    if (q == NULL)
        return;
    db_query_add_bytea(q, hash, sizeof(hash));
    db_result_submit(req, q);
}

/* ---- CreateAccount: hash off-loop, then insert ---- */

/* CreateAccount and BindCertificate both answer with the account. */
static void create_account_on_done(void *arg, db_outcome_t outcome,
                                   const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    session_reply_account(req, res);
}

void session_reply_account(request_t *req, const PGresult *res)
{
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "account not found after the change");
        return;
    }
    Aixin__V1__Account acc = AIXIN__V1__ACCOUNT__INIT;
    acc.id = db_result_int64(res, 0, 0);
    acc.username = (char *)db_result_text(res, 0, 1);
    acc.role = names_role_parse(db_result_text(res, 0, 2));
    acc.division_code = (char *)db_result_text(res, 0, 3);
    acc.created_at = db_result_int64(res, 0, 4);
    if (PQnfields(res) >= 7) {
        acc.insurer_code = (char *)db_result_text(res, 0, 5);
        acc.supervisor = strcmp(db_result_text(res, 0, 6), "t") == 0;
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_ACCOUNT;
    resp.account = &acc;
    request_reply(req, &resp);
}

static void create_account_on_hashed(void *arg, bool ok, const char *hash)
{
    request_t *req = arg;
    if (!ok) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "could not hash the password; retry");
        return;
    }
    const Aixin__V1__CreateAccount *ca = req->msg->create_account;
    db_query_t *q =
        db_result_query(req, DB_STMT_CREATE_ACCOUNT, create_account_on_done);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, ca->username);
    db_query_add_text(q, hash);
    db_query_add_text(q, names_role(ca->role));
    db_query_add_text(q, ca->division_code);
    db_query_add_text_or_null(q, ca->insurer_code);
    db_query_add_text(q, ca->supervisor ? "true" : "false");
    db_query_add_text(q, ca->skip_password_change ? "false" : "true");
    db_result_submit(req, q);
}

void handle_bind_certificate(request_t *req)
{
    const Aixin__V1__BindCertificate *m = req->msg->bind_certificate;
    db_query_t *q =
        db_result_query(req, DB_STMT_BIND_CERTIFICATE, create_account_on_done);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, m->username);
    db_query_add_text(q, m->sha256);
    db_result_submit(req, q);
}

void handle_create_account(request_t *req)
{
    if (!pwhash_hash(req->worker->pwhash, req->msg->create_account->password,
                     create_account_on_hashed, req))
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "server busy; retry");
}

/* ---- Revocation: a session is read again when it may have ended ---- */

bool session_needs_check(const request_t *req)
{
    const conn_t *c = req->conn;
    if (c == NULL || !c->auth.authenticated || !c->auth.has_token)
        return false;
    uint64_t gen = atomic_load(&req->worker->shared->session_generation);
    if (c->auth.checked_generation != gen)
        return true;
    int recheck_ms = req_config(req)->session_recheck_ms;
    return recheck_ms > 0 &&
           request_now_us() - c->auth.checked_at_us > (uint64_t)recheck_ms * 1000;
}

static void session_on_checked(void *arg, db_outcome_t outcome,
                               const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    conn_t *c = req->conn;
    if (c == NULL) { /* orphaned: answering frees it */
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "connection closed");
        return;
    }
    bool same = PQntuples(res) == 1 && c->auth.authenticated &&
                db_result_int64(res, 0, 0) == c->auth.account_id;
    if (!same) {
        log_info("conn=%" PRIu64 " event=session_ended user=%s", c->id,
                 c->auth.username);
        conn_on_signed_out(c);
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                            NULL, "the session has ended (logged out, account "
                                  "disabled or password changed): log in again");
        return;
    }
    /* The password may have been changed (or reset) meanwhile. */
    c->auth.password_change_required =
        strcmp(db_result_text(res, 0, 1), "t") == 0;
    c->auth.checked_generation = req->step_generation;
    c->auth.checked_at_us = request_now_us();
    void (*next)(request_t *) = req->step_next;
    req->step_next = NULL;
    next(req);
}

void session_check_then(request_t *req, void (*next)(request_t *))
{
    /* Read before the query: a revocation that commits after the query's
     * snapshot moves the generation past this value, so it is seen. */
    req->step_generation =
        atomic_load(&req->worker->shared->session_generation);
    req->step_next = next;
    db_query_t *q =
        db_result_query(req, DB_STMT_SESSION_VALID, session_on_checked);
    if (q == NULL)
        return;
    db_query_add_bytea(q, req->conn->auth.token_hash,
                       sizeof(req->conn->auth.token_hash));
    db_result_submit(req, q);
}
