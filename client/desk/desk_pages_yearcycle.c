/*
 * Pages: the policy years with whether each is closed, and renewal (续保)
 * of last year's children into the next year: a trial run first (nothing
 * kept), then the clerk confirms. The renewal's batches run one after the
 * other while the page waits, as `aixin renew` does; a township's or a
 * county's children take a few batches of 500.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "aixin/v1/yearcycle.pb-c.h"
#include "beijing_day.h"
#include "civil_date.h"
#include "i18n.h"
#include "renew_tally.h"

#define RENEW_BATCH 500

static void page_years(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    Aixin__V1__ListPolicyYears body = AIXIN__V1__LIST_POLICY_YEARS__INIT;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
    rq.list_policy_years = &body;
    Aixin__V1__Response *resp = NULL;
    struct evbuffer *rows = evbuffer_new();
    bool ok = rows != NULL;
    if (ok && desk_link_call(&d->link, &rq,
                             AIXIN__V1__RESPONSE__BODY_POLICY_YEARS, false,
                             &resp, &notices) == CLI_EXIT_OK) {
        const Aixin__V1__PolicyYearList *l = resp->policy_years;
        for (size_t i = 0; ok && i < l->n_years; i++) {
            const Aixin__V1__PolicyYearDetail *y = l->years[i];
            if (y->terms == NULL)
                continue;
            desk_vars_t *v = desk_vars_new();
            desk_vars_textf(v, "year", "%d", (int)y->terms->year);
            desk_vars_text(v, "reference_date", y->terms->reference_date);
            desk_vars_textf(v, "policies", "%lld", (long long)y->policies);
            desk_vars_text(v, "closed", y->closed ? "true" : "false");
            desk_vars_text(v, "closed_label",
                           y->closed ? _("closed, figures final") : _("open, figures may change"));
            ok = desk_render("year_row.html", v, rows);
            desk_vars_free(v);
        }
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    desk_vars_t *v = desk_vars_new();
    ok = ok && desk_vars_html_buffer(v, "rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Policy years"), "years.html", v,
                   &notices);
}

/* Every batch of one renewal into *tally; false when a call failed (its
 * message is in notices). */
static bool renew_run(desk_t *d, int32_t from, const char *division,
                      bool dry_run, renew_tally_t *tally,
                      desk_notices_t *notices)
{
    int64_t after = 0;
    for (;;) {
        Aixin__V1__RenewYear body = AIXIN__V1__RENEW_YEAR__INIT;
        body.from_year = from;
        body.to_year = from + 1;
        body.division_code = (char *)division;
        body.dry_run = dry_run;
        body.after_child_id = after;
        body.limit = RENEW_BATCH;
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_RENEW_YEAR;
        rq.renew_year = &body;
        Aixin__V1__Response *resp = NULL;
        if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_RENEW,
                           false, &resp, notices) != CLI_EXIT_OK)
            return false;
        const Aixin__V1__RenewResult *rr = resp->renew;
        tally->total = rr->total;
        for (size_t i = 0; i < rr->n_rows; i++)
            renew_tally_add(tally, rr->rows[i]);
        bool done = rr->done || rr->n_rows == 0 ||
                    rr->next_after_child_id <= after;
        after = rr->next_after_child_id;
        aixin__v1__response__free_unpacked(resp, NULL);
        if (done || tally->failed)
            return !tally->failed;
    }
}

static void vars_counts(desk_vars_t *v, const int64_t *counts)
{
    desk_vars_textf(v, "renewed", "%lld",
                    (long long)counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_RENEWED]);
    desk_vars_textf(v, "already", "%lld",
                    (long long)counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_ALREADY_RENEWED]);
    desk_vars_textf(v, "aged_out", "%lld",
                    (long long)counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_AGED_OUT]);
    desk_vars_textf(v, "refused", "%lld",
                    (long long)counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_REFUSED]);
}

/* The result section of a renewal (with the confirm form after a trial
 * that would renew someone) into out. */
