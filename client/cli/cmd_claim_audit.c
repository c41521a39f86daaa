/* aixin claim audit-sample, audit-finding: the city's monthly post-audit
 * of same-day claims (city administrators and auditors). */
#include "cmd_claim.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_connect.h"
#include "input_check.h"
#include "output.h"
#include "rpc.h"
#include "i18n.h"

#define CLAIM_AUDIT_SAMPLE "claim audit-sample"
#define CLAIM_AUDIT_FINDING "claim audit-finding"

static const char *const audit_sample_help =
    N_("Usage: aixin claim audit-sample --month YYYY-MM\n"
    "\n"
    "Draw the post-audit sample of a month's same-day claims, or show it\n"
    "when it was drawn before (city administrators and auditors). The\n"
    "month's same-day claims are the claims of the same-day class (at most\n"
    "1,000.00 yuan, documents complete, no doubt) paid in that month: their\n"
    "paid-on date, Beijing time. A month is drawn once it is over.\n"
    "\n"
    "The sample is the year's post_audit_sample_rate of those claims\n"
    "(`aixin year settings`, default 5%), rounded up, so a month with any\n"
    "same-day claim samples at least one. It is drawn with a random seed,\n"
    "kept with the sample, who drew it and when: the claims are ordered by\n"
    "sha256(seed || claim id), so anyone can draw it again in psql with\n"
    "aixin.post_audit_recompute('YYYY-MM-01'). Drawing again shows the\n"
    "same sample.\n"
    "\n"
    "Prints the sample (month, seed, rate, number of same-day claims, size,\n"
    "who drew it and when) and its claims with their findings so far.\n"
    "\n"
    "Options:\n"
    "  -m, --month YYYY-MM   the month of payment\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim audit-sample --month 2027-04\n");

static const char *const audit_finding_help =
    N_("Usage: aixin claim audit-finding --claim N --result ok|recovered\n"
    "                               [--amount YUAN] --note TEXT\n"
    "\n"
    "Record the finding of the post-audit on a sampled claim (city\n"
    "administrators and auditors), once per claim: ok, or recovered with\n"
    "the amount recovered from the payment (more than 0, at most the amount\n"
    "paid). Prints the claim's line of the sample.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N          the claim's id (it must be in a sample)\n"
    "  -r, --result RESULT    ok or recovered\n"
    "  -a, --amount YUAN      with recovered: the amount recovered\n"
    "  -n, --note TEXT        what was checked or found, 1-500 characters\n"
    "  -h, --help             show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim audit-finding --claim 42 --result recovered \\\n"
    "      --amount 120.00 --note '发票金额重复计算'\n");

static const char *audit_result_name(Aixin__V1__AuditResult r)
{
    switch (r) {
    case AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK:
        return "ok";
    case AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_RECOVERED:
        return "recovered";
    case AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_UNSPECIFIED:
    default:
        return "";
    }
}

static void add_sample_claim(output_doc_t *doc, output_record_t *r,
                             const Aixin__V1__AuditSampleClaim *c)
{
    output_add_int(doc, r, "rank", N_("RANK"), c->rank);
    output_add_int(doc, r, "claim_id", N_("CLAIM"), c->claim_id);
    output_add_text(doc, r, "insurer_code", N_("INSURER"), c->insurer_code);
    output_add_text(doc, r, "township_code", N_("TOWNSHIP"), c->township_code);
    output_add_money(doc, r, "paid_fen", N_("PAID"), c->paid_fen);
    output_add_text(doc, r, "paid_on", N_("PAID ON"), c->paid_on);
    output_add_text_or_null(doc, r, "result", N_("FINDING"),
                            audit_result_name(c->result));
    output_add_money(doc, r, "recovered_fen", N_("RECOVERED"),
                     c->recovered_fen);
    output_add_text_or_null(doc, r, "note", N_("NOTE"), c->note);
    output_add_text_or_null(doc, r, "reviewed_by", N_("REVIEWER"),
                            c->reviewed_by);
    /* JSON only. */
    output_add_int(doc, r, "policy_year", NULL, c->policy_year);
    output_add_time(doc, r, "reviewed_at", NULL, c->reviewed_at);
}

