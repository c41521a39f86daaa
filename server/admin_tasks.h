/*
 * One-shot commands run instead of the server: they use blocking libpq,
 * which is fine because no event loop runs.
 */
#ifndef AIXIN_ADMIN_TASKS_H
#define AIXIN_ADMIN_TASKS_H

#include <stdbool.h>

#include "config.h"

/* Apply sql_dir/NNNN_*.sql not yet in schema_migrations, each in its own
 * transaction, under an advisory lock. */
bool admin_migrate(const server_config_t *cfg);

/* Create the city administrator `username` unless it exists. The password
 * comes from AIXIN_ADMIN_PASSWORD, else is generated and printed once. */
bool admin_create_admin(const server_config_t *cfg, const char *username);

/* Refuse to serve from a database that may lose acknowledged commits. */
bool admin_check_durability(const server_config_t *cfg);

#endif
