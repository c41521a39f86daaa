/* Authenticated calls with retries; see rpc.h. */
#include "rpc.h"
#include "request_check.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "connection.h"
#include "error_text.h"
#include "i18n.h"
#include "names.h"
#include "notice.h"
#include "spool_offline.h"

#define RPC_FAILURE_TEXT_SIZE 512

/* Sleep before attempt 2, 3, 4. */
static const unsigned retry_delays_ms[RPC_MAX_ATTEMPTS - 1] = {200, 500, 1000};

struct rpc_client {
    char *address;                  /* owned */
    rpc_credentials_t creds;        /* owned */
    conn_t *conn;                   /* owned; NULL while disconnected */
    bool authenticated;             /* conn has passed Login/Authenticate */
    Aixin__V1__Response *auth;      /* owned: the latest Session answer */
    uint8_t key[RPC_IDEMPOTENCY_KEY_SIZE]; /* the key of the current call */
    char last_failure[RPC_FAILURE_TEXT_SIZE]; /* why the last try failed */
    unsigned open_flags;            /* RPC_OPEN_* */
    Aixin__V1__ErrorCode refused;   /* the last final server error */
    bool offline;                   /* opened while unreachable (spool) */
    bool quiet_refusals;            /* rpc_client_call_quiet() running */
};

/* rpc_offline_spool_enable(): mutating requests that cannot be delivered
 * wait in the offline spool. */
static _Thread_local bool rpc_spool_enabled;

void rpc_offline_spool_enable(bool on)
{
    rpc_spool_enabled = on;
}

bool rpc_refusal_is_of_session(Aixin__V1__ErrorCode code)
{
    return code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED ||
           code == AIXIN__V1__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED;
}

Aixin__V1__ErrorCode rpc_client_refusal(const rpc_client_t *c)
{
    return c->refused;
}

typedef enum rpc_step {
    RPC_STEP_DONE = 0, /* it worked */
    RPC_STEP_RETRY,    /* a transient failure, described in last_failure */
    RPC_STEP_FAIL,     /* a final failure, already reported */
    RPC_STEP_COUNT
} rpc_step_t;

static void string_wipe_free(char *s)
{
    if (s == NULL)
        return;
    sodium_memzero(s, strlen(s));
    free(s);
}

void rpc_credentials_free(rpc_credentials_t *creds)
{
    free(creds->username);
    string_wipe_free(creds->password);
    string_wipe_free(creds->token);
    memset(creds, 0, sizeof(*creds));
}

bool rpc_request_is_mutating(Aixin__V1__Request__BodyCase body)
{
    /* One list for client and server: common/request_check.c. */
    return request_body_is_mutating(body);
}

cli_exit_t rpc_exit_for_error(Aixin__V1__ErrorCode code)
{
    switch (code) {
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_RULE_VIOLATION:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_KEY_REUSED:
    /* Someone else changed the record first (a claim decided by another
     * adjuster): refused, not a failure to retry. */
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_CONFLICT:
    /* Login throttled or locked: waiting or an administrator helps. */
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_TOO_MANY_ATTEMPTS:
    /* The holder changes the password, then sends the same again. */
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED:
        return CLI_EXIT_REJECTED;
    default:
        return CLI_EXIT_UNAVAILABLE;
    }
}

/* Codes after which the server closes the connection. */
static bool error_closes_connection(Aixin__V1__ErrorCode code)
{
    switch (code) {
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_FRAME_TOO_LARGE:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSUPPORTED_VERSION:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_PROTOCOL_ORDER:
        return true;
    default:
        return false;
    }
}

static bool error_is_retryable(const Aixin__V1__Error *e)
{
    switch (e->code) {
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN:
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS:
    /* A server-side deadline: the connection is gone, a new one may do. */
    case AIXIN__V1__ERROR_CODE__ERROR_CODE_TIMEOUT:
        return true;
    default:
        return e->retryable != 0;
    }
}

