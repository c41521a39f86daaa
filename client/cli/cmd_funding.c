/* aixin disbursement record, ledger: what each level of government owes
 * and has paid in. */
#include <getopt.h>
#include <stdio.h>

#include "cli_connect.h"
#include "cmd_bulk.h"
#include "commands.h"
#include "input_check.h"
#include "money.h"
#include "names.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

#define DISBURSEMENT_RECORD "disbursement record"
#define REFERENCE_MAX_CHARS 64

static const char *const disbursement_record_help =
    N_("Usage: aixin disbursement record --level LEVEL --division CODE\n"
    "                                 --year YEAR --amount YUAN\n"
    "                                 --paid-on YYYY-MM-DD --reference TEXT\n"
    "\n"
    "Record money paid in by one level of government towards the premiums\n"
    "of a policy year. The city administrator records any payment; a county\n"
    "clerk its county's and its townships'; a township clerk its\n"
    "township's. Prints the disbursement: id, level, division, name, year,\n"
    "amount (JSON amount_fen, in fen), paid on, reference, recorded by and\n"
    "when.\n"
    "\n"
    "Options:\n"
    "  -l, --level LEVEL          who paid: city, county or township\n"
    "  -d, --division CODE        the paying division: the city or a county\n"
    "                             (6 digits), or a township (9 digits)\n"
    "  -y, --year YEAR            the policy year the money is for\n"
    "  -a, --amount YUAN          more than 0, at most two decimals\n"
    "  -p, --paid-on YYYY-MM-DD   the day it was paid, not in the future\n"
    "                             (judged by the server's clock, Beijing time)\n"
    "  -r, --reference TEXT       the voucher or transfer number, 1-64\n"
    "                             characters; a reference is recorded once\n"
    "  -h, --help                 show this help\n"
    "\n"
    "Example:\n"
    "  aixin disbursement record --level county --division 360821 "
    "--year 2027 \\\n"
    "      --amount 30000.00 --paid-on 2027-03-15 --reference JAX-2027-0042\n");

static const char *const ledger_help =
    N_("Usage: aixin ledger [--year YEAR] [--division CODE]\n"
    "\n"
    "What each paying division owes for the policies enrolled (from the\n"
    "split frozen on each policy), has paid in (recorded disbursements) and\n"
    "has outstanding, per level, division and policy year: level, division,\n"
    "name, year, policies, owed, paid, outstanding (negative when overpaid).\n"
    "Then the city subsidy paid to date over every year.\n"
    "\n"
    "In JSON one object: {\"rows\": [{level, division_code, division_name,\n"
    "policy_year, policies, owed_fen, paid_fen, outstanding_fen}, ...],\n"
    "\"city_subsidy_paid_to_date_fen\": N}, amounts in fen.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR       one policy year; default every year\n"
    "  -d, --division CODE   the city, a county or a township (6 or 9\n"
    "                        digits) and the divisions under it; default\n"
    "                        your own division\n"
    "  -h, --help            show this help\n"
    "\n"
    "Example:\n"
    "  aixin ledger --year 2027 --division 360821\n");

