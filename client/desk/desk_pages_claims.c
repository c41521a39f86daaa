/*
 * Pages: claims. The adjuster's queue (overdue, due today, due within 7
 * days), one claim with its history and the actions its state allows
 * (review, doubt, escalate, approve, reject, pay, visit), and filing a
 * claim with its documents. Payouts of 5,000 yuan and more must be
 * delivered to the family's home: the desk says so before sending, and
 * the city refuses it all the same.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "civil_date.h"
#include "desk_labels.h"
#include "i18n.h"
#include "money.h"
#include "names.h"

#define QUEUE_DAYS 7
#define HOME_DELIVERY_FEN 500000
#define CLAIM_DOCUMENTS_MAX 16
#define NOTE_MAX 500

/* Today in Asia/Shanghai (UTC+8, no daylight saving), "YYYY-MM-DD". */
static void today_shanghai(char out[CIVIL_DATE_TEXT_SIZE])
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    civil_date_format((civil_date_t){tm.tm_year + 1900, tm.tm_mon + 1,
                                     tm.tm_mday},
                      out);
}

static void vars_money(desk_vars_t *v, const char *name, int64_t fen)
{
    char text[MONEY_TEXT_SIZE];
    money_format_fen_grouped(fen, text);
    desk_vars_text(v, name, text);
}

static bool render_claim_row(const Aixin__V1__Claim *c, struct evbuffer *out)
{
    desk_vars_t *v = desk_vars_new();
    desk_vars_textf(v, "id", "%lld", (long long)c->id);
    desk_vars_text(v, "state", desk_label_claim_state(c->state));
    desk_vars_text(v, "state_name", names_claim_state(c->state));
    desk_vars_text(v, "due_date", c->due_date);
    desk_vars_text(v, "overdue", c->overdue ? _("overdue") : "");
    desk_vars_text(v, "child_name", c->child_name);
    desk_vars_text(v, "child_id_number", c->child_id_number);
    desk_vars_text(v, "event", desk_label_event(c->event));
    desk_vars_text(v, "service_class", desk_label_service_class(c->service_class));
    vars_money(v, "amount_claimed", c->amount_claimed_fen);
    bool ok = desk_render("claim_row.html", v, out);
    desk_vars_free(v);
    return ok;
}

static void page_queue(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    Aixin__V1__ListDueClaims body = AIXIN__V1__LIST_DUE_CLAIMS__INIT;
    body.within_days = QUEUE_DAYS;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_DUE_CLAIMS;
    rq.list_due_claims = &body;
    Aixin__V1__Response *resp = NULL;
    struct evbuffer *rows[3] = {evbuffer_new(), evbuffer_new(), evbuffer_new()};
    size_t count[3] = {0, 0, 0};
    bool ok = rows[0] != NULL && rows[1] != NULL && rows[2] != NULL;
    if (ok && desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_CLAIMS,
                             false, &resp, &notices) == CLI_EXIT_OK) {
        char today[CIVIL_DATE_TEXT_SIZE];
        today_shanghai(today);
        for (size_t i = 0; ok && i < resp->claims->n_claims; i++) {
            const Aixin__V1__Claim *c = resp->claims->claims[i];
            size_t group = c->overdue ? 0
                           : strcmp(c->due_date, today) == 0 ? 1
                                                             : 2;
            count[group]++;
            ok = render_claim_row(c, rows[group]);
        }
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    desk_vars_t *v = desk_vars_new();
    static const char *const names[3] = {"overdue_rows", "today_rows",
                                         "week_rows"};
    static const char *const counts[3] = {"overdue_count", "today_count",
                                          "week_count"};
    for (size_t g = 0; ok && g < 3; g++) {
        ok = desk_vars_html_buffer(v, names[g], rows[g]);
        desk_vars_textf(v, counts[g], "%zu", count[g]);
    }
    for (size_t g = 0; g < 3; g++)
        if (rows[g] != NULL)
            evbuffer_free(rows[g]);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Claims due"), "claims_queue.html", v,
                   &notices);
}

/* The claim's page: details, history, and the forms of its actions. */
static void page_claim_show(desk_t *d, struct evhttp_request *req,
                            int64_t id, desk_notices_t *notices);

