/*
 * The import verbs of the office's lists (`census import`,
 * `disbursement import`, `account import`): their shared options and
 * run (bulk_run.h). cmd_bulk_census.c holds the census and disbursement
 * kinds, cmd_bulk_account.c the accounts.
 */
#ifndef AIXIN_CLIENT_CMD_BULK_H
#define AIXIN_CLIENT_CMD_BULK_H

#include "bulk_run.h"
#include "cli.h"

/* What a kind adds to the command: one more option taking a value, and
 * work before and after the run. Any member may be NULL. */
typedef struct cmd_bulk_hooks {
    const char *option;        /* long option name, e.g. "passwords" */
    const char **value;        /* where its value goes (NULL: not given) */
    /* After the options, before the file is read; csv_path is FILE. */
    cli_exit_t (*before)(void *ctx, const char *csv_path);
    /* After the run, with its result. */
    void (*after)(void *ctx, cli_exit_t rc, const bulk_run_result_t *r);
    void *ctx;
} cmd_bulk_hooks_t;

/*
 * Parse `FILE.csv [--errors FILE] [--patience S]` (and the hook's option)
 * for `command` ("census import"), run the import of `kind` and print the
 * summary. The offline spool is not used: a row not done is sent again by
 * running the same file, under the same key.
 */
cli_exit_t cmd_bulk_import(const cli_context_t *ctx, const char *command,
                           const char *help, bulk_kind_t *kind,
                           const cmd_bulk_hooks_t *hooks, int argc,
                           char **argv);

cli_exit_t cmd_census_import(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_disbursement_import(const cli_context_t *ctx, int argc,
                                   char **argv);
cli_exit_t cmd_account_import(const cli_context_t *ctx, int argc, char **argv);

#endif
