/* aixin claim pay, visit, supplement: money to the family and what
 * follows it. */
#include "cmd_claim.h"

#include <stdio.h>

#include "input_check.h"
#include "names.h"
#include "rpc.h"
#include "i18n.h"

#define CLAIM_PAY "claim pay"
#define CLAIM_VISIT "claim visit"
#define CLAIM_SUPPLEMENT "claim supplement"

static const char *const claim_pay_help =
    N_("Usage: aixin claim pay --claim N --amount YUAN --method METHOD\n"
    "                       [--paid-on YYYY-MM-DD] [--delivered-home]\n"
    "\n"
    "Record the payment of an approved claim (an adjuster of the claim's\n"
    "insurer): approved -> paid, which is final. The amount is the amount\n"
    "approved. Payouts of 5,000.00 yuan or more must be delivered to the\n"
    "family's home: say so with --delivered-home, or the server refuses.\n"
    "Whether the claim was settled on time is judged from the paid-on date\n"
    "against its due date. Prints the claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N              the claim's id\n"
    "  -a, --amount YUAN          the amount paid, equal to the amount\n"
    "                             approved\n"
    "  -m, --method METHOD        bank_transfer, cash or cheque\n"
    "  -p, --paid-on YYYY-MM-DD   the day it was paid (paper record);\n"
    "                             default today, not in the future nor\n"
    "                             before the approval\n"
    "      --delivered-home       the payout was taken to the family's home\n"
    "  -h, --help                 show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim pay --claim 42 --amount 6000.00 --method cash \\\n"
    "      --delivered-home --paid-on 2027-04-05\n");

static const char *const claim_visit_help =
    N_("Usage: aixin claim visit --claim N [--visited-on YYYY-MM-DD]\n"
    "                         [--note TEXT]\n"
    "\n"
    "Record a follow-up visit (回访) to the family of a paid claim (an\n"
    "adjuster of the claim's insurer). Only paid claims are visited; a\n"
    "claim may be visited more than once. The visit shows in `aixin claim\n"
    "history`. Prints the claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N                 the claim's id\n"
    "  -v, --visited-on YYYY-MM-DD   the day of the visit; default today,\n"
    "                                not in the future nor before the\n"
    "                                payment\n"
    "  -n, --note TEXT               up to 500 characters\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim visit --claim 42 --note 'child back at kindergarten'\n");

static const char *const claim_supplement_help =
    N_("Usage: aixin claim supplement --claim N --amount YUAN --reference TEXT\n"
    "                              [--paid-on YYYY-MM-DD]\n"
    "\n"
    "Add a supplementary payout (追加赔付) from the city to a paid claim\n"
    "(city administrators only). Supplements add up in supplementary_fen\n"
    "and each is kept in the claim's history; a reference is recorded once\n"
    "per claim. Prints the claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N              the claim's id\n"
    "  -a, --amount YUAN          more than 0, at most two decimals\n"
    "      --reference TEXT       the voucher or transfer number, 1-64\n"
    "                             characters\n"
    "  -p, --paid-on YYYY-MM-DD   the day it was paid; default today, not\n"
    "                             in the future nor before the claim was\n"
    "                             paid\n"
    "  -h, --help                 show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim supplement --claim 42 --amount 2000.00 \\\n"
    "      --reference SZ-ZJ-2027-007\n");

cli_exit_t cmd_claim_pay(const cli_context_t *ctx, int argc, char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(
        CLAIM_PAY, _(claim_pay_help),
        CLAIM_OPT_AMOUNT | CLAIM_OPT_METHOD | CLAIM_OPT_PAID_ON |
            CLAIM_OPT_DELIVERED_HOME,
        argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    if (a.claim != NULL && a.amount == NULL)
        return cli_usage_error(CLAIM_PAY, _("missing --amount"));
    if (a.claim != NULL && a.method == NULL)
        return cli_usage_error(CLAIM_PAY, _("missing --method"));
    Aixin__V1__PayClaim body = AIXIN__V1__PAY_CLAIM__INIT;
    if (a.method != NULL) {
        body.method = names_payment_method_parse(a.method);
        if (body.method ==
            AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_UNSPECIFIED)
            return cli_usage_error(CLAIM_PAY,
                                   _("--method: '%s' is not one of "
                                   "bank_transfer, cash, cheque"),
                                   a.method);
    }
    rc = claim_check_id(CLAIM_PAY, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(a.amount, "amount_fen", &body.amount_fen);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.paid_on, "paid_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.paid_on = claim_text_or_empty(a.paid_on);
    body.delivered_home = a.delivered_home;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_PAY_CLAIM;
    req.pay_claim = &body;
    return claim_send(ctx, &req);
}

cli_exit_t cmd_claim_visit(const cli_context_t *ctx, int argc, char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(CLAIM_VISIT, _(claim_visit_help),
                                       CLAIM_OPT_VISITED_ON | CLAIM_OPT_NOTE,
                                       argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    Aixin__V1__RecordVisit body = AIXIN__V1__RECORD_VISIT__INIT;
    rc = claim_check_id(CLAIM_VISIT, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.visited_on, "visited_on");
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(a.note, "note", _("the note"), 0);
    if (rc != CLI_EXIT_OK)
        return rc;
    body.visited_on = claim_text_or_empty(a.visited_on);
    body.note = claim_text_or_empty(a.note);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_RECORD_VISIT;
    req.record_visit = &body;
    return claim_send(ctx, &req);
}

cli_exit_t cmd_claim_supplement(const cli_context_t *ctx, int argc,
                                char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(
        CLAIM_SUPPLEMENT, _(claim_supplement_help),
        CLAIM_OPT_AMOUNT | CLAIM_OPT_REFERENCE | CLAIM_OPT_PAID_ON, argc, argv,
        &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    if (a.claim != NULL && a.amount == NULL)
        return cli_usage_error(CLAIM_SUPPLEMENT, _("missing --amount"));
    if (a.claim != NULL && a.reference == NULL)
        return cli_usage_error(CLAIM_SUPPLEMENT, _("missing --reference"));
    Aixin__V1__AddSupplementaryPayout body =
        AIXIN__V1__ADD_SUPPLEMENTARY_PAYOUT__INIT;
    rc = claim_check_id(CLAIM_SUPPLEMENT, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(a.amount, "amount_fen", &body.amount_fen);
    if (rc == CLI_EXIT_OK)
        rc = input_check_text(a.reference, "reference", _("the reference"), 1,
                              CLAIM_REFERENCE_MAX_CHARS);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.paid_on, "paid_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.reference = (char *)a.reference;
    body.paid_on = claim_text_or_empty(a.paid_on);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ADD_SUPPLEMENTARY_PAYOUT;
    req.add_supplementary_payout = &body;
    return claim_send(ctx, &req);
}
