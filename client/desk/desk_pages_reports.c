/*
 * Pages: the city's reports for the user's own division, each drawn by
 * the core's HTML report (report_html.h: the charts and the full table,
 * printable on A4), as `aixin report --format html` writes it. The page
 * of a report is the report itself, with a line back to the desk.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beijing_day.h"
#include "i18n.h"
#include "report_data.h"
#include "report_html.h"

/* Years in one report page: a trend of up to ten. */
#define REPORT_PAGE_MAX_YEARS 10

static void page_reports(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_vars_t *v = desk_vars_new();
    desk_vars_textf(v, "this_year", "%d", (int)beijing_this_year());
    desk_vars_text(v, "division_code", d->link.division_code);
    desk_page_send(d, req, HTTP_OK, _("Reports"), "reports.html", v, NULL);
}

static cli_exit_t report_fetch(desk_t *d, Aixin__V1__ReportKind kind,
                               int32_t from, int32_t to,
                               Aixin__V1__Response **out,
                               desk_notices_t *notices)
{
    Aixin__V1__GetReport body = AIXIN__V1__GET_REPORT__INIT;
    body.kind = kind;
    body.year_from = from;
    body.year_to = to;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_GET_REPORT;
    rq.get_report = &body;
    cli_exit_t rc = desk_link_call(&d->link, &rq,
                                   AIXIN__V1__RESPONSE__BODY_REPORT, false,
                                   out, notices);
    if (rc == CLI_EXIT_OK && (*out)->report == NULL) {
        aixin__v1__response__free_unpacked(*out, NULL);
        *out = NULL;
        rc = CLI_EXIT_UNAVAILABLE;
    }
    return rc;
}

/* The division's name from the division list, when no row holds it. */
static const char *division_name_lookup(desk_t *d, const char *code,
                                        Aixin__V1__Response **resp,
                                        desk_notices_t *notices)
{
    Aixin__V1__ListDivisions body = AIXIN__V1__LIST_DIVISIONS__INIT;
    body.root_code = (char *)code;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_DIVISIONS;
    rq.list_divisions = &body;
    *resp = NULL;
    if (code == NULL || code[0] == '\0' ||
        desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_DIVISIONS,
                       false, resp, notices) != CLI_EXIT_OK)
        return NULL;
    const Aixin__V1__DivisionList *list = (*resp)->divisions;
    for (size_t i = 0; list != NULL && i < list->n_divisions; i++)
        if (strcmp(list->divisions[i]->code, code) == 0)
            return list->divisions[i]->name;
    return NULL;
}

/* The report page: the core's HTML, sent as it is. */
static void page_report(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_form_t form;
    desk_notices_t notices = {0};
    bool read = desk_form_read(req, &form);
    Aixin__V1__ReportKind kind =
        read ? report_kind_parse(desk_form_get(&form, "kind"))
             : AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED;
    int64_t from = 0, to = 0;
    bool years_ok =
        read &&
        cli_parse_int64(desk_form_get(&form, "year_from"), 1900, 2999, &from);
    if (years_ok && desk_form_get(&form, "year_to")[0] == '\0')
        to = from;
    else if (years_ok)
        years_ok = cli_parse_int64(desk_form_get(&form, "year_to"), from,
                                   from + REPORT_PAGE_MAX_YEARS - 1, &to);
    desk_form_free(&form);
    if (kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED || !years_ok) {
        desk_notices_add(&notices, NOTICE_REJECTED, "kind", "%s",
                         _("Choose a report and its years (at most ten)."));
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "this_year", "");
        desk_vars_text(v, "division_code", d->link.division_code);
        desk_page_send(d, req, HTTP_OK, _("Reports"), "reports.html", v,
                       &notices);
        return;
    }
    Aixin__V1__Response *whole = NULL;
    Aixin__V1__Response *yearly[REPORT_PAGE_MAX_YEARS] = {NULL};
    const Aixin__V1__ReportTable *years[REPORT_PAGE_MAX_YEARS] = {NULL};
    size_t n_years = 0;
    Aixin__V1__Response *divisions = NULL;
    cli_exit_t rc = report_fetch(d, kind, (int32_t)from, (int32_t)to, &whole,
                                 &notices);
    for (int64_t y = from; rc == CLI_EXIT_OK && to > from && y <= to; y++) {
        rc = report_fetch(d, kind, (int32_t)y, (int32_t)y, &yearly[n_years],
                          &notices);
        if (rc == CLI_EXIT_OK) {
            years[n_years] = yearly[n_years]->report;
            n_years++;
        }
    }
    char *data = NULL;
    size_t len = 0;
    bool ok = false;
    if (rc == CLI_EXIT_OK) {
        const char *name = report_html_division_name(whole->report);
        if (name == NULL)
            name = division_name_lookup(d, whole->report->division_code,
                                        &divisions, &notices);
        report_html_t page = {.table = whole->report,
                              .years = n_years > 0 ? years : NULL,
                              .n_years = n_years,
                              .division_name = name,
                              .generated_at = (int64_t)time(NULL)};
        FILE *mem = open_memstream(&data, &len);
        if (mem != NULL) {
            ok = report_html_render(&page, mem) && !ferror(mem);
            if (fclose(mem) != 0)
                ok = false;
        }
    }
    struct evbuffer *out = ok ? evbuffer_new() : NULL;
    if (out != NULL) {
        desk_vars_t *back = desk_vars_new();
        /* A report is a page too: the spool line goes on it as on the
         * others. */
        struct evbuffer *spool = evbuffer_new();
        ok = spool != NULL && desk_render_spool_line(d, spool) &&
             desk_vars_html_buffer(back, "spool_line", spool);
        if (spool != NULL)
            evbuffer_free(spool);
        /* The line back goes right after <body ...>. */
        const char *body = data != NULL ? strstr(data, "<body") : NULL;
        const char *gt = body != NULL ? strchr(body, '>') : NULL;
        size_t head = gt != NULL ? (size_t)(gt + 1 - data) : 0;
        ok = ok && evbuffer_add(out, data, head) == 0 &&
             desk_render("report_back.html", back, out) &&
             evbuffer_add(out, data + head, len - head) == 0;
        desk_vars_free(back);
    }
    if (ok && out != NULL) {
        desk_set_common_headers(req);
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "Content-Type", "text/html; charset=utf-8");
        evhttp_send_reply(req, HTTP_OK, NULL, out);
    } else {
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "this_year", "");
        desk_vars_text(v, "division_code", d->link.division_code);
        desk_page_send(d, req, HTTP_OK, _("Reports"), "reports.html", v,
                       &notices);
    }
    if (out != NULL)
        evbuffer_free(out);
    free(data);
    for (size_t i = 0; i < n_years; i++)
        aixin__v1__response__free_unpacked(yearly[i], NULL);
    if (whole != NULL)
        aixin__v1__response__free_unpacked(whole, NULL);
    if (divisions != NULL)
        aixin__v1__response__free_unpacked(divisions, NULL);
}

const desk_route_t desk_reports_routes[] = {
    {"/reports", false, page_reports},
    {"/report", false, page_report},
    {NULL, false, NULL},
};