static bool render_result(renew_tally_t *t, int32_t from,
                          const char *division, bool dry_run,
                          struct evbuffer *out)
{
    renew_tally_sort(t);
    struct evbuffer *townships = evbuffer_new();
    struct evbuffer *listed = evbuffer_new();
    struct evbuffer *confirm = evbuffer_new();
    bool ok = townships != NULL && listed != NULL && confirm != NULL;
    for (size_t i = 0; ok && i < t->n_townships; i++) {
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "township_code", t->townships[i].code);
        desk_vars_text(v, "township_name", t->townships[i].name);
        vars_counts(v, t->townships[i].counts);
        ok = desk_render("renew_township_row.html", v, townships);
        desk_vars_free(v);
    }
    for (size_t i = 0; ok && i < t->n_listed; i++) {
        const renew_listed_t *l = &t->listed[i];
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "township_name", l->township_name);
        desk_vars_text(v, "child_name", l->name);
        desk_vars_text(v, "child_id_number", l->id_number);
        desk_vars_textf(v, "age", "%d", (int)l->age);
        desk_vars_text(v, "why",
                       l->outcome == AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_AGED_OUT
                           ? _("7 or older on the reference date")
                           : l->reason);
        ok = desk_render("renew_listed_row.html", v, listed);
        desk_vars_free(v);
    }
    if (ok && dry_run &&
        t->counts[AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_RENEWED] > 0) {
        desk_vars_t *v = desk_vars_new();
        desk_vars_textf(v, "from_year", "%d", (int)from);
        desk_vars_textf(v, "to_year", "%d", (int)(from + 1));
        desk_vars_text(v, "division_code", division);
        ok = desk_render("renew_confirm.html", v, confirm);
        desk_vars_free(v);
    }
    desk_vars_t *v = desk_vars_new();
    desk_vars_text(v, "dry_run", dry_run ? "true" : "false");
    desk_vars_text(v, "heading", dry_run ? _("Trial: what a renewal would do")
                                         : _("Renewed"));
    desk_vars_textf(v, "children", "%lld", (long long)t->total);
    vars_counts(v, t->counts);
    ok = ok && desk_vars_html_buffer(v, "townships", townships) &&
         desk_vars_html_buffer(v, "listed", listed) &&
         desk_vars_html_buffer(v, "confirm", confirm) &&
         desk_render("renew_result.html", v, out);
    desk_vars_free(v);
    if (townships != NULL)
        evbuffer_free(townships);
    if (listed != NULL)
        evbuffer_free(listed);
    if (confirm != NULL)
        evbuffer_free(confirm);
    return ok;
}

static void renew_show(desk_t *d, struct evhttp_request *req, int32_t from,
                       const char *division, struct evbuffer *result,
                       desk_notices_t *notices)
{
    desk_vars_t *v = desk_vars_new();
    desk_vars_textf(v, "from_year", "%d", (int)from);
    desk_vars_textf(v, "to_year", "%d", (int)(from + 1));
    desk_vars_text(v, "division_code", division);
    bool ok = result != NULL ? desk_vars_html_buffer(v, "result", result)
                             : desk_vars_html(v, "result", "");
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Renewal (续保)"), "renew.html", v,
                   notices);
}

static void page_renew(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    renew_show(d, req, beijing_this_year() - 1, "", NULL, &notices);
}

static void page_renew_post(desk_t *d, struct evhttp_request *req)
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
    int64_t from = 0, to = 0;
    const char *division = desk_form_get(&form, "division_code");
    bool dry_run = strcmp(desk_form_get(&form, "dry_run"), "0") != 0;
    struct evbuffer *result = NULL;
    if (!cli_parse_int64(desk_form_get(&form, "from_year"),
                         CIVIL_DATE_MIN_YEAR, CIVIL_DATE_MAX_YEAR, &from)) {
        desk_notices_add(&notices, NOTICE_REJECTED, "from_year", "%s",
                         _("Enter the year to renew from, e.g. 2026."));
        from = beijing_this_year() - 1;
    } else if (!cli_parse_int64(desk_form_get(&form, "to_year"),
                                CIVIL_DATE_MIN_YEAR, CIVIL_DATE_MAX_YEAR,
                                &to) ||
               to != from + 1) {
        desk_notices_add(&notices, NOTICE_REJECTED, "to_year", "%s",
                         _("The year to renew into is the year after."));
    } else {
        renew_tally_t tally;
        memset(&tally, 0, sizeof(tally));
        if (renew_run(d, (int32_t)from, division, dry_run, &tally,
                      &notices)) {
            result = evbuffer_new();
            if (result == NULL ||
                !render_result(&tally, (int32_t)from, division, dry_run,
                               result)) {
                desk_notices_add(&notices, NOTICE_ERROR, NULL, "%s",
                                 _("The page could not be made."));
            } else if (!dry_run) {
                desk_notices_add(&notices, NOTICE_INFO, NULL, "%s",
                                 _("Saved."));
            }
        } else if (tally.failed) {
            desk_notices_add(&notices, NOTICE_ERROR, NULL, "%s",
                             _("The page could not be made."));
        }
        renew_tally_free(&tally);
    }
    renew_show(d, req, (int32_t)from, division, result, &notices);
    if (result != NULL)
        evbuffer_free(result);
    desk_form_free(&form);
}

const desk_route_t desk_yearcycle_routes[] = {
    {"/years", false, page_years},
    {"/renew", false, page_renew},
    {"/renew", true, page_renew_post},
    {NULL, false, NULL},
};
