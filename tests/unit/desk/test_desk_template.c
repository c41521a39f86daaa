/* The desk's template renderer: marks, escaping, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desk_template.h"

static char dir[] = "/tmp/test-desk-template.XXXXXX";

static void write_template(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Render `name` with vars; the text, or NULL when refused (freed by the
 * caller). */
static char *render(const char *name, const desk_vars_t *vars)
{
    struct evbuffer *out = evbuffer_new();
    const char *error = NULL;
    char *text = NULL;
    if (desk_template_render(name, vars, out, &error)) {
        size_t len = evbuffer_get_length(out);
        text = calloc(1, len + 1);
        evbuffer_remove(out, text, len);
    } else {
        assert_non_null(error);
    }
    evbuffer_free(out);
    return text;
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    desk_template_set_dir(dir);
    write_template("escape.html", "<p title=\"{{v}}\">{{v}}</p>");
    write_template("raw.html", "<div>{{{frag}}}</div>");
    write_template("missing.html", "<p>{{nobody}}</p>");
    write_template("open.html", "<p>{{v</p>");
    write_template("tr.html", "<h1>_(\"Say \\\"hi\\\" <now>\")</h1>");
    write_template("tr_open.html", "<h1>_(\"Say hi</h1>");
    write_template("names.html", "{{guardians[0].id_number}}|{{error:x}}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    desk_template_cache_free();
    const char *names[] = {"escape.html", "raw.html", "missing.html",
                           "open.html", "tr.html", "tr_open.html",
                           "names.html"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    return rmdir(dir);
}

static void test_text_is_escaped(void **state)
{
    (void)state;
    desk_vars_t *v = desk_vars_new();
    assert_true(desk_vars_text(v, "v", "<i id=\"pwn\">x</i>&'"));
    char *out = render("escape.html", v);
    assert_non_null(out);
    assert_string_equal(out, "<p title=\"&lt;i id=&quot;pwn&quot;&gt;x&lt;/"
                             "i&gt;&amp;&#39;\">&lt;i id=&quot;pwn&quot;&gt;"
                             "x&lt;/i&gt;&amp;&#39;</p>");
    free(out);
    desk_vars_free(v);
}

static void test_html_fragment_as_is(void **state)
{
    (void)state;
    desk_vars_t *v = desk_vars_new();
    assert_true(desk_vars_html(v, "frag", "<b>ok</b>"));
    char *out = render("raw.html", v);
    assert_non_null(out);
    assert_string_equal(out, "<div><b>ok</b></div>");
    free(out);
    desk_vars_free(v);
}

static void test_text_never_raw(void **state)
{
    (void)state;
    desk_vars_t *v = desk_vars_new();
    assert_true(desk_vars_text(v, "frag", "<b>no</b>"));
    assert_null(render("raw.html", v));
    desk_vars_free(v);
}

static void test_missing_variable_fails(void **state)
{
    (void)state;
    desk_vars_t *v = desk_vars_new();
    assert_true(desk_vars_text(v, "v", "x"));
    assert_null(render("missing.html", v));
    assert_null(render("open.html", v));
    desk_vars_free(v);
}

static void test_translation_mark(void **state)
{
    (void)state;
    /* No catalog: the English text, escaped, with \" unescaped. */
    char *out = render("tr.html", NULL);
    assert_non_null(out);
    assert_string_equal(out, "<h1>Say &quot;hi&quot; &lt;now&gt;</h1>");
    free(out);
    assert_null(render("tr_open.html", NULL));
}

static void test_names_with_brackets(void **state)
{
    (void)state;
    desk_vars_t *v = desk_vars_new();
    assert_true(desk_vars_text(v, "guardians[0].id_number", "1"));
    assert_true(desk_vars_text(v, "error:x", "2"));
    char *out = render("names.html", v);
    assert_non_null(out);
    assert_string_equal(out, "1|2");
    free(out);
    desk_vars_free(v);
}

static void test_template_names_stay_in_the_folder(void **state)
{
    (void)state;
    assert_null(render("../escape.html", NULL));
    assert_null(render("/etc/passwd", NULL));
    assert_null(render("", NULL));
    assert_null(render("no_such.html", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_is_escaped),
        cmocka_unit_test(test_html_fragment_as_is),
        cmocka_unit_test(test_text_never_raw),
        cmocka_unit_test(test_missing_variable_fails),
        cmocka_unit_test(test_translation_mark),
        cmocka_unit_test(test_names_with_brackets),
        cmocka_unit_test(test_template_names_stay_in_the_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
