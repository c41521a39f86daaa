/*
 * Closing and reopening policy years (cmd_year_close.c): the verbs, and
 * the closing state and history that `year show` adds to a year.
 */
#ifndef AIXIN_CLIENT_CMD_YEAR_CLOSE_H
#define AIXIN_CLIENT_CMD_YEAR_CLOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "aixin/v1/yearcycle.pb-c.h"
#include "cli.h"
#include "output.h"
#include "rpc.h"

cli_exit_t cmd_year_close(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_year_reopen(const cli_context_t *ctx, int argc, char **argv);

/* GetYearHistory of `year`; on success *out holds a YearClosure (the
 * caller frees it with aixin__v1__response__free_unpacked). */
__attribute__((warn_unused_result)) cli_exit_t
cmd_year_fetch_closure(rpc_client_t *client, int32_t year,
                       Aixin__V1__Response **out);

/* Add the closing state to record r: claims_window_end and the list
 * closure_history (action, at, username, forced, reason), and with_year
 * also year and closed. Strings are borrowed from yc. */
void cmd_year_add_closure(output_doc_t *doc, output_record_t *r,
                          const Aixin__V1__YearClosure *yc, bool with_year);

#endif
