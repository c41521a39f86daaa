/*
 * The desk's page templates: HTML files under the templates folder
 * ($AIXIN_DESK_TEMPLATES, else the folder the build compiled in), read
 * once and kept. Three marks, nothing else:
 *
 *   {{name}}        the variable's text, HTML-escaped (& < > " ')
 *   {{{name}}}      the variable's HTML as is: only for fragments this
 *                   renderer made itself (desk_vars_html)
 *   _("English")    the text translated with gettext, HTML-escaped
 *
 * A mark naming a variable that was not given fails the rendering, so a
 * misspelt name shows in the tests rather than as an empty field.
 */
#ifndef AIXIN_DESK_TEMPLATE_H
#define AIXIN_DESK_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

struct evbuffer;

/* A template's variables. Names and values are copied (owned). */
typedef struct desk_vars desk_vars_t;

desk_vars_t *desk_vars_new(void);
void desk_vars_free(desk_vars_t *v);

/* Text, escaped where it is used. NULL is the empty string. False when out
 * of memory (the rendering then fails too). */
bool desk_vars_text(desk_vars_t *v, const char *name, const char *value);
__attribute__((format(printf, 3, 4))) bool
desk_vars_textf(desk_vars_t *v, const char *name, const char *fmt, ...);
/* A fragment of HTML made by desk_template_render(): used as is. */
bool desk_vars_html(desk_vars_t *v, const char *name, const char *html);
/* Take the fragment from `buf` (drained). */
bool desk_vars_html_buffer(desk_vars_t *v, const char *name,
                           struct evbuffer *buf);

/* The templates' folder; call before the first rendering. */
void desk_template_set_dir(const char *dir);

/* Append `s` to out with & < > " ' as character references. */
void desk_html_escape(struct evbuffer *out, const char *s);

/*
 * Render template `name` ("login.html") with `vars` (may be NULL) to the
 * end of `out`. False, with *error set to a static English reason (for the
 * log), when the file cannot be read, a mark is malformed or a variable
 * is missing.
 */
__attribute__((warn_unused_result)) bool
desk_template_render(const char *name, const desk_vars_t *vars,
                     struct evbuffer *out, const char **error);

/* Whether the folder holds the layout every page needs (checked at start,
 * so that a wrong AIXIN_DESK_TEMPLATES is said at once). */
bool desk_template_dir_usable(void);

/* The folder in use (borrowed). */
const char *desk_template_dir(void);

/* Free the cached templates. */
void desk_template_cache_free(void);

#endif
