/*
 * Pages: the city administrator's work. Policy years (open, update, show
 * one), insurers (register, list), county terms (set, list for a year)
 * and accounts (create, unlock, disable, reset a password). One page,
 * /admin, lists what there is and holds the forms; each form posts to its
 * own path and comes back to it with the city's answer. Inputs are named
 * after the protocol's fields (amounts in yuan as `<field>_yuan`). Other
 * roles see the page and are told at its head that the city refuses
 * their changes; the city's own refusal is shown when they try.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_date.h"
#include "desk_labels.h"
#include "i18n.h"
#include "money.h"
#include "names.h"

/* The inputs the page gives back as typed when a form is refused. */
static const char *const kept_fields[] = {
    "year",
    "reference_date",
    "premium_yuan",
    "city_subsidy_yuan",
    "county_share_min_yuan",
    "county_share_max_yuan",
    "supplementary_cap_per_claim_yuan",
    "supplementary_budget_yuan",
    "code",
    "name",
    "county_code",
    "policy_year",
    "county_share_yuan",
    "insurer_code",
    "username",
    "division_code",
    NULL,
};

static bool is_admin(const desk_t *d)
{
    return d->link.role == AIXIN__V1__ROLE__ROLE_CITY_ADMIN;
}

static void vars_money(desk_vars_t *v, const char *name, int64_t fen)
{
    char text[MONEY_TEXT_SIZE];
    money_format_fen_grouped(fen, text);
    desk_vars_text(v, name, text);
}

/* A year's limit: "no limit" for 0. */
static void vars_limit(desk_vars_t *v, const char *name, int64_t fen)
{
    if (fen == 0)
        desk_vars_text(v, name, _("no limit"));
    else
        vars_money(v, name, fen);
}

/* An answer of the city, or NULL (its refusal is in `notices`). */
static Aixin__V1__Response *ask(desk_t *d, Aixin__V1__Request *rq,
                                Aixin__V1__Response__BodyCase expect,
                                desk_notices_t *notices)
{
    Aixin__V1__Response *resp = NULL;
    if (desk_link_call(&d->link, rq, expect, false, &resp, notices) !=
        CLI_EXIT_OK)
        return NULL;
    return resp;
}

static bool render_years(desk_t *d, struct evbuffer *out,
                         desk_notices_t *notices, int32_t *newest)
{
    Aixin__V1__ListPolicyYears body = AIXIN__V1__LIST_POLICY_YEARS__INIT;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
    rq.list_policy_years = &body;
    Aixin__V1__Response *resp =
        ask(d, &rq, AIXIN__V1__RESPONSE__BODY_POLICY_YEARS, notices);
    if (resp == NULL)
        return true;
    bool ok = true;
    const Aixin__V1__PolicyYearList *l = resp->policy_years;
    for (size_t i = 0; ok && i < l->n_years; i++) {
        const Aixin__V1__PolicyYearDetail *y = l->years[i];
        const Aixin__V1__PolicyYearTerms *t = y->terms;
        if (t == NULL)
            continue;
        if (*newest == 0)
            *newest = t->year;
        desk_vars_t *v = desk_vars_new();
        desk_vars_textf(v, "year", "%d", (int)t->year);
        desk_vars_text(v, "reference_date", t->reference_date);
        vars_money(v, "premium", t->premium_fen);
        vars_money(v, "city_subsidy", t->city_subsidy_fen);
        vars_money(v, "county_share_min", t->county_share_min_fen);
        vars_money(v, "county_share_max", t->county_share_max_fen);
        vars_limit(v, "supplementary_cap", t->supplementary_cap_per_claim_fen);
        vars_limit(v, "supplementary_budget", t->supplementary_budget_fen);
        vars_money(v, "supplementary_paid", y->supplementary_paid_fen);
        desk_vars_textf(v, "policies", "%lld", (long long)y->policies);
        desk_vars_text(v, "frozen", y->frozen ? _("frozen") : _("open"));
        ok = desk_render("admin_year_row.html", v, out);
        desk_vars_free(v);
    }
    aixin__v1__response__free_unpacked(resp, NULL);
    return ok;
}

