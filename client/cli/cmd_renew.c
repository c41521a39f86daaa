/*
 * aixin renew: renewal (续保) of last year's children into the next year,
 * in batches (RenewYear), with a progress bar on a terminal, then a
 * summary by township and the lists of children who aged out or were
 * refused. Running it twice is running it once: the second run finds the
 * children already renewed and creates nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aixin/v1/yearcycle.pb-c.h"
#include "cli_connect.h"
#include "commands.h"
#include "i18n.h"
#include "input_check.h"
#include "progress.h"
#include "renew_tally.h"
#include "rpc.h"

#define RENEW "renew"
/* Children per request: one bulk statement each on the server. */
#define RENEW_BATCH 500

static const char *const renew_help =
    N_("Usage: aixin renew --from-year YEAR --to-year YEAR\n"
    "                   [--township CODE | --county CODE] [--dry-run]\n"
    "\n"
    "Renew (续保) the policies of a year into the next: every child insured\n"
    "in --from-year within your division (or the township or county given)\n"
    "who is still 0-6 on the reference date of --to-year and has no policy\n"
    "of --to-year yet is enrolled, under exactly the rules of a bulk import\n"
    "(the household must still be eligible: the server says why when not).\n"
    "--to-year must be open with every county's share and insurer set; the\n"
    "server names what is missing. Running it again creates nothing: the\n"
    "children are then reported as already renewed.\n"
    "\n"
    "Shows a progress bar on a terminal, then the children who aged out\n"
    "and those refused (with the reason), and a summary by township\n"
    "(renewed, already renewed, aged out, refused). With --dry-run nothing\n"
    "is enrolled: the same answer says what a real run would do.\n"
    "\n"
    "Options:\n"
    "  -F, --from-year YEAR   the year whose children are renewed\n"
    "  -T, --to-year YEAR     the next year (--from-year + 1)\n"
    "  -t, --township CODE    only this township (9 digits)\n"
    "  -c, --county CODE      only this county (6 digits)\n"
    "  -n, --dry-run          judge every child, enroll none\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 when no child was refused, 1 when some were.\n"
    "\n"
    "Example:\n"
    "  aixin renew --from-year 2026 --to-year 2027 --county 360821 --dry-run\n");

static void add_counts(output_doc_t *doc, output_record_t *r,
                       const int64_t *counts)
{
    output_add_int(doc, r, "renewed", N_("RENEWED"),
                   counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_RENEWED]);
    output_add_int(doc, r, "already_renewed", N_("ALREADY RENEWED"),
                   counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_ALREADY_RENEWED]);
    output_add_int(doc, r, "aged_out", N_("AGED OUT"),
                   counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_AGED_OUT]);
    output_add_int(doc, r, "refused", N_("REFUSED"),
                   counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_REFUSED]);
}

static bool renew_print(const cli_context_t *ctx, renew_tally_t *run,
                        int32_t from, int32_t to, bool dry_run)
{
    renew_tally_sort(run);
    output_doc_t doc;
    output_doc_init(&doc, false);
    output_record_t *r = output_doc_add_record(&doc);
    output_add_int(&doc, r, "from_year", N_("FROM"), from);
    output_add_int(&doc, r, "to_year", N_("TO"), to);
    output_add_bool(&doc, r, "dry_run", N_("DRY RUN"), dry_run);
    output_add_int(&doc, r, "children", N_("CHILDREN"), run->total);
    add_counts(&doc, r, run->counts);
    static const struct {
        Aixin__V1__RenewOutcome outcome;
        const char *key, *title;
    } lists[] = {
        {AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_AGED_OUT, "aged_out_children",
         N_("Aged out (7 or older on the reference date)")},
        {AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_REFUSED, "refused_children",
         N_("Refused")},
    };
    for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
        output_list_t *list =
            output_add_list(&doc, r, lists[k].key, lists[k].title);
        for (size_t i = 0; list != NULL && i < run->n_listed; i++) {
            const renew_listed_t *l = &run->listed[i];
            if (l->outcome != lists[k].outcome)
                continue;
            output_record_t *c = output_list_add_record(&doc, list);
            if (c == NULL)
                break;
            output_add_text(&doc, c, "township_code", N_("TOWNSHIP"),
                            l->township_code);
            output_add_text(&doc, c, "township_name", N_("NAME"),
                            l->township_name);
            output_add_text(&doc, c, "child_id_number", N_("CHILD ID"),
                            l->id_number);
            output_add_text(&doc, c, "child_name", N_("CHILD"), l->name);
            output_add_text(&doc, c, "birth_date", N_("BORN"), l->birth_date);
            output_add_int(&doc, c, "age", N_("AGE"), l->age);
            if (lists[k].outcome ==
                AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_REFUSED)
                output_add_text_or_null(&doc, c, "reason", N_("REASON"),
                                        l->reason);
        }
    }
    output_list_t *by_township =
        output_add_list(&doc, r, "townships", N_("By township"));
    for (size_t i = 0; by_township != NULL && i < run->n_townships; i++) {
        output_record_t *t = output_list_add_record(&doc, by_township);
        if (t == NULL)
            break;
        output_add_text(&doc, t, "township_code", N_("TOWNSHIP"),
                        run->townships[i].code);
        output_add_text(&doc, t, "township_name", N_("NAME"),
                        run->townships[i].name);
        add_counts(&doc, t, run->townships[i].counts);
    }
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    return ok;
}