/* A history note in the user's words. The city writes the note of
 * documents received as "<names>; documents complete"
 * (aixin.claim_documents_note): its fixed part is translated here. */
static void history_note(const char *note, char *out, size_t size)
{
    static const char complete[] = "documents complete";
    const char *text = note != NULL ? note : "";
    size_t len = strlen(text), tail = sizeof(complete) - 1;
    if (len >= tail && strcmp(text + len - tail, complete) == 0 &&
        (len == tail || (len >= tail + 2 &&
                         strncmp(text + len - tail - 2, "; ", 2) == 0)))
        snprintf(out, size, "%.*s%s", (int)(len - tail), text,
                 i18n_text(NC_("claim history", "documents complete")));
    else
        snprintf(out, size, "%s", text);
}

void desk_claim_page_show(desk_t *d, struct evhttp_request *req, int64_t id,
                          desk_notices_t *notices)
{
    page_claim_show(d, req, id, notices);
}

static void page_claim_show(desk_t *d, struct evhttp_request *req,
                            int64_t id, desk_notices_t *notices)
{
    Aixin__V1__GetClaim get = AIXIN__V1__GET_CLAIM__INIT;
    get.claim_id = id;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_GET_CLAIM;
    rq.get_claim = &get;
    Aixin__V1__Response *claim = NULL, *hist = NULL;
    if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_CLAIM, false,
                       &claim, notices) != CLI_EXIT_OK) {
        desk_page_send(d, req, HTTP_OK, _("Claim"), "claim_missing.html",
                       NULL, notices);
        return;
    }
    Aixin__V1__ClaimHistory hb = AIXIN__V1__CLAIM_HISTORY__INIT;
    hb.claim_id = id;
    Aixin__V1__Request hq = AIXIN__V1__REQUEST__INIT;
    hq.body_case = AIXIN__V1__REQUEST__BODY_CLAIM_HISTORY;
    hq.claim_history = &hb;
    struct evbuffer *rows = evbuffer_new();
    desk_vars_t *v = desk_vars_new();
    bool ok = rows != NULL;
    if (ok && desk_link_call(&d->link, &hq,
                             AIXIN__V1__RESPONSE__BODY_CLAIM_HISTORY, false,
                             &hist, notices) == CLI_EXIT_OK) {
        const Aixin__V1__ClaimTransitionList *l = hist->claim_history;
        for (size_t i = 0; ok && i < l->n_transitions; i++) {
            const Aixin__V1__ClaimTransition *t = l->transitions[i];
            desk_vars_t *tv = desk_vars_new();
            desk_vars_text(tv, "action", desk_label_claim_action(t->action));
            desk_vars_text(tv, "to_state", desk_label_claim_state(t->to_state));
            desk_vars_text(tv, "actor", t->actor);
            desk_vars_text(tv, "effective_on", t->effective_on);
            char note[4096]; /* notes of up to 20 document names */
            history_note(t->note, note, sizeof(note));
            desk_vars_text(tv, "note", note);
            vars_money(tv, "amount", t->amount_fen);
            ok = desk_render("claim_history_row.html", tv, rows);
            desk_vars_free(tv);
        }
        aixin__v1__response__free_unpacked(hist, NULL);
    }
    const Aixin__V1__Claim *c = claim->claim;
    ok = ok && desk_vars_html_buffer(v, "history_rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    desk_vars_textf(v, "id", "%lld", (long long)c->id);
    desk_vars_text(v, "state", desk_label_claim_state(c->state));
    desk_vars_text(v, "state_name", names_claim_state(c->state));
    desk_vars_text(v, "child_name", c->child_name);
    desk_vars_text(v, "child_id_number", c->child_id_number);
    desk_vars_textf(v, "policy_year", "%d", (int)c->policy_year);
    desk_vars_text(v, "insurer_code", c->insurer_code);
    desk_vars_text(v, "event", desk_label_event(c->event));
    desk_vars_text(v, "incident_date", c->incident_date);
    desk_vars_text(v, "received_on", c->received_on);
    desk_vars_text(v, "description", c->description);
    desk_vars_text(v, "service_class", desk_label_service_class(c->service_class));
    desk_vars_text(v, "due_date", c->due_date);
    desk_vars_text(v, "overdue", c->overdue ? _("overdue") : "");
    desk_vars_text(v, "documents_complete",
                   c->documents_complete ? _("complete") : _("incomplete"));
    desk_vars_text(v, "doubt", c->doubt ? _("doubt flagged") : "");
    vars_money(v, "amount_claimed", c->amount_claimed_fen);
    vars_money(v, "approved", c->approved_fen);
    vars_money(v, "paid", c->paid_fen);
    vars_money(v, "supplementary", c->supplementary_fen);
    desk_vars_text(v, "paid_on", c->paid_on);
    desk_vars_text(v, "payment_method",
                   desk_label_payment_method(c->payment_method));
    desk_vars_text(v, "delivered_home", c->delivered_home ? _("yes") : "");
    desk_vars_text(v, "home_delivery_required",
                   c->home_delivery_required ? _("yes") : "");
    desk_vars_text(v, "decision_reason", c->decision_reason);
    char approved[MONEY_TEXT_SIZE];
    money_format_fen(c->approved_fen, approved);
    desk_vars_text(v, "approved_plain", approved);
    aixin__v1__response__free_unpacked(claim, NULL);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Claim"), "claim.html", v, notices);
}

