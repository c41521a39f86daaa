/*
 * Pages: register a household with its guardians and children and enroll
 * the children in one form; find a household by a guardian's ID number,
 * its certificate number or a child's ID number and see its children and
 * their policies by year; enroll one child (a change that waits in the
 * spool when the city is unreachable).
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk_idcheck.h"
#include "desk_labels.h"
#include "i18n.h"
#include "input_check.h"
#include "names.h"
#include "money.h"

#define MAX_GUARDIANS 2
#define MAX_CHILDREN 3
#define FIELD_NAME_SIZE 48
#define ID_BUF 64

/* The register form's inputs, named after the protocol's fields. */
static const char *const register_fields[] = {
    "township_code",        "kind",
    "certificate_no",       "guardians[0].id_number",
    "guardians[0].name",    "guardians[1].id_number",
    "guardians[1].name",    "children[0].id_number",
    "children[0].name",     "children[1].id_number",
    "children[1].name",     "children[2].id_number",
    "children[2].name",     "policy_year",
    NULL,
};

/* The policy years as the server lists them (owned response), or NULL. */
static Aixin__V1__Response *years_fetch(desk_t *d, desk_notices_t *notices)
{
    Aixin__V1__ListPolicyYears body = AIXIN__V1__LIST_POLICY_YEARS__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
    req.list_policy_years = &body;
    Aixin__V1__Response *resp = NULL;
    if (desk_link_call(&d->link, &req, AIXIN__V1__RESPONSE__BODY_POLICY_YEARS,
                       false, &resp, notices) != CLI_EXIT_OK)
        return NULL;
    return resp;
}

/* The reference date of `year` in the list; false when not listed. */
static bool years_reference(const Aixin__V1__Response *years, int32_t year,
                            civil_date_t *out)
{
    if (years == NULL)
        return false;
    const Aixin__V1__PolicyYearList *l = years->policy_years;
    for (size_t i = 0; i < l->n_years; i++) {
        const Aixin__V1__PolicyYearTerms *t = l->years[i]->terms;
        if (t != NULL && t->year == year && t->reference_date != NULL)
            return civil_date_parse(t->reference_date,
                                    strlen(t->reference_date), out);
    }
    return false;
}

/* <option>s of the years, `selected` (or the newest) marked. */
static bool years_options(const Aixin__V1__Response *years,
                          const char *selected, struct evbuffer *out)
{
    if (years == NULL)
        return true;
    const Aixin__V1__PolicyYearList *l = years->policy_years;
    for (size_t i = 0; i < l->n_years; i++) {
        const Aixin__V1__PolicyYearTerms *t = l->years[i]->terms;
        if (t == NULL)
            continue;
        char year[16];
        snprintf(year, sizeof(year), "%d", (int)t->year);
        bool sel = selected[0] != '\0' ? strcmp(selected, year) == 0 : i == 0;
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "year", year);
        desk_vars_text(v, "reference_date", t->reference_date);
        desk_vars_text(v, "selected", sel ? "selected" : "");
        bool ok = desk_render("year_option.html", v, out);
        desk_vars_free(v);
        if (!ok)
            return false;
    }
    return true;
}

/* The year the form chose, as a number; 0 when none or malformed. */
static int32_t form_year(const char *text)
{
    int64_t y = 0;
    if (!cli_parse_int64(text, CIVIL_DATE_MIN_YEAR, CIVIL_DATE_MAX_YEAR, &y))
        return 0;
    return (int32_t)y;
}

/* The message for a form field, with "error:" vars for the template. */
static void vars_field_errors(desk_vars_t *v, const desk_notices_t *notices,
                              const char *const *fields)
{
    for (const char *const *f = fields; *f != NULL; f++) {
        char name[FIELD_NAME_SIZE + 8];
        snprintf(name, sizeof(name), "error:%s", *f);
        const desk_notice_t *n = desk_notices_for(notices, *f);
        desk_vars_text(v, name, n != NULL ? n->text : "");
    }
}

