/* The page frame and the form reader every page uses; see desk_app.h. */
#include "desk_app.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "desk_labels.h"
#include "i18n.h"

/* Largest form body read (an upload is read by its own page). */
#define FORM_MAX_BYTES (64u * 1024u)

/* Append one decoded field; false when out of memory. */
static bool form_push(desk_form_t *f, char *name, char *value)
{
    if (f->n == f->cap) {
        size_t cap = f->cap == 0 ? 16 : f->cap * 2;
        desk_form_field_t *fields = realloc(f->fields, cap * sizeof(*fields));
        if (fields == NULL)
            return false;
        f->fields = fields;
        f->cap = cap;
    }
    f->fields[f->n++] = (desk_form_field_t){.name = name, .value = value};
    return true;
}

/* One "name=value" of a urlencoded text, both decoded ('+' is a space). A
 * NUL in either is refused: it would cut the text short. */
static bool form_add_pair(const char *pair, size_t len, desk_form_t *f)
{
    const char *eq = memchr(pair, '=', len);
    size_t name_len = eq != NULL ? (size_t)(eq - pair) : len;
    char *name_enc = strndup(pair, name_len);
    char *value_enc = eq != NULL ? strndup(eq + 1, len - name_len - 1)
                                 : strdup("");
    size_t name_dec_len = 0, value_dec_len = 0;
    char *name = name_enc != NULL
                     ? evhttp_uridecode(name_enc, 1, &name_dec_len)
                     : NULL;
    char *value = value_enc != NULL
                      ? evhttp_uridecode(value_enc, 1, &value_dec_len)
                      : NULL;
    free(name_enc);
    free(value_enc);
    bool ok = name != NULL && value != NULL &&
              strlen(name) == name_dec_len &&
              strlen(value) == value_dec_len && form_push(f, name, value);
    if (!ok) {
        free(name);
        free(value);
    }
    return ok;
}

/* "a=1&b=2" into the form. */
static bool form_parse(const char *text, desk_form_t *f)
{
    while (*text != '\0') {
        size_t len = strcspn(text, "&");
        if (len > 0 && !form_add_pair(text, len, f))
            return false;
        text += len;
        if (*text == '&')
            text++;
    }
    return true;
}

bool desk_form_read(struct evhttp_request *req, desk_form_t *out)
{
    memset(out, 0, sizeof(*out));
    const char *text = NULL;
    char *body = NULL;
    if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(in);
        if (len > FORM_MAX_BYTES)
            return false;
        body = malloc(len + 1);
        if (body == NULL)
            return false;
        evbuffer_copyout(in, body, len);
        body[len] = '\0';
        text = body;
    } else {
        const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
        text = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
    }
    bool ok = text == NULL || form_parse(text, out);
    free(body);
    return ok;
}

const char *desk_form_get(const desk_form_t *f, const char *name)
{
    /* The first of a name counts, as with evhttp's own query parser. */
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return f->fields[i].value;
    return "";
}

void desk_form_free(desk_form_t *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
    }
    free(f->fields);
    memset(f, 0, sizeof(*f));
}

void desk_set_common_headers(struct evhttp_request *req)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    /* Nothing from anywhere else; inline style and script only. */
    evhttp_add_header(h, "Content-Security-Policy",
                      "default-src 'none'; style-src 'unsafe-inline'; "
                      "script-src 'unsafe-inline'; img-src data:; "
                      "connect-src 'self'; form-action 'self'; "
                      "frame-ancestors 'none'; base-uri 'none'");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(h, "X-Frame-Options", "DENY");
    evhttp_add_header(h, "Referrer-Policy", "same-origin");
    evhttp_add_header(h, "Cache-Control", "no-store");
}

void desk_send_plain_error(struct evhttp_request *req, int status,
                           const char *text)
{
    struct evbuffer *out = evbuffer_new();
    if (out == NULL) {
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    desk_set_common_headers(req);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; charset=utf-8");
    evbuffer_add_printf(out, "%s\n", text);
    evhttp_send_reply(req, status, NULL, out);
    evbuffer_free(out);
}

void desk_redirect(struct evhttp_request *req, const char *location)
{
    desk_set_common_headers(req);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
                      location);
    evhttp_send_reply(req, 303, "See Other", NULL);
}

bool desk_render(const char *name, const desk_vars_t *vars,
                 struct evbuffer *out)
{
    const char *error = NULL;
    if (desk_template_render(name, vars, out, &error))
        return true;
    fprintf(stderr, "aixin desk: template %s: %s\n", name, error);
    return false;
}

/* The messages of the request, each in a box of its kind. */
static bool render_notices(const desk_notices_t *notices,
                           struct evbuffer *out)
{
    if (notices == NULL)
        return true;
    for (size_t i = 0; i < notices->n; i++) {
        const desk_notice_t *n = &notices->items[i];
        desk_vars_t *v = desk_vars_new();
        desk_vars_text(v, "kind", n->kind == NOTICE_WARNING ? "warning"
                                  : n->kind == NOTICE_INFO  ? "info"
                                                            : "error");
        desk_vars_text(v, "label", desk_label_notice_kind(n->kind));
        desk_vars_text(v, "text", n->text);
        desk_vars_text(v, "field", n->field);
        bool ok = desk_render("notice.html", v, out);
        desk_vars_free(v);
        if (!ok)
            return false;
    }
    return true;
}

