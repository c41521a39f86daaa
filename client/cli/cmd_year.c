/* aixin year open, update, show, list. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_connect.h"
#include "cmd_year_close.h"
#include "commands.h"
#include "input_check.h"
#include "names.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

#define YEAR_OPEN "year open"
#define YEAR_UPDATE "year update"
#define YEAR_SHOW "year show"
#define YEAR_LIST "year list"
/* One cap per event type: illness ... guardian_death. */
#define YEAR_MAX_BENEFITS 5
/* Room for a yuan amount and then some, so a long one is still reported
 * by the money check rather than cut. */
#define AMOUNT_BUF 48
/* Long options without a short letter. */
enum { OPT_SUPPLEMENTARY_CAP = 1000, OPT_SUPPLEMENTARY_BUDGET };

static const char *const year_open_help =
    N_("Usage: aixin year open --year YEAR --reference-date YYYY-MM-DD\n"
    "                       --premium YUAN --city-subsidy YUAN\n"
    "                       --county-share-range MIN-MAX\n"
    "                       [--benefit EVENT=YUAN ...]\n"
    "\n"
    "Open a policy year for enrollment (city administrators only), with its\n"
    "terms: the premium per policy, the city's subsidy per policy, the range\n"
    "each county's share must fall in, and the most paid out per policy for\n"
    "each covered event. The township share is what remains of the premium.\n"
    "Prints the year (see `aixin year show --help` for the columns).\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR                  the policy year, e.g. 2027\n"
    "  -r, --reference-date YYYY-MM-DD  the date children's ages are counted\n"
    "                                   on, in YEAR or the year before\n"
    "  -p, --premium YUAN               premium per policy, more than 0, at\n"
    "                                   most two decimals, e.g. 30.00\n"
    "  -s, --city-subsidy YUAN          the city's share per policy, 0.00 or\n"
    "                                   more, e.g. 2.00\n"
    "  -R, --county-share-range MIN-MAX the county share per policy allowed\n"
    "                                   in this year, in yuan, e.g.\n"
    "                                   6.00-20.00; the city subsidy plus MIN\n"
    "                                   must not exceed the premium\n"
    "  -b, --benefit EVENT=YUAN         the maximum payout per policy for an\n"
    "                                   event: illness, accident_injury,\n"
    "                                   disability, child_death or\n"
    "                                   guardian_death; repeat for each\n"
    "                                   event, each event at most once\n"
    "  -h, --help                       show this help\n"
    "\n"
    "Example:\n"
    "  aixin year open --year 2027 --reference-date 2027-01-01 \\\n"
    "      --premium 30.00 --city-subsidy 2.00 --county-share-range "
    "6.00-20.00 \\\n"
    "      --benefit illness=20000.00 --benefit accident_injury=10000.00 \\\n"
    "      --benefit child_death=10000.00\n");

/* Printed after the help of year open and year update. */
static const char *const year_limits_help =
    N_("\n"
    "Limits on supplementary payouts (they may change after the year's first\n"
    "enrollment, when every other term is given unchanged):\n"
    "      --supplementary-cap YUAN     the most one claim may receive in\n"
    "                                   supplementary payouts in total;\n"
    "                                   0.00 (the default): no cap\n"
    "      --supplementary-budget YUAN  the most all the year's claims may\n"
    "                                   receive in supplementary payouts\n"
    "                                   together; 0.00 (the default): none\n");

static const char *const year_update_help =
    N_("Usage: aixin year update --year YEAR --reference-date YYYY-MM-DD\n"
    "                         --premium YUAN --city-subsidy YUAN\n"
    "                         --county-share-range MIN-MAX\n"
    "                         [--benefit EVENT=YUAN ...]\n"
    "\n"
    "Replace all the terms of an open policy year (city administrators\n"
    "only): options left out are not kept, benefit caps not given are\n"
    "removed. The server refuses once the year has a policy, because every\n"
    "policy has frozen its split of the premium. Prints the year.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR                  the policy year to change\n"
    "  -r, --reference-date YYYY-MM-DD  the date children's ages are counted\n"
    "                                   on, in YEAR or the year before\n"
    "  -p, --premium YUAN               premium per policy, more than 0\n"
    "  -s, --city-subsidy YUAN          the city's share per policy, 0.00 or\n"
    "                                   more\n"
    "  -R, --county-share-range MIN-MAX the county share per policy allowed,\n"
    "                                   in yuan, e.g. 6.00-20.00\n"
    "  -b, --benefit EVENT=YUAN         the maximum payout per policy for an\n"
    "                                   event (illness, accident_injury,\n"
    "                                   disability, child_death,\n"
    "                                   guardian_death); each at most once\n"
    "  -h, --help                       show this help\n"
    "\n"
    "Example:\n"
    "  aixin year update --year 2027 --reference-date 2027-01-01 \\\n"
    "      --premium 30.00 --city-subsidy 5.00 --county-share-range "
    "6.00-20.00 \\\n"
    "      --benefit illness=20000.00\n");