cli_exit_t cmd_renew(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"from-year", required_argument, NULL, 'F'},
        {"to-year", required_argument, NULL, 'T'},
        {"township", required_argument, NULL, 't'},
        {"county", required_argument, NULL, 'c'},
        {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from_text = NULL, *to_text = NULL, *township = NULL,
               *county = NULL;
    bool dry_run = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":F:T:t:c:nh", options, NULL)) != -1) {
        switch (c) {
        case 'F':
            from_text = optarg;
            break;
        case 'T':
            to_text = optarg;
            break;
        case 't':
            township = optarg;
            break;
        case 'c':
            county = optarg;
            break;
        case 'n':
            dry_run = true;
            break;
        case 'h':
            fputs(_(renew_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(RENEW, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(RENEW, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (from_text == NULL || to_text == NULL)
        return cli_usage_error(RENEW, _("missing --from-year or --to-year"));
    if (township != NULL && county != NULL)
        return cli_usage_error(RENEW, _("give --township or --county, not both"));
    int32_t from, to;
    rc = input_check_year(from_text, "from_year", &from);
    if (rc == CLI_EXIT_OK)
        rc = input_check_year(to_text, "to_year", &to);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (to != from + 1)
        return cli_usage_error(RENEW, _("--to-year must be the year after "
                                        "--from-year"));
    if (township != NULL) {
        rc = input_check_township_code(township, "township");
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    if (county != NULL) {
        rc = input_check_county_code(county, "county");
        if (rc != CLI_EXIT_OK)
            return rc;
    }

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    renew_tally_t run;
    memset(&run, 0, sizeof(run));
    progress_t bar;
    bool bar_started = false;
    int64_t after = 0;
    uint64_t seen = 0;
    for (;;) {
        Aixin__V1__RenewYear body = AIXIN__V1__RENEW_YEAR__INIT;
        body.from_year = from;
        body.to_year = to;
        body.division_code =
            (char *)(township != NULL ? township : county != NULL ? county : "");
        body.dry_run = dry_run;
        body.after_child_id = after;
        body.limit = RENEW_BATCH;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        req.body_case = AIXIN__V1__REQUEST__BODY_RENEW_YEAR;
        req.renew_year = &body;
        Aixin__V1__Response *resp = NULL;
        rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_RENEW,
                             &resp);
        if (rc != CLI_EXIT_OK)
            break;
        const Aixin__V1__RenewResult *rr = resp->renew;
        run.total = rr->total;
        if (!bar_started) {
            progress_start(&bar, (uint64_t)rr->total);
            bar_started = true;
        }
        for (size_t i = 0; i < rr->n_rows; i++)
            renew_tally_add(&run, rr->rows[i]);
        seen += rr->n_rows;
        progress_update(&bar, seen);
        bool done = rr->done || rr->n_rows == 0 ||
                    rr->next_after_child_id <= after;
        after = rr->next_after_child_id;
        aixin__v1__response__free_unpacked(resp, NULL);
        if (done || run.failed)
            break;
    }
    if (bar_started)
        progress_finish(&bar);
    rpc_client_close(client);
    if (rc == CLI_EXIT_OK && run.failed) {
        fputs(_("aixin: error: out of memory\n"), stderr);
        rc = CLI_EXIT_UNAVAILABLE;
    }
    if (rc == CLI_EXIT_OK) {
        if (!renew_print(ctx, &run, from, to, dry_run))
            rc = CLI_EXIT_UNAVAILABLE;
        else if (run.counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_REFUSED] > 0)
            rc = CLI_EXIT_REJECTED;
    }
    renew_tally_free(&run);
    return rc;
}
