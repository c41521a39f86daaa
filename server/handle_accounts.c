/*
 * Account administration that ends sessions: unlock (forget failed
 * logins), disable, change one's own password, reset another's. Every
 * change that ends sessions moves the shared session generation, so that
 * connections using them are checked before their next request.
 */
#include <inttypes.h>
#include <string.h>

#include "conn.h"
#include "db_result.h"
#include "handlers.h"
#include "log.h"
#include "login_gate.h"
#include "worker.h"

static void sessions_revoked(request_t *req)
{
    atomic_fetch_add(&req->worker->shared->session_generation, 1);
}

static void on_account_revoked(void *arg, db_outcome_t outcome,
                               const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    sessions_revoked(req);
    session_reply_account(req, res);
}

static void account_by_name(request_t *req, db_stmt_t stmt, db_query_cb cb,
                            const char *username)
{
    db_query_t *q = db_result_query(req, stmt, cb);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, username);
    db_result_submit(req, q);
}

/* Unlocked: this daemon's login gate forgets the name too (another
 * daemon's within login_gate_recheck_ms). */
static void on_account_unlocked(void *arg, db_outcome_t outcome,
                                const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    login_gate_forget(req->worker->shared->login_gate,
                      req->msg->unlock_account->username);
    session_reply_account(req, res);
}

void handle_unlock_account(request_t *req)
{
    account_by_name(req, DB_STMT_ACCOUNT_UNLOCK, on_account_unlocked,
                    req->msg->unlock_account->username);
}

void handle_disable_account(request_t *req)
{
    account_by_name(req, DB_STMT_ACCOUNT_DISABLE, on_account_revoked,
                    req->msg->disable_account->username);
}

/* ---- ResetPassword: hash off-loop, then store ---- */

static void reset_on_hashed(void *arg, bool ok, const char *hash)
{
    request_t *req = arg;
    if (!ok) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "could not hash the password; retry");
        return;
    }
    db_query_t *q = db_result_query(req, DB_STMT_ACCOUNT_SET_PASSWORD,
                                    on_account_revoked);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, req->msg->reset_password->username);
    db_query_add_text(q, hash);
    db_query_add_null(q);
    db_query_add_text(q, req->msg->reset_password->skip_password_change
                             ? "false"
                             : "true");
    db_result_submit(req, q);
}

void handle_reset_password(request_t *req)
{
    if (!pwhash_hash(req->worker->pwhash, req->msg->reset_password->new_password,
                     reset_on_hashed, req))
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "server busy; retry");
}

/* ---- ChangePassword: check the old one, hash the new one, store ---- */

typedef struct change_state {
    char username[40];
    uint8_t keep_token[32]; /* this connection's session stays */
    char address[48];
    char stored_hash[128]; /* the account's argon2id string */
} change_state_t;

static void change_on_stored(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    sessions_revoked(req);
    /* Chosen by its holder now: this connection may do its work (others
     * of the session learn it when they read the session again). */
    if (req->conn != NULL)
        req->conn->auth.password_change_required = false;
    Aixin__V1__Empty empty = AIXIN__V1__EMPTY__INIT;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_EMPTY;
    resp.empty = &empty;
    request_reply(req, &resp);
}

static void change_on_hashed(void *arg, bool ok, const char *hash)
{
    request_t *req = arg;
    if (!ok) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "could not hash the password; retry");
        return;
    }
    change_state_t *st = req->step_state;
    db_query_t *q =
        db_result_query(req, DB_STMT_ACCOUNT_SET_PASSWORD, change_on_stored);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, st->username);
    db_query_add_text(q, hash);
    db_query_add_bytea(q, st->keep_token, sizeof(st->keep_token));
    db_query_add_text(q, "false");
    db_result_submit(req, q);
}

static void change_on_failure_counted(void *arg, db_outcome_t outcome,
                                      const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    log_info("req=%" PRIu64 " event=password_change_refused", req->serial);
    atomic_fetch_add_explicit(&req->worker->metrics.login_failures, 1,
                              memory_order_relaxed);
    request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
                        "old_password", "the old password is wrong");
}

static void change_on_verified(void *arg, bool ok, const char *unused)
{
    request_t *req = arg;
    if (!ok) {
        /* A wrong old password counts as a failed login: a stolen session
         * must not become a way to guess the password unthrottled. */
        const change_state_t *st = req->step_state;
        const server_config_t *cfg = req->worker->shared->config;
        db_query_t *q = db_result_query(req, DB_STMT_LOGIN_FAILED,
                                        change_on_failure_counted);
        if (q == NULL)
            return;
        db_query_add_text(q, st->username);
        db_query_add_text(q, st->address);
        db_query_add_int64(q, cfg->login_delay_after);
        db_query_add_int64(q, cfg->login_delay_max_ms);
        db_query_add_int64(q, cfg->login_lock_after);
        db_query_add_int64(q, cfg->login_lock_s);
        db_query_add_int64(q, cfg->login_address_factor);
        db_result_submit(req, q);
        return;
    }
    if (!pwhash_hash(req->worker->pwhash,
                     req->msg->change_password->new_password, change_on_hashed,
                     req))
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "server busy; retry");
}

static void change_on_throttle_checked(void *arg, db_outcome_t outcome,
                                       const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) == 1 && db_result_int64(res, 0, 2) > 0) {
        atomic_fetch_add_explicit(&req->worker->metrics.login_throttled, 1,
                                  memory_order_relaxed);
        request_reply_error(req,
                            AIXIN__V1__ERROR_CODE__ERROR_CODE_TOO_MANY_ATTEMPTS,
                            NULL, "too many wrong passwords: try again in %" PRId64
                                  " s",
                            (db_result_int64(res, 0, 2) + 999) / 1000);
        return;
    }
    change_state_t *st = req->step_state;
    if (!pwhash_verify(req->worker->pwhash, st->address,
                       req->msg->change_password->old_password,
                       st->stored_hash, change_on_verified, req))
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "server busy; retry");
}

static void change_on_current(void *arg, db_outcome_t outcome,
                              const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                            NULL, "account unknown or disabled");
        return;
    }
    change_state_t *st = req->step_state;
    snprintf(st->username, sizeof(st->username), "%s",
             db_result_text(res, 0, 0));
    snprintf(st->stored_hash, sizeof(st->stored_hash), "%s",
             db_result_text(res, 0, 1));
    /* Throttled like a login, before any hash is spent. */
    db_query_t *q =
        db_result_query(req, DB_STMT_LOGIN_BEGIN, change_on_throttle_checked);
    if (q == NULL)
        return;
    db_query_add_text(q, st->username);
    db_query_add_text(q, st->address);
    db_result_submit(req, q);
}

void handle_change_password(request_t *req)
{
    change_state_t *st = pb_arena_alloc(&req->arena, sizeof(*st));
    if (st == NULL) {
        db_result_reply_oom(req);
        return;
    }
    memset(st, 0, sizeof(*st));
    memcpy(st->keep_token, req->conn->auth.token_hash, sizeof(st->keep_token));
    snprintf(st->address, sizeof(st->address), "%s", req->conn->peer_ip);
    req->step_state = st;
    db_query_t *q =
        db_result_query(req, DB_STMT_ACTOR_PASSWORD_HASH, change_on_current);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_result_submit(req, q);
}
