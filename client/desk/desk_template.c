/* The tiny template renderer; see desk_template.h. */
#include "desk_template.h"

#include <event2/buffer.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define TEMPLATE_NAME_MAX 64
#define TEMPLATE_MAX_BYTES (256u * 1024u)
#define VAR_NAME_MAX 64

typedef struct desk_var {
    char *name;  /* owned */
    char *value; /* owned */
    bool html;   /* used as is */
} desk_var_t;

struct desk_vars {
    desk_var_t *items; /* owned array */
    size_t n, cap;
    bool failed; /* an allocation failed: rendering refuses */
};

typedef struct template_entry {
    char name[TEMPLATE_NAME_MAX];
    char *text; /* owned, NUL-terminated */
    struct template_entry *next;
} template_entry_t;

static char template_dir[1024] = AIXIN_DESK_TEMPLATES;
static template_entry_t *cache;
/* The import worker renders too (its error page is the HTTP loop's, but
 * keep the cache safe whoever calls). */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

desk_vars_t *desk_vars_new(void)
{
    return calloc(1, sizeof(desk_vars_t));
}

void desk_vars_free(desk_vars_t *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++) {
        free(v->items[i].name);
        free(v->items[i].value);
    }
    free(v->items);
    free(v);
}

static bool vars_add(desk_vars_t *v, const char *name, char *value, bool html)
{
    if (v == NULL || value == NULL) {
        free(value);
        if (v != NULL)
            v->failed = true;
        return false;
    }
    if (v->n == v->cap) {
        size_t cap = v->cap == 0 ? 16 : v->cap * 2;
        desk_var_t *items = realloc(v->items, cap * sizeof(*items));
        if (items == NULL) {
            free(value);
            v->failed = true;
            return false;
        }
        v->items = items;
        v->cap = cap;
    }
    char *n = strdup(name);
    if (n == NULL) {
        free(value);
        v->failed = true;
        return false;
    }
    v->items[v->n++] = (desk_var_t){.name = n, .value = value, .html = html};
    return true;
}

bool desk_vars_text(desk_vars_t *v, const char *name, const char *value)
{
    return vars_add(v, name, strdup(value != NULL ? value : ""), false);
}

bool desk_vars_textf(desk_vars_t *v, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return vars_add(v, name, n < 0 ? NULL : s, false);
}

bool desk_vars_html(desk_vars_t *v, const char *name, const char *html)
{
    return vars_add(v, name, strdup(html != NULL ? html : ""), true);
}

bool desk_vars_html_buffer(desk_vars_t *v, const char *name,
                           struct evbuffer *buf)
{
    size_t len = evbuffer_get_length(buf);
    char *s = malloc(len + 1);
    if (s != NULL) {
        evbuffer_remove(buf, s, len);
        s[len] = '\0';
    }
    return vars_add(v, name, s, true);
}

void desk_template_set_dir(const char *dir)
{
    snprintf(template_dir, sizeof(template_dir), "%s", dir);
}

void desk_html_escape(struct evbuffer *out, const char *s)
{
    const char *run = s;
    for (; *s != '\0'; s++) {
        const char *ref = NULL;
        switch (*s) {
        case '&': ref = "&amp;"; break;
        case '<': ref = "&lt;"; break;
        case '>': ref = "&gt;"; break;
        case '"': ref = "&quot;"; break;
        case '\'': ref = "&#39;"; break;
        default: continue;
        }
        evbuffer_add(out, run, (size_t)(s - run));
        evbuffer_add(out, ref, strlen(ref));
        run = s + 1;
    }
    evbuffer_add(out, run, (size_t)(s - run));
}

/* Names are [a-z0-9_] only, so a path can never leave the folder. */
static bool name_is_safe(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len >= TEMPLATE_NAME_MAX)
        return false;
    for (const char *p = name; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.'))
            return false;
    return name[0] != '.';
}

