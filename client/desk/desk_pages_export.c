/*
 * Pages: exports for partners (docs/EXPORTS.md). One policy year's
 * policies or claims, of the office's division (or a part of it, or one
 * insurer), as CSV for Excel or an insurer's systems or as a FHIR R4
 * Bundle, made by a worker (desk_export_job.h) while the page follows it,
 * then downloaded. Who may export what, and whether ID numbers are masked,
 * is the city's decision.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "desk_export_job.h"
#include "i18n.h"
#include "input_check.h"
#include "request_check.h"

static const char *const export_fields[] = {
    "kind", "policy_year", "division_code", "insurer_code", "format",
    "encoding", NULL,
};

void desk_export_stop(desk_t *d)
{
    desk_export_job_free(d->export_job);
    d->export_job = NULL;
}

static bool export_running(const desk_t *d)
{
    return d->export_job != NULL &&
           atomic_load(&d->export_job->state) == DESK_EXPORT_RUNNING;
}

/* The form (as typed, or the defaults) and the last export's state. */
static void page_export_show(desk_t *d, struct evhttp_request *req,
                             const desk_form_t *form, desk_notices_t *notices)
{
    /* The choices of each <select>, the first one when none is chosen. */
    static const struct {
        const char *name;
        const char *values[4];
    } choices[] = {
        {"kind", {"policies", "claims", NULL}},
        {"format", {"csv", "fhir", NULL}},
        {"encoding", {"gb18030", "utf-8-bom", "utf-8", NULL}},
    };
    desk_vars_t *v = desk_vars_new();
    desk_vars_form_fields(v, export_fields, form, notices);
    for (size_t c = 0; c < sizeof(choices) / sizeof(choices[0]); c++) {
        const char *chosen =
            form != NULL ? desk_form_get(form, choices[c].name) : "";
        desk_vars_selected(v, choices[c].name, choices[c].values,
                           chosen[0] != '\0' ? chosen : choices[c].values[0]);
    }
    desk_export_job_t *job = d->export_job;
    int state = job != NULL ? atomic_load(&job->state) : -1;
    desk_vars_text(v, "state", state == DESK_EXPORT_RUNNING ? "running"
                               : state == DESK_EXPORT_DONE  ? "done"
                               : state == DESK_EXPORT_FAILED ? "failed"
                                                             : "none");
    struct evbuffer *part = evbuffer_new();
    bool ok = part != NULL;
    if (ok && job != NULL && state != DESK_EXPORT_FAILED) {
        uint64_t total = atomic_load(&job->total);
        uint64_t written = atomic_load(&job->written);
        desk_vars_t *s = desk_vars_new();
        desk_vars_text(s, "file_name", job->file_name);
        desk_vars_textf(s, "written", "%llu", (unsigned long long)written);
        desk_vars_textf(s, "total", "%llu", (unsigned long long)total);
        desk_vars_textf(s, "percent", "%llu",
                        total > 0 ? (unsigned long long)(written * 100 / total)
                                  : 0ULL);
        ok = desk_render(state == DESK_EXPORT_DONE ? "export_done.html"
                                                   : "export_progress.html",
                         s, part);
        desk_vars_free(s);
    }
    if (job != NULL && state == DESK_EXPORT_FAILED)
        for (size_t i = 0; i < job->notices.n; i++)
            desk_notices_add(notices, job->notices.items[i].kind,
                             job->notices.items[i].field, "%s",
                             job->notices.items[i].text);
    ok = ok && desk_vars_html_buffer(v, "status", part);
    if (part != NULL)
        evbuffer_free(part);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_page_send_refresh(d, req, HTTP_OK, _("Export for partners"),
                           "export.html", v, notices,
                           state == DESK_EXPORT_RUNNING ? 1 : 0);
}

static void page_export(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    page_export_show(d, req, NULL, &notices);
}

/* The form into `o`; false with the reasons in `n`. */
static bool export_form(const desk_form_t *f, export_options_t *o,
                        desk_notices_t *n)
{
    memset(o, 0, sizeof(*o));
    o->page_size = REQUEST_EXPORT_LIMIT_DEFAULT;
    o->kind = strcmp(desk_form_get(f, "kind"), "claims") == 0
                  ? AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS
                  : AIXIN__V1__EXPORT_KIND__EXPORT_KIND_POLICIES;
    o->format = strcmp(desk_form_get(f, "format"), "fhir") == 0
                    ? EXPORT_FORMAT_FHIR
                    : EXPORT_FORMAT_CSV;
    if (o->format == EXPORT_FORMAT_FHIR)
        o->encoding = TEXT_ENCODING_UTF8; /* FHIR JSON is UTF-8 */
    else if (!text_encoding_parse(desk_form_get(f, "encoding"), &o->encoding))
        o->encoding = TEXT_ENCODING_GB18030;
    int64_t year = 0;
    if (!cli_parse_int64(desk_form_get(f, "policy_year"), 1900, 2999, &year))
        desk_notices_add(n, NOTICE_REJECTED, "policy_year", "%s",
                         _("Enter the policy year."));
    o->year = (int32_t)year;
    const char *division = desk_form_get(f, "division_code");
    const char *insurer = desk_form_get(f, "insurer_code");
    o->division = division[0] != '\0' ? division : NULL;
    o->insurer = insurer[0] != '\0' ? insurer : NULL;
    /* The core's input checks report through the notice sink: each
     * refusal lands in `n`, at its field. */
    notice_sink_set(desk_notices_sink, n);
    bool ok = o->division == NULL ||
              input_check_division_code(o->division, "division_code") ==
                  CLI_EXIT_OK;
    ok = (o->insurer == NULL ||
          input_check_insurer_code(o->insurer, "insurer_code") ==
              CLI_EXIT_OK) &&
         ok;
    notice_sink_set(NULL, NULL);
    return ok && n->n == 0;
}

static void page_export_post(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    if (export_running(d)) {
        desk_redirect(req, "/export");
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
    export_options_t o;
    if (!export_form(&form, &o, &notices)) {
        page_export_show(d, req, &form, &notices);
        desk_form_free(&form);
        return;
    }
    desk_export_stop(d); /* the last one, finished */
    d->export_job = desk_export_job_start(&d->link, &o, &notices);
    if (d->export_job == NULL) {
        page_export_show(d, req, &form, &notices);
        desk_form_free(&form);
        return;
    }
    desk_form_free(&form);
    desk_redirect(req, "/export");
}

/* The finished export's file. */
static void page_export_file(desk_t *d, struct evhttp_request *req)
{
    const desk_export_job_t *job = d->export_job;
    bool done = job != NULL && atomic_load(&job->state) == DESK_EXPORT_DONE;
    const export_options_t *o = done ? &job->options : NULL;
    desk_send_file(req, done ? job->path : NULL,
                   o == NULL                          ? "text/plain"
                   : o->format == EXPORT_FORMAT_FHIR ? "application/fhir+json"
                   : o->encoding == TEXT_ENCODING_GB18030
                       ? "text/csv; charset=gb18030"
                       : "text/csv; charset=utf-8",
                   done ? job->file_name : "",
                   _("There is no finished export to download."));
}

const desk_route_t desk_export_routes[] = {
    {"/export", false, page_export},
    {"/export", true, page_export_post},
    {"/export/file", false, page_export_file},
    {NULL, false, NULL},
};
