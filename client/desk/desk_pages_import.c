/*
 * Pages: import an enrollment file. The clerk uploads the CSV file (a
 * plain form, no script needed); the import runs in its own thread
 * (desk_import_job.h) while the page reloads itself every second with a
 * progress bar; at the end it lists the refused rows with their reasons
 * and offers them as a CSV file to download, correct and import again.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk_import_job.h"
#include "desk_upload.h"
#include "i18n.h"
#include "import_csv.h"

/* Refused rows listed on the page; the download has them all. */
#define IMPORT_ROWS_SHOWN 200

void desk_import_stop(desk_t *d)
{
    desk_import_job_free(d->import);
    d->import = NULL;
}

static bool import_running(const desk_t *d)
{
    return d->import != NULL &&
           atomic_load(&d->import->state) == DESK_IMPORT_RUNNING;
}

static bool render_refused(const desk_import_job_t *job, struct evbuffer *out)
{
    const import_run_result_t *r = &job->result;
    size_t n = r->n_refusals < IMPORT_ROWS_SHOWN ? r->n_refusals
                                                 : IMPORT_ROWS_SHOWN;
    for (size_t k = 0; k < n; k++) {
        desk_vars_t *v = desk_vars_new();
        desk_vars_textf(v, "line", "%u", (unsigned)r->refusals[k].line);
        desk_vars_text(v, "reason", r->refusals[k].reason);
        /* The column as a clerk's file names it, whatever the file's
         * own header language: the desk speaks Chinese. */
        import_column_t col;
        desk_vars_text(v, "field",
                       import_csv_column_parse(r->refusals[k].field, &col)
                           ? import_column_chinese_name(col)
                           : r->refusals[k].field);
        bool ok = desk_render("import_refused_row.html", v, out);
        desk_vars_free(v);
        if (!ok)
            return false;
    }
    return true;
}