/* Who is at the desk, or the invitation to log in. */
static bool render_user_line(desk_t *d, struct evbuffer *out)
{
    desk_vars_t *v = desk_vars_new();
    bool ok;
    if (d->link.logged_in) {
        desk_vars_text(v, "username", d->link.username);
        desk_vars_text(v, "role", desk_label_role(d->link.role));
        desk_vars_text(v, "division_code", d->link.division_code);
        desk_vars_text(v, "server", d->link.address);
        ok = desk_render("user_line.html", v, out);
    } else {
        ok = desk_render("user_line_out.html", v, out);
    }
    desk_vars_free(v);
    return ok;
}

/* The line about the city's server and the spool: shown when the server
 * could not be reached or changes are waiting. */
bool desk_render_spool_line(desk_t *d, struct evbuffer *out)
{
    size_t waiting = d->link.logged_in ? desk_link_spool_count(&d->link) : 0;
    if (!d->link.offline && waiting == 0)
        return true;
    desk_vars_t *v = desk_vars_new();
    desk_vars_textf(v, "waiting", "%zu", waiting);
    desk_vars_text(v, "state", d->link.offline ? "offline" : "online");
    desk_vars_text(v, "state_text",
                   d->link.offline
                       ? _("The city's server cannot be reached.")
                       : _("The city's server is reachable again."));
    bool ok = desk_render("spool_line.html", v, out);
    desk_vars_free(v);
    return ok;
}

void desk_page_send(desk_t *d, struct evhttp_request *req, int status,
                    const char *title, const char *body_template,
                    desk_vars_t *vars, const desk_notices_t *notices)
{
    desk_page_send_refresh(d, req, status, title, body_template, vars,
                           notices, 0);
}

void desk_page_send_refresh(desk_t *d, struct evhttp_request *req,
                            int status, const char *title,
                            const char *body_template, desk_vars_t *vars,
                            const desk_notices_t *notices, int refresh)
{
    struct evbuffer *part = evbuffer_new();
    struct evbuffer *out = evbuffer_new();
    desk_vars_t *layout = desk_vars_new();
    bool ok = part != NULL && out != NULL && layout != NULL;
    ok = ok && desk_render(body_template, vars, part) &&
         desk_vars_html_buffer(layout, "body", part);
    ok = ok && render_notices(notices, part) &&
         desk_vars_html_buffer(layout, "notices", part);
    ok = ok && render_user_line(d, part) &&
         desk_vars_html_buffer(layout, "user_line", part);
    ok = ok && desk_render_spool_line(d, part) &&
         desk_vars_html_buffer(layout, "spool_line", part);
    if (ok) {
        desk_vars_text(layout, "title", title);
        desk_vars_t *r = desk_vars_new();
        desk_vars_textf(r, "seconds", "%d", refresh);
        ok = refresh <= 0 ? desk_vars_html(layout, "refresh", "")
                          : desk_render("refresh.html", r, part) &&
                                desk_vars_html_buffer(layout, "refresh", part);
        desk_vars_free(r);
        desk_vars_text(layout, "logged_in", d->link.logged_in ? "1" : "");
        desk_vars_text(layout, "role", d->link.logged_in
                                           ? desk_role_name(d->link.role)
                                           : "");
        ok = ok && desk_render("layout.html", layout, out);
    }
    if (ok) {
        desk_set_common_headers(req);
        evhttp_add_header(evhttp_request_get_output_headers(req),
                          "Content-Type", "text/html; charset=utf-8");
        evhttp_send_reply(req, status, NULL, out);
    } else {
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
    }
    desk_vars_free(vars);
    desk_vars_free(layout);
    if (part != NULL)
        evbuffer_free(part);
    if (out != NULL)
        evbuffer_free(out);
}

void desk_vars_form_fields(desk_vars_t *v, const char *const *fields,
                           const desk_form_t *form,
                           const desk_notices_t *notices)
{
    for (const char *const *k = fields; *k != NULL; k++) {
        char err[80];
        snprintf(err, sizeof(err), "error:%s", *k);
        const desk_notice_t *e =
            notices != NULL ? desk_notices_for(notices, *k) : NULL;
        desk_vars_text(v, *k, form != NULL ? desk_form_get(form, *k) : "");
        desk_vars_text(v, err, e != NULL ? e->text : "");
    }
}

void desk_vars_selected(desk_vars_t *v, const char *prefix,
                        const char *const *values, const char *chosen)
{
    for (const char *const *k = values; *k != NULL; k++) {
        char name[80];
        snprintf(name, sizeof(name), "%s:%s", prefix, *k);
        desk_vars_text(v, name, strcmp(*k, chosen) == 0 ? "selected" : "");
    }
}

void desk_send_file(struct evhttp_request *req, const char *path,
                    const char *content_type, const char *file_name,
                    const char *missing)
{
    int fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        desk_send_plain_error(req, HTTP_NOTFOUND, missing);
        return;
    }
    struct evbuffer *out = evbuffer_new();
    /* The buffer owns the descriptor once the file is added. */
    if (out == NULL || evbuffer_add_file(out, fd, 0, st.st_size) != 0) {
        if (out != NULL)
            evbuffer_free(out);
        else
            close(fd);
        desk_send_plain_error(req, HTTP_INTERNAL,
                              _("The page could not be made."));
        return;
    }
    desk_set_common_headers(req);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", content_type);
    char disposition[160];
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"",
             file_name);
    evhttp_add_header(h, "Content-Disposition", disposition);
    evhttp_send_reply(req, HTTP_OK, NULL, out);
    evbuffer_free(out);
}
