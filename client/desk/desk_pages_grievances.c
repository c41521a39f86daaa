/*
 * Pages: grievances (信访). The list of the office's grievances (overdue
 * ones, or by status), recording one received by visit, phone or letter,
 * and one grievance with its history and the steps its status allows:
 * assign it to a colleague, answer it, close it with the resolution. The
 * city keeps the deadlines and the rules (who may answer, what may be
 * closed); its refusals are shown in the user's language.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_date.h"
#include "grievance_text.h"
#include "i18n.h"

/* Longest texts (in characters, as the city counts them; 4 bytes each at
 * most in UTF-8). */
#define SUMMARY_MAX_CHARS 500
#define ANSWER_MAX_CHARS 1000

/* The inputs the file form gives back as typed when it is refused. */
static const char *const file_fields[] = {
    "channel", "summary", "received_on", "subject_kind", "subject",
    "township_code", NULL,
};

static bool parse_id(const char *s, int64_t *out)
{
    return cli_parse_int64(s, 1, INT64_MAX, out);
}

/* A paper date field: "" (today) or YYYY-MM-DD. */
static bool date_ok(const char *s)
{
    civil_date_t dt;
    return s[0] == '\0' || civil_date_parse(s, strlen(s), &dt);
}

static bool text_fits(const char *s, size_t max_chars)
{
    return strlen(s) <= max_chars * 4;
}

static bool render_row(const Aixin__V1__Grievance *g, struct evbuffer *out)
{
    desk_vars_t *v = desk_vars_new();
    desk_vars_textf(v, "id", "%lld", (long long)g->id);
    desk_vars_text(v, "status_name", g->status);
    desk_vars_text(v, "status", grievance_status_text(g->status));
    desk_vars_text(v, "overdue", g->overdue ? _("overdue") : "");
    desk_vars_text(v, "channel", grievance_channel_text(g->channel));
    desk_vars_text(v, "received_on", g->received_on);
    desk_vars_text(v, "due_on", g->due_on);
    desk_vars_text(v, "township_name", g->township_name);
    desk_vars_text(v, "assigned_to", g->assigned_to);
    desk_vars_text(v, "summary", g->summary);
    bool ok = desk_render("grievance_row.html", v, out);
    desk_vars_free(v);
    return ok;
}

