/* aixin grievance file, assign, answer, close, list, show: grievances
 * (信访) from receipt to resolution (grievances.proto). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "commands.h"
#include "grievance_text.h"
#include "i18n.h"
#include "input_check.h"
#include "rpc.h"

#define GRIEVANCE_FILE "grievance file"
#define GRIEVANCE_ASSIGN "grievance assign"
#define GRIEVANCE_ANSWER "grievance answer"
#define GRIEVANCE_CLOSE "grievance close"
#define GRIEVANCE_LIST "grievance list"
#define GRIEVANCE_SHOW "grievance show"
#define SUMMARY_MAX 500
#define ANSWER_MAX 1000

static const char *const file_help =
    N_("Usage: aixin grievance file --channel CHANNEL --summary TEXT\n"
    "                            (--claim N | --child ID | --guardian ID |\n"
    "                             --township CODE) [--received-on DATE]\n"
    "\n"
    "Record a grievance (信访): a complaint received by visit, phone or\n"
    "letter about a claim, a child's policy, a household (by a guardian's ID\n"
    "number) or the programme in a township. Its answer is due within the\n"
    "days the year of the date received sets (grievance_answer_days, 15 by\n"
    "default). Offices file the grievances of their own division.\n"
    "\n"
    "Options:\n"
    "  -c, --channel CHANNEL   visit (来访), phone (来电) or letter (来信)\n"
    "  -s, --summary TEXT      what the complaint says (up to 500 characters)\n"
    "      --claim N           about claim N\n"
    "      --child ID          about the child with this ID number\n"
    "      --guardian ID       about the household of this guardian\n"
    "  -t, --township CODE     the township it concerns (required without a\n"
    "                          subject; with one, it must be the subject's)\n"
    "  -r, --received-on DATE  date received, YYYY-MM-DD (default today)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Example:\n"
    "  aixin grievance file --channel phone --claim 42 --summary \"赔款未到\"\n");

static const char *const assign_help =
    N_("Usage: aixin grievance assign --grievance N --to USERNAME\n"
    "\n"
    "Give a grievance to an account to answer: an office whose division\n"
    "includes the grievance's township, or an adjuster of the insurer of the\n"
    "claim it is about. Can be given again to someone else until answered.\n"
    "\n"
    "Options:\n"
    "  -g, --grievance N   the grievance number\n"
    "      --to USERNAME   the account that answers it\n"
    "  -h, --help          show this help\n");

static const char *const answer_help =
    N_("Usage: aixin grievance answer --grievance N --answer TEXT [--on DATE]\n"
    "\n"
    "Record the answer given to the complainant. The person it is assigned\n"
    "to, or an office of its division, answers. Answered on or before the\n"
    "due date counts as on time.\n"
    "\n"
    "Options:\n"
    "  -g, --grievance N   the grievance number\n"
    "  -a, --answer TEXT   the answer (up to 1000 characters)\n"
    "      --on DATE       the date of the answer, YYYY-MM-DD (default today)\n"
    "  -h, --help          show this help\n");

static const char *const close_help =
    N_("Usage: aixin grievance close --grievance N --resolution TEXT [--on DATE]\n"
    "\n"
    "Close an answered grievance with its resolution.\n"
    "\n"
    "Options:\n"
    "  -g, --grievance N        the grievance number\n"
    "      --resolution TEXT    how it ended (up to 1000 characters)\n"
    "      --on DATE            the date closed, YYYY-MM-DD (default today)\n"
    "  -h, --help               show this help\n");

static const char *const list_help =
    N_("Usage: aixin grievance list [--status STATUS] [--overdue]\n"
    "                            [--division CODE] [--year YEAR]\n"
    "\n"
    "The grievances you may see, newest received first: an office's\n"
    "division, an adjuster's insurer's claims.\n"
    "\n"
    "Options:\n"
    "      --status STATUS   open, assigned, answered or closed\n"
    "      --overdue         only those not answered past their due date\n"
    "  -d, --division CODE   a county or township within yours\n"
    "  -y, --year YEAR       the year they were received\n"
    "  -h, --help            show this help\n");

static const char *const show_help =
    N_("Usage: aixin grievance show --grievance N\n"
    "\n"
    "One grievance with its history: who filed, assigned, answered and\n"
    "closed it, and when.\n"
    "\n"
    "Options:\n"
    "  -g, --grievance N   the grievance number\n"
    "  -h, --help          show this help\n");

enum {
    OPT_CLAIM = 256,
    OPT_CHILD,
    OPT_GUARDIAN,
    OPT_TO,
    OPT_ON,
    OPT_RESOLUTION,
    OPT_STATUS,
    OPT_OVERDUE,
};

/* Every option of every verb; each verb accepts those in its `allowed`. */
typedef struct grievance_args {
    const char *channel;
    const char *summary;
    const char *claim;
    const char *child;
    const char *guardian;
    const char *township;
    const char *received_on;
    const char *grievance;
    const char *to;
    const char *answer;
    const char *on;
    const char *resolution;
    const char *status;
    bool overdue;
    const char *division;
    const char *year;
} grievance_args_t;