static bool parse_id(const char *s, int64_t *out)
{
    return cli_parse_int64(s, 1, INT64_MAX, out);
}

static void page_claim(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    int64_t id = 0;
    if (!desk_form_read(req, &form) ||
        !parse_id(desk_form_get(&form, "claim_id"), &id)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_NOTFOUND, _("There is no such page."));
        return;
    }
    desk_form_free(&form);
    page_claim_show(d, req, id, &notices);
}

/* A paper date field: "" (today) or YYYY-MM-DD. */
static bool date_ok(const char *s)
{
    civil_date_t dt;
    return s[0] == '\0' || civil_date_parse(s, strlen(s), &dt);
}

static bool yuan(const char *s, int64_t *fen)
{
    return money_parse_yuan(s, strlen(s), 0, fen) == MONEY_OK && *fen > 0;
}

/* Build and send the action the form names; messages to `notices`. */
static cli_exit_t claim_act(desk_t *d, const desk_form_t *f, int64_t id,
                            desk_notices_t *n)
{
    const char *action = desk_form_get(f, "action");
    char *note = (char *)desk_form_get(f, "note");
    char *date = (char *)desk_form_get(f, "decided_on");
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    Aixin__V1__ReviewClaim review = AIXIN__V1__REVIEW_CLAIM__INIT;
    Aixin__V1__FlagClaimDoubt doubt = AIXIN__V1__FLAG_CLAIM_DOUBT__INIT;
    Aixin__V1__EscalateClaim esc = AIXIN__V1__ESCALATE_CLAIM__INIT;
    Aixin__V1__ApproveClaim appr = AIXIN__V1__APPROVE_CLAIM__INIT;
    Aixin__V1__RejectClaim rej = AIXIN__V1__REJECT_CLAIM__INIT;
    Aixin__V1__PayClaim pay = AIXIN__V1__PAY_CLAIM__INIT;
    Aixin__V1__RecordVisit visit = AIXIN__V1__RECORD_VISIT__INIT;
    if (strlen(note) > NOTE_MAX * 4) {
        desk_notices_add(n, NOTICE_REJECTED, "note", "%s",
                         _("The note is too long."));
        return CLI_EXIT_REJECTED;
    }
    if (!date_ok(date)) {
        desk_notices_add(n, NOTICE_REJECTED, "decided_on", "%s",
                         _("Write the date as YYYY-MM-DD, or leave it empty "
                           "for today."));
        return CLI_EXIT_REJECTED;
    }
    if (strcmp(action, "review") == 0) {
        review.claim_id = id;
        review.note = note;
        rq.body_case = AIXIN__V1__REQUEST__BODY_REVIEW_CLAIM;
        rq.review_claim = &review;
    } else if (strcmp(action, "doubt") == 0) {
        doubt.claim_id = id;
        doubt.note = note;
        rq.body_case = AIXIN__V1__REQUEST__BODY_FLAG_CLAIM_DOUBT;
        rq.flag_claim_doubt = &doubt;
    } else if (strcmp(action, "escalate") == 0) {
        esc.claim_id = id;
        esc.note = note;
        esc.decided_on = date;
        rq.body_case = AIXIN__V1__REQUEST__BODY_ESCALATE_CLAIM;
        rq.escalate_claim = &esc;
    } else if (strcmp(action, "approve") == 0) {
        appr.claim_id = id;
        appr.note = note;
        appr.decided_on = date;
        if (!yuan(desk_form_get(f, "approved_yuan"), &appr.approved_fen)) {
            desk_notices_add(n, NOTICE_REJECTED, "approved_yuan", "%s",
                             _("Enter the amount in yuan, e.g. 6000.00."));
            return CLI_EXIT_REJECTED;
        }
        rq.body_case = AIXIN__V1__REQUEST__BODY_APPROVE_CLAIM;
        rq.approve_claim = &appr;
    } else if (strcmp(action, "reject") == 0) {
        rej.claim_id = id;
        rej.reason = note;
        rej.decided_on = date;
        rq.body_case = AIXIN__V1__REQUEST__BODY_REJECT_CLAIM;
        rq.reject_claim = &rej;
    } else if (strcmp(action, "pay") == 0) {
        pay.claim_id = id;
        pay.paid_on = date;
        pay.method = names_payment_method_parse(desk_form_get(f, "method"));
        pay.delivered_home = strcmp(desk_form_get(f, "delivered_home"), "1") == 0;
        if (!yuan(desk_form_get(f, "amount_yuan"), &pay.amount_fen)) {
            desk_notices_add(n, NOTICE_REJECTED, "amount_yuan", "%s",
                             _("Enter the amount in yuan, e.g. 6000.00."));
            return CLI_EXIT_REJECTED;
        }
        if (pay.amount_fen >= HOME_DELIVERY_FEN && !pay.delivered_home) {
            desk_notices_add(n, NOTICE_REJECTED, "delivered_home", "%s",
                             _("Payouts of 5,000 yuan or more must be "
                               "delivered to the family's home: tick "
                               "\"delivered to the home\" once it is."));
            return CLI_EXIT_REJECTED;
        }
        rq.body_case = AIXIN__V1__REQUEST__BODY_PAY_CLAIM;
        rq.pay_claim = &pay;
    } else if (strcmp(action, "visit") == 0) {
        visit.claim_id = id;
        visit.note = note;
        visit.visited_on = date;
        rq.body_case = AIXIN__V1__REQUEST__BODY_RECORD_VISIT;
        rq.record_visit = &visit;
    } else {
        desk_notices_add(n, NOTICE_REJECTED, "action", "%s",
                         _("Unknown action."));
        return CLI_EXIT_REJECTED;
    }
    Aixin__V1__Response *resp = NULL;
    cli_exit_t rc = desk_link_call(&d->link, &rq,
                                   AIXIN__V1__RESPONSE__BODY_CLAIM, false,
                                   &resp, n);
    /* Above the year's four-eyes threshold the approval only waits. */
    if (rc == CLI_EXIT_OK && resp != NULL && resp->claim != NULL &&
        resp->claim->pending_id != 0)
        desk_notices_add(n, NOTICE_WARNING, NULL,
                         _("The amount is above the year's four-eyes "
                           "threshold: nothing has changed yet. It waits as "
                           "pending action %lld until another adjuster "
                           "confirms it on the page \"Awaiting "
                           "confirmation\"."),
                         (long long)resp->claim->pending_id);
    if (resp != NULL)
        aixin__v1__response__free_unpacked(resp, NULL);
    return rc;
}