static char *file_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(TEMPLATE_MAX_BYTES + 1);
    size_t n = buf != NULL ? fread(buf, 1, TEMPLATE_MAX_BYTES + 1, f) : 0;
    bool bad = buf == NULL || ferror(f) || n > TEMPLATE_MAX_BYTES;
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* The template's text (borrowed from the cache), loading it once. */
static const char *template_text(const char *name)
{
    if (!name_is_safe(name))
        return NULL;
    pthread_mutex_lock(&cache_lock);
    const char *found = NULL;
    for (template_entry_t *e = cache; e != NULL; e = e->next)
        if (strcmp(e->name, name) == 0)
            found = e->text;
    if (found == NULL) {
        char path[1200];
        snprintf(path, sizeof(path), "%s/%s", template_dir, name);
        template_entry_t *e = calloc(1, sizeof(*e));
        char *text = e != NULL ? file_read(path) : NULL;
        if (text == NULL) {
            free(e);
        } else {
            snprintf(e->name, sizeof(e->name), "%s", name);
            e->text = text;
            e->next = cache;
            cache = e;
            found = text;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return found;
}

bool desk_template_dir_usable(void)
{
    return template_text("layout.html") != NULL;
}

const char *desk_template_dir(void)
{
    return template_dir;
}

void desk_template_cache_free(void)
{
    pthread_mutex_lock(&cache_lock);
    while (cache != NULL) {
        template_entry_t *next = cache->next;
        free(cache->text);
        free(cache);
        cache = next;
    }
    pthread_mutex_unlock(&cache_lock);
}

static const desk_var_t *vars_find(const desk_vars_t *v, const char *name,
                                   size_t len)
{
    if (v == NULL)
        return NULL;
    /* The last one given wins, so a page may override a default. */
    for (size_t i = v->n; i-- > 0;)
        if (strlen(v->items[i].name) == len &&
            memcmp(v->items[i].name, name, len) == 0)
            return &v->items[i];
    return NULL;
}

/* _("...") at p: translate and escape; *end past the mark. The text may
 * hold \" for a quote. */
static bool render_translation(const char *p, struct evbuffer *out,
                               const char **end)
{
    const char *s = p + 3; /* after _(" */
    char msgid[1024];
    size_t n = 0;
    for (; *s != '\0' && *s != '"'; s++) {
        if (*s == '\\' && s[1] == '"')
            s++;
        if (n + 1 >= sizeof(msgid))
            return false;
        msgid[n++] = *s;
    }
    if (s[0] != '"' || s[1] != ')')
        return false;
    msgid[n] = '\0';
    desk_html_escape(out, _(msgid));
    *end = s + 2;
    return true;
}

bool desk_template_render(const char *name, const desk_vars_t *vars,
                          struct evbuffer *out, const char **error)
{
    *error = NULL;
    if (vars != NULL && vars->failed) {
        *error = "out of memory";
        return false;
    }
    const char *p = template_text(name);
    if (p == NULL) {
        *error = "the template cannot be read";
        return false;
    }
    while (*p != '\0') {
        const char *brace = strstr(p, "{{");
        const char *tr = strstr(p, "_(\"");
        const char *next = brace;
        if (tr != NULL && (next == NULL || tr < next))
            next = tr;
        if (next == NULL) {
            evbuffer_add(out, p, strlen(p));
            break;
        }
        evbuffer_add(out, p, (size_t)(next - p));
        if (next == tr) {
            if (!render_translation(next, out, &p)) {
                *error = "a _(\"...\") mark is not closed";
                return false;
            }
            continue;
        }
        bool raw = next[2] == '{';
        const char *start = next + (raw ? 3 : 2);
        const char *close = strstr(start, raw ? "}}}" : "}}");
        if (close == NULL || close - start >= VAR_NAME_MAX) {
            *error = "a {{...}} mark is not closed";
            return false;
        }
        const desk_var_t *var = vars_find(vars, start, (size_t)(close - start));
        if (var == NULL) {
            *error = "a variable of the template was not given";
            return false;
        }
        if (raw && !var->html) {
            *error = "{{{...}}} names text, not HTML";
            return false;
        }
        /* A fragment is this renderer's own output: already escaped. */
        if (var->html)
            evbuffer_add(out, var->value, strlen(var->value));
        else
            desk_html_escape(out, var->value);
        p = close + (raw ? 3 : 2);
    }
    return true;
}
