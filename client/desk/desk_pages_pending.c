/*
 * Pages: four eyes on money. An approval or a supplementary payout above
 * the year's threshold waits as a pending action until a second account
 * confirms it (another adjuster of the claim's insurer; another city
 * admin for a payout) or someone declines it with a reason; the account
 * that asked may withdraw it. The city decides who may do which and
 * checks the action again when it is confirmed; the page lists what the
 * account may see and sends its decision.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "money.h"
#include "pending_text.h"

#define REASON_MAX_CHARS 500

static void vars_money(desk_vars_t *v, const char *name, int64_t fen)
{
    char text[MONEY_TEXT_SIZE];
    money_format_fen_grouped(fen, text);
    desk_vars_text(v, name, text);
}

static bool render_row(const Aixin__V1__PendingAction *a, struct evbuffer *out)
{
    desk_vars_t *v = desk_vars_new();
    desk_vars_textf(v, "id", "%lld", (long long)a->id);
    desk_vars_text(v, "state_name", a->state);
    desk_vars_text(v, "state", pending_state_text(a->state));
    desk_vars_text(v, "kind", pending_kind_text(a->kind));
    desk_vars_textf(v, "claim_id", "%lld", (long long)a->claim_id);
    desk_vars_textf(v, "policy_year", "%d", (int)a->policy_year);
    desk_vars_text(v, "insurer_code", a->insurer_code);
    vars_money(v, "amount", a->amount_fen);
    vars_money(v, "threshold", a->threshold_fen);
    desk_vars_text(v, "requested_by", a->requested_by);
    desk_vars_text(v, "requested_at", a->requested_at);
    desk_vars_textf(v, "decided", "%s %s %s", a->decided_by, a->decided_at,
                    a->decision_reason);
    desk_vars_text(v, "note", a->note[0] != '\0' ? a->note : a->reference);
    /* Only a waiting action has a decision to make. */
    bool ok = desk_render(strcmp(a->state, "pending") == 0
                              ? "pending_row.html"
                              : "pending_row_decided.html",
                          v, out);
    desk_vars_free(v);
    return ok;
}

static void page_pending_show(desk_t *d, struct evhttp_request *req,
                              bool include_decided, desk_notices_t *notices)
{
    Aixin__V1__ListPending body = AIXIN__V1__LIST_PENDING__INIT;
    body.include_decided = include_decided;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_PENDING;
    rq.list_pending = &body;
    Aixin__V1__Response *resp = NULL;
    struct evbuffer *rows = evbuffer_new();
    bool ok = rows != NULL;
    size_t count = 0;
    if (ok && desk_link_call(&d->link, &rq,
                             AIXIN__V1__RESPONSE__BODY_PENDING_LIST, false,
                             &resp, notices) == CLI_EXIT_OK) {
        const Aixin__V1__PendingList *l = resp->pending_list;
        for (size_t i = 0; ok && i < l->n_actions; i++)
            ok = render_row(l->actions[i], rows);
        count = l->n_actions;
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    desk_vars_t *v = desk_vars_new();
    ok = ok && desk_vars_html_buffer(v, "rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    desk_vars_textf(v, "count", "%zu", count);
    desk_vars_text(v, "decided_checked", include_decided ? "checked" : "");
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Awaiting a second confirmation"),
                   "pending.html", v, notices);
}

static void page_pending(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t query;
    desk_notices_t notices = {0};
    bool decided = desk_form_read(req, &query) &&
                   desk_form_get(&query, "include_decided")[0] != '\0';
    desk_form_free(&query);
    page_pending_show(d, req, decided, &notices);
}

/* POST /pending/decide: pending_id, decision (confirm or decline),
 * reason. */
static void page_decide(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    int64_t id = 0;
    if (!desk_form_read(req, &form) ||
        !cli_parse_int64(desk_form_get(&form, "pending_id"), 1, INT64_MAX,
                         &id)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    const char *decision = desk_form_get(&form, "decision");
    Aixin__V1__ConfirmPending body = AIXIN__V1__CONFIRM_PENDING__INIT;
    body.pending_id = id;
    body.reason = (char *)desk_form_get(&form, "reason");
    if (strcmp(decision, "confirm") == 0)
        body.decision = AIXIN__V1__PENDING_DECISION__PENDING_DECISION_CONFIRM;
    else if (strcmp(decision, "decline") == 0)
        body.decision = AIXIN__V1__PENDING_DECISION__PENDING_DECISION_DECLINE;
    if (body.decision == AIXIN__V1__PENDING_DECISION__PENDING_DECISION_UNSPECIFIED)
        desk_notices_add(&notices, NOTICE_REJECTED, "decision", "%s",
                         _("Unknown action."));
    else if (strlen(body.reason) > REASON_MAX_CHARS * 4)
        desk_notices_add(&notices, NOTICE_REJECTED, "reason", "%s",
                         _("The reason is too long."));
    else if (body.decision ==
                 AIXIN__V1__PENDING_DECISION__PENDING_DECISION_DECLINE &&
             body.reason[0] == '\0')
        desk_notices_add(&notices, NOTICE_REJECTED, "reason", "%s",
                         _("Say why it is declined."));
    if (notices.n == 0) {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_CONFIRM_PENDING;
        rq.confirm_pending = &body;
        Aixin__V1__Response *resp = NULL;
        if (desk_link_call(&d->link, &rq,
                           AIXIN__V1__RESPONSE__BODY_PENDING_ACTION, false,
                           &resp, &notices) == CLI_EXIT_OK) {
            const Aixin__V1__PendingAction *a = resp->pending_action;
            desk_notices_add(&notices, NOTICE_INFO, NULL,
                             _("Pending action %lld (%s of claim %lld): %s."),
                             (long long)a->id, pending_kind_text(a->kind),
                             (long long)a->claim_id,
                             pending_state_text(a->state));
            aixin__v1__response__free_unpacked(resp, NULL);
        }
    }
    desk_form_free(&form);
    page_pending_show(d, req, false, &notices);
}

const desk_route_t desk_pending_routes[] = {
    {"/pending", false, page_pending},
    {"/pending/decide", true, page_decide},
    {NULL, false, NULL},
};