static bool render_insurers(desk_t *d, struct evbuffer *out,
                            desk_notices_t *notices)
{
    Aixin__V1__ListInsurers body = AIXIN__V1__LIST_INSURERS__INIT;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_INSURERS;
    rq.list_insurers = &body;
    Aixin__V1__Response *resp =
        ask(d, &rq, AIXIN__V1__RESPONSE__BODY_INSURERS, notices);
    if (resp == NULL)
        return true;
    bool ok = true;
    for (size_t i = 0; ok && i < resp->insurers->n_insurers; i++) {
        const Aixin__V1__Insurer *ins = resp->insurers->insurers[i];
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "code", ins->code);
        desk_vars_text(v, "name", ins->name);
        ok = desk_render("admin_insurer_row.html", v, out);
        desk_vars_free(v);
    }
    aixin__v1__response__free_unpacked(resp, NULL);
    return ok;
}

static bool render_terms(desk_t *d, int32_t year, struct evbuffer *out,
                         desk_notices_t *notices)
{
    if (year == 0)
        return true;
    Aixin__V1__ListCountyTerms body = AIXIN__V1__LIST_COUNTY_TERMS__INIT;
    body.policy_year = year;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_COUNTY_TERMS;
    rq.list_county_terms = &body;
    Aixin__V1__Response *resp =
        ask(d, &rq, AIXIN__V1__RESPONSE__BODY_COUNTY_TERMS_LIST, notices);
    if (resp == NULL)
        return true;
    bool ok = true;
    const Aixin__V1__CountyTermsList *l = resp->county_terms_list;
    for (size_t i = 0; ok && i < l->n_terms; i++) {
        const Aixin__V1__CountyTerms *t = l->terms[i];
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "county_code", t->county_code);
        desk_vars_text(v, "county_name", t->county_name);
        vars_money(v, "city_share", t->city_share_fen);
        vars_money(v, "county_share", t->county_share_fen);
        vars_money(v, "township_share", t->township_share_fen);
        desk_vars_text(v, "insurer", t->insurer_name);
        desk_vars_text(v, "insurer_code", t->insurer_code);
        desk_vars_textf(v, "policies", "%lld", (long long)t->policies);
        ok = desk_render("admin_terms_row.html", v, out);
        desk_vars_free(v);
    }
    aixin__v1__response__free_unpacked(resp, NULL);
    return ok;
}

/* <option>s of the roles, `selected` marked. */
static bool role_options(const char *selected, struct evbuffer *out)
{
    static const Aixin__V1__Role roles[] = {
        AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK,
        AIXIN__V1__ROLE__ROLE_COUNTY_CLERK,
        AIXIN__V1__ROLE__ROLE_INSURER_ADJUSTER,
        AIXIN__V1__ROLE__ROLE_AUDITOR,
        AIXIN__V1__ROLE__ROLE_CITY_ADMIN,
    };
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        const char *name = names_role(roles[i]);
        evbuffer_add_printf(out, "<option value=\"%s\"%s>", name,
                            strcmp(selected, name) == 0 ? " selected" : "");
        desk_html_escape(out, desk_label_role(roles[i]));
        evbuffer_add_printf(out, "</option>");
    }
    return true;
}

