/* aixin year close, year reopen, and the closing history `year show`
 * prints. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aixin/v1/yearcycle.pb-c.h"
#include "cli_connect.h"
#include "cmd_year_close.h"
#include "commands.h"
#include "i18n.h"
#include "input_check.h"
#include "rpc.h"

#define YEAR_CLOSE "year close"
#define YEAR_REOPEN "year reopen"

static const char *const year_close_help =
    N_("Usage: aixin year close --year YEAR [--reason TEXT]\n"
    "       aixin year close --year YEAR --force --reason TEXT\n"
    "\n"
    "Close a policy year (city administrators only). Afterwards nothing of\n"
    "the year changes: no enrollment, renewal, claim filing or claim action,\n"
    "no disbursement, census, county terms or change of the year's terms;\n"
    "the server refuses them (RULE_VIOLATION, naming the closed year), and\n"
    "so do the database's own checks. Reports show the year as closed and\n"
    "its figures no longer change.\n"
    "\n"
    "A year can be closed once its claims window is over: incidents are\n"
    "covered until 31 December and families have until 31 March of the next\n"
    "year to file. Closing earlier needs --force and a reason. A year with\n"
    "open claims (filed, under review, escalated, or approved and not yet\n"
    "paid) is never closed: settle or reject them first.\n"
    "Prints the year's closing state and history (see `aixin year show`).\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR     the policy year to close\n"
    "  -f, --force         close before the end of the claims window\n"
    "  -r, --reason TEXT   why (required with --force; at most 500\n"
    "                      characters); kept in the history and the audit log\n"
    "  -h, --help          show this help\n"
    "\n"
    "Example:\n"
    "  aixin year close --year 2026\n");

static const char *const year_reopen_help =
    N_("Usage: aixin year reopen --year YEAR --reason TEXT\n"
    "\n"
    "Reopen a closed policy year (city administrators only), so that its\n"
    "records can change again. The reason is required and kept, with who\n"
    "and when, in the year's history and the audit log.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR     the closed policy year\n"
    "  -r, --reason TEXT   why it is reopened (at most 500 characters)\n"
    "  -h, --help          show this help\n"
    "\n"
    "Example:\n"
    "  aixin year reopen --year 2026 --reason \"补录一笔漏报理赔\"\n");

void cmd_year_add_closure(output_doc_t *doc, output_record_t *r,
                          const Aixin__V1__YearClosure *yc, bool with_year)
{
    if (with_year)
        output_add_int(doc, r, "year", N_("YEAR"), yc->year);
    if (with_year)
        output_add_bool(doc, r, "closed", N_("CLOSED"), yc->closed);
    output_add_text_or_null(doc, r, "claims_window_end",
                            N_("CLAIMS WINDOW ENDS"), yc->claims_window_end);
    output_list_t *history =
        output_add_list(doc, r, "closure_history", N_("Closing history"));
    for (size_t i = 0; history != NULL && i < yc->n_history; i++) {
        const Aixin__V1__YearClosureEvent *e = yc->history[i];
        output_record_t *h = output_list_add_record(doc, history);
        if (h == NULL)
            break;
        output_add_name(doc, h, "action", N_("ACTION"), e->action);
        output_add_time(doc, h, "at", N_("WHEN"), e->at);
        output_add_text(doc, h, "username", N_("BY"), e->username);
        output_add_bool(doc, h, "forced", N_("FORCED"), e->forced);
        output_add_text_or_null(doc, h, "reason", N_("REASON"), e->reason);
    }
}

cli_exit_t cmd_year_fetch_closure(rpc_client_t *client, int32_t year,
                                  Aixin__V1__Response **out)
{
    Aixin__V1__GetYearHistory body = AIXIN__V1__GET_YEAR_HISTORY__INIT;
    body.year = year;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_GET_YEAR_HISTORY;
    req.get_year_history = &body;
    return rpc_client_call(client, &req,
                           AIXIN__V1__RESPONSE__BODY_YEAR_CLOSURE, out);
}

static cli_exit_t print_closure(const cli_context_t *ctx,
                                const Aixin__V1__YearClosure *yc)
{
    output_doc_t doc;
    output_doc_init(&doc, false);
    cmd_year_add_closure(&doc, output_doc_add_record(&doc), yc, true);
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

/* close (reopen false) or reopen. */
static cli_exit_t year_close_or_reopen(const cli_context_t *ctx, int argc,
                                       char **argv, bool reopen)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"force", no_argument, NULL, 'f'},
        {"reason", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *command = reopen ? YEAR_REOPEN : YEAR_CLOSE;
    const char *year_text = NULL, *reason = NULL;
    bool force = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, reopen ? ":y:r:h" : ":y:fr:h",
                            options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case 'f':
            if (reopen)
                return cli_report_bad_option(command, argv, c);
            force = true;
            break;
        case 'r':
            reason = optarg;
            break;
        case 'h':
            fputs(reopen ? _(year_reopen_help) : _(year_close_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(command, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(command, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (year_text == NULL)
        return cli_usage_error(command, _("missing --year"));
    if ((reopen || force) && (reason == NULL || reason[0] == '\0'))
        return cli_usage_error(command, reopen
                                            ? _("missing --reason")
                                            : _("--force needs --reason"));
    int32_t year;
    rc = input_check_year(year_text, "year", &year);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__CloseYear close_body = AIXIN__V1__CLOSE_YEAR__INIT;
    Aixin__V1__ReopenYear reopen_body = AIXIN__V1__REOPEN_YEAR__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    if (reopen) {
        reopen_body.year = year;
        reopen_body.reason = (char *)reason;
        req.body_case = AIXIN__V1__REQUEST__BODY_REOPEN_YEAR;
        req.reopen_year = &reopen_body;
    } else {
        close_body.year = year;
        close_body.force = force;
        close_body.reason = (char *)(reason != NULL ? reason : "");
        req.body_case = AIXIN__V1__REQUEST__BODY_CLOSE_YEAR;
        req.close_year = &close_body;
    }
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_YEAR_CLOSURE,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_closure(ctx, resp->year_closure);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

cli_exit_t cmd_year_close(const cli_context_t *ctx, int argc, char **argv)
{
    return year_close_or_reopen(ctx, argc, argv, false);
}

cli_exit_t cmd_year_reopen(const cli_context_t *ctx, int argc, char **argv)
{
    return year_close_or_reopen(ctx, argc, argv, true);
}
