/* aixin enroll, policies. */
#include <getopt.h>
#include <stdio.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

static const char *const enroll_help =
    N_("Usage: aixin enroll --child ID --year YEAR\n"
    "\n"
    "Enroll a child for a policy year: one policy per child and year. The\n"
    "child's county needs terms for the year (`aixin terms set`). Prints\n"
    "the policy: id, year, child, household, township, premium, its split\n"
    "into the city, county and township shares (frozen at enrollment; in\n"
    "JSON premium_fen, city_share_fen, county_share_fen,\n"
    "township_share_fen, in fen), the county's insurer (insurer_code) and\n"
    "when it was enrolled (ISO 8601 at +08:00).\n"
    "\n"
    "Options:\n"
    "  -c, --child ID    the child's 18-character ID number\n"
    "  -y, --year YEAR   an open policy year\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin enroll --child 360821202203150029 --year 2027\n");

static const char *const policies_help =
    N_("Usage: aixin policies --child ID\n"
    "\n"
    "List a child's policies, newest year first, with the same columns as\n"
    "`aixin enroll`: premium and its city, county and township shares, and\n"
    "the insurer.\n"
    "\n"
    "Options:\n"
    "  -c, --child ID   the child's 18-character ID number\n"
    "  -h, --help       show this help\n"
    "\n"
    "Example:\n"
    "  aixin --format json policies --child 360821202203150029\n");

void cmd_enroll_explain_duplicate(rpc_client_t *client, char *child,
                                  int32_t year)
{
    Aixin__V1__ListPolicies body = AIXIN__V1__LIST_POLICIES__INIT;
    body.child_id_number = child;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICIES;
    req.list_policies = &body;
    Aixin__V1__Response *resp = NULL;
    /* Quiet: a refusal here (not in scope) adds nothing to the first. */
    if (rpc_client_call_quiet(client, &req, AIXIN__V1__RESPONSE__BODY_POLICIES,
                              &resp) != CLI_EXIT_OK)
        return;
    const Aixin__V1__PolicyList *list = resp->policies;
    /* Newest year first: year 0 takes the first policy. */
    for (size_t i = 0; i < list->n_policies; i++) {
        const Aixin__V1__Policy *p = list->policies[i];
        const char *township = p->township_code != NULL ? p->township_code : "";
        if (year == 0) {
            fprintf(stderr,
                    _("the child is already in household %lld of township "
                      "%s (its policy of %d)\n"),
                    (long long)p->household_id, township, (int)p->policy_year);
            break;
        }
        if (p->policy_year != year)
            continue;
        fprintf(stderr,
                _("the child is already enrolled for %d: policy %lld of "
                  "household %lld in township %s\n"),
                (int)p->policy_year, (long long)p->id,
                (long long)p->household_id, township);
        break;
    }
    aixin__v1__response__free_unpacked(resp, NULL);
}

cli_exit_t cmd_enroll_child(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"child", required_argument, NULL, 'c'},
        {"year", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *child = NULL;
    const char *year_text = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":c:y:h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            child = optarg;
            break;
        case 'y':
            year_text = optarg;
            break;
        case 'h':
            fputs(_(enroll_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option("enroll", argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands("enroll", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (child == NULL)
        return cli_usage_error("enroll", _("missing --child"));
    input_normalize_id_number(child);
    if (year_text == NULL)
        return cli_usage_error("enroll", _("missing --year"));
    int32_t year;
    rc = input_check_id_number(child, "child_id_number", NULL);
    if (rc == CLI_EXIT_OK)
        rc = input_check_year(year_text, "policy_year", &year);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Enroll body = AIXIN__V1__ENROLL__INIT;
    body.child_id_number = child;
    body.policy_year = year;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ENROLL;
    req.enroll = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_POLICY,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_policy(&doc, output_doc_add_record(&doc), resp->policy);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    } else if (rpc_client_refusal(client) ==
               AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS) {
        cmd_enroll_explain_duplicate(client, child, year);
    }
    rpc_client_close(client);
    return rc;
}

cli_exit_t cmd_enroll_list_policies(const cli_context_t *ctx, int argc,
                                    char **argv)
{
    static const struct option options[] = {
        {"child", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *child = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":c:h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            child = optarg;
            break;
        case 'h':
            fputs(_(policies_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option("policies", argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands("policies", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (child == NULL)
        return cli_usage_error("policies", _("missing --child"));
    input_normalize_id_number(child);
    rc = input_check_id_number(child, "child_id_number", NULL);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__ListPolicies body = AIXIN__V1__LIST_POLICIES__INIT;
    body.child_id_number = child;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICIES;
    req.list_policies = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_POLICIES,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__PolicyList *list = resp->policies;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_policies; i++)
            records_add_policy(&doc, output_doc_add_record(&doc),
                               list->policies[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}