/* The administration page, with what `form` held when it was refused. */
static void page_admin_show(desk_t *d, struct evhttp_request *req,
                            const desk_form_t *form, int32_t terms_year,
                            desk_notices_t *notices)
{
    if (!is_admin(d))
        desk_notices_add(notices, NOTICE_WARNING, NULL, "%s",
                         _("These pages are the city administrator's: the "
                           "city refuses changes from your role and shows "
                           "you only what your division may read."));
    struct evbuffer *years = evbuffer_new(), *insurers = evbuffer_new(),
                    *terms = evbuffer_new(), *roles = evbuffer_new();
    desk_vars_t *v = desk_vars_new();
    int32_t newest = 0;
    bool ok = years != NULL && insurers != NULL && terms != NULL &&
              roles != NULL;
    ok = ok && render_years(d, years, notices, &newest) &&
         render_insurers(d, insurers, notices);
    if (terms_year == 0)
        terms_year = newest;
    ok = ok && render_terms(d, terms_year, terms, notices) &&
         role_options(form != NULL ? desk_form_get(form, "role") : "",
                      roles);
    ok = ok && desk_vars_html_buffer(v, "year_rows", years) &&
         desk_vars_html_buffer(v, "insurer_rows", insurers) &&
         desk_vars_html_buffer(v, "terms_rows", terms) &&
         desk_vars_html_buffer(v, "role_options", roles);
    struct evbuffer *bufs[] = {years, insurers, terms, roles};
    for (size_t i = 0; i < 4; i++)
        if (bufs[i] != NULL)
            evbuffer_free(bufs[i]);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    if (terms_year != 0) {
        desk_vars_textf(v, "terms_year", "%d", (int)terms_year);
        desk_vars_textf(v, "terms_heading", _("County terms in %d"),
                        (int)terms_year);
    } else {
        desk_vars_text(v, "terms_year", "");
        desk_vars_text(v, "terms_heading", _("County terms"));
    }
    desk_vars_form_fields(v, kept_fields, form, notices);
    desk_page_send(d, req, HTTP_OK, _("Administration"), "admin.html", v,
                   notices);
}

static void page_admin(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    int64_t year = 0;
    if (!desk_form_read(req, &form) ||
        !cli_parse_int64(desk_form_get(&form, "terms_year"),
                         CIVIL_DATE_MIN_YEAR, CIVIL_DATE_MAX_YEAR, &year))
        year = 0; /* the newest year */
    desk_form_free(&form);
    page_admin_show(d, req, NULL, (int32_t)year, &notices);
}

/* ---- forms ---------------------------------------------------------------- */

/* An amount in yuan of field `name` ("" allowed when `empty_ok`: *fen 0). */
static bool form_yuan(const desk_form_t *f, const char *name, bool empty_ok,
                      int64_t *fen, desk_notices_t *n)
{
    const char *s = desk_form_get(f, name);
    *fen = 0;
    if (s[0] == '\0' && empty_ok)
        return true;
    if (money_parse_yuan(s, strlen(s), 0, fen) == MONEY_OK)
        return true;
    desk_notices_add(n, NOTICE_REJECTED, name, "%s",
                     _("Enter the amount in yuan, e.g. 6000.00."));
    return false;
}

static bool form_year(const desk_form_t *f, const char *name, int32_t *year,
                      desk_notices_t *n)
{
    int64_t y = 0;
    if (cli_parse_int64(desk_form_get(f, name), 2000, 2100, &y)) {
        *year = (int32_t)y;
        return true;
    }
    desk_notices_add(n, NOTICE_REJECTED, name, "%s",
                     _("Enter the policy year."));
    return false;
}

/* Read a POST of this page; false (answered) when it cannot be read. */
static bool admin_form_read(desk_t *d, struct evhttp_request *req,
                            desk_form_t *form)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return false;
    }
    if (!desk_form_read(req, form)) {
        desk_form_free(form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return false;
    }
    return true;
}

/* Send a change; "Saved." on success. */
static bool admin_send(desk_t *d, Aixin__V1__Request *rq,
                       Aixin__V1__Response__BodyCase expect,
                       desk_notices_t *n)
{
    Aixin__V1__Response *resp = ask(d, rq, expect, n);
    if (resp == NULL)
        return false;
    aixin__v1__response__free_unpacked(resp, NULL);
    desk_notices_add(n, NOTICE_INFO, NULL, "%s", _("Saved."));
    return true;
}

/* The page again: the form's values kept when it was refused. */
static void admin_after(desk_t *d, struct evhttp_request *req,
                        desk_form_t *form, bool saved, int32_t terms_year,
                        desk_notices_t *n)
{
    page_admin_show(d, req, saved ? NULL : form, terms_year, n);
    desk_form_free(form);
}

