/*
 * Page: a policy year's settings (year_settings.proto): the four-eyes
 * thresholds, the early-warning lines, the grievance deadline and the
 * others, each in words with the value the year uses, its default, what
 * is allowed and who set it; the city administrator changes one. Values
 * are typed as a person reads them (yuan, a percentage, days), as in
 * `aixin year set`.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "beijing_day.h"
#include "i18n.h"
#include "year_setting_text.h"

static bool render_row(const Aixin__V1__YearSetting *s, struct evbuffer *out)
{
    char value[YEAR_SETTING_VALUE_TEXT_SIZE], def[YEAR_SETTING_VALUE_TEXT_SIZE];
    char lo[YEAR_SETTING_VALUE_TEXT_SIZE], hi[YEAR_SETTING_VALUE_TEXT_SIZE];
    year_setting_format(s->unit, s->value, value);
    year_setting_format(s->unit, s->default_value, def);
    year_setting_format(s->unit, s->minimum, lo);
    year_setting_format(s->unit, s->maximum, hi);
    desk_vars_t *v = desk_vars_new();
    desk_vars_text(v, "name", s->name);
    desk_vars_text(v, "description",
                   year_setting_description(s->name, s->description));
    desk_vars_text(v, "value", value);
    desk_vars_text(v, "default", def);
    desk_vars_textf(v, "range", "%s – %s", lo, hi);
    desk_vars_text(v, "set", s->is_set ? _("set for the year") : _("default"));
    desk_vars_textf(v, "set_by", "%s %s", s->set_by, s->set_at);
    bool ok = desk_render("setting_row.html", v, out);
    desk_vars_free(v);
    return ok;
}

/* The settings of `year`, or NULL (the reason in `notices`). */
static Aixin__V1__Response *list_settings(desk_t *d, int32_t year,
                                          desk_notices_t *notices)
{
    Aixin__V1__ListYearSettings body = AIXIN__V1__LIST_YEAR_SETTINGS__INIT;
    body.year = year;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_YEAR_SETTINGS;
    rq.list_year_settings = &body;
    Aixin__V1__Response *resp = NULL;
    if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_YEAR_SETTINGS,
                       false, &resp, notices) != CLI_EXIT_OK)
        return NULL;
    return resp;
}

static void page_settings_show(desk_t *d, struct evhttp_request *req,
                               int32_t year, const desk_form_t *form,
                               desk_notices_t *notices)
{
    struct evbuffer *rows = evbuffer_new();
    struct evbuffer *options = evbuffer_new();
    bool ok = rows != NULL && options != NULL;
    const char *chosen = form != NULL ? desk_form_get(form, "name") : "";
    Aixin__V1__Response *resp = ok ? list_settings(d, year, notices) : NULL;
    for (size_t i = 0; ok && resp != NULL &&
                       i < resp->year_settings->n_settings; i++) {
        const Aixin__V1__YearSetting *s = resp->year_settings->settings[i];
        ok = render_row(s, rows);
        desk_vars_t *o = desk_vars_new();
        desk_vars_text(o, "name", s->name);
        desk_vars_text(o, "description",
                       year_setting_description(s->name, s->description));
        desk_vars_text(o, "selected",
                       strcmp(chosen, s->name) == 0 ? "selected" : "");
        ok = ok && desk_render("setting_option.html", o, options);
        desk_vars_free(o);
    }
    if (resp != NULL)
        aixin__v1__response__free_unpacked(resp, NULL);
    desk_vars_t *v = desk_vars_new();
    ok = ok && desk_vars_html_buffer(v, "rows", rows) &&
         desk_vars_html_buffer(v, "options", options);
    if (rows != NULL)
        evbuffer_free(rows);
    if (options != NULL)
        evbuffer_free(options);
    desk_vars_textf(v, "year", "%d", (int)year);
    desk_vars_text(v, "value_typed", form != NULL ? desk_form_get(form, "value")
                                                  : "");
    const desk_notice_t *e = desk_notices_for(notices, "value");
    desk_vars_text(v, "error:value", e != NULL ? e->text : "");
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Settings of a policy year"),
                   "settings.html", v, notices);
}

static bool form_year(const desk_form_t *f, int32_t *year)
{
    int64_t y = 0;
    if (!cli_parse_int64(desk_form_get(f, "year"), 1900, 2999, &y))
        return false;
    *year = (int32_t)y;
    return true;
}

static void page_settings(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t query;
    desk_notices_t notices = {0};
    int32_t year = beijing_this_year();
    if (desk_form_read(req, &query) &&
        desk_form_get(&query, "year")[0] != '\0' && !form_year(&query, &year))
        desk_notices_add(&notices, NOTICE_REJECTED, "year", "%s",
                         _("Enter the policy year."));
    desk_form_free(&query);
    page_settings_show(d, req, year, NULL, &notices);
}

/* POST /settings: year, name, value (as typed, in the setting's unit). */
static void page_settings_post(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    int32_t year = 0;
    if (!desk_form_read(req, &form) || !form_year(&form, &year)) {
        desk_form_free(&form);
        desk_send_plain_error(req, HTTP_BADREQUEST,
                              _("The form could not be read."));
        return;
    }
    const char *name = desk_form_get(&form, "name");
    const char *typed = desk_form_get(&form, "value");
    /* The unit, to read what was typed, is the setting's own. */
    char unit[32] = "";
    Aixin__V1__Response *list = list_settings(d, year, &notices);
    for (size_t i = 0; list != NULL && i < list->year_settings->n_settings;
         i++)
        if (strcmp(list->year_settings->settings[i]->name, name) == 0)
            snprintf(unit, sizeof(unit), "%s",
                     list->year_settings->settings[i]->unit);
    if (list != NULL)
        aixin__v1__response__free_unpacked(list, NULL);
    int64_t value = 0;
    if (list != NULL && unit[0] == '\0')
        desk_notices_add(&notices, NOTICE_REJECTED, "name", "%s",
                         _("Choose a setting."));
    else if (unit[0] != '\0' && !year_setting_parse(unit, typed, &value))
        desk_notices_add(&notices, NOTICE_REJECTED, "value", "%s",
                         strcmp(unit, "fen") == 0
                             ? _("Enter an amount in yuan, e.g. 5000 or "
                                 "5000.50.")
                         : strcmp(unit, "basis_points") == 0
                             ? _("Enter a percentage, e.g. 85 or 85.5.")
                             : _("Enter a whole number."));
    else if (unit[0] != '\0') {
        Aixin__V1__SetYearSetting body = AIXIN__V1__SET_YEAR_SETTING__INIT;
        body.year = year;
        body.name = (char *)name;
        body.value = value;
        Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
        rq.body_case = AIXIN__V1__REQUEST__BODY_SET_YEAR_SETTING;
        rq.set_year_setting = &body;
        Aixin__V1__Response *resp = NULL;
        if (desk_link_call(&d->link, &rq,
                           AIXIN__V1__RESPONSE__BODY_YEAR_SETTINGS, false,
                           &resp, &notices) == CLI_EXIT_OK) {
            aixin__v1__response__free_unpacked(resp, NULL);
            desk_notices_add(&notices, NOTICE_INFO, NULL, "%s", _("Saved."));
            page_settings_show(d, req, year, NULL, &notices);
            desk_form_free(&form);
            return;
        }
    }
    page_settings_show(d, req, year, &form, &notices);
    desk_form_free(&form);
}

const desk_route_t desk_settings_routes[] = {
    {"/settings", false, page_settings},
    {"/settings", true, page_settings_post},
    {NULL, false, NULL},
};
