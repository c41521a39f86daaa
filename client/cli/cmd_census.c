/* aixin census submit, census list: eligible households per township. */
#include <getopt.h>
#include <stdio.h>

#include "cli_connect.h"
#include "cmd_bulk.h"
#include "commands.h"
#include "input_check.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

#define CENSUS_SUBMIT "census submit"
#define CENSUS_LIST "census list"
#define CENSUS_ELIGIBLE_MAX 100000000
#define CENSUS_NOTE_MAX_CHARS 200

static const char *const census_submit_help =
    N_("Usage: aixin census submit --township CODE --year YEAR --eligible N\n"
    "                           [--note TEXT]\n"
    "\n"
    "Submit how many households of a township are eligible in a policy\n"
    "year (rural only-child and two-daughter households with children aged\n"
    "0-6); the denominator of the enrollment rate. Submitting again for the\n"
    "same township and year corrects it: the new figure becomes the current\n"
    "revision and the earlier ones stay as history. Township clerks submit\n"
    "for their own township. Prints the entry (see `aixin census list\n"
    "--help`).\n"
    "\n"
    "Options:\n"
    "  -t, --township CODE   the township, 9 digits\n"
    "  -y, --year YEAR       the policy year\n"
    "  -e, --eligible N      eligible households, a whole number from 0\n"
    "  -n, --note TEXT       why, e.g. for a correction; up to 200\n"
    "                        characters on one line\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  aixin census submit --township 360821207 --year 2027 --eligible 118 "
    "\\\n"
    "      --note \"corrected after the village check\"\n");

static const char *const census_list_help =
    N_("Usage: aixin census list --year YEAR [--division CODE] [--history]\n"
    "\n"
    "List the census entries of the townships in a division for a policy\n"
    "year: township, name, year, eligible households, revision, whether it\n"
    "is the current revision, who submitted it and when, and the note.\n"
    "Without --history only the current revision of each township.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR       the policy year\n"
    "  -d, --division CODE   a county or township (6 or 9 digits); default\n"
    "                        your own division\n"
    "  -H, --history         every revision, not only the current ones\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  aixin census list --year 2027 --division 360821 --history\n");

static cli_exit_t census_submit(const cli_context_t *ctx, int argc,
                                char **argv)
{
    static const struct option options[] = {
        {"township", required_argument, NULL, 't'},
        {"year", required_argument, NULL, 'y'},
        {"eligible", required_argument, NULL, 'e'},
        {"note", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *township = NULL;
    const char *year_text = NULL;
    const char *eligible_text = NULL;
    const char *note = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":t:y:e:n:h", options, NULL)) != -1) {
        switch (c) {
        case 't':
            township = optarg;
            break;
        case 'y':
            year_text = optarg;
            break;
        case 'e':
            eligible_text = optarg;
            break;
        case 'n':
            note = optarg;
            break;
        case 'h':
            fputs(_(census_submit_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CENSUS_SUBMIT, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(CENSUS_SUBMIT, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (township == NULL)
        return cli_usage_error(CENSUS_SUBMIT, _("missing --township"));
    if (year_text == NULL)
        return cli_usage_error(CENSUS_SUBMIT, _("missing --year"));
    if (eligible_text == NULL)
        return cli_usage_error(CENSUS_SUBMIT, _("missing --eligible"));
    int32_t year;
    int64_t eligible;
    rc = input_check_township_code(township, "township_code");
    if (rc == CLI_EXIT_OK)
        rc = input_check_year(year_text, "policy_year", &year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_count(eligible_text, "eligible_households",
                               CENSUS_ELIGIBLE_MAX, &eligible);
    if (rc == CLI_EXIT_OK && note != NULL)
        rc = input_check_text(note, "note", _("the note"), 1,
                              CENSUS_NOTE_MAX_CHARS);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__SubmitCensus body = AIXIN__V1__SUBMIT_CENSUS__INIT;
    body.township_code = (char *)township;
    body.policy_year = year;
    body.eligible_households = eligible;
    if (note != NULL)
        body.note = (char *)note;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS;
    req.submit_census = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_CENSUS_ENTRY,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_census_entry(&doc, output_doc_add_record(&doc),
                                 resp->census_entry);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t census_list(const cli_context_t *ctx, int argc,
                              char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"division", required_argument, NULL, 'd'},
        {"history", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *year_text = NULL;
    const char *division = NULL;
    bool history = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:d:Hh", options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case 'd':
            division = optarg;
            break;
        case 'H':
            history = true;
            break;
        case 'h':
            fputs(_(census_list_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CENSUS_LIST, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(CENSUS_LIST, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (year_text == NULL)
        return cli_usage_error(CENSUS_LIST, _("missing --year"));
    int32_t year;
    rc = input_check_year(year_text, "policy_year", &year);
    if (rc == CLI_EXIT_OK && division != NULL)
        rc = input_check_division_code(division, "division_code");
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__ListCensus body = AIXIN__V1__LIST_CENSUS__INIT;
    body.policy_year = year;
    if (division != NULL)
        body.division_code = (char *)division;
    body.history = history;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_CENSUS;
    req.list_census = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_CENSUS,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__CensusList *list = resp->census;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_entries; i++)
            records_add_census_entry(&doc, output_doc_add_record(&doc),
                                     list->entries[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_census_verbs[] = {
    {"submit", N_("submit or correct a township's eligible households"),
     census_submit, NULL},
    {"list", N_("list census entries of a year"), census_list, NULL},
    {"import", N_("submit the census of many townships from a CSV file"),
     cmd_census_import, NULL},
    {NULL, NULL, NULL, NULL},
};