static cli_exit_t disbursement_record(const cli_context_t *ctx, int argc,
                                      char **argv)
{
    static const struct option options[] = {
        {"level", required_argument, NULL, 'l'},
        {"division", required_argument, NULL, 'd'},
        {"year", required_argument, NULL, 'y'},
        {"amount", required_argument, NULL, 'a'},
        {"paid-on", required_argument, NULL, 'p'},
        {"reference", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *level_name = NULL;
    const char *division = NULL;
    const char *year_text = NULL;
    const char *amount_text = NULL;
    const char *paid_on = NULL;
    const char *reference = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":l:d:y:a:p:r:h", options, NULL)) !=
           -1) {
        switch (c) {
        case 'l':
            level_name = optarg;
            break;
        case 'd':
            division = optarg;
            break;
        case 'y':
            year_text = optarg;
            break;
        case 'a':
            amount_text = optarg;
            break;
        case 'p':
            paid_on = optarg;
            break;
        case 'r':
            reference = optarg;
            break;
        case 'h':
            fputs(_(disbursement_record_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(DISBURSEMENT_RECORD, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(DISBURSEMENT_RECORD, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (level_name == NULL)
        return cli_usage_error(DISBURSEMENT_RECORD, _("missing --level"));
    if (division == NULL)
        return cli_usage_error(DISBURSEMENT_RECORD, _("missing --division"));
    if (year_text == NULL)
        return cli_usage_error(DISBURSEMENT_RECORD, _("missing --year"));
    if (amount_text == NULL)
        return cli_usage_error(DISBURSEMENT_RECORD, _("missing --amount"));
    if (paid_on == NULL)
        return cli_usage_error(DISBURSEMENT_RECORD, _("missing --paid-on"));
    if (reference == NULL)
        return cli_usage_error(DISBURSEMENT_RECORD, _("missing --reference"));
    Aixin__V1__FundingLevel level = names_funding_level_parse(level_name);
    if (level == AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_UNSPECIFIED)
        return cli_usage_error(DISBURSEMENT_RECORD,
                               _("--level: '%s' is not city, county or "
                               "township"),
                               level_name);
    int32_t year;
    int64_t amount_fen;
    if (level == AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_TOWNSHIP)
        rc = input_check_township_code(division, "division_code");
    else
        rc = input_check_county_code(division, "division_code");
    if (rc == CLI_EXIT_OK)
        rc = input_check_year(year_text, "policy_year", &year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(amount_text, "amount_fen", &amount_fen);
    if (rc == CLI_EXIT_OK)
        rc = input_check_date(paid_on, "paid_on", NULL);
    if (rc == CLI_EXIT_OK)
        rc = input_check_text(reference, "reference", _("the reference"), 1,
                              REFERENCE_MAX_CHARS);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__RecordDisbursement body = AIXIN__V1__RECORD_DISBURSEMENT__INIT;
    body.level = level;
    body.division_code = (char *)division;
    body.policy_year = year;
    body.amount_fen = amount_fen;
    body.paid_on = (char *)paid_on;
    body.reference = (char *)reference;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT;
    req.record_disbursement = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_DISBURSEMENT,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_disbursement(&doc, output_doc_add_record(&doc),
                                 resp->disbursement);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

/*
 * JSON: the ledger as one object. Table: the rows, then the city subsidy
 * paid to date on a line of its own.
 */
static cli_exit_t print_ledger(const cli_context_t *ctx,
                               const Aixin__V1__Ledger *l)
{
    output_doc_t doc;
    bool ok;
    if (ctx->format == OUTPUT_FORMAT_JSON) {
        output_doc_init(&doc, false);
        records_add_ledger(&doc, output_doc_add_record(&doc), l);
        ok = output_render(&doc, ctx->format, stdout);
    } else {
        output_doc_init(&doc, true);
        for (size_t i = 0; i < l->n_rows; i++)
            records_add_ledger_row(&doc, output_doc_add_record(&doc),
                                   l->rows[i]);
        ok = output_render(&doc, ctx->format, stdout);
        if (ok) {
            char paid[MONEY_TEXT_SIZE];
            money_format_fen(l->city_subsidy_paid_to_date_fen, paid);
            printf(_("\ncity subsidy paid to date: %s\n"), paid);
            if (fflush(stdout) != 0 || ferror(stdout)) {
                cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write the output"));
                ok = false;
            }
        }
    }
    output_doc_free(&doc);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

cli_exit_t cmd_funding_ledger(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"division", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *year_text = NULL;
    const char *division = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:d:h", options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case 'd':
            division = optarg;
            break;
        case 'h':
            fputs(_(ledger_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option("ledger", argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands("ledger", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    int32_t year = 0; /* every year */
    if (year_text != NULL)
        rc = input_check_year(year_text, "policy_year", &year);
    if (rc == CLI_EXIT_OK && division != NULL)
        rc = input_check_division_code(division, "division_code");
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__GetLedger body = AIXIN__V1__GET_LEDGER__INIT;
    body.policy_year = year;
    if (division != NULL)
        body.division_code = (char *)division;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_GET_LEDGER;
    req.get_ledger = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_LEDGER,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_ledger(ctx, resp->ledger);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_disbursement_verbs[] = {
    {"record", N_("record money paid in by a level of government"),
     disbursement_record, NULL},
    {"import", N_("record many disbursements from a CSV file"),
     cmd_disbursement_import, NULL},
    {NULL, NULL, NULL, NULL},
};
