/*
 * Least privilege in PostgreSQL. The schema belongs to the role that runs
 * `aixind --migrate`; the daemon serves as another role that may only
 * EXECUTE the aixin.* functions, which run as their owner (SECURITY
 * DEFINER) with a fixed search_path. No table rights, no TRUNCATE, no DDL.
 */
#ifndef AIXIN_DB_PRIVILEGES_H
#define AIXIN_DB_PRIVILEGES_H

#include <libpq-fe.h>
#include <stdbool.h>

/*
 * After every migration run (idempotent): every function of the schema
 * that touches data becomes SECURITY DEFINER with a fixed search_path,
 * EXECUTE is granted to serve_role only, table and sequence rights are
 * revoked from it and from PUBLIC. serve_role is created (LOGIN, no
 * password) when missing and the migrating role may create roles.
 */
bool db_privileges_apply(PGconn *pg, const char *serve_role);

/*
 * At start-up: false (with a log line) when the daemon's own role is a
 * superuser, owns the schema, or has any right on an aixin table, unless
 * allow_privileged.
 */
bool db_privileges_check_serving(PGconn *pg, bool allow_privileged);

#endif