static const struct option all_options[] = {
    {"channel", required_argument, NULL, 'c'},
    {"summary", required_argument, NULL, 's'},
    {"claim", required_argument, NULL, OPT_CLAIM},
    {"child", required_argument, NULL, OPT_CHILD},
    {"guardian", required_argument, NULL, OPT_GUARDIAN},
    {"township", required_argument, NULL, 't'},
    {"received-on", required_argument, NULL, 'r'},
    {"grievance", required_argument, NULL, 'g'},
    {"to", required_argument, NULL, OPT_TO},
    {"answer", required_argument, NULL, 'a'},
    {"on", required_argument, NULL, OPT_ON},
    {"resolution", required_argument, NULL, OPT_RESOLUTION},
    {"status", required_argument, NULL, OPT_STATUS},
    {"overdue", no_argument, NULL, OPT_OVERDUE},
    {"division", required_argument, NULL, 'd'},
    {"year", required_argument, NULL, 'y'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Whether option `c` belongs to `command`. */
static bool option_allowed(const char *command, int c)
{
    if (strcmp(command, GRIEVANCE_FILE) == 0)
        return c == 'c' || c == 's' || c == OPT_CLAIM || c == OPT_CHILD ||
               c == OPT_GUARDIAN || c == 't' || c == 'r';
    if (strcmp(command, GRIEVANCE_ASSIGN) == 0)
        return c == 'g' || c == OPT_TO;
    if (strcmp(command, GRIEVANCE_ANSWER) == 0)
        return c == 'g' || c == 'a' || c == OPT_ON;
    if (strcmp(command, GRIEVANCE_CLOSE) == 0)
        return c == 'g' || c == OPT_RESOLUTION || c == OPT_ON;
    if (strcmp(command, GRIEVANCE_LIST) == 0)
        return c == OPT_STATUS || c == OPT_OVERDUE || c == 'd' || c == 'y';
    return c == 'g'; /* show */
}

/* CLI_EXIT_OK, or CLI_EXIT_COUNT after --help (nothing more to do). */
static cli_exit_t parse(const char *command, const char *help, int argc,
                        char **argv, grievance_args_t *a)
{
    memset(a, 0, sizeof(*a));
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":c:s:t:r:g:a:d:y:h", all_options,
                            NULL)) != -1) {
        if (c == 'h') {
            fputs(_(help), stdout);
            return CLI_EXIT_COUNT;
        }
        if (c == '?' || c == ':' || !option_allowed(command, c))
            return cli_report_bad_option(command, argv, c == ':' ? c : '?');
        switch (c) {
        case 'c': a->channel = optarg; break;
        case 's': a->summary = optarg; break;
        case OPT_CLAIM: a->claim = optarg; break;
        case OPT_CHILD: a->child = optarg; break;
        case OPT_GUARDIAN: a->guardian = optarg; break;
        case 't': a->township = optarg; break;
        case 'r': a->received_on = optarg; break;
        case 'g': a->grievance = optarg; break;
        case OPT_TO: a->to = optarg; break;
        case 'a': a->answer = optarg; break;
        case OPT_ON: a->on = optarg; break;
        case OPT_RESOLUTION: a->resolution = optarg; break;
        case OPT_STATUS: a->status = optarg; break;
        case OPT_OVERDUE: a->overdue = true; break;
        case 'd': a->division = optarg; break;
        case 'y': a->year = optarg; break;
        default: return cli_report_bad_option(command, argv, '?');
        }
    }
    return cli_check_no_operands(command, argc, argv);
}

static cli_exit_t optional_date(const char *s, const char *field)
{
    civil_date_t d;
    return s == NULL ? CLI_EXIT_OK : input_check_date(s, field, &d);
}