static void page_register_form(desk_t *d, struct evhttp_request *req,
                               const desk_form_t *form,
                               desk_notices_t *notices)
{
    Aixin__V1__Response *years = years_fetch(d, notices);
    struct evbuffer *options = evbuffer_new();
    desk_vars_t *v = desk_vars_new();
    for (const char *const *f = register_fields; *f != NULL; f++)
        desk_vars_text(v, *f, form != NULL ? desk_form_get(form, *f) : "");
    /* A township clerk registers in the own township: filled in. */
    if ((form == NULL || desk_form_get(form, "township_code")[0] == '\0') &&
        d->link.role == AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK)
        desk_vars_text(v, "township_code", d->link.division_code);
    const char *kind = form != NULL ? desk_form_get(form, "kind") : "";
    desk_vars_text(v, "kind_two_daughters",
                   strcmp(kind, "two_daughters") == 0 ? "selected" : "");
    vars_field_errors(v, notices, register_fields);
    bool ok = options != NULL &&
              years_options(years,
                            form != NULL ? desk_form_get(form, "policy_year")
                                         : "",
                            options) &&
              desk_vars_html_buffer(v, "year_options", options);
    if (years != NULL)
        aixin__v1__response__free_unpacked(years, NULL);
    if (options != NULL)
        evbuffer_free(options);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Register a household"),
                   "household_register.html", v, notices);
}

static void page_register_get(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    page_register_form(d, req, NULL, &notices);
}

/* Sinks the English message of a core check: the form says it in its own
 * words next to the input. */
static void sink_drop(void *arg, notice_kind_t kind, const char *field,
                      const char *text)
{
    (void)arg;
    (void)kind;
    (void)field;
    (void)text;
}

static bool input_ok_township(const char *s)
{
    notice_sink_set(sink_drop, NULL);
    bool ok = input_check_township_code(s, "township_code") == CLI_EXIT_OK;
    notice_sink_set(NULL, NULL);
    return ok;
}

static bool input_ok_certificate(const char *s)
{
    notice_sink_set(sink_drop, NULL);
    bool ok = input_check_certificate(s, "certificate_no") == CLI_EXIT_OK;
    notice_sink_set(NULL, NULL);
    return ok;
}

static bool input_ok_person_name(const char *s)
{
    notice_sink_set(sink_drop, NULL);
    bool ok = input_check_person_name(s, "name") == CLI_EXIT_OK;
    notice_sink_set(NULL, NULL);
    return ok;
}

/* A field's text copied for the request, an 'x' at the end upper-cased. */
static void id_copy(char out[ID_BUF], const char *in)
{
    snprintf(out, ID_BUF, "%s", in);
    input_normalize_id_number(out);
}

typedef struct register_input {
    const char *township;
    Aixin__V1__HouseholdKind kind;
    const char *certificate;
    char guardian_id[MAX_GUARDIANS][ID_BUF];
    const char *guardian_name[MAX_GUARDIANS];
    size_t n_guardians;
    char child_id[MAX_CHILDREN][ID_BUF];
    const char *child_name[MAX_CHILDREN];
    idcard_info_t child_info[MAX_CHILDREN];
    size_t n_children;
    int32_t year;
} register_input_t;

/* Local checks, as the CLI's, each message tied to its input. True when
 * nothing was refused. */
