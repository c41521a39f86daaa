/* The early warnings (ListAlerts) on the desk: the section the start page
 * shows and the page /alerts. */
#include "desk_alerts.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>

#include "grievance_text.h"
#include "i18n.h"

static bool render_alert_row(const Aixin__V1__Alert *a, struct evbuffer *out)
{
    char text[ALERT_SENTENCE_SIZE];
    alert_sentence(a, text);
    desk_vars_t *v = desk_vars_new();
    desk_vars_text(v, "kind", a->kind);
    desk_vars_text(v, "severity", a->severity);
    desk_vars_text(v, "severity_text", alert_severity_text(a->severity));
    desk_vars_text(v, "division", a->division_code);
    desk_vars_text(v, "text", text);
    bool ok = desk_render("alerts_row.html", v, out);
    desk_vars_free(v);
    return ok;
}

bool desk_alerts_section(desk_t *d, desk_vars_t *v, desk_notices_t *notices)
{
    if (!d->link.logged_in || d->link.offline)
        return desk_vars_html(v, "alerts", "");
    Aixin__V1__ListAlerts body = AIXIN__V1__LIST_ALERTS__INIT;
    Aixin__V1__Request rq = AIXIN__V1__REQUEST__INIT;
    rq.body_case = AIXIN__V1__REQUEST__BODY_LIST_ALERTS;
    rq.list_alerts = &body;
    Aixin__V1__Response *resp = NULL;
    if (desk_link_call(&d->link, &rq, AIXIN__V1__RESPONSE__BODY_ALERTS, false,
                       &resp, notices) != CLI_EXIT_OK)
        return desk_vars_html(v, "alerts", "");
    struct evbuffer *rows = evbuffer_new();
    struct evbuffer *section = evbuffer_new();
    bool ok = rows != NULL && section != NULL;
    const Aixin__V1__AlertList *list = resp->alerts;
    for (size_t i = 0; ok && i < list->n_alerts; i++)
        ok = render_alert_row(list->alerts[i], rows);
    desk_vars_t *sv = desk_vars_new();
    ok = ok && sv != NULL && desk_vars_html_buffer(sv, "rows", rows);
    if (ok) {
        desk_vars_textf(sv, "count", "%zu", list->n_alerts);
        desk_vars_text(sv, "none", list->n_alerts == 0
                                       ? _("Nothing needs attention.")
                                       : "");
        ok = desk_render("alerts.html", sv, section) &&
             desk_vars_html_buffer(v, "alerts", section);
    }
    desk_vars_free(sv);
    if (rows != NULL)
        evbuffer_free(rows);
    if (section != NULL)
        evbuffer_free(section);
    aixin__v1__response__free_unpacked(resp, NULL);
    return ok;
}

static void page_alerts(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    desk_vars_t *v = desk_vars_new();
    if (!desk_alerts_section(d, v, &notices)) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send(d, req, HTTP_OK, _("Early warnings"), "alerts_page.html", v,
                   &notices);
}

const desk_route_t desk_alerts_routes[] = {
    {"/alerts", false, page_alerts},
    {NULL, false, NULL},
};
