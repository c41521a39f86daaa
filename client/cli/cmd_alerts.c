/* aixin alerts: the early warnings, what needs attention now
 * (ListAlerts, grievances.proto). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_connect.h"
#include "commands.h"
#include "grievance_text.h"
#include "i18n.h"
#include "input_check.h"
#include "rpc.h"

#define ALERTS "alerts"

static const char *const alerts_help =
    N_("Usage: aixin alerts [--division CODE] [--year YEAR]\n"
    "\n"
    "What needs attention now, per county (per township for a township\n"
    "clerk) and insurer, most urgent first:\n"
    "  payout_ratio_high, payout_ratio_low  the year's payout ratio above or\n"
    "        below the year's thresholds\n"
    "  funding_overdue     a level's premium share still outstanding after\n"
    "        its due date (reference date + funding_due_days)\n"
    "  claims_overdue, claims_due_today  waiting claims past or at their\n"
    "        service deadline\n"
    "  enrollment_low      enrollment rate below the threshold (90%) while\n"
    "        the enrollment period ends within alert_enrollment_window_days\n"
    "  grievances_overdue  grievances not answered by their due date\n"
    "Thresholds and dates are the year's settings (aixin year settings).\n"
    "Adjusters see their insurer's alerts.\n"
    "\n"
    "Options:\n"
    "  -d, --division CODE   a county or township within yours (default yours)\n"
    "  -y, --year YEAR       the policy year of the thresholds (default this\n"
    "                        year)\n"
    "  -h, --help            show this help\n");

static cli_exit_t print_alerts(const cli_context_t *ctx,
                               const Aixin__V1__AlertList *list)
{
    char(*sentences)[ALERT_SENTENCE_SIZE] =
        calloc(list->n_alerts + 1, sizeof(*sentences));
    if (sentences == NULL) {
        fputs(_("aixin: error: out of memory\n"), stderr);
        return CLI_EXIT_UNAVAILABLE;
    }
    output_doc_t doc;
    output_doc_init(&doc, true);
    for (size_t i = 0; i < list->n_alerts; i++) {
        const Aixin__V1__Alert *a = list->alerts[i];
        output_record_t *r = output_doc_add_record(&doc);
        if (r == NULL)
            break;
        alert_sentence(a, sentences[i]);
        output_add_text(&doc, r, "kind", NULL, a->kind);
        output_add_text(&doc, r, "severity", NULL, a->severity);
        output_add_text(&doc, r, "severity_text", _("Severity"),
                        alert_severity_text(a->severity));
        output_add_text(&doc, r, "division_code", _("Division"),
                        a->division_code);
        output_add_text(&doc, r, "division_name", NULL, a->division_name);
        output_add_text_or_null(&doc, r, "insurer_code", NULL, a->insurer_code);
        output_add_text_or_null(&doc, r, "level", NULL, a->level);
        output_add_int(&doc, r, "figure", NULL, a->figure);
        output_add_int(&doc, r, "threshold", NULL, a->threshold);
        output_add_text(&doc, r, "unit", NULL, a->unit);
        output_add_text_or_null(&doc, r, "due_on", NULL, a->due_on);
        output_add_text(&doc, r, "text", _("What needs attention"),
                        sentences[i]);
    }
    cli_exit_t rc = CLI_EXIT_OK;
    if (list->n_alerts == 0 && ctx->format == OUTPUT_FORMAT_TABLE)
        puts(_("Nothing needs attention."));
    else if (!output_render(&doc, ctx->format, stdout))
        rc = CLI_EXIT_UNAVAILABLE;
    output_doc_free(&doc);
    free(sentences);
    return rc;
}

cli_exit_t cmd_alerts(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"division", required_argument, NULL, 'd'},
        {"year", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Aixin__V1__ListAlerts body = AIXIN__V1__LIST_ALERTS__INIT;
    cli_exit_t rc = CLI_EXIT_OK;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":d:y:h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            rc = input_check_division_code(optarg, "division_code");
            body.division_code = optarg;
            break;
        case 'y':
            rc = input_check_year(optarg, "year", &body.year);
            break;
        case 'h':
            fputs(_(alerts_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(ALERTS, argv, c);
        }
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    rc = cli_check_no_operands(ALERTS, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_ALERTS;
    req.list_alerts = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_ALERTS, &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_alerts(ctx, resp->alerts);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}