static bool register_check(const desk_form_t *form,
                           const Aixin__V1__Response *years,
                           register_input_t *in, desk_notices_t *notices)
{
    size_t before = notices->n;
    memset(in, 0, sizeof(*in));
    in->township = desk_form_get(form, "township_code");
    in->certificate = desk_form_get(form, "certificate_no");
    in->kind = names_household_kind_parse(desk_form_get(form, "kind"));
    if (!input_ok_township(in->township))
        desk_notices_add(notices, NOTICE_REJECTED, "township_code", "%s",
                         _("A township code has 9 digits."));
    if (in->kind == AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_UNSPECIFIED)
        desk_notices_add(notices, NOTICE_REJECTED, "kind", "%s",
                         _("Choose the kind of household."));
    if (!input_ok_certificate(in->certificate))
        desk_notices_add(notices, NOTICE_REJECTED, "certificate_no", "%s",
                         _("The certificate number is 1 to 32 letters, "
                           "digits or signs, without spaces."));
    in->year = form_year(desk_form_get(form, "policy_year"));
    civil_date_t ref;
    bool has_ref = years_reference(years, in->year, &ref);
    for (size_t i = 0; i < MAX_GUARDIANS; i++) {
        char f_id[FIELD_NAME_SIZE], f_name[FIELD_NAME_SIZE];
        snprintf(f_id, sizeof(f_id), "guardians[%zu].id_number", i);
        snprintf(f_name, sizeof(f_name), "guardians[%zu].name", i);
        const char *id = desk_form_get(form, f_id);
        const char *name = desk_form_get(form, f_name);
        if (id[0] == '\0' && name[0] == '\0' && i > 0)
            continue;
        size_t k = in->n_guardians++;
        id_copy(in->guardian_id[k], id);
        in->guardian_name[k] = name;
        desk_idcheck_t chk;
        desk_idcheck_run(in->guardian_id[k], NULL, false, &chk);
        if (!chk.ok)
            desk_notices_add(notices, NOTICE_REJECTED, f_id, "%s",
                             chk.message);
        if (!input_ok_person_name(name))
            desk_notices_add(notices, NOTICE_REJECTED, f_name, "%s",
                             _("Enter the name (at most 64 characters)."));
    }
    if (in->n_guardians == 2 &&
        strcmp(in->guardian_id[0], in->guardian_id[1]) == 0)
        desk_notices_add(notices, NOTICE_REJECTED, "guardians[1].id_number",
                         "%s", _("The two guardians have the same ID number."));
    for (size_t i = 0; i < MAX_CHILDREN; i++) {
        char f_id[FIELD_NAME_SIZE], f_name[FIELD_NAME_SIZE];
        snprintf(f_id, sizeof(f_id), "children[%zu].id_number", i);
        snprintf(f_name, sizeof(f_name), "children[%zu].name", i);
        const char *id = desk_form_get(form, f_id);
        const char *name = desk_form_get(form, f_name);
        if (id[0] == '\0' && name[0] == '\0')
            continue;
        size_t k = in->n_children++;
        id_copy(in->child_id[k], id);
        in->child_name[k] = name;
        desk_idcheck_t chk;
        desk_idcheck_run(in->child_id[k], has_ref ? &ref : NULL, true, &chk);
        if (!chk.ok)
            desk_notices_add(notices, NOTICE_REJECTED, f_id, "%s",
                             chk.message);
        in->child_info[k] = chk.info;
        if (!input_ok_person_name(name))
            desk_notices_add(notices, NOTICE_REJECTED, f_name, "%s",
                             _("Enter the name (at most 64 characters)."));
    }
    if (in->n_children > 0 && in->year == 0)
        desk_notices_add(notices, NOTICE_REJECTED, "policy_year", "%s",
                         _("Choose the policy year to enroll the children "
                           "in."));
    return notices->n == before;
}

/* The protocol field an answer names, as the input of child `i`. */
static void notices_rename(desk_notices_t *n, size_t from, const char *input)
{
    for (size_t i = from; i < n->n; i++)
        if (n->items[i].field[0] != '\0' || n->items[i].kind == NOTICE_REJECTED)
            snprintf(n->items[i].field, sizeof(n->items[i].field), "%s",
                     input);
}

