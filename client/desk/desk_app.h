/*
 * What the desk's files share: the running desk, its routes and the
 * helpers every page uses to read a form and answer with a page.
 */
#ifndef AIXIN_DESK_APP_H
#define AIXIN_DESK_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "desk_guard.h"
#include "desk_link.h"
#include "desk_template.h"

struct evhttp_request;
struct event_base;

struct desk_import_job; /* desk_import_job.h */
struct desk_export_job; /* desk_export_job.h */

typedef struct desk {
    struct event_base *base;  /* owned */
    desk_guard_t guard;       /* who may come in */
    desk_link_t link;         /* the way to aixind */
    struct desk_import_job *import; /* owned: the import running or last */
    struct desk_export_job *export_job; /* owned: the export running or last */
} desk_t;

/* A page handler: answers `req` (always, exactly once). */
typedef void (*desk_handler_fn)(desk_t *d, struct evhttp_request *req);

typedef struct desk_route {
    const char *path;    /* exact path */
    bool post;           /* POST (a form); GET and HEAD otherwise */
    desk_handler_fn run;
} desk_route_t;

/* The routes of each page group, each table ended by a NULL path. */
extern const desk_route_t desk_session_routes[];
extern const desk_route_t desk_household_routes[];
extern const desk_route_t desk_spool_routes[];
extern const desk_route_t desk_import_routes[];
extern const desk_route_t desk_claims_routes[];
extern const desk_route_t desk_reports_routes[];
extern const desk_route_t desk_funding_routes[];
extern const desk_route_t desk_claims_more_routes[];
extern const desk_route_t desk_admin_routes[];
extern const desk_route_t desk_alerts_routes[];
extern const desk_route_t desk_yearcycle_routes[]; /* desk_pages_yearcycle.c */
extern const desk_route_t desk_password_routes[];  /* desk_pages_password.c */
extern const desk_route_t desk_grievance_routes[]; /* desk_pages_grievances.c */
extern const desk_route_t desk_pending_routes[];   /* desk_pages_pending.c */
extern const desk_route_t desk_export_routes[];    /* desk_pages_export.c */
extern const desk_route_t desk_audit_routes[];     /* desk_pages_audit.c */
extern const desk_route_t desk_settings_routes[];  /* desk_pages_settings.c */

/* One input of a form, decoded. */
typedef struct desk_form_field {
    char *name;  /* owned */
    char *value; /* owned; may hold newlines (a textarea) */
} desk_form_field_t;

/* A form or a query string, parsed (application/x-www-form-urlencoded). */
typedef struct desk_form {
    desk_form_field_t *fields; /* owned array */
    size_t n, cap;
} desk_form_t;

/* The query of a GET or the urlencoded body of a POST. False (and an
 * empty form) when it cannot be parsed. */
bool desk_form_read(struct evhttp_request *req, desk_form_t *out);
/* The value, or "" when absent. Borrowed from the form. */
const char *desk_form_get(const desk_form_t *f, const char *name);
void desk_form_free(desk_form_t *f);

/*
 * Answer with a whole page: the layout (who, the spool line, the menu,
 * the messages of this request) around `body_template` rendered with
 * `vars` (may be NULL; freed here). `title` is already translated.
 */
void desk_page_send(desk_t *d, struct evhttp_request *req, int status,
                    const char *title, const char *body_template,
                    desk_vars_t *vars, const desk_notices_t *notices);
/* The same, and the browser loads the page again after `refresh` seconds
 * (a page that follows work in progress without script); 0 for never. */
void desk_page_send_refresh(desk_t *d, struct evhttp_request *req,
                            int status, const char *title,
                            const char *body_template, desk_vars_t *vars,
                            const desk_notices_t *notices, int refresh);

/* The line about the city's server and the spool (nothing when the city
 * is reachable and nothing waits), for pages made without the layout. */
bool desk_render_spool_line(desk_t *d, struct evbuffer *out);

/* 303 See Other to `location` (a path of the desk). */
void desk_redirect(struct evhttp_request *req, const char *location);

/* For each of `fields` (NULL-ended): its value as typed in `form` (NULL:
 * empty) and, as "error:<field>", the first message about it in
 * `notices` (may be NULL), so that a refused form comes back as typed with
 * each reason at its input. */
void desk_vars_form_fields(desk_vars_t *v, const char *const *fields,
                           const desk_form_t *form,
                           const desk_notices_t *notices);

/* The options of a <select name="prefix">: "prefix:<value>" is "selected"
 * for the value `chosen` (NULL-ended `values`), "" for the others. */
void desk_vars_selected(desk_vars_t *v, const char *prefix,
                        const char *const *values, const char *chosen);

/* Send the file at `path` as a download named `file_name` (404 with
 * `missing` when it cannot be opened). */
void desk_send_file(struct evhttp_request *req, const char *path,
                    const char *content_type, const char *file_name,
                    const char *missing);

/* A plain page for refusals and failures, without the layout. */
void desk_send_plain_error(struct evhttp_request *req, int status,
                           const char *text);

/* The headers every answer carries (CSP, no caching, no sniffing). */
void desk_set_common_headers(struct evhttp_request *req);

/* Render one template into `out`; false logged on stderr (English). */
bool desk_render(const char *name, const desk_vars_t *vars,
                 struct evbuffer *out);

#endif