static void page_import(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    desk_vars_t *v = desk_vars_new();
    desk_import_job_t *job = d->import;
    int state = job != NULL ? atomic_load(&job->state) : -1;
    struct evbuffer *part = evbuffer_new();
    bool ok = part != NULL;
    desk_vars_text(v, "state", state == DESK_IMPORT_RUNNING ? "running"
                               : state == DESK_IMPORT_DONE  ? "done"
                               : state == DESK_IMPORT_FAILED ? "failed"
                                                             : "none");
    if (ok && job != NULL) {
        uint64_t total = atomic_load(&job->total);
        uint64_t done = atomic_load(&job->done);
        desk_vars_t *s = desk_vars_new();
        desk_vars_text(s, "file_name", job->file_name);
        desk_vars_textf(s, "total", "%llu", (unsigned long long)total);
        desk_vars_textf(s, "done", "%llu", (unsigned long long)done);
        desk_vars_textf(s, "percent", "%llu",
                        total > 0 ? (unsigned long long)(done * 100 / total)
                                  : 0ULL);
        if (state != DESK_IMPORT_RUNNING) {
            /* The counts of the CLI's summary, from the same run. */
            const import_run_result_t *r = &job->result;
            notices = job->notices;
            desk_vars_textf(s, "n_records", "%zu", r->n_records);
            desk_vars_textf(s, "n_enrolled", "%zu", r->n_enrolled);
            desk_vars_textf(s, "n_already", "%zu",
                            r->n_replayed + r->n_skipped);
            desk_vars_textf(s, "n_replayed", "%zu", r->n_replayed);
            desk_vars_textf(s, "n_skipped", "%zu", r->n_skipped);
            desk_vars_textf(s, "n_refused", "%zu",
                            r->n_refused_here + r->n_refused_server);
            desk_vars_textf(s, "n_refused_here", "%zu", r->n_refused_here);
            desk_vars_textf(s, "n_refused_server", "%zu",
                            r->n_refused_server);
            desk_vars_textf(s, "n_not_done", "%zu",
                            r->n_unknown + r->n_unsent);
            desk_vars_textf(s, "n_unknown", "%zu", r->n_unknown);
            desk_vars_textf(s, "n_unsent", "%zu", r->n_unsent);
            struct evbuffer *rows = evbuffer_new();
            ok = rows != NULL && render_refused(job, rows) &&
                 desk_vars_html_buffer(s, "refused_rows", rows);
            if (rows != NULL)
                evbuffer_free(rows);
            ok = ok &&
                 desk_render(r->n_refusals > 0 ? "import_result.html"
                                               : "import_result_clean.html",
                             s, part);
        } else {
            ok = desk_render("import_progress.html", s, part);
        }
        desk_vars_free(s);
    }
    ok = ok && desk_vars_html_buffer(v, "status", part);
    if (part != NULL)
        evbuffer_free(part);
    if (!ok) {
        desk_vars_free(v);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_vars_text(v, "running", state == DESK_IMPORT_RUNNING ? "1" : "");
    desk_page_send_refresh(d, req, HTTP_OK, _("Import an enrollment file"),
                           "import.html", v, &notices,
                           state == DESK_IMPORT_RUNNING ? 1 : 0);
}

/* The browser's name of the uploaded file (for the page only). */
static void upload_file_name(const char *body, size_t len, char *out,
                             size_t size)
{
    snprintf(out, size, "upload.csv");
    const char *p = memmem(body, len < 4096 ? len : 4096, "filename=\"", 10);
    if (p == NULL)
        return;
    p += 10;
    size_t n = strcspn(p, "\"\r\n");
    if (n > 0 && n < size)
        snprintf(out, size, "%.*s", (int)n, p);
}

static void page_import_post(desk_t *d, struct evhttp_request *req)
{
    if (!d->link.logged_in) {
        desk_redirect(req, "/");
        return;
    }
    desk_notices_t notices = {0};
    if (import_running(d)) {
        desk_redirect(req, "/import");
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    const char *body = (const char *)evbuffer_pullup(in, -1);
    const char *type = evhttp_find_header(
        evhttp_request_get_input_headers(req), "Content-Type");
    const char *data = NULL;
    size_t data_len = 0;
    if (body == NULL ||
        !desk_upload_find(type, body, len, "file", &data, &data_len) ||
        data_len == 0) {
        desk_notices_add(&notices, NOTICE_REJECTED, "file", "%s",
                         _("Choose the CSV file to import."));
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "state", "none");
        desk_vars_text(v, "running", "");
        desk_vars_html(v, "status", "");
        desk_page_send(d, req, HTTP_OK, _("Import an enrollment file"),
                       "import.html", v, &notices);
        return;
    }
    char name[128];
    upload_file_name(body, len, name, sizeof(name));
    desk_import_stop(d); /* the last one, finished */
    d->import = desk_import_job_start(&d->link, data, data_len, name,
                                      &notices);
    if (d->import == NULL) {
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "state", "failed");
        desk_vars_text(v, "running", "");
        desk_vars_html(v, "status", "");
        desk_page_send(d, req, HTTP_OK, _("Import an enrollment file"),
                       "import.html", v, &notices);
        return;
    }
    desk_redirect(req, "/import");
}

/* The refused rows as CSV, for Excel. */
static void page_import_errors(desk_t *d, struct evhttp_request *req)
{
    desk_import_job_t *job = d->import;
    bool ready = job != NULL &&
                 atomic_load(&job->state) != DESK_IMPORT_RUNNING &&
                 job->result.errors_written;
    /* The error file is in the encoding the uploaded file came in. */
    desk_send_file(req, ready ? job->errors_path : NULL,
                   ready && job->result.encoding == TEXT_ENCODING_GB18030
                       ? "text/csv; charset=gb18030"
                       : "text/csv; charset=utf-8",
                   "refused-rows.csv",
                   _("There are no refused rows to download."));
}

const desk_route_t desk_import_routes[] = {
    {"/import", false, page_import},
    {"/import", true, page_import_post},
    {"/import/refused.csv", false, page_import_errors},
    {NULL, false, NULL},
};