static cli_exit_t send_register(desk_t *d, const register_input_t *in,
                                Aixin__V1__Response **out,
                                desk_notices_t *notices)
{
    Aixin__V1__Guardian g[MAX_GUARDIANS];
    Aixin__V1__Guardian *gp[MAX_GUARDIANS];
    for (size_t i = 0; i < in->n_guardians; i++) {
        aixin__v1__guardian__init(&g[i]);
        g[i].id_number = (char *)in->guardian_id[i];
        g[i].name = (char *)in->guardian_name[i];
        gp[i] = &g[i];
    }
    Aixin__V1__RegisterHousehold body = AIXIN__V1__REGISTER_HOUSEHOLD__INIT;
    body.township_code = (char *)in->township;
    body.kind = in->kind;
    body.certificate_no = (char *)in->certificate;
    body.n_guardians = in->n_guardians;
    body.guardians = gp;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD;
    req.register_household = &body;
    return desk_link_call(&d->link, &req, AIXIN__V1__RESPONSE__BODY_HOUSEHOLD,
                          true, out, notices);
}

static cli_exit_t send_add_child(desk_t *d, int64_t household,
                                 const register_input_t *in, size_t i,
                                 desk_notices_t *notices)
{
    char birth[CIVIL_DATE_TEXT_SIZE];
    const idcard_info_t *info = &in->child_info[i];
    civil_date_format((civil_date_t){info->year, info->month, info->day},
                      birth);
    Aixin__V1__AddChild body = AIXIN__V1__ADD_CHILD__INIT;
    body.household_id = household;
    body.id_number = (char *)in->child_id[i];
    body.name = (char *)in->child_name[i];
    body.sex = info->sex == 'M' ? AIXIN__V1__SEX__SEX_MALE
                                : AIXIN__V1__SEX__SEX_FEMALE;
    body.birth_date = birth;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ADD_CHILD;
    req.add_child = &body;
    Aixin__V1__Response *resp = NULL;
    cli_exit_t rc = desk_link_call(&d->link, &req,
                                   AIXIN__V1__RESPONSE__BODY_CHILD, false,
                                   &resp, notices);
    if (resp != NULL)
        aixin__v1__response__free_unpacked(resp, NULL);
    return rc;
}

/* Enroll one child; spooled when the city cannot be reached. */
static cli_exit_t send_enroll(desk_t *d, const char *child_id, int32_t year,
                              desk_notices_t *notices)
{
    Aixin__V1__Enroll body = AIXIN__V1__ENROLL__INIT;
    body.child_id_number = (char *)child_id;
    body.policy_year = year;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_ENROLL;
    req.enroll = &body;
    Aixin__V1__Response *resp = NULL;
    cli_exit_t rc = desk_link_call(&d->link, &req,
                                   AIXIN__V1__RESPONSE__BODY_POLICY, true,
                                   &resp, notices);
    if (resp != NULL)
        aixin__v1__response__free_unpacked(resp, NULL);
    return rc;
}

static void page_household_show(desk_t *d, struct evhttp_request *req,
                                const char *guardian, const char *child,
                                desk_notices_t *notices);
static void page_household_find(desk_t *d, struct evhttp_request *req,
                                const char *guardian, const char *certificate,
                                const char *child, desk_notices_t *notices);

