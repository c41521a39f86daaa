/*
 * Calls to aixind as the CLI needs them: an authenticated connection,
 * request ids, idempotency keys on mutating requests, retries with the
 * same key after retryable errors and lost connections, and one place that
 * turns failures into messages and exit codes.
 *
 * Retry policy: up to RPC_MAX_ATTEMPTS attempts, sleeping 0.2 s, 0.5 s,
 * then 1 s between them. Retried: failures to connect, connections lost
 * before the response arrived, and Error.retryable (UNAVAILABLE,
 * OUTCOME_UNKNOWN, IN_PROGRESS). Each retry opens a new connection when
 * the old one is gone, says Hello and authenticates again, and resends the
 * request with the same idempotency key, so the server applies it once.
 */
#ifndef AIXIN_CLIENT_RPC_H
#define AIXIN_CLIENT_RPC_H

#include <stdbool.h>

#include "aixin/v1/envelope.pb-c.h"
#include "cli.h"

#define RPC_MAX_ATTEMPTS 4
#define RPC_IDEMPOTENCY_KEY_SIZE 16

typedef enum rpc_auth_kind {
    RPC_AUTH_NONE = 0,  /* Hello only: no account */
    RPC_AUTH_PASSWORD,  /* Login with username and password */
    RPC_AUTH_TOKEN,     /* Authenticate with a saved session token */
    RPC_AUTH_CERTIFICATE, /* CertificateLogin: the TLS client certificate */
    RPC_AUTH_KIND_COUNT
} rpc_auth_kind_t;

/* How to authenticate each new connection. Strings are owned; secrets are
 * wiped when freed. */
typedef struct rpc_credentials {
    rpc_auth_kind_t kind;
    char *username; /* PASSWORD */
    char *password; /* PASSWORD */
    char *token;    /* TOKEN */
} rpc_credentials_t;

/* Wipe and free the strings; the struct itself is the caller's. */
void rpc_credentials_free(rpc_credentials_t *creds);

typedef struct rpc_client rpc_client_t;
struct conn; /* connection.h */

/* rpc_client_open() flags. */
#define RPC_OPEN_QUIET_UNAUTHENTICATED 0x1u /* credentials refused: no message */

/*
 * Connect to `address` and authenticate with *creds, retrying as above.
 * The strings of *creds move into the client (*creds is left empty, also
 * on failure, when they are freed). On failure the message has been
 * printed (see the flags) and the exit code is returned; *out stays NULL,
 * and *refused (when not NULL) is the code of the server's final Error,
 * or UNSPECIFIED when the failure was not an answer from the server.
 */
__attribute__((warn_unused_result)) cli_exit_t
rpc_client_open(const char *address, rpc_credentials_t *creds,
                unsigned flags, Aixin__V1__ErrorCode *refused,
                rpc_client_t **out);

/* Close the connection and free everything; NULL is fine. */
void rpc_client_close(rpc_client_t *c);

/* The session of the latest Login or Authenticate (borrowed; valid until
 * the next call or close); NULL without authentication. */
const Aixin__V1__Session *rpc_client_session(const rpc_client_t *c);

/* True for the request bodies that change data and need a key. */
bool rpc_request_is_mutating(Aixin__V1__Request__BodyCase body);

/*
 * Send `req` (its body set by the caller) and wait for its response, whose
 * body must be `expect`. Sets request_id; for mutating requests without an
 * idempotency key, sets 16 random bytes (the storage is the client's and
 * stays valid until the next call). On CLI_EXIT_OK *out is the response
 * (owned by the caller, free with aixin__v1__response__free_unpacked). On
 * failure the message has been printed and *out is NULL.
 */
__attribute__((warn_unused_result)) cli_exit_t
rpc_client_call(rpc_client_t *c, Aixin__V1__Request *req,
                Aixin__V1__Response__BodyCase expect,
                Aixin__V1__Response **out);

/*
 * rpc_client_call() for a question asked on the side (a hint after a
 * refusal): the server's refusals of it are not printed, only returned.
 */
__attribute__((warn_unused_result)) cli_exit_t
rpc_client_call_quiet(rpc_client_t *c, Aixin__V1__Request *req,
                      Aixin__V1__Response__BodyCase expect,
                      Aixin__V1__Response **out);

/*
 * The offline spool (spool_offline.h), off by default; main.c turns it on
 * for the commands that make changes. When on, rpc_client_open() succeeds
 * even when the server stays unreachable after every attempt (the client
 * is then offline and rpc_client_session() is NULL), and a mutating
 * request that cannot be delivered (unreachable, connection lost, retries
 * used up) is saved to the spool with its idempotency key: the call
 * returns CLI_EXIT_UNAVAILABLE after telling the user so. Other requests
 * on an offline client fail with the reason the server was unreachable.
 */
void rpc_offline_spool_enable(bool on);

/* The code of the server's last final Error on this client (UNSPECIFIED
 * when none): tells a refusal of the request from one of the session. */
Aixin__V1__ErrorCode rpc_client_refusal(const rpc_client_t *c);

/* True for a refusal of the session rather than of the request: it ended,
 * or its password must be changed first. Every request would be refused
 * alike, so work waiting to be sent (spool, import) stops and stays. */
bool rpc_refusal_is_of_session(Aixin__V1__ErrorCode code);

/* The server address the client was opened for (borrowed). */
const char *rpc_client_address(const rpc_client_t *c);

/*
 * For callers that pipeline (several requests sent before their answers
 * are read, conn_send_request / conn_receive_response): the open,
 * authenticated connection, connecting with the retries above when there
 * is none. The connection stays the client's. On failure: reported, exit
 * code returned.
 */
__attribute__((warn_unused_result)) cli_exit_t
rpc_client_connection(rpc_client_t *c, struct conn **out);

/*
 * One attempt at rpc_client_connection(), for callers with a patience of
 * their own (an import riding through an outage): nothing printed for a
 * transient failure. CLI_EXIT_OK with *out set; or *transient true and
 * `why` saying what failed (try again later); or *transient false and a
 * final failure, reported, whose exit code is returned.
 */
#define RPC_WHY_SIZE 512
__attribute__((warn_unused_result)) cli_exit_t
rpc_client_connection_try(rpc_client_t *c, struct conn **out, bool *transient,
                          char why[RPC_WHY_SIZE]);

/* Close the connection after a failure on it; the next call or
 * rpc_client_connection() opens a new one. */
void rpc_client_drop_connection(rpc_client_t *c);

/* Exit code for a server error code (1 for rejections, 3 otherwise). */
cli_exit_t rpc_exit_for_error(Aixin__V1__ErrorCode code);

#endif
