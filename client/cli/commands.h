/*
 * The subcommands, one file per area:
 *   cmd_session.c    login, logout, whoami
 *   cmd_account.c    account create
 *   cmd_divisions.c  divisions
 *   cmd_year.c       year open, update, show, list
 *   cmd_insurer.c    insurer add, list
 *   cmd_terms.c      terms set, list (county shares and insurers)
 *   cmd_household.c  household register, add-child, show
 *   cmd_enroll.c     enroll, policies
 *   cmd_census.c     census submit, list
 *   cmd_funding.c    disbursement record, ledger
 *   cmd_spool.c      spool, sync (the offline spool)
 *   cmd_import.c     import enrollments (CSV files)
 *   cmd_bulk*.c      census, disbursement and account import (cmd_bulk.h)
 *   cmd_claim*.c     claim file, documents, review, ..., due, history
 *                    (cmd_claim.h)
 *   cmd_report.c     report (report_*.c draw the tables and charts)
 * main.c lists them in its dispatch table.
 */
#ifndef AIXIN_CLIENT_COMMANDS_H
#define AIXIN_CLIENT_COMMANDS_H

#include "cli.h"
#include "rpc.h"

cli_exit_t cmd_session_login(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_session_logout(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_session_whoami(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_divisions_list(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_enroll_child(const cli_context_t *ctx, int argc, char **argv);
/*
 * After the server refused a child as a duplicate (ALREADY_EXISTS), say
 * on stderr which household and township hold it: its policy of `year`,
 * or with year 0 its newest policy. The policies are asked for as
 * `aixin policies` would, so the server answers only within the user's
 * scope; outside it (or without a policy) nothing is printed.
 */
void cmd_enroll_explain_duplicate(rpc_client_t *client, char *child,
                                  int32_t year);
cli_exit_t cmd_enroll_list_policies(const cli_context_t *ctx, int argc,
                                    char **argv);
cli_exit_t cmd_funding_ledger(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_spool_list(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_spool_sync(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_report(const cli_context_t *ctx, int argc, char **argv);
/* `export policies|claims` (cmd_export.c): records for partners. */
cli_exit_t cmd_export(const cli_context_t *ctx, int argc, char **argv);
/* `desk`: the local web page (client/desk/, cmd_desk.c). */
cli_exit_t cmd_desk(const cli_context_t *ctx, int argc, char **argv);
/* `report` with the global --format csv or html (the others are in ctx). */
cli_exit_t cmd_report_with_format(const cli_context_t *ctx,
                                  const char *format, int argc, char **argv);
/* Whether `name` is a format of `report` (table, json, csv, html). */
bool cmd_report_format_known(const char *name);

/* cmd_renew.c: renewal (续保) of a year's children into the next */
cli_exit_t cmd_renew(const cli_context_t *ctx, int argc, char **argv);

/* cmd_account_admin.c: account unlock, disable, reset-password */
cli_exit_t cmd_account_unlock(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_account_disable(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_account_reset_password(const cli_context_t *ctx, int argc,
                                      char **argv);

/* Verbs of the groups; each table ends with a NULL name. */
extern const cli_command_t cmd_account_verbs[];
extern const cli_command_t cmd_year_verbs[];
/* cmd_year_settings.c */
cli_exit_t cmd_year_settings(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_year_set(const cli_context_t *ctx, int argc, char **argv);
extern const cli_command_t cmd_household_verbs[];
extern const cli_command_t cmd_insurer_verbs[];
extern const cli_command_t cmd_terms_verbs[];
extern const cli_command_t cmd_census_verbs[];
extern const cli_command_t cmd_disbursement_verbs[];
extern const cli_command_t cmd_import_verbs[];
extern const cli_command_t cmd_claim_verbs[];
/* cmd_grievance.c, cmd_alerts.c */
extern const cli_command_t cmd_grievance_verbs[];
cli_exit_t cmd_alerts(const cli_context_t *ctx, int argc, char **argv);
extern const cli_command_t cmd_password_verbs[]; /* cmd_password.c */
extern const cli_command_t cmd_audit_verbs[];    /* cmd_audit.c */

#endif