static const char *const year_show_help =
    N_("Usage: aixin year show --year YEAR\n"
    "\n"
    "Show a policy year: year, reference date, premium, city subsidy, the\n"
    "county share range (min, max), policies enrolled, and whether its\n"
    "terms are frozen (a policy exists); then its benefit caps (event,\n"
    "maximum payout). In JSON the terms are keys of the object (year,\n"
    "reference_date, premium_fen, city_subsidy_fen, county_share_min_fen,\n"
    "county_share_max_fen, benefits: [{event, max_payout_fen}]) beside\n"
    "policies and frozen; amounts are integers in fen. Then whether the\n"
    "year is closed, when its claims window ends, and its closing history\n"
    "(action, when, by whom, forced, reason; JSON: closed,\n"
    "claims_window_end, closure_history).\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR   the policy year\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin year show --year 2027\n");

static const char *const year_list_help =
    N_("Usage: aixin year list\n"
    "\n"
    "List the policy years, newest first: year, reference date, premium,\n"
    "city subsidy, county share range (min, max), policies, frozen. JSON\n"
    "has the same keys as `aixin year show`, benefit caps included.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  aixin --format json year list\n");

static cli_exit_t print_policy_year(const cli_context_t *ctx,
                                    const Aixin__V1__PolicyYearDetail *y)
{
    output_doc_t doc;
    output_doc_init(&doc, false);
    records_add_policy_year(&doc, output_doc_add_record(&doc), y);
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

/* The terms as typed, and as parsed. */
typedef struct year_terms_args {
    const char *year;
    const char *reference_date;
    const char *premium;
    const char *city_subsidy;
    const char *county_range;
    const char *benefits[YEAR_MAX_BENEFITS];
    size_t n_benefits;
    const char *supplementary_cap;    /* NULL: 0, no cap */
    const char *supplementary_budget; /* NULL: 0, no budget */
} year_terms_args_t;

typedef struct year_terms {
    Aixin__V1__PolicyYearTerms msg;
    Aixin__V1__BenefitCap caps[YEAR_MAX_BENEFITS];
    Aixin__V1__BenefitCap *cap_ptrs[YEAR_MAX_BENEFITS];
} year_terms_t;

/* Split "MIN-MAX" and check both amounts. */
static cli_exit_t county_range_parse(const char *command, const char *arg,
                                     int64_t *min_fen, int64_t *max_fen)
{
    const char *dash = strchr(arg, '-');
    if (dash == NULL)
        return cli_usage_error(command,
                               _("--county-share-range '%s': expected MIN-MAX, "
                               "e.g. 6.00-20.00"),
                               arg);
    char min_text[AMOUNT_BUF];
    size_t min_len = (size_t)(dash - arg);
    if (min_len >= sizeof(min_text))
        min_len = sizeof(min_text) - 1;
    memcpy(min_text, arg, min_len);
    min_text[min_len] = '\0';
    cli_exit_t rc = input_check_amount_or_zero(
        min_text, "terms.county_share_min_fen", min_fen);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount_or_zero(dash + 1, "terms.county_share_max_fen",
                                        max_fen);
    if (rc == CLI_EXIT_OK && *min_fen > *max_fen)
        rc = cli_reject_input("terms.county_share_max_fen",
                              _("the county share range %s is empty (the "
                              "minimum is above the maximum)"),
                              arg);
    return rc;
}

/* Split "EVENT=YUAN" into caps[index]; an event given twice is refused. */
static cli_exit_t benefit_parse(const char *command, const char *arg,
                                size_t index, year_terms_t *t)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL)
        return cli_usage_error(command,
                               _("--benefit '%s': expected EVENT=YUAN, e.g. "
                               "illness=20000.00"),
                               arg);
    char event_name[AMOUNT_BUF];
    size_t len = (size_t)(eq - arg);
    if (len >= sizeof(event_name))
        len = sizeof(event_name) - 1;
    memcpy(event_name, arg, len);
    event_name[len] = '\0';
    Aixin__V1__EventType event = names_event_type_parse(event_name);
    if (event == AIXIN__V1__EVENT_TYPE__EVENT_TYPE_UNSPECIFIED)
        return cli_usage_error(command,
                               _("--benefit: '%s' is not one of illness, "
                               "accident_injury, disability, child_death, "
                               "guardian_death"),
                               event_name);
    for (size_t i = 0; i < index; i++)
        if (t->caps[i].event == event)
            return cli_usage_error(command, _("--benefit %s given twice"),
                                   event_name);
    char field[48];
    snprintf(field, sizeof(field), "terms.benefits[%zu].max_payout_fen",
             index);
    Aixin__V1__BenefitCap *cap = &t->caps[index];
    aixin__v1__benefit_cap__init(cap);
    cap->event = event;
    t->cap_ptrs[index] = cap;
    return input_check_amount(eq + 1, field, &cap->max_payout_fen);
}

