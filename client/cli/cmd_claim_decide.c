/* aixin claim review, doubt, escalate, approve, reject: an insurer's
 * decisions on a claim; and the option parser of every action verb. */
#include "cmd_claim.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "input_check.h"
#include "rpc.h"
#include "i18n.h"

#define CLAIM_REVIEW "claim review"
#define CLAIM_DOUBT "claim doubt"
#define CLAIM_ESCALATE "claim escalate"
#define CLAIM_APPROVE "claim approve"
#define CLAIM_REJECT "claim reject"

static const char *const claim_review_help =
    N_("Usage: aixin claim review --claim N [--note TEXT] [--on YYYY-MM-DD]\n"
    "\n"
    "Take a filed claim under review (an adjuster of the claim's insurer):\n"
    "filed -> under_review. A supervisor of the insurer also sends an\n"
    "escalated claim back to review (escalated -> under_review); its\n"
    "15-day clock keeps running. The history row is dated as on paper\n"
    "(--on). Prints the claim (see `aixin claim file --help`).\n"
    "\n"
    "Options:\n"
    "  -c, --claim N          the claim's id\n"
    "  -n, --note TEXT        up to 500 characters, kept in the history\n"
    "      --on YYYY-MM-DD    the date on the paper record (also\n"
    "                         --decided-on); default today, not in the\n"
    "                         future nor before the claim was received (or,\n"
    "                         for an escalated claim, escalated), Beijing\n"
    "                         time\n"
    "  -h, --help             show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim review --claim 42 --note 'invoice checked' --on "
    "2027-04-02\n");

static const char *const claim_doubt_help =
    N_("Usage: aixin claim doubt --claim N --note TEXT [--on YYYY-MM-DD]\n"
    "\n"
    "Flag a doubt about a claim not yet decided (filed, under review or\n"
    "escalated; an adjuster of the claim's insurer), saying why. The state\n"
    "does not change, and the doubt cannot be withdrawn. A claim with a\n"
    "doubt no longer qualifies for same-day settlement: it falls under the\n"
    "7-day rule from the same clock start. Prints the claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N          the claim's id\n"
    "  -n, --note TEXT        the doubt, 1-500 characters\n"
    "      --on YYYY-MM-DD    the date on the paper record (also\n"
    "                         --decided-on); default today, not in the\n"
    "                         future nor before the claim was received\n"
    "  -h, --help             show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim doubt --claim 42 --note 'invoice date after discharge'\n");

static const char *const claim_escalate_help =
    N_("Usage: aixin claim escalate --claim N [--note TEXT]\n"
    "                            [--decided-on YYYY-MM-DD]\n"
    "\n"
    "Escalate a claim to the insurer's supervisors (an adjuster of the\n"
    "claim's insurer): filed or under_review -> escalated. The claim\n"
    "then needs an answer (approve or reject, by an account with the\n"
    "supervisor right) within 15 days of the escalation date. Prints the\n"
    "claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N                 the claim's id\n"
    "  -n, --note TEXT               why, up to 500 characters\n"
    "  -d, --decided-on YYYY-MM-DD   the date on the paper record; default\n"
    "                                today, not in the future nor before\n"
    "                                the claim was received (Beijing time)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim escalate --claim 42 --note 'disability grade disputed'\n");

static const char *const claim_approve_help =
    N_("Usage: aixin claim approve --claim N --amount YUAN [--note TEXT]\n"
    "                           [--decided-on YYYY-MM-DD]\n"
    "\n"
    "Approve an amount for a claim (an adjuster of the claim's insurer;\n"
    "an escalated claim only by one with the supervisor right): filed,\n"
    "under_review or escalated -> approved. The documents must be complete\n"
    "and the amount at most the amount claimed; the total approved for the\n"
    "policy, year and event type must stay within the year's benefit cap.\n"
    "A death benefit (child_death, guardian_death) is the year's scheduled\n"
    "amount, unless a --note explains a lower one.\n"
    "When two adjusters decide the same claim at once, one wins and the\n"
    "other is refused with CONFLICT (exit 1): show the claim again. Prints\n"
    "the claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N                 the claim's id\n"
    "  -a, --amount YUAN             the amount approved, more than 0, at\n"
    "                                most two decimals\n"
    "  -n, --note TEXT               up to 500 characters\n"
    "  -d, --decided-on YYYY-MM-DD   the date of the decision on paper;\n"
    "                                default today, not in the future nor\n"
    "                                before the documents were complete\n"
    "                                or the claim was escalated\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim approve --claim 42 --amount 800.00 --decided-on "
    "2027-04-03\n");

static const char *const claim_reject_help =
    N_("Usage: aixin claim reject --claim N --reason TEXT\n"
    "                          [--decided-on YYYY-MM-DD]\n"
    "\n"
    "Reject a claim with a reason (an adjuster of the claim's insurer; an\n"
    "escalated claim only by one with the supervisor right): filed,\n"
    "under_review or escalated -> rejected, which is final. Prints the\n"
    "claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N                 the claim's id\n"
    "  -r, --reason TEXT             why, 1-500 characters\n"
    "  -d, --decided-on YYYY-MM-DD   the date of the decision on paper;\n"
    "                                default today, not in the future nor\n"
    "                                before the claim was received or\n"
    "                                escalated\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim reject --claim 42 --reason 'incident before the policy "
    "year'\n");

