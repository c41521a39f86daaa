/* aixin claim file, documents, show, due, history; the claim verb table
 * and the shared functions of cmd_claim.h. */
#include "cmd_claim.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "names.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

#define CLAIM_FILE "claim file"
#define CLAIM_DOCUMENTS "claim documents"
#define CLAIM_SHOW "claim show"
#define CLAIM_DUE "claim due"
#define CLAIM_HISTORY "claim history"
/* claim due without --within-days. */
#define CLAIM_DUE_DEFAULT_DAYS 3
#define CLAIM_DUE_MAX_DAYS 366

static const char *const claim_file_help =
    N_("Usage: aixin claim file --child ID --year YEAR --event EVENT\n"
    "                        --incident-date YYYY-MM-DD --amount YUAN\n"
    "                        [--documents-complete] [--document NAME ...]\n"
    "                        [--description TEXT] [--received-on YYYY-MM-DD]\n"
    "\n"
    "File a claim against a child's policy of the year of the incident\n"
    "(township and county clerks in their division, or the city\n"
    "administrator). The incident date lies in that year and not after the\n"
    "day the claim was received. The claim goes to the policy's insurer.\n"
    "\n"
    "Deadlines (Beijing time): the service clock starts on the day the\n"
    "documents are complete (the day received when they come complete with\n"
    "the claim; until then there is no due date). At most 1,000.00 yuan\n"
    "with complete documents and no doubt is due that same day (same_day);\n"
    "anything else 7 days later (seven_day); an escalated claim needs an\n"
    "answer within 15 days of the escalation (fifteen_day).\n"
    "\n"
    "Prints the claim: id, state, service class, due date, overdue, child,\n"
    "insurer, event, amounts claimed, approved, paid and supplementary. In\n"
    "JSON every field of the claim, amounts in fen (amount_claimed_fen,\n"
    "approved_fen, paid_fen, supplementary_fen), dates as YYYY-MM-DD.\n"
    "\n"
    "Options:\n"
    "  -c, --child ID                 the child's 18-character ID number\n"
    "  -y, --year YEAR                the policy year of the incident\n"
    "  -e, --event EVENT              illness, accident_injury, disability,\n"
    "                                 child_death or guardian_death\n"
    "  -i, --incident-date YYYY-MM-DD when it happened\n"
    "  -a, --amount YUAN              the amount claimed, more than 0, at\n"
    "                                 most two decimals, e.g. 800.00\n"
    "      --documents-complete       every document needed is in\n"
    "  -d, --document NAME            a document received, 1-64\n"
    "                                 characters; repeat for each (at most\n"
    "                                 20)\n"
    "  -t, --description TEXT         what happened, up to 500 characters\n"
    "  -r, --received-on YYYY-MM-DD   the day the office received the claim\n"
    "                                 (the paper record); default today, not\n"
    "                                 in the future (Beijing time)\n"
    "  -h, --help                     show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim file --child 360821202203150029 --year 2027 \\\n"
    "      --event illness --incident-date 2027-04-02 --amount 800.00 \\\n"
    "      --documents-complete --document 'hospital invoice' \\\n"
    "      --document 'discharge summary' --description '肺炎住院五天'\n");

static const char *const claim_documents_help =
    N_("Usage: aixin claim documents --claim N [--document NAME ...]\n"
    "                             [--complete] [--received-on YYYY-MM-DD]\n"
    "\n"
    "Record documents received for a claim that is not final (clerks of\n"
    "the claim's division, or the city administrator), and with --complete\n"
    "that all documents are now in. A claim that was waiting for its\n"
    "documents starts its service clock on the day they are complete\n"
    "(--received-on), not on the filing day. Prints the claim (see `aixin\n"
    "claim file --help`).\n"
    "\n"
    "Options:\n"
    "  -c, --claim N                  the claim's id\n"
    "  -d, --document NAME            a document received, 1-64\n"
    "                                 characters; repeat for each (at most\n"
    "                                 20)\n"
    "      --complete                 every document needed is now in\n"
    "  -r, --received-on YYYY-MM-DD   the day they were received; default\n"
    "                                 today, not in the future nor before\n"
    "                                 the claim was received\n"
    "  -h, --help                     show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim documents --claim 42 --document 'police report' \\\n"
    "      --complete --received-on 2027-04-06\n");

