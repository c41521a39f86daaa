/* Hello, Login, Authenticate, Logout and CreateAccount. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "db_result.h"
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

/* Bind the connection to the account and answer with the session. */
static void session_established(request_t *req, const char *token,
                                const uint8_t hash[32], int64_t account_id,
                                const char *username, const char *role,
                                const char *division, int64_t expires_at)
{
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
        log_info("conn=%" PRIu64 " event=session user=%s role=%s division=%s",
                 req->conn->id, username, role, division);
    }
    Aixin__V1__Session s = AIXIN__V1__SESSION__INIT;
    s.token = (char *)token;
    s.username = (char *)username;
    s.role = r;
    s.division_code = (char *)division;
    s.expires_at = expires_at;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_SESSION;
    resp.session = &s;
    request_reply(req, &resp);
}

/* ---- Login: look up, verify off-loop, open a session ---- */

typedef struct login_state {
    char token[TOKEN_TEXT_SIZE];
    uint8_t hash[32];
} login_state_t;

/* The token lives in the request's arena until the reply is packed. */
static login_state_t *login_state(request_t *req)
{
    return pb_arena_alloc(&req->arena, sizeof(login_state_t));
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
    session_established(req, st->token, st->hash, req->step_account_id,
                        db_result_text(res, 0, 0), db_result_text(res, 0, 1),
                        db_result_text(res, 0, 2), db_result_int64(res, 0, 3));
}

/* A fresh session token (random, base64url) and its hash, kept in the
 * request's arena until the reply is packed. NULL when out of memory. */
static login_state_t *session_token_new(request_t *req)
{
    login_state_t *st = login_state(req);
    if (st == NULL)
        return NULL;
    uint8_t raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(st->token, sizeof(st->token), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    token_hash(st->token, st->hash);
    req->step_state = st;
    return st;
}

static void login_on_verified(void *arg, bool ok, const char *unused)
{
    request_t *req = arg;
    if (!ok) {
        log_info("req=%" PRIu64 " event=login_failed user=%s", req->serial,
                 req->msg->login->username);
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                            NULL, "wrong username or password");
        return;
    }
    login_state_t *st = session_token_new(req);
    if (st == NULL) {
        db_result_reply_oom(req);
        return;
    }
    db_query_t *q = db_result_query(req, DB_STMT_SESSION_OPEN, login_on_session);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->step_account_id);
    db_query_add_bytea(q, st->hash, sizeof(st->hash));
    db_query_add_int64(q, req_config(req)->session_ttl_s);
    db_result_submit(req, q);
}

static void login_on_account(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    const char *stored = NULL;
    if (PQntuples(res) == 1) {
        req->step_account_id = db_result_int64(res, 0, 0);
        stored = db_result_text(res, 0, 1);
    }
    /* Unknown users are verified against a dummy hash: same time taken. */
    if (!pwhash_verify(req->worker->pwhash, req->msg->login->password, stored,
                       login_on_verified, req))
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "too many logins at once; retry");
}

void handle_login(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_ACCOUNT_FOR_LOGIN, login_on_account);
    if (q == NULL)
        return;
    db_query_add_text(q, req->msg->login->username);
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
                        db_result_int64(res, 0, 0), db_result_text(res, 0, 1),
                        db_result_text(res, 0, 2), db_result_text(res, 0, 3),
                        db_result_int64(res, 0, 4));
}

void handle_authenticate(request_t *req)
{
    login_state_t *st = login_state(req);
    if (st == NULL) {
        db_result_reply_oom(req);
        return;
    }
    token_hash(req->msg->authenticate->token, st->hash);
    req->step_state = st;
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
                        db_result_text(res, 0, 1), db_result_text(res, 0, 2),
                        db_result_text(res, 0, 3), db_result_int64(res, 0, 4));
}

void handle_certificate_login(request_t *req)
{
    if (!req->conn->has_client_cert) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                            NULL, "no verified client certificate on this "
                                  "connection");
        return;
    }
    login_state_t *st = session_token_new(req);
    if (st == NULL) {
        db_result_reply_oom(req);
        return;
    }
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
    memset(a, 0, sizeof(*a));
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