static cli_exit_t need_grievance(const char *command,
                                 const grievance_args_t *a, int64_t *id)
{
    if (a->grievance == NULL)
        return cli_usage_error(command, _("missing --grievance"));
    return input_check_record_id(a->grievance, "grievance_id", id);
}

static void add_grievance(output_doc_t *doc, output_record_t *r,
                          const Aixin__V1__Grievance *g)
{
    output_add_int(doc, r, "id", _("Grievance"), g->id);
    output_add_text(doc, r, "status", NULL, g->status);
    output_add_text(doc, r, "status_text", _("Status"),
                    grievance_status_text(g->status));
    output_add_text(doc, r, "channel", NULL, g->channel);
    output_add_text(doc, r, "channel_text", _("Channel"),
                    grievance_channel_text(g->channel));
    output_add_text(doc, r, "received_on", _("Received"), g->received_on);
    output_add_text(doc, r, "due_on", _("Answer due"), g->due_on);
    output_add_bool(doc, r, "overdue", _("Overdue"), g->overdue);
    output_add_text(doc, r, "township_code", _("Township"), g->township_code);
    output_add_text(doc, r, "township_name", NULL, g->township_name);
    output_add_text(doc, r, "subject_kind", NULL, g->subject_kind);
    output_add_text(doc, r, "subject_text", _("About"),
                    grievance_subject_text(g->subject_kind));
    output_add_text_or_null(doc, r, "subject", _("Subject"), g->subject);
    output_add_text_or_null(doc, r, "insurer_code", NULL, g->insurer_code);
    output_add_text(doc, r, "summary", _("Summary"), g->summary);
    output_add_text(doc, r, "filed_by", NULL, g->filed_by);
    output_add_text_or_null(doc, r, "assigned_to", _("Assigned to"),
                            g->assigned_to);
    output_add_text_or_null(doc, r, "answer", NULL, g->answer);
    output_add_text_or_null(doc, r, "answered_on", _("Answered"),
                            g->answered_on);
    output_add_text_or_null(doc, r, "answered_by", NULL, g->answered_by);
    if (g->answered_on[0] != '\0')
        output_add_bool(doc, r, "answered_on_time", NULL, g->answered_on_time);
    output_add_text_or_null(doc, r, "resolution", NULL, g->resolution);
    output_add_text_or_null(doc, r, "closed_on", _("Closed on"), g->closed_on);
    output_add_text_or_null(doc, r, "closed_by", NULL, g->closed_by);
}

static cli_exit_t print_grievances(const cli_context_t *ctx,
                                   const Aixin__V1__GrievanceList *list,
                                   bool is_list)
{
    output_doc_t doc;
    output_doc_init(&doc, is_list);
    for (size_t i = 0; i < list->n_grievances; i++)
        add_grievance(&doc, output_doc_add_record(&doc), list->grievances[i]);
    cli_exit_t rc = CLI_EXIT_OK;
    if (!output_render(&doc, ctx->format, stdout))
        rc = CLI_EXIT_UNAVAILABLE;
    output_doc_free(&doc);
    return rc;
}