/* The list, with the file form (`filed`: the form as typed, or NULL). */
static void page_list_show(desk_t *d, struct evhttp_request *req,
                           const desk_form_t *query, const desk_form_t *filed,
                           desk_notices_t *notices)
{
    static const char *const statuses[] = {"", "open", "assigned",
                                           "answered", "closed", NULL};
    static const char *const channels[] = {"visit", "phone", "letter", NULL};
    static const char *const subjects[] = {"none", "claim", "child",
                                           "guardian", NULL};
    const char *status = query != NULL ? desk_form_get(query, "status") : "";
    bool overdue = query != NULL && desk_form_get(query, "overdue")[0] != '\0';
    bool status_known = false;
    for (const char *const *k = statuses; *k != NULL; k++)
        status_known = status_known || strcmp(*k, status) == 0;
    if (!status_known)
        status = "";
    Aixin__V1__ListGrievances body = AIXIN__V1__LIST_GRIEVANCES__INIT;
    body.status = (char *)status;
    body.overdue = overdue;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_GRIEVANCES;
    rq.list_grievances = &body;
    Aixin__V1__Response *resp = NULL;
    struct evbuffer *rows = evbuffer_new();
    bool ok = rows != NULL;
    size_t count = 0;
    if (ok && desk_link_call(&d->link, &rq,
                             AIXIN__V1__RESPONSE__BODY_GRIEVANCES, false,
                             &resp, notices) == CLI_EXIT_OK) {
        const Aixin__V1__GrievanceList *l = resp->grievances;
        for (size_t i = 0; ok && i < l->n_grievances; i++)
            ok = render_row(l->grievances[i], rows);
        count = l->n_grievances;
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    desk_vars_t *v = desk_vars_new();
    ok = ok && desk_vars_html_buffer(v, "rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    desk_vars_textf(v, "count", "%zu", count);
    desk_vars_text(v, "overdue_checked", overdue ? "checked" : "");
    desk_vars_selected(v, "status", statuses, status);
    desk_vars_form_fields(v, file_fields, filed, notices);
    desk_vars_selected(v, "channel", channels,
                  filed != NULL ? desk_form_get(filed, "channel") : "visit");
    desk_vars_selected(v, "subject_kind", subjects,
                  filed != NULL ? desk_form_get(filed, "subject_kind")
                                : "none");
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Grievances"), "grievances.html", v,
                   notices);
}

static void page_list(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t query;
    desk_notices_t notices = {0};
    bool read = desk_form_read(req, &query);
    page_list_show(d, req, read ? &query : NULL, NULL, &notices);
    desk_form_free(&query);
}

/* One grievance: details, history, the forms of its steps. */
static void page_grievance_show(desk_t *d, struct evhttp_request *req,
                                int64_t id, desk_notices_t *notices)
{
    Aixin__V1__GetGrievance get = AIXIN__V1__GET_GRIEVANCE__INIT;
    get.grievance_id = id;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_GET_GRIEVANCE;
    rq.get_grievance = &get;
    Aixin__V1__Response *one = NULL, *hist = NULL;
    if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_GRIEVANCES,
                       false, &one, notices) != CLI_EXIT_OK ||
        one->grievances->n_grievances != 1) {
        if (one != NULL)
            aixin__v1__response__free_unpacked(one, NULL);
        desk_page_send(d, req, HTTP_OK, _("A grievance"),
                       "grievance_missing.html", NULL, notices);
        return;
    }
    Aixin__V1__GetGrievanceHistory hb =
        AIXIN__V1__GET_GRIEVANCE_HISTORY__INIT;
    hb.grievance_id = id;
    Aixin__V1__Request hq = AIXIN__V1__REQUEST__INIT;
    hq.body_case = AIXIN__V1__REQUEST__BODY_GRIEVANCE_HISTORY;
    hq.grievance_history = &hb;
    struct evbuffer *rows = evbuffer_new();
    bool ok = rows != NULL;
    if (ok && desk_link_call(&d->link, &hq,
                             AIXIN__V1__RESPONSE__BODY_GRIEVANCE_HISTORY,
                             false, &hist, notices) == CLI_EXIT_OK) {
        const Aixin__V1__GrievanceHistory *l = hist->grievance_history;
        for (size_t i = 0; ok && i < l->n_events; i++) {
            const Aixin__V1__GrievanceEvent *e = l->events[i];
            desk_vars_t *ev = desk_vars_new();
            desk_vars_text(ev, "at", e->at);
            desk_vars_text(ev, "on_date", e->on_date);
            desk_vars_text(ev, "username", e->username);
            desk_vars_text(ev, "to_status", grievance_status_text(e->to_status));
            /* The note of a filing is its channel's name. */
            desk_vars_text(ev, "note",
                           strcmp(e->action, "file") == 0
                               ? grievance_channel_text(e->note)
                               : e->note);
            ok = desk_render("grievance_history_row.html", ev, rows);
            desk_vars_free(ev);
        }
        aixin__v1__response__free_unpacked(hist, NULL);
    }
    const Aixin__V1__Grievance *g = one->grievances->grievances[0];
    desk_vars_t *v = desk_vars_new();
    ok = ok && desk_vars_html_buffer(v, "history_rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    desk_vars_textf(v, "id", "%lld", (long long)g->id);
    desk_vars_text(v, "status_name", g->status);
    desk_vars_text(v, "status", grievance_status_text(g->status));
    desk_vars_text(v, "overdue", g->overdue ? _("overdue") : "");
    desk_vars_text(v, "channel", grievance_channel_text(g->channel));
    desk_vars_text(v, "summary", g->summary);
    desk_vars_text(v, "received_on", g->received_on);
    desk_vars_text(v, "due_on", g->due_on);
    desk_vars_textf(v, "township", "%s %s", g->township_code,
                    g->township_name);
    desk_vars_textf(v, "subject", "%s %s", grievance_subject_text(g->subject_kind),
                    g->subject);
    desk_vars_text(v, "filed_by", g->filed_by);
    desk_vars_text(v, "assigned_to", g->assigned_to);
    desk_vars_text(v, "answer", g->answer);
    desk_vars_text(v, "answered", g->answered_on[0] != '\0'
                                      ? g->answered_on
                                      : "");
    desk_vars_text(v, "answered_by", g->answered_by);
    desk_vars_text(v, "on_time",
                   g->answered_on[0] == '\0' ? ""
                   : g->answered_on_time     ? _("answered on time")
                                             : _("answered late"));
    desk_vars_text(v, "resolution", g->resolution);
    desk_vars_text(v, "closed_on", g->closed_on);
    desk_vars_text(v, "closed_by", g->closed_by);
    aixin__v1__response__free_unpacked(one, NULL);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("A grievance"), "grievance.html", v,
                   notices);
}

