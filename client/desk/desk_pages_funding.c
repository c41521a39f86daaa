/*
 * Pages: the township census (eligible households per township and
 * year, each submission a new revision), money paid in (disbursements)
 * and the ledger of what each paying division owes, has paid and has
 * outstanding. Census and disbursements wait in the spool when the city
 * cannot be reached, as on the command line.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beijing_day.h"
#include "civil_date.h"
#include "i18n.h"
#include "money.h"
#include "names.h"

static const char *level_label(Aixin__V1__FundingLevel l)
{
    switch (l) {
    case AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_CITY: return _("city");
    case AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_COUNTY: return _("county");
    case AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_TOWNSHIP:
        return _("township");
    default: return "";
    }
}

/* The year of the form, or this year when none was given. */
static int32_t year_of(const desk_form_t *f)
{
    int64_t y = 0;
    if (cli_parse_int64(desk_form_get(f, "policy_year"), 1900, 2999, &y))
        return (int32_t)y;
    return beijing_this_year();
}

static void vars_money(desk_vars_t *v, const char *name, int64_t fen)
{
    char text[MONEY_TEXT_SIZE];
    money_format_fen_grouped(fen, text);
    desk_vars_text(v, name, text);
}

/* The census page for `year`, with the messages of a submission. */
static void census_show(desk_t *d, struct evhttp_request *req, int32_t year,
                        const desk_form_t *f, desk_notices_t *notices)
{
    Aixin__V1__ListCensus body = AIXIN__V1__LIST_CENSUS__INIT;
    body.policy_year = year;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_CENSUS;
    rq.list_census = &body;
    Aixin__V1__Response *resp = NULL;
    struct evbuffer *rows = evbuffer_new();
    bool ok = rows != NULL;
    if (ok && desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_CENSUS,
                             false, &resp, notices) == CLI_EXIT_OK) {
        for (size_t i = 0; ok && i < resp->census->n_entries; i++) {
            const Aixin__V1__CensusEntry *e = resp->census->entries[i];
            desk_vars_t *v = desk_vars_new();
            desk_vars_text(v, "township_code", e->township_code);
            desk_vars_text(v, "township_name", e->township_name);
            desk_vars_textf(v, "eligible_households", "%lld",
                            (long long)e->eligible_households);
            desk_vars_textf(v, "revision", "%d", (int)e->revision);
            desk_vars_text(v, "submitted_by", e->submitted_by);
            desk_vars_text(v, "note", e->note);
            ok = desk_render("census_row.html", v, rows);
            desk_vars_free(v);
        }
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    desk_vars_t *v = desk_vars_new();
    ok = ok && desk_vars_html_buffer(v, "rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    desk_vars_textf(v, "policy_year", "%d", (int)year);
    desk_vars_textf(v, "census_heading", _("Eligible households in %d"),
                    (int)year);
    const char *township = f != NULL ? desk_form_get(f, "township_code") : "";
    if (township[0] == '\0' &&
        d->link.role == AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK)
        township = d->link.division_code;
    desk_vars_text(v, "township_code", township);
    desk_vars_text(v, "eligible_households",
                   f != NULL ? desk_form_get(f, "eligible_households") : "");
    desk_vars_text(v, "note", f != NULL ? desk_form_get(f, "note") : "");
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Township census"), "census.html", v,
                   notices);
}

static void page_census(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    bool read = desk_form_read(req, &form);
    census_show(d, req, read ? year_of(&form) : beijing_this_year(), NULL,
                &notices);
    desk_form_free(&form);
}

static void page_census_post(desk_t *d, struct evhttp_request *req)
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
    Aixin__V1__SubmitCensus body = AIXIN__V1__SUBMIT_CENSUS__INIT;
    body.township_code = (char *)desk_form_get(&form, "township_code");
    body.policy_year = year_of(&form);
    body.note = (char *)desk_form_get(&form, "note");
    int64_t n = 0;
    if (!cli_parse_int64(desk_form_get(&form, "eligible_households"), 0,
                         10000000, &n)) {
        desk_notices_add(&notices, NOTICE_REJECTED, "eligible_households",
                         "%s", _("Enter the number of eligible households."));
    } else {
        body.eligible_households = n;
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS;
        rq.submit_census = &body;
        Aixin__V1__Response *resp = NULL;
        if (desk_link_call(&d->link, &rq,
                           AIXIN__V1__RESPONSE__BODY_CENSUS_ENTRY, true, &resp,
                           &notices) == CLI_EXIT_OK) {
            desk_notices_add(&notices, NOTICE_INFO, NULL, "%s", _("Saved."));
            aixin__v1__response__free_unpacked(resp, NULL);
        } else if (notices.spooled) {
            desk_notices_add(&notices, NOTICE_WARNING, NULL, "%s",
                             _("The city's server cannot be reached: the "
                               "change waits in the spool."));
        }
    }
    census_show(d, req, body.policy_year, &form, &notices);
    desk_form_free(&form);
}

