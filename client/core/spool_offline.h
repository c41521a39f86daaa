/*
 * The offline spool of this user on this server: which file it is, and
 * saving a request to it when the server cannot be reached.
 *
 * Where: $AIXIN_SPOOL_DIR, else $HOME/.local/share/aixin/spool (made with
 * mode 0700), one file per server and user:
 *   USER@SERVER-HASH.spool   (SERVER with ':' and brackets as '_', HASH
 *                             eight hex digits of BLAKE2b over both)
 * Each record's payload (spool.h) is
 *   [u64 created_at, unix seconds, big-endian][the packed aixin.v1.Request]
 * with the request's original idempotency key, so that `aixin sync` sends
 * it as it was first sent and the server does it at most once.
 *
 * Requests that carry a password (CreateAccount) are never spooled: a
 * password does not belong in a file.
 */
#ifndef AIXIN_CLIENT_SPOOL_OFFLINE_H
#define AIXIN_CLIENT_SPOOL_OFFLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "aixin/v1/envelope.pb-c.h"
#include "cli.h"
#include "rpc.h"
#include "spool.h"

/* Payload bytes before the packed request. */
#define SPOOL_OFFLINE_PREFIX_SIZE 8

/* True for the mutating requests that may wait in the spool. */
bool spool_offline_accepts(Aixin__V1__Request__BodyCase body);

/*
 * The spool path for `address` and `username`; with make_dir, its
 * directory is created (0700) when missing. Reports and returns an exit
 * code on failure.
 */
__attribute__((warn_unused_result)) cli_exit_t
spool_offline_path(const char *address, const char *username, bool make_dir,
                   char out[SPOOL_PATH_SIZE]);

/*
 * The spool of this invocation without connecting: the server and user
 * cli_connect() would use (AIXIN_USER with --server / AIXIN_SERVER / the
 * configuration, else the saved session's).
 */
__attribute__((warn_unused_result)) cli_exit_t
spool_offline_locate(const cli_context_t *ctx, char out[SPOOL_PATH_SIZE]);

/*
 * Save `req` (idempotency key set) durably to the spool of `address` and
 * the user of `creds`, then tell the user: "REASON; saved to the spool (N
 * waiting): run `aixin sync` when the server is back". Returns
 * CLI_EXIT_UNAVAILABLE when saved; on failure (nothing may be assumed
 * saved) reports and returns CLI_EXIT_UNAVAILABLE too, with a message that
 * says the change was NOT saved.
 */
cli_exit_t spool_offline_save(const char *address,
                              const rpc_credentials_t *creds,
                              const Aixin__V1__Request *req,
                              const char *reason);

/*
 * Unpack a record's payload: created_at and the request (free with
 * aixin__v1__request__free_unpacked). False when it is not readable.
 */
__attribute__((warn_unused_result)) bool
spool_offline_decode(const spool_record_t *rec, int64_t *created_at,
                     Aixin__V1__Request **out);

#endif
