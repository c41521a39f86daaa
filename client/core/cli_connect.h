/*
 * Which server a command talks to, and as whom.
 *
 * Server address, first that is set:
 *   --server HOST:PORT, AIXIN_SERVER, (with a saved session) the session's
 *   server, `server=` in the configuration file, 127.0.0.1:7460.
 * Credentials: AIXIN_USER + AIXIN_PASSWORD, else the session file. A saved
 * token is only sent to the server it came from: an explicit address that
 * differs from the session's is refused.
 */
#ifndef AIXIN_CLIENT_CLI_CONNECT_H
#define AIXIN_CLIENT_CLI_CONNECT_H

#include "cli.h"
#include "client_config.h"
#include "rpc.h"

/*
 * Connect and authenticate for an ordinary command. On failure (not
 * logged in, unreachable, credentials refused) the message has been
 * printed and the exit code is returned.
 */
__attribute__((warn_unused_result)) cli_exit_t
cli_connect(const cli_context_t *ctx, rpc_client_t **out);

/*
 * The address to use without a saved session: --server, AIXIN_SERVER, the
 * configuration file, the default. Checked to be HOST:PORT (exit 2
 * otherwise). *out is owned by the caller.
 */
__attribute__((warn_unused_result)) cli_exit_t
cli_connect_address(const cli_context_t *ctx, const client_config_t *cfg,
                    char **out);

#endif