/* Check everything typed and fill *t (strings borrowed from argv). */
static cli_exit_t year_terms_build(const char *command,
                                   const year_terms_args_t *a, year_terms_t *t)
{
    if (a->year == NULL)
        return cli_usage_error(command, _("missing --year"));
    if (a->reference_date == NULL)
        return cli_usage_error(command, _("missing --reference-date"));
    if (a->premium == NULL)
        return cli_usage_error(command, _("missing --premium"));
    if (a->city_subsidy == NULL)
        return cli_usage_error(command, _("missing --city-subsidy"));
    if (a->county_range == NULL)
        return cli_usage_error(command, _("missing --county-share-range"));
    memset(t, 0, sizeof(*t));
    aixin__v1__policy_year_terms__init(&t->msg);
    Aixin__V1__PolicyYearTerms *m = &t->msg;
    civil_date_t reference;
    cli_exit_t rc = input_check_year(a->year, "terms.year", &m->year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_date(a->reference_date, "terms.reference_date",
                              &reference);
    if (rc == CLI_EXIT_OK && reference.year != m->year &&
        reference.year != m->year - 1)
        rc = cli_reject_input("terms.reference_date",
                              _("the reference date must fall in %d or %d"),
                              (int)m->year - 1, (int)m->year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(a->premium, "terms.premium_fen",
                                &m->premium_fen);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount_or_zero(
            a->city_subsidy, "terms.city_subsidy_fen", &m->city_subsidy_fen);
    if (rc == CLI_EXIT_OK)
        rc = county_range_parse(command, a->county_range,
                                &m->county_share_min_fen,
                                &m->county_share_max_fen);
    if (rc == CLI_EXIT_OK &&
        m->city_subsidy_fen > m->premium_fen - m->county_share_min_fen)
        rc = cli_reject_input("terms.county_share_min_fen",
                              _("the city subsidy plus the smallest county "
                              "share exceed the premium"));
    for (size_t i = 0; rc == CLI_EXIT_OK && i < a->n_benefits; i++)
        rc = benefit_parse(command, a->benefits[i], i, t);
    if (rc == CLI_EXIT_OK && a->supplementary_cap != NULL)
        rc = input_check_amount_or_zero(
            a->supplementary_cap, "terms.supplementary_cap_per_claim_fen",
            &m->supplementary_cap_per_claim_fen);
    if (rc == CLI_EXIT_OK && a->supplementary_budget != NULL)
        rc = input_check_amount_or_zero(a->supplementary_budget,
                                        "terms.supplementary_budget_fen",
                                        &m->supplementary_budget_fen);
    if (rc != CLI_EXIT_OK)
        return rc;
    m->reference_date = (char *)a->reference_date;
    m->n_benefits = a->n_benefits;
    m->benefits = a->n_benefits > 0 ? t->cap_ptrs : NULL;
    return CLI_EXIT_OK;
}

/* year open and year update: the same options, different requests. */
static cli_exit_t year_set_terms(const cli_context_t *ctx, int argc,
                                 char **argv, bool update)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"reference-date", required_argument, NULL, 'r'},
        {"premium", required_argument, NULL, 'p'},
        {"city-subsidy", required_argument, NULL, 's'},
        {"county-share-range", required_argument, NULL, 'R'},
        {"benefit", required_argument, NULL, 'b'},
        {"supplementary-cap", required_argument, NULL, OPT_SUPPLEMENTARY_CAP},
        {"supplementary-budget", required_argument, NULL,
         OPT_SUPPLEMENTARY_BUDGET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *command = update ? YEAR_UPDATE : YEAR_OPEN;
    year_terms_args_t a;
    memset(&a, 0, sizeof(a));
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:r:p:s:R:b:h", options, NULL)) !=
           -1) {
        switch (c) {
        case 'y':
            a.year = optarg;
            break;
        case 'r':
            a.reference_date = optarg;
            break;
        case 'p':
            a.premium = optarg;
            break;
        case 's':
            a.city_subsidy = optarg;
            break;
        case 'R':
            a.county_range = optarg;
            break;
        case 'b':
            if (a.n_benefits == YEAR_MAX_BENEFITS)
                return cli_usage_error(command,
                                       _("at most %d --benefit options, one "
                                       "per event"),
                                       YEAR_MAX_BENEFITS);
            a.benefits[a.n_benefits++] = optarg;
            break;
        case OPT_SUPPLEMENTARY_CAP:
            a.supplementary_cap = optarg;
            break;
        case OPT_SUPPLEMENTARY_BUDGET:
            a.supplementary_budget = optarg;
            break;
        case 'h':
            fputs(update ? _(year_update_help) : _(year_open_help), stdout);
            fputs(_(year_limits_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(command, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(command, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    year_terms_t terms;
    rc = year_terms_build(command, &a, &terms);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__OpenPolicyYear open_body = AIXIN__V1__OPEN_POLICY_YEAR__INIT;
    Aixin__V1__UpdatePolicyYear update_body =
        AIXIN__V1__UPDATE_POLICY_YEAR__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    if (update) {
        update_body.terms = &terms.msg;
        req.body_case = AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR;
        req.update_policy_year = &update_body;
    } else {
        open_body.terms = &terms.msg;
        req.body_case = AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR;
        req.open_policy_year = &open_body;
    }
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_POLICY_YEAR,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_policy_year(ctx, resp->policy_year);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t year_open(const cli_context_t *ctx, int argc, char **argv)
{
    return year_set_terms(ctx, argc, argv, false);
}

static cli_exit_t year_update(const cli_context_t *ctx, int argc, char **argv)
{
    return year_set_terms(ctx, argc, argv, true);
}

static cli_exit_t year_show(const cli_context_t *ctx, int argc, char **argv)
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
            fputs(_(year_show_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(YEAR_SHOW, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(YEAR_SHOW, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (year_text == NULL)
        return cli_usage_error(YEAR_SHOW, _("missing --year"));
    int32_t year;
    rc = input_check_year(year_text, "year", &year);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__GetPolicyYear body = AIXIN__V1__GET_POLICY_YEAR__INIT;
    body.year = year;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_GET_POLICY_YEAR;
    req.get_policy_year = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_POLICY_YEAR,
                         &resp);
    /* Then whether it is closed, with its closes and reopenings. */
    Aixin__V1__Response *closure = NULL;
    if (rc == CLI_EXIT_OK)
        rc = cmd_year_fetch_closure(client, year, &closure);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        output_record_t *r = output_doc_add_record(&doc);
        records_add_policy_year(&doc, r, resp->policy_year);
        cmd_year_add_closure(&doc, r, closure->year_closure, false);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
    }
    if (closure != NULL)
        aixin__v1__response__free_unpacked(closure, NULL);
    if (resp != NULL)
        aixin__v1__response__free_unpacked(resp, NULL);
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
            fputs(_(year_list_help), stdout);
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
    {"open", N_("open a policy year with its terms (city admin)"), year_open,
     NULL},
    {"update", N_("replace a year's terms (city admin, before policies)"),
     year_update, NULL},
    {"show", N_("show a policy year with its benefit caps"), year_show, NULL},
    {"list", N_("list the policy years"), year_list, NULL},
    {"settings", N_("list a year's thresholds, deadlines and weights"),
     cmd_year_settings, NULL},
    {"set", N_("set one of a year's settings (city admin)"), cmd_year_set,
     NULL},
    {"close", N_("close a policy year: nothing of it changes any more (city admin)"),
     cmd_year_close, NULL},
    {"reopen", N_("reopen a closed policy year, with a reason (city admin)"),
     cmd_year_reopen, NULL},
    {NULL, NULL, NULL, NULL},
};
