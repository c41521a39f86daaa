/* aixin year open, year list. */
#include <getopt.h>
#include <stdio.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "records.h"
#include "rpc.h"

#define YEAR_OPEN "year open"
#define YEAR_LIST "year list"

static const char year_open_help[] =
    "Usage: aixin year open --year YEAR --reference-date YYYY-MM-DD\n"
    "                       --premium YUAN\n"
    "\n"
    "Open a policy year for enrollment (city administrators only). Prints\n"
    "the policy year; in JSON the premium is premium_fen, in fen.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR                 the policy year, e.g. 2027\n"
    "  -r, --reference-date YYYY-MM-DD the date children's ages are counted\n"
    "                                  on for this year\n"
    "  -p, --premium YUAN              premium per policy in yuan, at most\n"
    "                                  two decimals, e.g. 30.00\n"
    "  -h, --help                      show this help\n"
    "\n"
    "Example:\n"
    "  aixin year open --year 2027 --reference-date 2027-01-01 "
    "--premium 30.00\n";

static const char year_list_help[] =
    "Usage: aixin year list\n"
    "\n"
    "List the policy years: year, reference date, premium (JSON:\n"
    "premium_fen, in fen).\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  aixin --format json year list\n";

static cli_exit_t year_open(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"reference-date", required_argument, NULL, 'r'},
        {"premium", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *year_text = NULL;
    const char *date_text = NULL;
    const char *premium_text = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:r:p:h", options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case 'r':
            date_text = optarg;
            break;
        case 'p':
            premium_text = optarg;
            break;
        case 'h':
            fputs(year_open_help, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(YEAR_OPEN, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(YEAR_OPEN, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (year_text == NULL)
        return cli_usage_error(YEAR_OPEN, "missing --year");
    if (date_text == NULL)
        return cli_usage_error(YEAR_OPEN, "missing --reference-date");
    if (premium_text == NULL)
        return cli_usage_error(YEAR_OPEN, "missing --premium");
    int32_t year;
    int64_t premium_fen;
    rc = input_check_year(year_text, "year", &year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_date(date_text, "reference_date", NULL);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(premium_text, "premium_fen", &premium_fen);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__OpenPolicyYear body = AIXIN__V1__OPEN_POLICY_YEAR__INIT;
    body.year = year;
    body.reference_date = (char *)date_text;
    body.premium_fen = premium_fen;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR;
    req.open_policy_year = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_POLICY_YEAR,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_policy_year(&doc, output_doc_add_record(&doc),
                                resp->policy_year);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t year_list(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(year_list_help, stdout);
            return CLI_EXIT_OK;
        }
        return cli_report_bad_option(YEAR_LIST, argv, c);
    }
    cli_exit_t rc = cli_check_no_operands(YEAR_LIST, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__ListPolicyYears body = AIXIN__V1__LIST_POLICY_YEARS__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
    req.list_policy_years = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_POLICY_YEARS,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__PolicyYearList *list = resp->policy_years;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_years; i++)
            records_add_policy_year(&doc, output_doc_add_record(&doc),
                                    list->years[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_year_verbs[] = {
    {"open", "open a policy year (city admin)", year_open, NULL},
    {"list", "list the policy years", year_list, NULL},
    {NULL, NULL, NULL, NULL},
};