/* After the help of the verbs whose text predates --on. */
static const char *const claim_on_help =
    N_("\n"
    "Every claim action also takes --on YYYY-MM-DD: its date on the paper\n"
    "record, the same as the action's own date option above; the history\n"
    "(`aixin claim history`) shows it.\n");

/* Every option an action verb may take; claim_action_parse() picks the
 * allowed ones. */
typedef struct claim_option_spec {
    unsigned bit;           /* claim_option_t */
    struct option option;   /* .val: the short letter, or >= 256 */
} claim_option_spec_t;

enum { OPT_DELIVERED_HOME = 256, OPT_REFERENCE, OPT_ON };

static const claim_option_spec_t claim_option_specs[CLAIM_OPT_COUNT] = {
    {CLAIM_OPT_NOTE, {"note", required_argument, NULL, 'n'}},
    {CLAIM_OPT_DECIDED_ON, {"decided-on", required_argument, NULL, 'd'}},
    {CLAIM_OPT_AMOUNT, {"amount", required_argument, NULL, 'a'}},
    {CLAIM_OPT_REASON, {"reason", required_argument, NULL, 'r'}},
    {CLAIM_OPT_METHOD, {"method", required_argument, NULL, 'm'}},
    {CLAIM_OPT_PAID_ON, {"paid-on", required_argument, NULL, 'p'}},
    {CLAIM_OPT_DELIVERED_HOME,
     {"delivered-home", no_argument, NULL, OPT_DELIVERED_HOME}},
    {CLAIM_OPT_VISITED_ON, {"visited-on", required_argument, NULL, 'v'}},
    {CLAIM_OPT_REFERENCE,
     {"reference", required_argument, NULL, OPT_REFERENCE}},
};

/* Store the value of option `val` (already known to be allowed). */
static void claim_action_store(claim_action_args_t *a, int val,
                               const char *arg)
{
    switch (val) {
    case 'c': a->claim = arg; break;
    case 'n': a->note = arg; break;
    case 'd': a->decided_on = arg; break;
    case 'a': a->amount = arg; break;
    case 'r': a->reason = arg; break;
    case 'm': a->method = arg; break;
    case 'p': a->paid_on = arg; break;
    case 'v': a->visited_on = arg; break;
    case OPT_REFERENCE: a->reference = arg; break;
    case OPT_ON: a->on = arg; break;
    case OPT_DELIVERED_HOME: a->delivered_home = true; break;
    default: break;
    }
}

/*
 * --on DATE is every action's paper date under one name: it fills the
 * verb's own date option (--decided-on, --paid-on or --visited-on), which
 * stays accepted. Both given with different dates is a usage error.
 */
static cli_exit_t claim_action_fold_on(const char *command, unsigned allowed,
                                       claim_action_args_t *a)
{
    if (a->on == NULL)
        return CLI_EXIT_OK;
    const char **own = NULL;
    const char *own_name = NULL;
    if (allowed & CLAIM_OPT_DECIDED_ON) {
        own = &a->decided_on;
        own_name = "--decided-on";
    } else if (allowed & CLAIM_OPT_PAID_ON) {
        own = &a->paid_on;
        own_name = "--paid-on";
    } else if (allowed & CLAIM_OPT_VISITED_ON) {
        own = &a->visited_on;
        own_name = "--visited-on";
    }
    if (own == NULL)
        return cli_usage_error(command, _("--on: this action takes no date"));
    if (*own != NULL && strcmp(*own, a->on) != 0)
        return cli_usage_error(command,
                               _("--on %s and %s %s disagree: give the "
                                 "paper date once"),
                               a->on, own_name, *own);
    *own = a->on;
    return CLI_EXIT_OK;
}

cli_exit_t claim_action_parse(const char *command, const char *help,
                              unsigned allowed, int argc, char **argv,
                              claim_action_args_t *a, bool *help_shown)
{
    /* --claim, --help, --on, the allowed ones and the terminator. */
    struct option options[CLAIM_OPT_COUNT + 4];
    /* ':' first, "c:h", then a letter and ':' per allowed option. */
    char optstring[4 + 2 * CLAIM_OPT_COUNT + 1] = ":c:h";
    size_t n = 0;
    size_t len = strlen(optstring);
    options[n++] = (struct option){"claim", required_argument, NULL, 'c'};
    options[n++] = (struct option){"help", no_argument, NULL, 'h'};
    options[n++] = (struct option){"on", required_argument, NULL, OPT_ON};
    for (size_t i = 0; i < CLAIM_OPT_COUNT; i++) {
        const claim_option_spec_t *spec = &claim_option_specs[i];
        if ((allowed & spec->bit) == 0)
            continue;
        options[n++] = spec->option;
        if (spec->option.val < 256) {
            optstring[len++] = (char)spec->option.val;
            if (spec->option.has_arg == required_argument)
                optstring[len++] = ':';
        }
    }
    options[n] = (struct option){NULL, 0, NULL, 0};
    optstring[len] = '\0';

    memset(a, 0, sizeof(*a));
    *help_shown = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            if (strstr(help, "--on ") == NULL)
                fputs(_(claim_on_help), stdout);
            *help_shown = true;
            return CLI_EXIT_OK;
        }
        if (c == '?' || c == ':')
            return cli_report_bad_option(command, argv, c);
        claim_action_store(a, c, optarg);
    }
    cli_exit_t rc = claim_action_fold_on(command, allowed, a);
    if (rc != CLI_EXIT_OK)
        return rc;
    return cli_check_no_operands(command, argc, argv);
}