/* Print a final server error; returns its exit code. */
static cli_exit_t rpc_report_error(rpc_client_t *c, const Aixin__V1__Error *e)
{
    cli_exit_t code = rpc_exit_for_error(e->code);
    c->refused = e->code;
    if (e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED &&
        (c->open_flags & RPC_OPEN_QUIET_UNAUTHENTICATED) != 0)
        return code;
    if (c->quiet_refusals && code == CLI_EXIT_REJECTED)
        return code;
    char text[RPC_FAILURE_TEXT_SIZE];
    error_text_describe(e, text, sizeof(text));
    const char *hint = "";
    if (e->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED &&
        c->creds.kind == RPC_AUTH_TOKEN)
        hint = _("; run `aixin login` again");
    if (e->code ==
        AIXIN__V1__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED)
        hint = _("; run `aixin password change` (or use the desk's "
                 "password page)");
    if (!notice_emit(code == CLI_EXIT_REJECTED ? NOTICE_REJECTED
                                               : NOTICE_ERROR,
                     e->field != NULL && e->field[0] != '\0' ? e->field
                                                               : NULL,
                     "%s%s", text, hint))
        fprintf(stderr, _("%s: %s: %s%s\n"), CLI_PROGRAM_NAME,
                code == CLI_EXIT_REJECTED ? _("rejected") : _("error"), text,
                hint);
    return code;
}

static void rpc_drop_connection(rpc_client_t *c)
{
    conn_close(c->conn);
    c->conn = NULL;
    c->authenticated = false;
}

/*
 * Send req on the open connection and read its answer. DONE: *out is a
 * response without error. RETRY: the connection failed or the server
 * said to retry. FAIL: reported, *exit_code set.
 */
static rpc_step_t rpc_exchange(rpc_client_t *c, Aixin__V1__Request *req,
                               Aixin__V1__Response **out,
                               cli_exit_t *exit_code)
{
    char err[CONN_ERROR_TEXT_SIZE];
    Aixin__V1__Response *resp = NULL;
    conn_result_t r = conn_send_request(c->conn, req, err);
    if (r == CONN_OK)
        r = conn_receive_response(c->conn, req->request_id, &resp, err);
    if (r != CONN_OK) {
        rpc_drop_connection(c);
        /* An answer that arrives garbled (a daemon killed while it wrote)
         * leaves the outcome unknown, like a lost one: the request is sent
         * again on a new connection, a change under the same key. */
        if (conn_result_is_transient(r) || r == CONN_ERR_PROTOCOL) {
            snprintf(c->last_failure, sizeof(c->last_failure), "%s", err);
            return RPC_STEP_RETRY;
        }
        *exit_code = cli_error(r == CONN_ERR_TOO_LARGE ? CLI_EXIT_REJECTED
                                                       : CLI_EXIT_UNAVAILABLE,
                               "%s", err);
        return RPC_STEP_FAIL;
    }
    const Aixin__V1__Error *e = resp->error;
    if (e == NULL) {
        *out = resp;
        return RPC_STEP_DONE;
    }
    if (error_closes_connection(e->code) || resp->request_id == 0)
        rpc_drop_connection(c);
    rpc_step_t step;
    if (error_is_retryable(e)) {
        error_text_describe(e, c->last_failure, sizeof(c->last_failure));
        step = RPC_STEP_RETRY;
    } else {
        *exit_code = rpc_report_error(c, e);
        step = RPC_STEP_FAIL;
    }
    aixin__v1__response__free_unpacked(resp, NULL);
    return step;
}

/* Log in or authenticate the fresh connection. */
static rpc_step_t rpc_authenticate(rpc_client_t *c, cli_exit_t *exit_code)
{
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    Aixin__V1__Login login = AIXIN__V1__LOGIN__INIT;
    Aixin__V1__Authenticate auth = AIXIN__V1__AUTHENTICATE__INIT;
    Aixin__V1__CertificateLogin cert = AIXIN__V1__CERTIFICATE_LOGIN__INIT;
    if (c->creds.kind == RPC_AUTH_CERTIFICATE) {
        req.body_case = AIXIN__V1__REQUEST__BODY_CERTIFICATE_LOGIN;
        req.certificate_login = &cert;
    } else if (c->creds.kind == RPC_AUTH_PASSWORD) {
        login.username = c->creds.username;
        login.password = c->creds.password;
        req.body_case = AIXIN__V1__REQUEST__BODY_LOGIN;
        req.login = &login;
    } else {
        auth.token = c->creds.token;
        req.body_case = AIXIN__V1__REQUEST__BODY_AUTHENTICATE;
        req.authenticate = &auth;
    }
    Aixin__V1__Response *resp = NULL;
    rpc_step_t step = rpc_exchange(c, &req, &resp, exit_code);
    if (step != RPC_STEP_DONE)
        return step;
    if (resp->body_case != AIXIN__V1__RESPONSE__BODY_SESSION) {
        aixin__v1__response__free_unpacked(resp, NULL);
        rpc_drop_connection(c);
        *exit_code = cli_error(CLI_EXIT_UNAVAILABLE,
                               _("the server answered the login with "
                               "something other than a session"));
        return RPC_STEP_FAIL;
    }
    if (c->auth != NULL)
        aixin__v1__response__free_unpacked(c->auth, NULL);
    c->auth = resp;
    c->authenticated = true;
    return RPC_STEP_DONE;
}