static const char *const claim_show_help =
    N_("Usage: aixin claim show --claim N\n"
    "\n"
    "Show a claim in your scope: clerks the claims of their division,\n"
    "adjusters their insurer's claims, the city administrator and auditors\n"
    "what their division covers. A claim outside it is NOT_FOUND. Columns\n"
    "as in `aixin claim file --help`; in JSON every field of the claim.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N   the claim's id\n"
    "  -h, --help      show this help\n"
    "\n"
    "Example:\n"
    "  aixin --format json claim show --claim 42\n");

static const char *const claim_due_help =
    N_("Usage: aixin claim due [--within-days DAYS]\n"
    "\n"
    "List the open claims in your scope that are due within DAYS days\n"
    "(Beijing time) or already overdue, oldest due date first: id, state,\n"
    "service class, due date, overdue, child, insurer, event and the\n"
    "amounts. An adjuster sees its insurer's claims only. In JSON an array\n"
    "of claims with every field (id, state, due_date, overdue,\n"
    "amount_claimed_fen, approved_fen, paid_fen, ...).\n"
    "\n"
    "Options:\n"
    "  -w, --within-days DAYS   0 to 366; default 3 (0: due today or\n"
    "                           overdue)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim due --within-days 2\n");

static const char *const claim_history_help =
    N_("Usage: aixin claim history --claim N\n"
    "\n"
    "Every change of a claim, oldest first: id, action (file,\n"
    "add_documents, review, doubt, escalate, approve, reject, pay, visit,\n"
    "supplement), the state before and after, who did it, the paper date\n"
    "it took effect (effective_on), when the server recorded it (ISO 8601\n"
    "at +08:00), the request it came from (request_id and the hex\n"
    "idempotency_key), the amount (amount_fen in JSON) and the note.\n"
    "\n"
    "Options:\n"
    "  -c, --claim N   the claim's id\n"
    "  -h, --help      show this help\n"
    "\n"
    "Example:\n"
    "  aixin claim history --claim 42\n");

cli_exit_t claim_check_id(const char *command, const char *text, int64_t *id)
{
    if (text == NULL)
        return cli_usage_error(command, _("missing --claim"));
    return input_check_record_id(text, "claim_id", id);
}

cli_exit_t claim_check_date(const char *text, const char *field)
{
    if (text == NULL)
        return CLI_EXIT_OK;
    return input_check_date(text, field, NULL);
}

cli_exit_t claim_check_text(const char *text, const char *field,
                            const char *what, size_t min_chars)
{
    if (text == NULL)
        return CLI_EXIT_OK;
    return input_check_text(text, field, what, min_chars,
                            CLAIM_TEXT_MAX_CHARS);
}

cli_exit_t claim_documents_add(claim_documents_t *d, const char *command,
                               char *name)
{
    if (d->n_names >= CLAIM_MAX_DOCUMENTS)
        return cli_usage_error(command, _("more than %d --document options"),
                               CLAIM_MAX_DOCUMENTS);
    d->names[d->n_names++] = name;
    return CLI_EXIT_OK;
}