static void page_register_post(desk_t *d, struct evhttp_request *req)
{
    desk_form_t form;
    desk_notices_t notices = {0};
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    if (!desk_form_read(req, &form)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    Aixin__V1__Response *years = years_fetch(d, &notices);
    register_input_t in;
    bool ok = register_check(&form, years, &in, &notices);
    if (years != NULL)
        aixin__v1__response__free_unpacked(years, NULL);
    Aixin__V1__Response *hh = NULL;
    if (ok && send_register(d, &in, &hh, &notices) != CLI_EXIT_OK) {
        if (notices.spooled) {
            desk_notices_add(
                &notices, NOTICE_WARNING, NULL, "%s",
                _("The city's server cannot be reached: the household is "
                  "saved in the spool and will be registered when it is "
                  "sent. Add and enroll the children after that."));
            desk_page_send(d, req, HTTP_OK, _("Register a household"),
                           "saved_in_spool.html", NULL, &notices);
            desk_form_free(&form);
            return;
        }
        ok = false;
    }
    if (!ok) {
        page_register_form(d, req, &form, &notices);
        desk_form_free(&form);
        return;
    }
    size_t enrolled = 0;
    for (size_t i = 0; i < in.n_children; i++) {
        char input[FIELD_NAME_SIZE];
        snprintf(input, sizeof(input), "children[%zu].id_number", i);
        size_t from = notices.n;
        cli_exit_t rc = send_add_child(d, hh->household->id, &in, i, &notices);
        if (rc == CLI_EXIT_OK)
            rc = send_enroll(d, in.child_id[i], in.year, &notices);
        notices_rename(&notices, from, input);
        if (rc == CLI_EXIT_OK)
            enrolled++;
        else if (notices.spooled)
            desk_notices_add(&notices, NOTICE_WARNING, input, "%s",
                             _("The enrollment waits in the spool."));
    }
    desk_notices_add(&notices, NOTICE_INFO, NULL,
                     _("Household %lld registered; %zu of %zu children "
                       "enrolled for %d."),
                     (long long)hh->household->id, enrolled, in.n_children,
                     (int)in.year);
    char guardian[ID_BUF];
    snprintf(guardian, sizeof(guardian), "%s", in.guardian_id[0]);
    aixin__v1__response__free_unpacked(hh, NULL);
    desk_form_free(&form);
    page_household_show(d, req, guardian, "", &notices);
}

/* The policies of one child as table rows, newest year first. */
static bool render_policies(desk_t *d, const char *child_id,
                            struct evbuffer *out, desk_notices_t *notices)
{
    Aixin__V1__ListPolicies body = AIXIN__V1__LIST_POLICIES__INIT;
    body.child_id_number = (char *)child_id;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_POLICIES;
    req.list_policies = &body;
    Aixin__V1__Response *resp = NULL;
    if (desk_link_call(&d->link, &req, AIXIN__V1__RESPONSE__BODY_POLICIES,
                       false, &resp, notices) != CLI_EXIT_OK)
        return true; /* the message says why */
    bool ok = true;
    const Aixin__V1__PolicyList *l = resp->policies;
    for (size_t i = 0; ok && i < l->n_policies; i++) {
        const Aixin__V1__Policy *p = l->policies[i];
        char premium[MONEY_TEXT_SIZE];
        money_format_fen(p->premium_fen, premium);
        desk_vars_t *v = desk_vars_new();
        desk_vars_textf(v, "policy_year", "%d", (int)p->policy_year);
        desk_vars_textf(v, "policy_id", "%lld", (long long)p->id);
        desk_vars_text(v, "child_id_number", p->child_id_number);
        desk_vars_text(v, "child_name", p->child_name);
        desk_vars_text(v, "premium", premium);
        desk_vars_text(v, "insurer_code", p->insurer_code);
        desk_vars_text(v, "township_code", p->township_code);
        desk_vars_textf(v, "household_id", "%lld", (long long)p->household_id);
        ok = desk_render("policy_row.html", v, out);
        desk_vars_free(v);
    }
    aixin__v1__response__free_unpacked(resp, NULL);
    return ok;
}

static bool render_household(desk_t *d, const Aixin__V1__Household *h,
                             struct evbuffer *out, desk_notices_t *notices)
{
    struct evbuffer *rows = evbuffer_new();
    struct evbuffer *policies = evbuffer_new();
    desk_vars_t *v = desk_vars_new();
    bool ok = rows != NULL && policies != NULL;
    for (size_t i = 0; ok && i < h->n_guardians; i++) {
        desk_vars_t *g = desk_vars_new();
        desk_vars_text(g, "id_number", h->guardians[i]->id_number);
        desk_vars_text(g, "name", h->guardians[i]->name);
        ok = desk_render("guardian_row.html", g, rows);
        desk_vars_free(g);
    }
    ok = ok && desk_vars_html_buffer(v, "guardian_rows", rows);
    for (size_t i = 0; ok && i < h->n_children; i++) {
        const Aixin__V1__Child *c = h->children[i];
        ok = render_policies(d, c->id_number, policies, notices);
        desk_vars_t *cv = desk_vars_new();
        desk_vars_text(cv, "id_number", c->id_number);
        desk_vars_text(cv, "name", c->name);
        desk_vars_text(cv, "sex", desk_label_sex(c->sex));
        desk_vars_text(cv, "birth_date", c->birth_date);
        desk_vars_text(cv, "guardian_id_number",
                       h->n_guardians > 0 ? h->guardians[0]->id_number : "");
        ok = ok && desk_vars_html_buffer(cv, "policy_rows", policies) &&
             desk_render("child_row.html", cv, rows);
        desk_vars_free(cv);
    }
    ok = ok && desk_vars_html_buffer(v, "child_rows", rows);
    if (ok) {
        desk_vars_textf(v, "id", "%lld", (long long)h->id);
        desk_vars_text(v, "township_code", h->township_code);
        desk_vars_text(v, "township_name", h->township_name);
        desk_vars_text(v, "kind", desk_label_household_kind(h->kind));
        desk_vars_text(v, "certificate_no", h->certificate_no);
        ok = desk_render("household_view.html", v, out);
    }
    desk_vars_free(v);
    if (rows != NULL)
        evbuffer_free(rows);
    if (policies != NULL)
        evbuffer_free(policies);
    return ok;
}

/* The find page: the search form and, when asked, what was found. */
static void page_household_show(desk_t *d, struct evhttp_request *req,
                                const char *guardian, const char *child,
                                desk_notices_t *notices)
{
    page_household_find(d, req, guardian, "", child, notices);
}

/* Ask the server for the household; false only when the page cannot be
 * made (a refusal is a notice). */
static bool find_and_render(desk_t *d, const char *guardian,
                            const char *certificate, const char *child,
                            struct evbuffer *found, desk_notices_t *notices)
{
    Aixin__V1__FindHousehold body = AIXIN__V1__FIND_HOUSEHOLD__INIT;
    body.guardian_id_number = (char *)guardian;
    body.certificate_no = (char *)certificate;
    body.child_id_number = (char *)child;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD;
    rq.find_household = &body;
    Aixin__V1__Response *resp = NULL;
    if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_HOUSEHOLD,
                       false, &resp, notices) != CLI_EXIT_OK)
        return true;
    bool ok = render_household(d, resp->household, found, notices);
    aixin__v1__response__free_unpacked(resp, NULL);
    return ok;
}