/* The ledger for `year` with the disbursement form. */
static void ledger_show(desk_t *d, struct evhttp_request *req, int32_t year,
                        desk_notices_t *notices)
{
    Aixin__V1__GetLedger body = AIXIN__V1__GET_LEDGER__INIT;
    body.policy_year = year;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_GET_LEDGER;
    rq.get_ledger = &body;
    Aixin__V1__Response *resp = NULL;
    struct evbuffer *rows = evbuffer_new();
    desk_vars_t *v = desk_vars_new();
    bool ok = rows != NULL;
    int64_t city_paid = 0;
    if (ok && desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_LEDGER,
                             false, &resp, notices) == CLI_EXIT_OK) {
        const Aixin__V1__Ledger *l = resp->ledger;
        city_paid = l->city_subsidy_paid_to_date_fen;
        for (size_t i = 0; ok && i < l->n_rows; i++) {
            const Aixin__V1__LedgerRow *r = l->rows[i];
            desk_vars_t *rv = desk_vars_new();
            desk_vars_text(rv, "level", level_label(r->level));
            desk_vars_text(rv, "division_code", r->division_code);
            desk_vars_text(rv, "division_name", r->division_name);
            desk_vars_textf(rv, "policy_year", "%d", (int)r->policy_year);
            desk_vars_textf(rv, "policies", "%lld", (long long)r->policies);
            vars_money(rv, "owed", r->owed_fen);
            vars_money(rv, "paid", r->paid_fen);
            vars_money(rv, "outstanding", r->outstanding_fen);
            ok = desk_render("ledger_row.html", rv, rows);
            desk_vars_free(rv);
        }
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    ok = ok && desk_vars_html_buffer(v, "rows", rows);
    if (rows != NULL)
        evbuffer_free(rows);
    vars_money(v, "city_paid", city_paid);
    desk_vars_textf(v, "policy_year", "%d", (int)year);
    desk_vars_text(v, "division_code", d->link.division_code);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Ledger and disbursements"),
                   "ledger.html", v, notices);
}

static void page_ledger(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    bool read = desk_form_read(req, &form);
    ledger_show(d, req, read ? year_of(&form) : beijing_this_year(), &notices);
    desk_form_free(&form);
}

static void page_disbursement_post(desk_t *d, struct evhttp_request *req)
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
    Aixin__V1__RecordDisbursement body = AIXIN__V1__RECORD_DISBURSEMENT__INIT;
    body.level = names_funding_level_parse(desk_form_get(&form, "level"));
    body.division_code = (char *)desk_form_get(&form, "division_code");
    body.policy_year = year_of(&form);
    body.paid_on = (char *)desk_form_get(&form, "paid_on");
    body.reference = (char *)desk_form_get(&form, "reference");
    const char *amount = desk_form_get(&form, "amount_yuan");
    civil_date_t paid;
    if (money_parse_yuan(amount, strlen(amount), 0, &body.amount_fen) !=
            MONEY_OK ||
        body.amount_fen <= 0)
        desk_notices_add(&notices, NOTICE_REJECTED, "amount_yuan", "%s",
                         _("Enter the amount in yuan, e.g. 6000.00."));
    else if (!civil_date_parse(body.paid_on, strlen(body.paid_on), &paid))
        desk_notices_add(&notices, NOTICE_REJECTED, "paid_on", "%s",
                         _("Write the date as YYYY-MM-DD."));
    else {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT;
        rq.record_disbursement = &body;
        Aixin__V1__Response *resp = NULL;
        if (desk_link_call(&d->link, &rq,
                           AIXIN__V1__RESPONSE__BODY_DISBURSEMENT, true, &resp,
                           &notices) == CLI_EXIT_OK) {
            desk_notices_add(&notices, NOTICE_INFO, NULL, "%s", _("Saved."));
            aixin__v1__response__free_unpacked(resp, NULL);
        } else if (notices.spooled) {
            desk_notices_add(&notices, NOTICE_WARNING, NULL, "%s",
                             _("The city's server cannot be reached: the "
                               "change waits in the spool."));
        }
    }
    int32_t year = body.policy_year;
    desk_form_free(&form);
    ledger_show(d, req, year, &notices);
}

const desk_route_t desk_funding_routes[] = {
    {"/census", false, page_census},
    {"/census", true, page_census_post},
    {"/ledger", false, page_ledger},
    {"/disbursement", true, page_disbursement_post},
    {NULL, false, NULL},
};