/* Send `req` and print the grievance(s) it answers with. */
static cli_exit_t call_and_print(const cli_context_t *ctx,
                                 Aixin__V1__Request *req, bool is_list)
{
    rpc_client_t *client = NULL;
    cli_exit_t rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, req, AIXIN__V1__RESPONSE__BODY_GRIEVANCES,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_grievances(ctx, resp->grievances, is_list);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t grievance_file(const cli_context_t *ctx, int argc,
                                 char **argv)
{
    grievance_args_t a;
    cli_exit_t rc = parse(GRIEVANCE_FILE, file_help, argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    if (a.channel == NULL)
        return cli_usage_error(GRIEVANCE_FILE, _("missing --channel"));
    if (a.summary == NULL)
        return cli_usage_error(GRIEVANCE_FILE, _("missing --summary"));
    int subjects = (a.claim != NULL) + (a.child != NULL) + (a.guardian != NULL);
    if (subjects > 1)
        return cli_usage_error(
            GRIEVANCE_FILE, _("give at most one of --claim, --child, --guardian"));
    if (subjects == 0 && a.township == NULL)
        return cli_usage_error(
            GRIEVANCE_FILE,
            _("give what it is about (--claim, --child or --guardian) or the "
              "--township it concerns"));
    if (strcmp(a.channel, "visit") != 0 && strcmp(a.channel, "phone") != 0 &&
        strcmp(a.channel, "letter") != 0)
        return cli_reject_input("channel",
                                _("channel must be visit, phone or letter"));
    Aixin__V1__FileGrievance body = AIXIN__V1__FILE_GRIEVANCE__INIT;
    body.channel = (char *)a.channel;
    body.summary = (char *)a.summary;
    rc = input_check_text(a.summary, "summary", _("the summary"), 1,
                          SUMMARY_MAX);
    if (rc == CLI_EXIT_OK)
        rc = optional_date(a.received_on, "received_on");
    if (rc == CLI_EXIT_OK && a.township != NULL)
        rc = input_check_township_code(a.township, "township_code");
    char id[32] = "";
    if (rc == CLI_EXIT_OK && a.claim != NULL) {
        int64_t claim_id;
        rc = input_check_record_id(a.claim, "subject", &claim_id);
        body.subject_kind = "claim";
        body.subject = (char *)a.claim;
    } else if (rc == CLI_EXIT_OK && (a.child != NULL || a.guardian != NULL)) {
        snprintf(id, sizeof(id), "%s", a.child != NULL ? a.child : a.guardian);
        input_normalize_id_number(id);
        rc = input_check_id_number(id, "subject", NULL);
        body.subject_kind = a.child != NULL ? "child" : "guardian";
        body.subject = id;
    } else {
        body.subject_kind = "none";
    }
    if (rc != CLI_EXIT_OK)
        return rc;
    body.received_on = (char *)(a.received_on ? a.received_on : "");
    body.township_code = (char *)(a.township ? a.township : "");
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_FILE_GRIEVANCE;
    req.file_grievance = &body;
    return call_and_print(ctx, &req, false);
}

static cli_exit_t grievance_assign(const cli_context_t *ctx, int argc,
                                   char **argv)
{
    grievance_args_t a;
    cli_exit_t rc = parse(GRIEVANCE_ASSIGN, assign_help, argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    Aixin__V1__AssignGrievance body = AIXIN__V1__ASSIGN_GRIEVANCE__INIT;
    rc = need_grievance(GRIEVANCE_ASSIGN, &a, &body.grievance_id);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (a.to == NULL)
        return cli_usage_error(GRIEVANCE_ASSIGN, _("missing --to"));
    body.assignee = (char *)a.to;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ASSIGN_GRIEVANCE;
    req.assign_grievance = &body;
    return call_and_print(ctx, &req, false);
}

static cli_exit_t grievance_answer(const cli_context_t *ctx, int argc,
                                   char **argv)
{
    grievance_args_t a;
    cli_exit_t rc = parse(GRIEVANCE_ANSWER, answer_help, argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    Aixin__V1__AnswerGrievance body = AIXIN__V1__ANSWER_GRIEVANCE__INIT;
    rc = need_grievance(GRIEVANCE_ANSWER, &a, &body.grievance_id);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (a.answer == NULL)
        return cli_usage_error(GRIEVANCE_ANSWER, _("missing --answer"));
    rc = input_check_text(a.answer, "answer", _("the answer"), 1, ANSWER_MAX);
    if (rc == CLI_EXIT_OK)
        rc = optional_date(a.on, "answered_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.answer = (char *)a.answer;
    body.answered_on = (char *)(a.on ? a.on : "");
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ANSWER_GRIEVANCE;
    req.answer_grievance = &body;
    return call_and_print(ctx, &req, false);
}

static cli_exit_t grievance_close(const cli_context_t *ctx, int argc,
                                  char **argv)
{
    grievance_args_t a;
    cli_exit_t rc = parse(GRIEVANCE_CLOSE, close_help, argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    Aixin__V1__CloseGrievance body = AIXIN__V1__CLOSE_GRIEVANCE__INIT;
    rc = need_grievance(GRIEVANCE_CLOSE, &a, &body.grievance_id);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (a.resolution == NULL)
        return cli_usage_error(GRIEVANCE_CLOSE, _("missing --resolution"));
    rc = input_check_text(a.resolution, "resolution", _("the resolution"), 1,
                          ANSWER_MAX);
    if (rc == CLI_EXIT_OK)
        rc = optional_date(a.on, "closed_on");
    if (rc != CLI_EXIT_OK)
        return rc;
    body.resolution = (char *)a.resolution;
    body.closed_on = (char *)(a.on ? a.on : "");
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_CLOSE_GRIEVANCE;
    req.close_grievance = &body;
    return call_and_print(ctx, &req, false);
}

static cli_exit_t grievance_list(const cli_context_t *ctx, int argc,
                                 char **argv)
{
    grievance_args_t a;
    cli_exit_t rc = parse(GRIEVANCE_LIST, list_help, argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    Aixin__V1__ListGrievances body = AIXIN__V1__LIST_GRIEVANCES__INIT;
    if (a.status != NULL) {
        if (strcmp(a.status, "open") != 0 && strcmp(a.status, "assigned") != 0 &&
            strcmp(a.status, "answered") != 0 && strcmp(a.status, "closed") != 0)
            return cli_reject_input(
                "status", _("status must be open, assigned, answered or closed"));
        body.status = (char *)a.status;
    }
    if (a.division != NULL) {
        rc = input_check_division_code(a.division, "division_code");
        if (rc != CLI_EXIT_OK)
            return rc;
        body.division_code = (char *)a.division;
    }
    if (a.year != NULL) {
        rc = input_check_year(a.year, "year", &body.year);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    body.overdue = a.overdue;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_GRIEVANCES;
    req.list_grievances = &body;
    return call_and_print(ctx, &req, true);
}

static void add_history(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__GrievanceHistory *h)
{
    output_list_t *list = output_add_list(doc, r, "history", _("History"));
    if (list == NULL)
        return;
    for (size_t i = 0; i < h->n_events; i++) {
        const Aixin__V1__GrievanceEvent *e = h->events[i];
        output_record_t *er = output_list_add_record(doc, list);
        if (er == NULL)
            return;
        output_add_text(doc, er, "at", _("At"), e->at);
        output_add_text(doc, er, "username", _("By"), e->username);
        output_add_text(doc, er, "action", _("Step"), e->action);
        output_add_text_or_null(doc, er, "from_status", NULL, e->from_status);
        output_add_text(doc, er, "to_status", NULL, e->to_status);
        output_add_text(doc, er, "to_status_text", _("Status"),
                        grievance_status_text(e->to_status));
        output_add_text(doc, er, "on_date", _("Date"), e->on_date);
        output_add_text_or_null(doc, er, "note", _("Note"), e->note);
    }
}

static cli_exit_t grievance_show(const cli_context_t *ctx, int argc,
                                 char **argv)
{
    grievance_args_t a;
    cli_exit_t rc = parse(GRIEVANCE_SHOW, show_help, argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    int64_t id = 0;
    rc = need_grievance(GRIEVANCE_SHOW, &a, &id);
    if (rc != CLI_EXIT_OK)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__GetGrievance get = AIXIN__V1__GET_GRIEVANCE__INIT;
    get.grievance_id = id;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_GET_GRIEVANCE;
    req.get_grievance = &get;
    Aixin__V1__Response *one = NULL;
    Aixin__V1__Response *hist = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_GRIEVANCES,
                         &one);
    if (rc == CLI_EXIT_OK) {
        Aixin__V1__GetGrievanceHistory body =
            AIXIN__V1__GET_GRIEVANCE_HISTORY__INIT;
        body.grievance_id = id;
        Aixin__V1__Request hreq = AIXIN__V1__REQUEST__INIT;
        hreq.body_case = AIXIN__V1__REQUEST__BODY_GRIEVANCE_HISTORY;
        hreq.grievance_history = &body;
        rc = rpc_client_call(client, &hreq,
                             AIXIN__V1__RESPONSE__BODY_GRIEVANCE_HISTORY, &hist);
    }
    if (rc == CLI_EXIT_OK && one->grievances->n_grievances == 1) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        output_record_t *r = output_doc_add_record(&doc);
        if (r != NULL) {
            add_grievance(&doc, r, one->grievances->grievances[0]);
            add_history(&doc, r, hist->grievance_history);
        }
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
    }
    if (one != NULL)
        aixin__v1__response__free_unpacked(one, NULL);
    if (hist != NULL)
        aixin__v1__response__free_unpacked(hist, NULL);
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_grievance_verbs[] = {
    {"file", N_("record a grievance (visit, phone, letter)"), grievance_file,
     NULL},
    {"assign", N_("give a grievance to an account to answer"),
     grievance_assign, NULL},
    {"answer", N_("record the answer to a grievance"), grievance_answer, NULL},
    {"close", N_("close an answered grievance with its resolution"),
     grievance_close, NULL},
    {"list", N_("list grievances (by status, overdue, division, year)"),
     grievance_list, NULL},
    {"show", N_("show a grievance with its history"), grievance_show, NULL},
    {NULL, NULL, NULL, NULL},
};
