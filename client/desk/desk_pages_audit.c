/*
 * Page: the audit log, for city administrators and auditors. Who did what
 * and when (newest first, filtered by division, days in Beijing time and
 * account), each action in words, and the check of the log's hash chain,
 * which names the first row changed or removed by hand. The city decides
 * who may read which rows.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "audit_text.h"
#include "beijing_day.h"
#include "i18n.h"
#include "output.h"

#define AUDIT_ROWS_SHOWN 500

static const char *const filter_fields[] = {
    "division_code", "from", "to", "username", NULL,
};

static bool render_row(const Aixin__V1__AuditEntry *e, struct evbuffer *out)
{
    desk_vars_t *v = desk_vars_new();
    char when[OUTPUT_TIME_TEXT_SIZE], action[AUDIT_TEXT_SIZE];
    if (!output_format_time(e->at, when))
        when[0] = '\0';
    audit_action_text(e->action, action);
    desk_vars_textf(v, "seq", "%lld", (long long)e->seq);
    desk_vars_text(v, "at", when);
    desk_vars_text(v, "username", e->username);
    desk_vars_text(v, "action_name", e->action);
    desk_vars_text(v, "action", action);
    desk_vars_text(v, "target", e->target);
    desk_vars_text(v, "detail", e->detail);
    bool ok = desk_render("audit_row.html", v, out);
    desk_vars_free(v);
    return ok;
}

static void page_audit_show(desk_t *d, struct evhttp_request *req,
                            const desk_form_t *query, desk_notices_t *notices)
{
    Aixin__V1__ListAudit body = AIXIN__V1__LIST_AUDIT__INIT;
    body.limit = AUDIT_ROWS_SHOWN;
    const char *from = query != NULL ? desk_form_get(query, "from") : "";
    const char *to = query != NULL ? desk_form_get(query, "to") : "";
    bool ok_filters = true;
    if (from[0] != '\0' && !beijing_day_start(from, &body.from)) {
        desk_notices_add(notices, NOTICE_REJECTED, "from", "%s",
                         _("Write the date as YYYY-MM-DD."));
        ok_filters = false;
    }
    if (to[0] != '\0') {
        if (beijing_day_start(to, &body.to))
            body.to += 86400; /* the whole day */
        else {
            desk_notices_add(notices, NOTICE_REJECTED, "to", "%s",
                             _("Write the date as YYYY-MM-DD."));
            ok_filters = false;
        }
    }
    if (query != NULL) {
        body.division_code = (char *)desk_form_get(query, "division_code");
        body.username = (char *)desk_form_get(query, "username");
    }
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_AUDIT;
    rq.list_audit = &body;
    Aixin__V1__Response *resp = NULL;
    struct evbuffer *rows = evbuffer_new();
    bool ok = rows != NULL;
    size_t count = 0;
    if (ok && ok_filters &&
        desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_AUDIT, false,
                       &resp, notices) == CLI_EXIT_OK) {
        for (size_t i = 0; ok && i < resp->audit->n_entries; i++)
            ok = render_row(resp->audit->entries[i], rows);
        count = resp->audit->n_entries;
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    desk_vars_t *v = desk_vars_new();
    ok = ok && desk_vars_html_buffer(v, "rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    desk_vars_textf(v, "count", "%zu", count);
    desk_vars_textf(v, "shown", "%d", AUDIT_ROWS_SHOWN);
    desk_vars_form_fields(v, filter_fields, query, notices);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Audit log"), "audit.html", v,
                   notices);
}

static void page_audit(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t query;
    desk_notices_t notices = {0};
    bool read = desk_form_read(req, &query);
    page_audit_show(d, req, read ? &query : NULL, &notices);
    desk_form_free(&query);
}

/* POST /audit/verify: walk the hash chain. */
static void page_audit_verify(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    Aixin__V1__VerifyAudit body = AIXIN__V1__VERIFY_AUDIT__INIT;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_VERIFY_AUDIT;
    rq.verify_audit = &body;
    Aixin__V1__Response *resp = NULL;
    if (desk_link_call(&d->link, &rq,
                       AIXIN__V1__RESPONSE__BODY_AUDIT_VERIFICATION, false,
                       &resp, &notices) == CLI_EXIT_OK) {
        const Aixin__V1__AuditVerification *v = resp->audit_verification;
        if (v->intact)
            desk_notices_add(&notices, NOTICE_INFO, "verification",
                             _("The audit log is intact: %lld rows checked."),
                             (long long)v->rows_checked);
        else
            desk_notices_add(&notices, NOTICE_ERROR, "verification",
                             _("The audit log was changed by hand: the first "
                               "row that does not match is number %lld (%s)."),
                             (long long)v->first_broken_seq, v->problem);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    page_audit_show(d, req, NULL, &notices);
}

const desk_route_t desk_audit_routes[] = {
    {"/audit", false, page_audit},
    {"/audit/verify", true, page_audit_verify},
    {NULL, false, NULL},
};
