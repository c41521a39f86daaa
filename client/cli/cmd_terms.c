/* aixin terms set, terms list: each county's share and insurer per year. */
#include <getopt.h>
#include <stdio.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

#define TERMS_SET "terms set"
#define TERMS_LIST "terms list"

static const char *const terms_set_help =
    N_("Usage: aixin terms set --county CODE --year YEAR --county-share YUAN\n"
    "                       --insurer CODE\n"
    "\n"
    "Set a county's share of the premium per policy and its insurer for a\n"
    "policy year (city administrators only); setting them again replaces\n"
    "them. The share must fall in the year's county share range, and the\n"
    "township share (premium - city subsidy - county share) must not be\n"
    "negative. Refused once the county has policies in that year. Prints\n"
    "the county terms (see `aixin terms list --help`).\n"
    "\n"
    "Options:\n"
    "  -c, --county CODE         the county, 6 digits\n"
    "  -y, --year YEAR           an open policy year\n"
    "  -s, --county-share YUAN   the county's share per policy, e.g. 10.00\n"
    "  -i, --insurer CODE        the insurer contracted for the county that\n"
    "                            year (see `aixin insurer list`)\n"
    "  -h, --help                show this help\n"
    "\n"
    "Example:\n"
    "  aixin terms set --county 360821 --year 2027 --county-share 10.00 \\\n"
    "      --insurer chinalife\n");

static const char *const terms_list_help =
    N_("Usage: aixin terms list --year YEAR\n"
    "\n"
    "List the county terms of a policy year within your scope: county,\n"
    "name, year, the city, county and township shares per policy (yuan;\n"
    "JSON city_share_fen, county_share_fen, township_share_fen in fen),\n"
    "the insurer (code and name) and the policies enrolled.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR   the policy year\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin terms list --year 2027\n");

static cli_exit_t terms_set(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"county", required_argument, NULL, 'c'},
        {"year", required_argument, NULL, 'y'},
        {"county-share", required_argument, NULL, 's'},
        {"insurer", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *county = NULL;
    const char *year_text = NULL;
    const char *share_text = NULL;
    const char *insurer = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":c:y:s:i:h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            county = optarg;
            break;
        case 'y':
            year_text = optarg;
            break;
        case 's':
            share_text = optarg;
            break;
        case 'i':
            insurer = optarg;
            break;
        case 'h':
            fputs(_(terms_set_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(TERMS_SET, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(TERMS_SET, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (county == NULL)
        return cli_usage_error(TERMS_SET, _("missing --county"));
    if (year_text == NULL)
        return cli_usage_error(TERMS_SET, _("missing --year"));
    if (share_text == NULL)
        return cli_usage_error(TERMS_SET, _("missing --county-share"));
    if (insurer == NULL)
        return cli_usage_error(TERMS_SET, _("missing --insurer"));
    int32_t year;
    int64_t share_fen;
    rc = input_check_county_code(county, "county_code");
    if (rc == CLI_EXIT_OK)
        rc = input_check_year(year_text, "policy_year", &year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount_or_zero(share_text, "county_share_fen",
                                        &share_fen);
    if (rc == CLI_EXIT_OK)
        rc = input_check_insurer_code(insurer, "insurer_code");
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__SetCountyTerms body = AIXIN__V1__SET_COUNTY_TERMS__INIT;
    body.county_code = (char *)county;
    body.policy_year = year;
    body.county_share_fen = share_fen;
    body.insurer_code = (char *)insurer;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS;
    req.set_county_terms = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_COUNTY_TERMS,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_county_terms(&doc, output_doc_add_record(&doc),
                                 resp->county_terms);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t terms_list(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *year_text = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:h", options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case 'h':
            fputs(_(terms_list_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(TERMS_LIST, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(TERMS_LIST, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (year_text == NULL)
        return cli_usage_error(TERMS_LIST, _("missing --year"));
    int32_t year;
    rc = input_check_year(year_text, "policy_year", &year);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__ListCountyTerms body = AIXIN__V1__LIST_COUNTY_TERMS__INIT;
    body.policy_year = year;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_COUNTY_TERMS;
    req.list_county_terms = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req,
                         AIXIN__V1__RESPONSE__BODY_COUNTY_TERMS_LIST, &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__CountyTermsList *list = resp->county_terms_list;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_terms; i++)
            records_add_county_terms(&doc, output_doc_add_record(&doc),
                                     list->terms[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_terms_verbs[] = {
    {"set", N_("set a county's share and insurer (city admin)"),
     terms_set, NULL},
    {"list", N_("list the county terms of a year"), terms_list, NULL},
    {NULL, NULL, NULL, NULL},
};