cli_exit_t claim_documents_check(const claim_documents_t *d)
{
    for (size_t i = 0; i < d->n_names; i++) {
        char field[32];
        snprintf(field, sizeof(field), "documents[%zu]", i);
        cli_exit_t rc = input_check_text(d->names[i], field,
                                         _("a document name"), 1,
                                         CLAIM_DOCUMENT_MAX_CHARS);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    return CLI_EXIT_OK;
}

char *claim_text_or_empty(const char *text)
{
    /* protobuf-c packs an empty string as "not set", which the server
     * reads as its default (today, no note). */
    return (char *)(text != NULL ? text : "");
}

static cli_exit_t claim_print(const cli_context_t *ctx,
                              const Aixin__V1__Claim *claim)
{
    output_doc_t doc;
    output_doc_init(&doc, false);
    output_record_t *r = output_doc_add_record(&doc);
    records_add_claim(&doc, r, claim);
    if (claim->pending_id != 0)
        output_add_int(&doc, r, "pending_id", _("Waiting for confirmation"),
                       claim->pending_id);
    bool ok = output_render(&doc, ctx->format, stdout);
    output_doc_free(&doc);
    if (claim->pending_id != 0)
        claim_pending_notice(claim->id, claim->pending_id);
    return ok ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
}

cli_exit_t claim_send(const cli_context_t *ctx, Aixin__V1__Request *req)
{
    rpc_client_t *client = NULL;
    cli_exit_t rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, req, AIXIN__V1__RESPONSE__BODY_CLAIM, &resp);
    if (rc == CLI_EXIT_OK) {
        rc = claim_print(ctx, resp->claim);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

/* The options of claim file, as typed. */
typedef struct claim_file_args {
    char *child;
    const char *year;
    const char *event;
    const char *incident_date;
    const char *amount;
    bool documents_complete;
    claim_documents_t documents;
    const char *description;
    const char *received_on;
} claim_file_args_t;

/* Local checks of claim file, filling the request body. */
static cli_exit_t claim_file_check(claim_file_args_t *a,
                                   Aixin__V1__FileClaim *body)
{
    if (a->child == NULL)
        return cli_usage_error(CLAIM_FILE, _("missing --child"));
    if (a->year == NULL)
        return cli_usage_error(CLAIM_FILE, _("missing --year"));
    if (a->event == NULL)
        return cli_usage_error(CLAIM_FILE, _("missing --event"));
    if (a->incident_date == NULL)
        return cli_usage_error(CLAIM_FILE, _("missing --incident-date"));
    if (a->amount == NULL)
        return cli_usage_error(CLAIM_FILE, _("missing --amount"));
    body->event = names_event_type_parse(a->event);
    if (body->event == AIXIN__V1__EVENT_TYPE__EVENT_TYPE_UNSPECIFIED)
        return cli_usage_error(CLAIM_FILE,
                               _("--event: '%s' is not one of illness, "
                               "accident_injury, disability, child_death, "
                               "guardian_death"),
                               a->event);
    input_normalize_id_number(a->child);
    civil_date_t incident;
    civil_date_t received;
    cli_exit_t rc = input_check_id_number(a->child, "child_id_number", NULL);
    if (rc == CLI_EXIT_OK)
        rc = input_check_year(a->year, "policy_year", &body->policy_year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_date(a->incident_date, "incident_date", &incident);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(a->amount, "amount_claimed_fen",
                                &body->amount_claimed_fen);
    if (rc == CLI_EXIT_OK)
        rc = claim_documents_check(&a->documents);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_text(a->description, "description",
                              _("the description"), 0);
    if (rc == CLI_EXIT_OK && a->received_on != NULL) {
        rc = input_check_date(a->received_on, "received_on", &received);
        if (rc == CLI_EXIT_OK && civil_date_compare(received, incident) < 0)
            rc = cli_reject_input("received_on",
                                  _("the claim cannot be received (%s) before "
                                  "the incident (%s)"),
                                  a->received_on, a->incident_date);
    }
    if (rc != CLI_EXIT_OK)
        return rc;
    body->child_id_number = a->child;
    body->incident_date = (char *)a->incident_date;
    body->documents_complete = a->documents_complete;
    body->n_documents = a->documents.n_names;
    body->documents = a->documents.names;
    body->description = claim_text_or_empty(a->description);
    body->received_on = claim_text_or_empty(a->received_on);
    return CLI_EXIT_OK;
}

/* After the help of file and documents. */
static const char *const claim_received_on_help =
    N_("\n"
    "--on YYYY-MM-DD is the same as --received-on: every claim action takes\n"
    "its paper date as --on.\n");

/* --received-on and --on name the same paper date: a second, different
 * one is a usage error. */
static cli_exit_t claim_date_once(const char *command, const char *option,
                                  const char *value, const char **date)
{
    if (*date != NULL && strcmp(*date, value) != 0)
        return cli_usage_error(command,
                               _("%s %s disagrees with the paper date %s "
                                 "given before: give it once"),
                               option, value, *date);
    *date = value;
    return CLI_EXIT_OK;
}

static cli_exit_t claim_file(const cli_context_t *ctx, int argc, char **argv)
{
    enum { OPT_DOCUMENTS_COMPLETE = 256, OPT_ON };
    static const struct option options[] = {
        {"on", required_argument, NULL, OPT_ON},
        {"child", required_argument, NULL, 'c'},
        {"year", required_argument, NULL, 'y'},
        {"event", required_argument, NULL, 'e'},
        {"incident-date", required_argument, NULL, 'i'},
        {"amount", required_argument, NULL, 'a'},
        {"documents-complete", no_argument, NULL, OPT_DOCUMENTS_COMPLETE},
        {"document", required_argument, NULL, 'd'},
        {"description", required_argument, NULL, 't'},
        {"received-on", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    claim_file_args_t a;
    memset(&a, 0, sizeof(a));
    cli_getopt_reset();
    int c;
    cli_exit_t rc = CLI_EXIT_OK;
    while (rc == CLI_EXIT_OK &&
           (c = getopt_long(argc, argv, ":c:y:e:i:a:d:t:r:h", options,
                            NULL)) != -1) {
        switch (c) {
        case 'c':
            a.child = optarg;
            break;
        case 'y':
            a.year = optarg;
            break;
        case 'e':
            a.event = optarg;
            break;
        case 'i':
            a.incident_date = optarg;
            break;
        case 'a':
            a.amount = optarg;
            break;
        case OPT_DOCUMENTS_COMPLETE:
            a.documents_complete = true;
            break;
        case 'd':
            rc = claim_documents_add(&a.documents, CLAIM_FILE, optarg);
            break;
        case 't':
            a.description = optarg;
            break;
        case 'r':
            rc = claim_date_once(CLAIM_FILE, "--received-on", optarg,
                                 &a.received_on);
            break;
        case OPT_ON:
            rc = claim_date_once(CLAIM_FILE, "--on", optarg, &a.received_on);
            break;
        case 'h':
            fputs(_(claim_file_help), stdout);
            fputs(_(claim_received_on_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CLAIM_FILE, argv, c);
        }
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_check_no_operands(CLAIM_FILE, argc, argv);
    Aixin__V1__FileClaim body = AIXIN__V1__FILE_CLAIM__INIT;
    if (rc == CLI_EXIT_OK)
        rc = claim_file_check(&a, &body);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_FILE_CLAIM;
    req.file_claim = &body;
    return claim_send(ctx, &req);
}

static cli_exit_t claim_documents(const cli_context_t *ctx, int argc,
                                  char **argv)
{
    enum { OPT_COMPLETE = 256, OPT_ON };
    static const struct option options[] = {
        {"on", required_argument, NULL, OPT_ON},
        {"claim", required_argument, NULL, 'c'},
        {"document", required_argument, NULL, 'd'},
        {"complete", no_argument, NULL, OPT_COMPLETE},
        {"received-on", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *claim_text = NULL;
    claim_documents_t documents;
    memset(&documents, 0, sizeof(documents));
    bool complete = false;
    const char *received_on = NULL;
    cli_getopt_reset();
    int c;
    cli_exit_t rc = CLI_EXIT_OK;
    while (rc == CLI_EXIT_OK &&
           (c = getopt_long(argc, argv, ":c:d:r:h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            claim_text = optarg;
            break;
        case 'd':
            rc = claim_documents_add(&documents, CLAIM_DOCUMENTS, optarg);
            break;
        case OPT_COMPLETE:
            complete = true;
            break;
        case 'r':
            rc = claim_date_once(CLAIM_DOCUMENTS, "--received-on", optarg,
                                 &received_on);
            break;
        case OPT_ON:
            rc = claim_date_once(CLAIM_DOCUMENTS, "--on", optarg,
                                 &received_on);
            break;
        case 'h':
            fputs(_(claim_documents_help), stdout);
            fputs(_(claim_received_on_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CLAIM_DOCUMENTS, argv, c);
        }
    }
    if (rc == CLI_EXIT_OK)
        rc = cli_check_no_operands(CLAIM_DOCUMENTS, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (claim_text == NULL)
        return cli_usage_error(CLAIM_DOCUMENTS, _("missing --claim"));
    if (documents.n_names == 0 && !complete)
        return cli_usage_error(CLAIM_DOCUMENTS,
                               _("nothing to record: give --document NAME "
                               "or --complete"));
    Aixin__V1__AddClaimDocuments body = AIXIN__V1__ADD_CLAIM_DOCUMENTS__INIT;
    rc = claim_check_id(CLAIM_DOCUMENTS, claim_text, &body.claim_id);
    if (rc == CLI_EXIT_OK)
        rc = claim_documents_check(&documents);
    if (rc == CLI_EXIT_OK)
        rc = claim_check_date(received_on, "received_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.n_documents = documents.n_names;
    body.documents = documents.names;
    body.documents_complete = complete;
    body.received_on = claim_text_or_empty(received_on);
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ADD_CLAIM_DOCUMENTS;
    req.add_claim_documents = &body;
    return claim_send(ctx, &req);
}

/*
 * The options of the verbs that only name a claim (show, history): fills
 * *id, or returns the exit code (also CLI_EXIT_OK with *help_shown after
 * --help).
 */
static cli_exit_t claim_parse_only_id(const char *command, const char *help,
                                      int argc, char **argv, int64_t *id,
                                      bool *help_shown)
{
    static const struct option options[] = {
        {"claim", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *claim_text = NULL;
    *help_shown = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":c:h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            claim_text = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            *help_shown = true;
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(command, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(command, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    return claim_check_id(command, claim_text, id);
}

static cli_exit_t claim_show(const cli_context_t *ctx, int argc, char **argv)
{
    Aixin__V1__GetClaim body = AIXIN__V1__GET_CLAIM__INIT;
    bool help_shown;
    cli_exit_t rc = claim_parse_only_id(CLAIM_SHOW, _(claim_show_help), argc,
                                        argv, &body.claim_id, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_GET_CLAIM;
    req.get_claim = &body;
    return claim_send(ctx, &req);
}

static cli_exit_t claim_due(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"within-days", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *days_text = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":w:h", options, NULL)) != -1) {
        switch (c) {
        case 'w':
            days_text = optarg;
            break;
        case 'h':
            fputs(_(claim_due_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(CLAIM_DUE, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(CLAIM_DUE, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    int64_t days = CLAIM_DUE_DEFAULT_DAYS;
    if (days_text != NULL)
        rc = input_check_count(days_text, "within_days", CLAIM_DUE_MAX_DAYS,
                               &days);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__ListDueClaims body = AIXIN__V1__LIST_DUE_CLAIMS__INIT;
    body.within_days = (int32_t)days;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_DUE_CLAIMS;
    req.list_due_claims = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_CLAIMS,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__ClaimList *list = resp->claims;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_claims; i++)
            records_add_claim(&doc, output_doc_add_record(&doc),
                              list->claims[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t claim_history(const cli_context_t *ctx, int argc,
                                char **argv)
{
    Aixin__V1__ClaimHistory body = AIXIN__V1__CLAIM_HISTORY__INIT;
    bool help_shown;
    cli_exit_t rc =
        claim_parse_only_id(CLAIM_HISTORY, _(claim_history_help), argc, argv,
                            &body.claim_id, &help_shown);
    if (rc != CLI_EXIT_OK || help_shown)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_CLAIM_HISTORY;
    req.claim_history = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req,
                         AIXIN__V1__RESPONSE__BODY_CLAIM_HISTORY, &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__ClaimTransitionList *list = resp->claim_history;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_transitions; i++)
            records_add_claim_transition(&doc, output_doc_add_record(&doc),
                                         list->transitions[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_claim_verbs[] = {
    {"file", N_("file a claim against a child's policy"), claim_file, NULL},
    {"documents", N_("record documents received for a claim"), claim_documents,
     NULL},
    {"review", N_("take a claim under review (adjuster)"), cmd_claim_review,
     NULL},
    {"doubt", N_("flag a doubt about a claim (adjuster)"), cmd_claim_doubt, NULL},
    {"escalate", N_("escalate a claim to a supervisor (adjuster)"),
     cmd_claim_escalate, NULL},
    {"approve", N_("approve an amount (adjuster)"), cmd_claim_approve, NULL},
    {"reject", N_("reject a claim with a reason (adjuster)"), cmd_claim_reject,
     NULL},
    {"pay", N_("record the payment of an approved claim"), cmd_claim_pay, NULL},
    {"visit", N_("record a follow-up visit to a paid family"), cmd_claim_visit,
     NULL},
    {"supplement", N_("add a supplementary payout (city admin)"),
     cmd_claim_supplement, NULL},
    {"show", N_("show a claim"), claim_show, NULL},
    {"due", N_("list claims near or past their deadline"), claim_due, NULL},
    {"history", N_("every change of a claim, with who and when"), claim_history,
     NULL},
    {"pending", N_("list approvals and payouts waiting for a second account"),
     cmd_claim_pending, NULL},
    {"confirm", N_("confirm an approval or payout another account asked for"),
     cmd_claim_confirm, NULL},
    {"decline", N_("decline (or withdraw) a waiting approval or payout"),
     cmd_claim_decline, NULL},
    {"audit-sample", N_("draw or show a month's post-audit sample of "
                        "same-day claims"),
     cmd_claim_audit_sample, NULL},
    {"audit-finding", N_("record the post-audit finding on a sampled claim"),
     cmd_claim_audit_finding, NULL},
    {NULL, NULL, NULL, NULL},
};
