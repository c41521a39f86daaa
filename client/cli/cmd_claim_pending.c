/* aixin claim pending, confirm, decline: approvals and supplementary
 * payouts above the year's four-eyes thresholds wait for a second account
 * (pending.proto). */
#include "cmd_claim.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "i18n.h"
#include "input_check.h"
#include "output.h"
#include "pending_text.h"
#include "rpc.h"

#define CLAIM_PENDING "claim pending"
#define CLAIM_CONFIRM "claim confirm"
#define CLAIM_DECLINE "claim decline"

static const char *const claim_pending_help =
    N_("Usage: aixin claim pending [--year YEAR] [--all]\n"
    "\n"
    "List the approvals and supplementary payouts that wait for a second\n"
    "account. When a year sets the four-eyes thresholds (`aixin year set\n"
    "--year YEAR four_eyes_approval_fen 20000`, likewise\n"
    "four_eyes_supplementary_fen), an approval above its threshold or a\n"
    "supplementary payout above its threshold does not take effect until\n"
    "another account confirms it: another adjuster of the insurer for an\n"
    "approval, another city administrator for a payout. Until then it\n"
    "counts nowhere (claim state, caps, budget, reports). Adjusters see the\n"
    "approvals of their insurer; city administrators and auditors see all.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR   only claims of this policy year\n"
    "      --all         decided ones too (confirmed, declined)\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim pending --year 2027\n");

static const char *const claim_confirm_help =
    N_("Usage: aixin claim confirm ID [--reason TEXT]\n"
    "\n"
    "Confirm pending action ID (see `aixin claim pending`): the approval or\n"
    "supplementary payout takes effect now, after every rule is checked\n"
    "again. The account that asked cannot confirm its own request. Confirming\n"
    "one already confirmed changes nothing. Prints the action.\n"
    "\n"
    "Options:\n"
    "  -r, --reason TEXT   an optional remark, kept with the decision\n"
    "  -h, --help          show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim confirm 12\n");

static const char *const claim_decline_help =
    N_("Usage: aixin claim decline ID --reason TEXT\n"
    "\n"
    "Decline pending action ID: it never takes effect. The account that\n"
    "asked may decline its own request (a withdrawal). Prints the action.\n"
    "\n"
    "Options:\n"
    "  -r, --reason TEXT   why (required, up to 500 characters)\n"
    "  -h, --help          show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim decline 12 --reason \"amount not supported by invoices\"\n");

void claim_pending_notice(int64_t claim_id, int64_t pending_id)
{
    fprintf(stderr,
            _("aixin: claim %" PRId64 ": the amount is above the year's "
              "four-eyes threshold; nothing has changed yet. It waits as "
              "pending action %" PRId64 " until another account confirms it "
              "with `aixin claim confirm %" PRId64 "`.\n"),
            claim_id, pending_id, pending_id);
}

static void add_action(output_doc_t *doc, const Aixin__V1__PendingAction *a)
{
    output_record_t *r = output_doc_add_record(doc);
    output_add_int(doc, r, "id", _("Pending"), a->id);
    output_add_text(doc, r, "kind", NULL, a->kind);
    output_add_text(doc, r, "kind_text", _("Request"),
                    pending_kind_text(a->kind));
    output_add_int(doc, r, "claim_id", _("Claim"), a->claim_id);
    output_add_int(doc, r, "policy_year", _("Year"), a->policy_year);
    output_add_text(doc, r, "township_code", NULL, a->township_code);
    output_add_text(doc, r, "insurer_code", _("Insurer"), a->insurer_code);
    output_add_money(doc, r, "amount_fen", _("Amount"), a->amount_fen);
    output_add_money(doc, r, "threshold_fen", _("Threshold"), a->threshold_fen);
    output_add_text(doc, r, "state", NULL, a->state);
    output_add_text(doc, r, "state_text", _("State"),
                    pending_state_text(a->state));
    output_add_text(doc, r, "requested_by", _("Asked by"), a->requested_by);
    output_add_text(doc, r, "requested_at", _("Asked at"), a->requested_at);
    output_add_text_or_null(doc, r, "decided_by", _("Decided by"),
                            a->decided_by);
    output_add_text_or_null(doc, r, "decided_at", _("Decided at"),
                            a->decided_at);
    output_add_text_or_null(doc, r, "decision_reason", _("Reason"),
                            a->decision_reason);
    output_add_text_or_null(doc, r, "note", _("Note"), a->note);
    output_add_text_or_null(doc, r, "effective_on", _("Dated"),
                            a->effective_on);
    output_add_text_or_null(doc, r, "reference", _("Reference"), a->reference);
}