/* POST /admin/year: open (action=open) or update (action=update) a year.
 * An update starts from the year's terms as they are (its benefit caps
 * kept) and changes what the form fills in. */
static void page_admin_year(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    if (!admin_form_read(d, req, &form))
        return;
    desk_notices_t n = {0};
    bool update = strcmp(desk_form_get(&form, "action"), "update") == 0;
    Aixin__V1__PolicyYearTerms terms = AIXIN__V1__POLICY_YEAR_TERMS__INIT;
    Aixin__V1__Response *current = NULL;
    bool ok = form_year(&form, "year", &terms.year, &n);
    if (ok && update) {
        Aixin__V1__GetPolicyYear get = AIXIN__V1__GET_POLICY_YEAR__INIT;
        get.year = terms.year;
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_GET_POLICY_YEAR;
        rq.get_policy_year = &get;
        current = ask(d, &rq, AIXIN__V1__RESPONSE__BODY_POLICY_YEAR, &n);
        ok = current != NULL && current->policy_year->terms != NULL;
        if (ok)
            terms = *current->policy_year->terms;
    }
    /* Fields left empty in an update keep the year's value. */
    struct {
        const char *name;
        int64_t *fen;
        bool empty_ok; /* when opening */
    } amounts[] = {
        {"premium_yuan", &terms.premium_fen, false},
        {"city_subsidy_yuan", &terms.city_subsidy_fen, false},
        {"county_share_min_yuan", &terms.county_share_min_fen, false},
        {"county_share_max_yuan", &terms.county_share_max_fen, false},
        {"supplementary_cap_per_claim_yuan",
         &terms.supplementary_cap_per_claim_fen, true},
        {"supplementary_budget_yuan", &terms.supplementary_budget_fen, true},
    };
    for (size_t i = 0; ok && i < sizeof(amounts) / sizeof(amounts[0]); i++) {
        if (update && desk_form_get(&form, amounts[i].name)[0] == '\0')
            continue;
        ok = form_yuan(&form, amounts[i].name, amounts[i].empty_ok,
                       amounts[i].fen, &n);
    }
    const char *ref = desk_form_get(&form, "reference_date");
    civil_date_t dt;
    if (ok && (ref[0] != '\0' || !update)) {
        ok = civil_date_parse(ref, strlen(ref), &dt);
        if (!ok)
            desk_notices_add(&n, NOTICE_REJECTED, "reference_date", "%s",
                             _("Write the date as YYYY-MM-DD."));
        terms.reference_date = (char *)ref;
    }
    bool saved = false;
    if (ok) {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        Aixin__V1__OpenPolicyYear open = AIXIN__V1__OPEN_POLICY_YEAR__INIT;
        Aixin__V1__UpdatePolicyYear upd = AIXIN__V1__UPDATE_POLICY_YEAR__INIT;
        if (update) {
            upd.terms = &terms;
            rq.body_case = AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR;
            rq.update_policy_year = &upd;
        } else {
            open.terms = &terms;
            rq.body_case = AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR;
            rq.open_policy_year = &open;
        }
        saved = admin_send(d, &rq, AIXIN__V1__RESPONSE__BODY_POLICY_YEAR, &n);
    }
    /* `terms` may borrow from `current`: free it after the request. */
    if (current != NULL)
        aixin__v1__response__free_unpacked(current, NULL);
    admin_after(d, req, &form, saved, 0, &n);
}

/* POST /admin/insurer: code, name. */
static void page_admin_insurer(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    if (!admin_form_read(d, req, &form))
        return;
    desk_notices_t n = {0};
    Aixin__V1__RegisterInsurer body = AIXIN__V1__REGISTER_INSURER__INIT;
    body.code = (char *)desk_form_get(&form, "code");
    body.name = (char *)desk_form_get(&form, "name");
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_REGISTER_INSURER;
    rq.register_insurer = &body;
    bool saved = admin_send(d, &rq, AIXIN__V1__RESPONSE__BODY_INSURER, &n);
    admin_after(d, req, &form, saved, 0, &n);
}