static cli_exit_t audit_send(const cli_context_t *ctx,
                             Aixin__V1__Request *req)
{
    rpc_client_t *client = NULL;
    cli_exit_t rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, req, AIXIN__V1__RESPONSE__BODY_AUDIT_SAMPLE,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__AuditSample *s = resp->audit_sample;
        output_doc_t doc;
        output_doc_init(&doc, false);
        output_record_t *r = output_doc_add_record(&doc);
        output_add_text(&doc, r, "month", N_("MONTH"), s->month);
        output_add_text(&doc, r, "seed", N_("SEED"), s->seed);
        output_add_int(&doc, r, "rate_bp", N_("RATE (1/10000)"), s->rate_bp);
        output_add_int(&doc, r, "population", N_("SAME-DAY CLAIMS"),
                       s->population);
        output_add_int(&doc, r, "sample_size", N_("SAMPLE SIZE"),
                       s->sample_size);
        output_add_text(&doc, r, "drawn_by", N_("DRAWN BY"), s->drawn_by);
        output_add_time(&doc, r, "drawn_at", N_("DRAWN AT"), s->drawn_at);
        output_list_t *claims =
            output_add_list(&doc, r, "claims", N_("Sampled claims"));
        for (size_t i = 0; claims != NULL && i < s->n_claims; i++)
            add_sample_claim(&doc, output_list_add_record(&doc, claims),
                             s->claims[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

/* "YYYY-MM" with a real month; the server judges whether it is over. */
static bool month_text_ok(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-')
        return false;
    for (size_t i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    return month >= 1 && month <= 12;
}

cli_exit_t cmd_claim_audit_sample(const cli_context_t *ctx, int argc,
                                  char **argv)
{
    static const struct option options[] = {
        {"month", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *month = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":m:h", options, NULL)) != -1) {
        switch (c) {
        case 'm':
            month = optarg;
            break;
        case 'h':
            fputs(_(audit_sample_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CLAIM_AUDIT_SAMPLE, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(CLAIM_AUDIT_SAMPLE, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (month == NULL)
        return cli_usage_error(CLAIM_AUDIT_SAMPLE, _("missing --month"));
    if (!month_text_ok(month))
        return cli_usage_error(CLAIM_AUDIT_SAMPLE,
                               _("--month: '%s' is not a month such as "
                                 "2027-04"),
                               month);
    Aixin__V1__DrawAuditSample body = AIXIN__V1__DRAW_AUDIT_SAMPLE__INIT;
    body.month = (char *)month;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_DRAW_AUDIT_SAMPLE;
    req.draw_audit_sample = &body;
    return audit_send(ctx, &req);
}

cli_exit_t cmd_claim_audit_finding(const cli_context_t *ctx, int argc,
                                   char **argv)
{
    static const struct option options[] = {
        {"claim", required_argument, NULL, 'c'},
        {"result", required_argument, NULL, 'r'},
        {"amount", required_argument, NULL, 'a'},
        {"note", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *claim = NULL, *result = NULL, *amount = NULL, *note = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":c:r:a:n:h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            claim = optarg;
            break;
        case 'r':
            result = optarg;
            break;
        case 'a':
            amount = optarg;
            break;
        case 'n':
            note = optarg;
            break;
        case 'h':
            fputs(_(audit_finding_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CLAIM_AUDIT_FINDING, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(CLAIM_AUDIT_FINDING, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__RecordAuditFinding body =
        AIXIN__V1__RECORD_AUDIT_FINDING__INIT;
    rc = claim_check_id(CLAIM_AUDIT_FINDING, claim, &body.claim_id);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (result == NULL)
        return cli_usage_error(CLAIM_AUDIT_FINDING, _("missing --result"));
    if (note == NULL)
        return cli_usage_error(CLAIM_AUDIT_FINDING, _("missing --note"));
    if (strcmp(result, "ok") == 0) {
        body.result = AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK;
        if (amount != NULL)
            return cli_usage_error(CLAIM_AUDIT_FINDING,
                                   _("--amount goes with --result "
                                     "recovered only"));
    } else if (strcmp(result, "recovered") == 0) {
        body.result = AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_RECOVERED;
        if (amount == NULL)
            return cli_usage_error(CLAIM_AUDIT_FINDING,
                                   _("--result recovered needs --amount "
                                     "YUAN"));
        rc = input_check_amount(amount, "recovered_fen", &body.recovered_fen);
    } else {
        return cli_usage_error(CLAIM_AUDIT_FINDING,
                               _("--result: '%s' is not ok or recovered"),
                               result);
    }
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(note, "note", _("the note"), 1);
    if (rc != CLI_EXIT_OK)
        return rc;
    body.note = (char *)note;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_RECORD_AUDIT_FINDING;
    req.record_audit_finding = &body;
    return audit_send(ctx, &req);
}