/* The policies of the child searched for, above its household. */
static bool render_child_policies(desk_t *d, const char *child,
                                  struct evbuffer *found,
                                  desk_notices_t *notices)
{
    struct evbuffer *rows = evbuffer_new();
    desk_vars_t *cv = desk_vars_new();
    bool ok = rows != NULL && render_policies(d, child, rows, notices) &&
              desk_vars_html_buffer(cv, "policy_rows", rows) &&
              desk_vars_text(cv, "child_id_number", child) &&
              desk_render("child_policies.html", cv, found);
    desk_vars_free(cv);
    if (rows != NULL)
        evbuffer_free(rows);
    return ok;
}

static void page_household_find(desk_t *d, struct evhttp_request *req,
                                const char *guardian, const char *certificate,
                                const char *child, desk_notices_t *notices)
{
    struct evbuffer *found = evbuffer_new();
    desk_vars_t *v = desk_vars_new();
    bool ok = found != NULL;
    char gid[ID_BUF], cid[ID_BUF];
    id_copy(gid, guardian);
    id_copy(cid, child);
    int given = (guardian[0] != '\0') + (certificate[0] != '\0') +
                (child[0] != '\0');
    desk_idcheck_t chk = {.ok = true};
    if (given > 1) {
        desk_notices_add(notices, NOTICE_REJECTED, "guardian_id_number", "%s",
                         _("Fill in only one of the three numbers."));
    } else if (guardian[0] != '\0') {
        desk_idcheck_run(gid, NULL, false, &chk);
        if (!chk.ok)
            desk_notices_add(notices, NOTICE_REJECTED, "guardian_id_number",
                             "%s", chk.message);
        else
            ok = find_and_render(d, gid, "", "", found, notices);
    } else if (certificate[0] != '\0') {
        if (!input_ok_certificate(certificate))
            desk_notices_add(notices, NOTICE_REJECTED, "certificate_no", "%s",
                             _("A certificate number is 1 to 32 letters, "
                               "digits or signs, without spaces."));
        else
            ok = find_and_render(d, "", certificate, "", found, notices);
    } else if (child[0] != '\0') {
        desk_idcheck_run(cid, NULL, false, &chk);
        if (!chk.ok)
            desk_notices_add(notices, NOTICE_REJECTED, "child_id_number",
                             "%s", chk.message);
        else
            ok = render_child_policies(d, cid, found, notices) &&
                 find_and_render(d, "", "", cid, found, notices);
    }
    ok = ok && desk_vars_html_buffer(v, "found", found);
    if (found != NULL)
        evbuffer_free(found);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_vars_text(v, "guardian_id_number", guardian);
    desk_vars_text(v, "certificate_no", certificate);
    desk_vars_text(v, "child_id_number", child);
    static const char *const find_fields[] = {
        "guardian_id_number", "certificate_no", "child_id_number", NULL};
    vars_field_errors(v, notices, find_fields);
    desk_page_send(d, req, HTTP_OK, _("Find a household"),
                   "household_find.html", v, notices);
}