static void page_grievance(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    int64_t id = 0;
    if (!desk_form_read(req, &form) ||
        !parse_id(desk_form_get(&form, "grievance_id"), &id)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_NOTFOUND, _("There is no such page."));
        return;
    }
    desk_form_free(&form);
    page_grievance_show(d, req, id, &notices);
}

/* POST /grievance/new: channel, summary, received_on, subject_kind,
 * subject, township_code. */
static void page_file(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    if (!desk_form_read(req, &form)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    Aixin__V1__FileGrievance body = AIXIN__V1__FILE_GRIEVANCE__INIT;
    body.channel = (char *)desk_form_get(&form, "channel");
    body.summary = (char *)desk_form_get(&form, "summary");
    body.received_on = (char *)desk_form_get(&form, "received_on");
    body.subject_kind = (char *)desk_form_get(&form, "subject_kind");
    char subject[64];
    snprintf(subject, sizeof(subject), "%s", desk_form_get(&form, "subject"));
    /* An ID number typed with a small x. */
    if (strlen(subject) == 18 && subject[17] == 'x')
        subject[17] = 'X';
    body.subject = subject;
    body.township_code = (char *)desk_form_get(&form, "township_code");
    if (body.summary[0] == '\0' ||
        !text_fits(body.summary, SUMMARY_MAX_CHARS))
        desk_notices_add(&notices, NOTICE_REJECTED, "summary", "%s",
                         _("Write what the grievance is about (at most 500 "
                           "characters)."));
    if (!date_ok(body.received_on))
        desk_notices_add(&notices, NOTICE_REJECTED, "received_on", "%s",
                         _("Write the date as YYYY-MM-DD, or leave it empty "
                           "for today."));
    Aixin__V1__Response *resp = NULL;
    if (notices.n == 0) {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_FILE_GRIEVANCE;
        rq.file_grievance = &body;
        if (desk_link_call(&d->link, &rq,
                           AIXIN__V1__RESPONSE__BODY_GRIEVANCES, false, &resp,
                           &notices) != CLI_EXIT_OK ||
            resp->grievances->n_grievances != 1) {
            if (resp != NULL)
                aixin__v1__response__free_unpacked(resp, NULL);
            resp = NULL;
        }
    }
    if (resp == NULL) {
        page_list_show(d, req, NULL, &form, &notices);
        desk_form_free(&form);
        return;
    }
    int64_t id = resp->grievances->grievances[0]->id;
    aixin__v1__response__free_unpacked(resp, NULL);
    desk_form_free(&form);
    desk_notices_add(&notices, NOTICE_INFO, NULL,
                     _("Grievance %lld recorded."), (long long)id);
    page_grievance_show(d, req, id, &notices);
}

/* Build and send the step the form names (assign, answer, close). */
static cli_exit_t grievance_act(desk_t *d, const desk_form_t *f, int64_t id,
                                desk_notices_t *n)
{
    const char *action = desk_form_get(f, "action");
    char *text = (char *)desk_form_get(f, "text");
    char *date = (char *)desk_form_get(f, "on_date");
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    Aixin__V1__AssignGrievance assign = AIXIN__V1__ASSIGN_GRIEVANCE__INIT;
    Aixin__V1__AnswerGrievance answer = AIXIN__V1__ANSWER_GRIEVANCE__INIT;
    Aixin__V1__CloseGrievance close = AIXIN__V1__CLOSE_GRIEVANCE__INIT;
    if (!date_ok(date)) {
        desk_notices_add(n, NOTICE_REJECTED, "on_date", "%s",
                         _("Write the date as YYYY-MM-DD, or leave it empty "
                           "for today."));
        return CLI_EXIT_REJECTED;
    }
    if (strcmp(action, "assign") == 0) {
        assign.grievance_id = id;
        assign.assignee = (char *)desk_form_get(f, "assignee");
        if (assign.assignee[0] == '\0') {
            desk_notices_add(n, NOTICE_REJECTED, "assignee", "%s",
                             _("Enter the user name of the colleague."));
            return CLI_EXIT_REJECTED;
        }
        rq.body_case = AIXIN__V1__REQUEST__BODY_ASSIGN_GRIEVANCE;
        rq.assign_grievance = &assign;
    } else if (strcmp(action, "answer") == 0 ||
               strcmp(action, "close") == 0) {
        if (text[0] == '\0' || !text_fits(text, ANSWER_MAX_CHARS)) {
            desk_notices_add(n, NOTICE_REJECTED, "text", "%s",
                             _("Write the answer or the resolution (at most "
                               "1000 characters)."));
            return CLI_EXIT_REJECTED;
        }
        if (action[1] == 'n') { /* answer */
            answer.grievance_id = id;
            answer.answer = text;
            answer.answered_on = date;
            rq.body_case = AIXIN__V1__REQUEST__BODY_ANSWER_GRIEVANCE;
            rq.answer_grievance = &answer;
        } else {
            close.grievance_id = id;
            close.resolution = text;
            close.closed_on = date;
            rq.body_case = AIXIN__V1__REQUEST__BODY_CLOSE_GRIEVANCE;
            rq.close_grievance = &close;
        }
    } else {
        desk_notices_add(n, NOTICE_REJECTED, "action", "%s",
                         _("Unknown action."));
        return CLI_EXIT_REJECTED;
    }
    Aixin__V1__Response *resp = NULL;
    cli_exit_t rc = desk_link_call(
        &d->link, &rq, AIXIN__V1__RESPONSE__BODY_GRIEVANCES, false, &resp, n);
    if (resp != NULL)
        aixin__v1__response__free_unpacked(resp, NULL);
    return rc;
}

/* POST /grievance/action: grievance_id, action, assignee, text, on_date. */
static void page_action(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    int64_t id = 0;
    if (!desk_form_read(req, &form) ||
        !parse_id(desk_form_get(&form, "grievance_id"), &id)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    if (grievance_act(d, &form, id, &notices) == CLI_EXIT_OK)
        desk_notices_add(&notices, NOTICE_INFO, NULL, "%s", _("Saved."));
    desk_form_free(&form);
    page_grievance_show(d, req, id, &notices);
}

const desk_route_t desk_grievance_routes[] = {
    {"/grievances", false, page_list},
    {"/grievance", false, page_grievance},
    {"/grievance/new", true, page_file},
    {"/grievance/action", true, page_action},
    {NULL, false, NULL},
};
