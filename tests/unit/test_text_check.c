#include "text_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct utf8_case {
    const char *bytes;
    size_t len; /* 0: strlen(bytes) */
    bool ok;
    size_t code_points; /* when ok */
    const char *why;
} utf8_case_t;

static const utf8_case_t utf8_cases[] = {
    {"", 0, true, 0, "empty"},
    {"Li Ming", 0, true, 7, "ASCII"},
    {"\xe6\x9d\x8e\xe6\x98\x8e", 0, true, 2, "CJK (li ming)"},
    {"\xc3\xa9", 0, true, 1, "U+00E9"},
    {"\xc2\xa0", 0, true, 1, "U+00A0, first after C1"},
    {"\xdf\xbf", 0, true, 1, "U+07FF"},
    {"\xe0\xa0\x80", 0, true, 1, "U+0800"},
    {"\xed\x9f\xbf", 0, true, 1, "U+D7FF"},
    {"\xee\x80\x80", 0, true, 1, "U+E000"},
    {"\xef\xbf\xbf", 0, true, 1, "U+FFFF"},
    {"\xf0\x90\x80\x80", 0, true, 1, "U+10000"},
    {"\xf4\x8f\xbf\xbf", 0, true, 1, "U+10FFFF"},
    {"~", 0, true, 1, "U+007E"},
    {"a\tb", 0, false, 0, "tab"},
    {"a\nb", 0, false, 0, "newline"},
    {"a\rb", 0, false, 0, "carriage return"},
    {"\x1b[2J", 0, false, 0, "escape"},
    {"\x7f", 0, false, 0, "DEL"},
    {"\xc2\x80", 0, false, 0, "U+0080, C1"},
    {"\xc2\x9f", 0, false, 0, "U+009F, C1"},
    {"a\0b", 3, false, 0, "NUL"},
    {"\xc0\x80", 0, false, 0, "overlong NUL"},
    {"\xc1\xbf", 0, false, 0, "overlong 2-byte"},
    {"\xe0\x80\xaf", 0, false, 0, "overlong '/'"},
    {"\xe0\x9f\xbf", 0, false, 0, "overlong U+07FF"},
    {"\xf0\x8f\xbf\xbf", 0, false, 0, "overlong U+FFFF"},
    {"\xed\xa0\x80", 0, false, 0, "surrogate U+D800"},
    {"\xed\xbf\xbf", 0, false, 0, "surrogate U+DFFF"},
    {"\xf4\x90\x80\x80", 0, false, 0, "U+110000"},
    {"a\xe2\x80\xa8" "b", 0, false, 0, "U+2028 line separator"},
    {"a\xe2\x80\xa9" "b", 0, false, 0, "U+2029 paragraph separator"},
    {"\xe2\x80\xaa", 0, false, 0, "U+202A LRE"},
    {"abc\xe2\x80\xae" "cba", 0, false, 0, "U+202E RLO"},
    {"\xe2\x81\xa6", 0, false, 0, "U+2066 LRI"},
    {"\xe2\x81\xa9", 0, false, 0, "U+2069 PDI"},
    {"\xe2\x80\xa7", 0, true, 1, "U+2027, before the separators"},
    {"\xe2\x80\xaf", 0, true, 1, "U+202F, after the overrides"},
    {"\xe2\x81\xa5", 0, true, 1, "U+2065, before the isolates"},
    {"\xe2\x81\xaa", 0, true, 1, "U+206A, after the isolates"},
    {"\xf5\x80\x80\x80", 0, false, 0, "lead F5"},
    {"\xff", 0, false, 0, "byte FF"},
    {"\xfe", 0, false, 0, "byte FE"},
    {"\x80", 0, false, 0, "lone continuation"},
    {"a\xbf", 0, false, 0, "stray continuation"},
    {"\xe6\x9d", 0, false, 0, "truncated 3-byte"},
    {"\xe6", 0, false, 0, "lead only"},
    {"\xf0\x90\x80", 0, false, 0, "truncated 4-byte"},
    {"\xe6\x41\x8e", 0, false, 0, "ASCII inside sequence"},
    {"\xc3\xa9\xc3", 0, false, 0, "truncated at end"},
};

static void test_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
        const utf8_case_t *c = &utf8_cases[i];
        size_t len = c->len ? c->len : strlen(c->bytes);
        bool ok = text_check_utf8(c->bytes, len);
        if (ok != c->ok)
            fail_msg("%s: got %d, want %d", c->why, ok, c->ok);
        if (ok)
            assert_int_equal(text_check_count_code_points(c->bytes, len),
                             c->code_points);
    }
    assert_true(text_check_utf8(NULL, 0));
}

/* The checker must never read past len: a sequence cut by len is refused
 * even when the bytes after it would complete it. */
static void test_utf8_bounds(void **state)
{
    (void)state;
    const char *s = "\xe6\x9d\x8e";
    assert_false(text_check_utf8(s, 1));
    assert_false(text_check_utf8(s, 2));
    assert_true(text_check_utf8(s, 3));
    for (size_t len = 1; len <= 4; len++) {
        char *buf = test_malloc(len);
        memcpy(buf, "\xf0\x90\x80\x80", len);
        assert_int_equal(text_check_utf8(buf, len), len == 4);
        test_free(buf);
    }
}

/* Every code point the encoder can make: valid unless it is a surrogate
 * or a control character. */
static void test_utf8_exhaustive(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        unsigned char b[4];
        size_t n;
        if (cp < 0x80) {
            b[0] = (unsigned char)cp;
            n = 1;
        } else if (cp < 0x800) {
            b[0] = (unsigned char)(0xC0 | (cp >> 6));
            b[1] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            b[0] = (unsigned char)(0xE0 | (cp >> 12));
            b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            b[2] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            b[0] = (unsigned char)(0xF0 | (cp >> 18));
            b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            b[3] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        bool want = !(cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
                      (cp >= 0xD800 && cp <= 0xDFFF) ||
                      (cp >= 0x2028 && cp <= 0x202E) ||
                      (cp >= 0x2066 && cp <= 0x2069));
        if (text_check_utf8((const char *)b, n) != want)
            fail_msg("U+%04X: want %d", (unsigned)cp, want);
    }
}

static void test_ascii_graph(void **state)
{
    (void)state;
    assert_true(text_check_ascii_graph("AB-2008/001", 11));
    assert_true(text_check_ascii_graph("!~", 2));
    assert_false(text_check_ascii_graph("", 0));
    assert_false(text_check_ascii_graph("AB 1", 4));
    assert_false(text_check_ascii_graph("AB\t1", 4));
    assert_false(text_check_ascii_graph("AB\x7f", 3));
    assert_false(text_check_ascii_graph("\xe8\xb5\xa3", 3));
    assert_false(text_check_ascii_graph("A\0B", 3));
}

static void test_digits(void **state)
{
    (void)state;
    assert_true(text_check_digits("360821", 6));
    assert_true(text_check_digits("0", 1));
    assert_false(text_check_digits("", 0));
    assert_false(text_check_digits("36082a", 6));
    assert_false(text_check_digits("-1", 2));
    assert_false(text_check_digits("1 ", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_bounds),
        cmocka_unit_test(test_utf8_exhaustive),
        cmocka_unit_test(test_ascii_graph),
        cmocka_unit_test(test_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