static void page_find(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    bool read = desk_form_read(req, &form);
    page_household_find(
        d, req, read ? desk_form_get(&form, "guardian_id_number") : "",
        read ? desk_form_get(&form, "certificate_no") : "",
        read ? desk_form_get(&form, "child_id_number") : "", &notices);
    desk_form_free(&form);
}

static void page_enroll(desk_t *d, struct evhttp_request *req)
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
    char child[ID_BUF];
    id_copy(child, desk_form_get(&form, "child_id_number"));
    int32_t year = form_year(desk_form_get(&form, "policy_year"));
    desk_idcheck_t chk;
    desk_idcheck_run(child, NULL, true, &chk);
    if (!chk.ok)
        desk_notices_add(&notices, NOTICE_REJECTED, "child_id_number", "%s",
                         chk.message);
    else if (year == 0)
        desk_notices_add(&notices, NOTICE_REJECTED, "policy_year", "%s",
                         _("Enter the policy year."));
    else if (send_enroll(d, child, year, &notices) == CLI_EXIT_OK)
        desk_notices_add(&notices, NOTICE_INFO, NULL,
                         _("Enrolled for %d."), (int)year);
    else if (notices.spooled)
        desk_notices_add(&notices, NOTICE_WARNING, NULL, "%s",
                         _("The city's server cannot be reached: the "
                           "enrollment is saved in the spool and will be "
                           "sent with the button above."));
    const char *guardian = desk_form_get(&form, "guardian_id_number");
    if (d->link.offline)
        page_household_show(d, req, "", "", &notices);
    else
        page_household_show(d, req, guardian, guardian[0] ? "" : child,
                            &notices);
    desk_form_free(&form);
}

const desk_route_t desk_household_routes[] = {
    {"/household/new", false, page_register_get},
    {"/household/new", true, page_register_post},
    {"/household/find", false, page_find},
    {"/enroll", true, page_enroll},
    {NULL, false, NULL},
};