/*
 * Make sure there is an open, authenticated connection. A connection can
 * stay open after a retryable answer to the login (UNAVAILABLE): then only
 * the login is repeated.
 */
static rpc_step_t rpc_connect(rpc_client_t *c, cli_exit_t *exit_code)
{
    if (c->conn != NULL) {
        if (c->authenticated || c->creds.kind == RPC_AUTH_NONE)
            return RPC_STEP_DONE;
        return rpc_authenticate(c, exit_code);
    }
    char err[CONN_ERROR_TEXT_SIZE];
    Aixin__V1__Response *hello_error = NULL;
    conn_result_t r = conn_open(c->address, &c->conn, &hello_error, err);
    if (r == CONN_ERR_REFUSED) {
        const Aixin__V1__Error *e = hello_error->error;
        rpc_step_t step = RPC_STEP_FAIL;
        if (error_is_retryable(e)) {
            error_text_describe(e, c->last_failure, sizeof(c->last_failure));
            step = RPC_STEP_RETRY;
        } else {
            *exit_code = rpc_report_error(c, e);
        }
        aixin__v1__response__free_unpacked(hello_error, NULL);
        return step;
    }
    if (r != CONN_OK) {
        if (conn_result_is_transient(r)) {
            snprintf(c->last_failure, sizeof(c->last_failure), "%s", err);
            return RPC_STEP_RETRY;
        }
        *exit_code = cli_error(CLI_EXIT_UNAVAILABLE, "%s", err);
        return RPC_STEP_FAIL;
    }
    if (c->creds.kind == RPC_AUTH_NONE)
        return RPC_STEP_DONE;
    return rpc_authenticate(c, exit_code);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/*
 * Before another attempt: false (after reporting) when the attempts are
 * used up, else sleep the backoff and return true. On a terminal the
 * reason for each retry is shown, so a clerk on a bad line sees progress.
 */
static bool rpc_backoff(const rpc_client_t *c, unsigned attempt,
                        bool outcome_unknown, cli_exit_t *exit_code)
{
    if (attempt + 1 >= RPC_MAX_ATTEMPTS) {
        *exit_code = cli_error(
            CLI_EXIT_UNAVAILABLE, _("%s (gave up after %u attempts%s)"),
            c->last_failure, RPC_MAX_ATTEMPTS,
            outcome_unknown ? _("; the change may or may not have been made")
                            : "");
        return false;
    }
    unsigned delay = retry_delays_ms[attempt];
    if (isatty(STDERR_FILENO))
        fprintf(stderr, _("%s: %s; retrying in %u.%u s\n"), CLI_PROGRAM_NAME,
                c->last_failure, delay / 1000, delay % 1000 / 100);
    sleep_ms(delay);
    return true;
}

cli_exit_t rpc_client_open(const char *address, rpc_credentials_t *creds,
                           unsigned flags, Aixin__V1__ErrorCode *refused,
                           rpc_client_t **out)
{
    *out = NULL;
    if (refused != NULL)
        *refused = AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED;
    rpc_client_t *c = calloc(1, sizeof(*c));
    char *addr = strdup(address);
    if (c == NULL || addr == NULL) {
        free(c);
        free(addr);
        rpc_credentials_free(creds);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    c->address = addr;
    c->open_flags = flags;
    c->creds = *creds;
    memset(creds, 0, sizeof(*creds)); /* moved */
    cli_exit_t code = CLI_EXIT_UNAVAILABLE;
    for (unsigned attempt = 0;; attempt++) {
        rpc_step_t step = rpc_connect(c, &code);
        if (step == RPC_STEP_DONE) {
            c->open_flags = 0; /* later calls report everything */
            *out = c;
            return CLI_EXIT_OK;
        }
        if (step == RPC_STEP_RETRY && attempt + 1 >= RPC_MAX_ATTEMPTS &&
            rpc_spool_enabled) {
            /* Unreachable: a change made on this client waits in the
             * spool, anything else fails at its call. */
            c->open_flags = 0;
            c->offline = true;
            *out = c;
            return CLI_EXIT_OK;
        }
        if (step == RPC_STEP_FAIL || !rpc_backoff(c, attempt, false, &code))
            break;
    }
    if (refused != NULL)
        *refused = c->refused;
    rpc_client_close(c);
    return code;
}

void rpc_client_close(rpc_client_t *c)
{
    if (c == NULL)
        return;
    conn_close(c->conn);
    if (c->auth != NULL) {
        if (c->auth->session != NULL && c->auth->session->token != NULL)
            sodium_memzero(c->auth->session->token,
                           strlen(c->auth->session->token));
        aixin__v1__response__free_unpacked(c->auth, NULL);
    }
    rpc_credentials_free(&c->creds);
    free(c->address);
    free(c);
}

const Aixin__V1__Session *rpc_client_session(const rpc_client_t *c)
{
    return c->auth != NULL ? c->auth->session : NULL;
}

cli_exit_t rpc_client_call(rpc_client_t *c, Aixin__V1__Request *req,
                           Aixin__V1__Response__BodyCase expect,
                           Aixin__V1__Response **out)
{
    *out = NULL;
    bool mutating = rpc_request_is_mutating(req->body_case);
    if (mutating && req->idempotency_key.len == 0) {
        randombytes_buf(c->key, sizeof(c->key));
        req->idempotency_key.data = c->key;
        req->idempotency_key.len = sizeof(c->key);
    }
    bool spoolable = rpc_spool_enabled && spool_offline_accepts(req->body_case);
    if (c->offline) {
        if (spoolable)
            return spool_offline_save(c->address, &c->creds, req,
                                      c->last_failure);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("%s (gave up after %u attempts)"),
                         c->last_failure, RPC_MAX_ATTEMPTS);
    }
    bool sent = false;
    cli_exit_t code = CLI_EXIT_UNAVAILABLE;
    for (unsigned attempt = 0;; attempt++) {
        Aixin__V1__Response *resp = NULL;
        rpc_step_t step = rpc_connect(c, &code);
        if (step == RPC_STEP_DONE) {
            sent = true;
            step = rpc_exchange(c, req, &resp, &code);
        }
        if (step == RPC_STEP_DONE) {
            if (resp->body_case != expect) {
                aixin__v1__response__free_unpacked(resp, NULL);
                return cli_error(CLI_EXIT_UNAVAILABLE,
                                 _("the server sent an answer of the wrong "
                                 "kind (%d, expected %d)"),
                                 (int)resp->body_case, (int)expect);
            }
            *out = resp;
            return CLI_EXIT_OK;
        }
        if (step == RPC_STEP_RETRY && attempt + 1 >= RPC_MAX_ATTEMPTS &&
            spoolable)
            return spool_offline_save(c->address, &c->creds, req,
                                      c->last_failure);
        if (step == RPC_STEP_FAIL ||
            !rpc_backoff(c, attempt, mutating && sent, &code))
            return code;
    }
}

const char *rpc_client_address(const rpc_client_t *c)
{
    return c->address;
}

cli_exit_t rpc_client_connection(rpc_client_t *c, conn_t **out)
{
    *out = NULL;
    cli_exit_t code = CLI_EXIT_UNAVAILABLE;
    for (unsigned attempt = 0;; attempt++) {
        rpc_step_t step = rpc_connect(c, &code);
        if (step == RPC_STEP_DONE) {
            *out = c->conn;
            return CLI_EXIT_OK;
        }
        if (step == RPC_STEP_FAIL || !rpc_backoff(c, attempt, false, &code))
            return code;
    }
}

cli_exit_t rpc_client_connection_try(rpc_client_t *c, conn_t **out,
                                     bool *transient, char why[RPC_WHY_SIZE])
{
    *out = NULL;
    *transient = false;
    why[0] = '\0';
    cli_exit_t code = CLI_EXIT_UNAVAILABLE;
    rpc_step_t step = rpc_connect(c, &code);
    if (step == RPC_STEP_DONE) {
        *out = c->conn;
        return CLI_EXIT_OK;
    }
    if (step == RPC_STEP_RETRY) {
        *transient = true;
        snprintf(why, RPC_WHY_SIZE, "%s", c->last_failure);
    }
    return code;
}

void rpc_client_drop_connection(rpc_client_t *c)
{
    rpc_drop_connection(c);
}

cli_exit_t rpc_client_call_quiet(rpc_client_t *c, Aixin__V1__Request *req,
                                 Aixin__V1__Response__BodyCase expect,
                                 Aixin__V1__Response **out)
{
    c->quiet_refusals = true;
    cli_exit_t rc = rpc_client_call(c, req, expect, out);
    c->quiet_refusals = false;
    return rc;
}
