/*
 * The CLI's configuration file: $AIXIN_CONFIG, else
 * $HOME/.config/aixin/config. Lines of key=value; blank lines and lines
 * starting with '#' are ignored; spaces around key and value are trimmed.
 *
 *   server=aixin.example.org:7460   default server (HOST:PORT)
 *   user=clerk01                    default user for `aixin login`
 *
 * A missing file is an empty configuration.
 */
#ifndef AIXIN_CLIENT_CONFIG_H
#define AIXIN_CLIENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

typedef struct client_config {
    char *server; /* owned; NULL when not set */
    char *user;   /* owned; NULL when not set */
} client_config_t;

/*
 * Read the configuration file into *cfg (zeroed first). On a malformed
 * file, prints "aixin: error: PATH:LINE: ..." and returns CLI_EXIT_USAGE;
 * *cfg is then empty.
 */
__attribute__((warn_unused_result)) cli_exit_t
client_config_load(client_config_t *cfg);

void client_config_free(client_config_t *cfg);

/*
 * "$HOME/.config/aixin" into out. False when HOME is unset or the path
 * does not fit.
 */
__attribute__((warn_unused_result)) bool
client_config_dir(char *out, size_t size);

/*
 * Create $HOME/.config and $HOME/.config/aixin (mode 0700) when missing.
 * False, with errno set, when that fails.
 */
__attribute__((warn_unused_result)) bool client_config_make_dir(void);

#endif