static cli_exit_t print_actions(const cli_context_t *ctx,
                                Aixin__V1__PendingAction *const *actions,
                                size_t n, bool is_list)
{
    output_doc_t doc;
    output_doc_init(&doc, is_list);
    for (size_t i = 0; i < n; i++)
        add_action(&doc, actions[i]);
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

cli_exit_t cmd_claim_pending(const cli_context_t *ctx, int argc, char **argv)
{
    enum { OPT_ALL = 256 };
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"all", no_argument, NULL, OPT_ALL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Aixin__V1__ListPending body = AIXIN__V1__LIST_PENDING__INIT;
    const char *year_text = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:h", options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case OPT_ALL:
            body.include_decided = true;
            break;
        case 'h':
            fputs(_(claim_pending_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CLAIM_PENDING, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(CLAIM_PENDING, argc, argv);
    if (rc == CLI_EXIT_OK && year_text != NULL)
        rc = input_check_year(year_text, "policy_year", &body.policy_year);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_PENDING;
    req.list_pending = &body;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_PENDING_LIST,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_actions(ctx, resp->pending_list->actions,
                           resp->pending_list->n_actions, true);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

/* confirm and decline: ID [--reason TEXT]. */
static cli_exit_t decide(const cli_context_t *ctx, const char *command,
                         const char *help, Aixin__V1__PendingDecision decision,
                         int argc, char **argv)
{
    static const struct option options[] = {
        {"reason", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *reason = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":r:h", options, NULL)) != -1) {
        switch (c) {
        case 'r':
            reason = optarg;
            break;
        case 'h':
            fputs(_(help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(command, argv, c);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(command, _("give the id of one pending action"));
    const char *id_text = argv[optind];
    bool declining =
        decision == AIXIN__V1__PENDING_DECISION__PENDING_DECISION_DECLINE;
    if (declining && reason == NULL)
        return cli_usage_error(command, _("missing --reason"));
    Aixin__V1__ConfirmPending body = AIXIN__V1__CONFIRM_PENDING__INIT;
    char *end = NULL;
    long long id = strtoll(id_text, &end, 10);
    if (end == id_text || *end != '\0' || id <= 0)
        return cli_reject_input("pending_id",
                                _("%s is not the id of a pending action (a "
                                  "positive whole number)"),
                                id_text);
    body.pending_id = (int64_t)id;
    body.decision = decision;
    cli_exit_t rc = CLI_EXIT_OK;
    if (reason != NULL)
        rc = input_check_text(reason, "reason", _("the reason"), 1,
                              CLAIM_TEXT_MAX_CHARS);
    if (rc != CLI_EXIT_OK)
        return rc;
    body.reason = claim_text_or_empty(reason);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_CONFIRM_PENDING;
    req.confirm_pending = &body;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req,
                         AIXIN__V1__RESPONSE__BODY_PENDING_ACTION, &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_actions(ctx, &resp->pending_action, 1, false);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

cli_exit_t cmd_claim_confirm(const cli_context_t *ctx, int argc, char **argv)
{
    return decide(ctx, CLAIM_CONFIRM, claim_confirm_help,
                  AIXIN__V1__PENDING_DECISION__PENDING_DECISION_CONFIRM, argc,
                  argv);
}

cli_exit_t cmd_claim_decline(const cli_context_t *ctx, int argc, char **argv)
{
    return decide(ctx, CLAIM_DECLINE, claim_decline_help,
                  AIXIN__V1__PENDING_DECISION__PENDING_DECISION_DECLINE, argc,
                  argv);
}