/* POST /admin/terms: county_code, policy_year, county_share_yuan,
 * insurer_code. */
static void page_admin_terms(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    if (!admin_form_read(d, req, &form))
        return;
    desk_notices_t n = {0};
    Aixin__V1__SetCountyTerms body = AIXIN__V1__SET_COUNTY_TERMS__INIT;
    body.county_code = (char *)desk_form_get(&form, "county_code");
    body.insurer_code = (char *)desk_form_get(&form, "insurer_code");
    bool saved = false;
    if (form_year(&form, "policy_year", &body.policy_year, &n) &&
        form_yuan(&form, "county_share_yuan", false, &body.county_share_fen,
                  &n)) {
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS;
        rq.set_county_terms = &body;
        saved = admin_send(d, &rq, AIXIN__V1__RESPONSE__BODY_COUNTY_TERMS, &n);
    }
    admin_after(d, req, &form, saved, body.policy_year, &n);
}

/* POST /admin/account: action create (username, password, role,
 * division_code, insurer_code, supervisor), unlock, disable or reset
 * (username, new_password). */
static void page_admin_account(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    if (!admin_form_read(d, req, &form))
        return;
    desk_notices_t n = {0};
    const char *action = desk_form_get(&form, "action");
    char *username = (char *)desk_form_get(&form, "username");
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    Aixin__V1__CreateAccount create = AIXIN__V1__CREATE_ACCOUNT__INIT;
    Aixin__V1__UnlockAccount unlock = AIXIN__V1__UNLOCK_ACCOUNT__INIT;
    Aixin__V1__DisableAccount disable = AIXIN__V1__DISABLE_ACCOUNT__INIT;
    Aixin__V1__ResetPassword reset = AIXIN__V1__RESET_PASSWORD__INIT;
    if (strcmp(action, "create") == 0) {
        create.username = username;
        create.password = (char *)desk_form_get(&form, "password");
        create.role = names_role_parse(desk_form_get(&form, "role"));
        create.division_code = (char *)desk_form_get(&form, "division_code");
        create.insurer_code = (char *)desk_form_get(&form, "insurer_code");
        create.supervisor = desk_form_get(&form, "supervisor")[0] != '\0';
        create.skip_password_change =
            desk_form_get(&form, "skip_password_change")[0] != '\0';
        rq.body_case = AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT;
        rq.create_account = &create;
    } else if (strcmp(action, "unlock") == 0) {
        unlock.username = username;
        rq.body_case = AIXIN__V1__REQUEST__BODY_UNLOCK_ACCOUNT;
        rq.unlock_account = &unlock;
    } else if (strcmp(action, "disable") == 0) {
        disable.username = username;
        rq.body_case = AIXIN__V1__REQUEST__BODY_DISABLE_ACCOUNT;
        rq.disable_account = &disable;
    } else if (strcmp(action, "reset") == 0) {
        reset.username = username;
        reset.new_password = (char *)desk_form_get(&form, "new_password");
        reset.skip_password_change =
            desk_form_get(&form, "skip_password_change")[0] != '\0';
        rq.body_case = AIXIN__V1__REQUEST__BODY_RESET_PASSWORD;
        rq.reset_password = &reset;
    }
    bool saved = false;
    if (rq.body_case == AIXIN__V1__REQUEST__BODY__NOT_SET)
        desk_notices_add(&n, NOTICE_REJECTED, "action", "%s",
                         _("Unknown action."));
    else
        saved = admin_send(d, &rq, AIXIN__V1__RESPONSE__BODY_ACCOUNT, &n);
    admin_after(d, req, &form, saved, 0, &n);
}

const desk_route_t desk_admin_routes[] = {
    {"/admin", false, page_admin},
    {"/admin/year", true, page_admin_year},
    {"/admin/insurer", true, page_admin_insurer},
    {"/admin/terms", true, page_admin_terms},
    {"/admin/account", true, page_admin_account},
    {NULL, false, NULL},
};