static void page_claim_action(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    int64_t id = 0;
    if (!desk_form_read(req, &form) ||
        !parse_id(desk_form_get(&form, "claim_id"), &id)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    if (claim_act(d, &form, id, &notices) == CLI_EXIT_OK)
        desk_notices_add(&notices, NOTICE_INFO, NULL, "%s", _("Saved."));
    desk_form_free(&form);
    page_claim_show(d, req, id, &notices);
}

static const char *const file_fields[] = {
    "child_id_number", "policy_year", "event",       "incident_date",
    "amount_yuan",     "documents",   "description", "received_on",
    NULL,
};

static void page_file_form(desk_t *d, struct evhttp_request *req,
                           const desk_form_t *f, desk_notices_t *notices)
{
    desk_vars_t *v = desk_vars_new();
    desk_vars_form_fields(v, file_fields, f, notices);
    /* The event chosen stays chosen when the form comes back. */
    static const char *const events[] = {"illness",     "accident_injury",
                                         "disability",  "child_death",
                                         "guardian_death", NULL};
    desk_vars_selected(v, "selected", events,
                       f != NULL ? desk_form_get(f, "event") : "");
    desk_vars_text(v, "documents_complete",
                   f != NULL && desk_form_get(f, "documents_complete")[0]
                       ? "checked"
                       : "");
    desk_page_send(d, req, HTTP_OK, _("File a claim"), "claim_file.html", v,
                   notices);
}

static void page_file_get(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    page_file_form(d, req, NULL, &notices);
}

static void page_file_post(desk_t *d, struct evhttp_request *req)
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
    Aixin__V1__FileClaim body = AIXIN__V1__FILE_CLAIM__INIT;
    char child[64];
    snprintf(child, sizeof(child), "%s", desk_form_get(&form, "child_id_number"));
    if (strlen(child) == 18 && child[17] == 'x')
        child[17] = 'X';
    body.child_id_number = child;
    int64_t year = 0;
    if (!cli_parse_int64(desk_form_get(&form, "policy_year"), 1900, 2999, &year))
        desk_notices_add(&notices, NOTICE_REJECTED, "policy_year", "%s",
                         _("Enter the policy year."));
    body.policy_year = (int32_t)year;
    body.event = names_event_type_parse(desk_form_get(&form, "event"));
    body.incident_date = (char *)desk_form_get(&form, "incident_date");
    civil_date_t dt;
    if (!civil_date_parse(body.incident_date, strlen(body.incident_date), &dt))
        desk_notices_add(&notices, NOTICE_REJECTED, "incident_date", "%s",
                         _("Write the date as YYYY-MM-DD."));
    if (!yuan(desk_form_get(&form, "amount_yuan"), &body.amount_claimed_fen))
        desk_notices_add(&notices, NOTICE_REJECTED, "amount_yuan", "%s",
                         _("Enter the amount in yuan, e.g. 6000.00."));
    body.documents_complete = desk_form_get(&form, "documents_complete")[0] != 0;
    body.description = (char *)desk_form_get(&form, "description");
    body.received_on = (char *)desk_form_get(&form, "received_on");
    if (!date_ok(body.received_on))
        desk_notices_add(&notices, NOTICE_REJECTED, "received_on", "%s",
                         _("Write the date as YYYY-MM-DD, or leave it empty "
                           "for today."));
    /* One document a line. */
    char *docs = strdup(desk_form_get(&form, "documents"));
    char *doc_ptrs[CLAIM_DOCUMENTS_MAX];
    size_t n_docs = 0;
    for (char *save = NULL, *line = docs != NULL ? strtok_r(docs, "\r\n", &save)
                                                 : NULL;
         line != NULL && n_docs < CLAIM_DOCUMENTS_MAX;
         line = strtok_r(NULL, "\r\n", &save))
        if (line[0] != '\0')
            doc_ptrs[n_docs++] = line;
    body.n_documents = n_docs;
    body.documents = doc_ptrs;
    Aixin__V1__Response *resp = NULL;
    if (notices.n == 0) {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_FILE_CLAIM;
        rq.file_claim = &body;
        if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_CLAIM,
                           false, &resp, &notices) != CLI_EXIT_OK)
            resp = NULL;
    }
    free(docs);
    if (resp == NULL) {
        page_file_form(d, req, &form, &notices);
        desk_form_free(&form);
        return;
    }
    int64_t id = resp->claim->id;
    aixin__v1__response__free_unpacked(resp, NULL);
    desk_form_free(&form);
    desk_notices_add(&notices, NOTICE_INFO, NULL, _("Claim %lld filed."),
                     (long long)id);
    page_claim_show(d, req, id, &notices);
}

const desk_route_t desk_claims_routes[] = {
    {"/claims", false, page_queue},
    {"/claim", false, page_claim},
    {"/claim/action", true, page_claim_action},
    {"/claim/new", false, page_file_get},
    {"/claim/new", true, page_file_post},
    {NULL, false, NULL},
};