cli_exit_t cmd_claim_review(const cli_context_t *ctx, int argc, char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(CLAIM_REVIEW, _(claim_review_help),
                                       CLAIM_OPT_NOTE | CLAIM_OPT_DECIDED_ON,
                                       argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    Aixin__V1__ReviewClaim body = AIXIN__V1__REVIEW_CLAIM__INIT;
    rc = claim_check_id(CLAIM_REVIEW, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(a.note, "note", _("the note"), 0);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.decided_on, "decided_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.note = claim_text_or_empty(a.note);
    body.decided_on = claim_text_or_empty(a.decided_on);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_REVIEW_CLAIM;
    req.review_claim = &body;
    return claim_send(ctx, &req);
}

cli_exit_t cmd_claim_doubt(const cli_context_t *ctx, int argc, char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(CLAIM_DOUBT, _(claim_doubt_help),
                                       CLAIM_OPT_NOTE | CLAIM_OPT_DECIDED_ON,
                                       argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    if (a.claim != NULL && a.note == NULL)
        return cli_usage_error(CLAIM_DOUBT, _("missing --note"));
    Aixin__V1__FlagClaimDoubt body = AIXIN__V1__FLAG_CLAIM_DOUBT__INIT;
    rc = claim_check_id(CLAIM_DOUBT, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(a.note, "note", _("the note"), 1);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.decided_on, "decided_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.note = (char *)a.note;
    body.decided_on = claim_text_or_empty(a.decided_on);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_FLAG_CLAIM_DOUBT;
    req.flag_claim_doubt = &body;
    return claim_send(ctx, &req);
}

cli_exit_t cmd_claim_escalate(const cli_context_t *ctx, int argc,
                              char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(
        CLAIM_ESCALATE, _(claim_escalate_help),
        CLAIM_OPT_NOTE | CLAIM_OPT_DECIDED_ON, argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    Aixin__V1__EscalateClaim body = AIXIN__V1__ESCALATE_CLAIM__INIT;
    rc = claim_check_id(CLAIM_ESCALATE, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(a.note, "note", _("the note"), 0);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.decided_on, "decided_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.note = claim_text_or_empty(a.note);
    body.decided_on = claim_text_or_empty(a.decided_on);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ESCALATE_CLAIM;
    req.escalate_claim = &body;
    return claim_send(ctx, &req);
}

cli_exit_t cmd_claim_approve(const cli_context_t *ctx, int argc, char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(
        CLAIM_APPROVE, _(claim_approve_help),
        CLAIM_OPT_AMOUNT | CLAIM_OPT_NOTE | CLAIM_OPT_DECIDED_ON, argc, argv,
        &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    if (a.claim != NULL && a.amount == NULL)
        return cli_usage_error(CLAIM_APPROVE, _("missing --amount"));
    Aixin__V1__ApproveClaim body = AIXIN__V1__APPROVE_CLAIM__INIT;
    rc = claim_check_id(CLAIM_APPROVE, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(a.amount, "approved_fen", &body.approved_fen);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(a.note, "note", _("the note"), 0);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.decided_on, "decided_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.note = claim_text_or_empty(a.note);
    body.decided_on = claim_text_or_empty(a.decided_on);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_APPROVE_CLAIM;
    req.approve_claim = &body;
    return claim_send(ctx, &req);
}

cli_exit_t cmd_claim_reject(const cli_context_t *ctx, int argc, char **argv)
{
    claim_action_args_t a;
    bool help_shown;
    cli_exit_t rc = claim_action_parse(
        CLAIM_REJECT, _(claim_reject_help),
        CLAIM_OPT_REASON | CLAIM_OPT_DECIDED_ON, argc, argv, &a, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    if (a.claim != NULL && a.reason == NULL)
        return cli_usage_error(CLAIM_REJECT, _("missing --reason"));
    Aixin__V1__RejectClaim body = AIXIN__V1__REJECT_CLAIM__INIT;
    rc = claim_check_id(CLAIM_REJECT, a.claim, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(a.reason, "reason", _("the reason"), 1);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(a.decided_on, "decided_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.reason = (char *)a.reason;
    body.decided_on = claim_text_or_empty(a.decided_on);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_REJECT_CLAIM;
    req.reject_claim = &body;
    return claim_send(ctx, &req);
}
