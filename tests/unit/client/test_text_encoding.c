/* Encoding detection and conversion of Excel's CSV files (text_encoding.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "text_encoding.h"

/* 年度,乡镇代码 in UTF-8 and in GB18030 (GBK). */
static const char utf8_header[] = "\xE5\xB9\xB4\xE5\xBA\xA6,\xE4\xB9\xA1\xE9\x95\x87"
                                  "\xE4\xBB\xA3\xE7\xA0\x81\r\n";
static const char gb_header[] = "\xC4\xEA\xB6\xC8,\xCF\xE7\xD5\xF2\xB4\xFA\xC2\xEB\r\n";

static void test_detect(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        size_t len;
        text_encoding_t want;
    } cases[] = {
        {"", 0, TEXT_ENCODING_UTF8},
        {"policy_year,township\n", 21, TEXT_ENCODING_UTF8},
        {utf8_header, sizeof(utf8_header) - 1, TEXT_ENCODING_UTF8},
        {"\xEF\xBB\xBFpolicy_year", 14, TEXT_ENCODING_UTF8_BOM},
        {gb_header, sizeof(gb_header) - 1, TEXT_ENCODING_GB18030},
        /* an overlong '/' and a surrogate are not UTF-8 */
        {"a\xC0\xAF", 3, TEXT_ENCODING_GB18030},
        {"\xED\xA0\x80", 3, TEXT_ENCODING_GB18030},
        /* a sequence cut at the end of the data */
        {"\xE5\xB9", 2, TEXT_ENCODING_GB18030},
        /* 张 in GBK (D5 C5) happens not to be valid UTF-8 either */
        {"\xD5\xC5", 2, TEXT_ENCODING_GB18030},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(text_encoding_detect(cases[i].data, cases[i].len),
                         cases[i].want);
}

static void test_gb18030_to_utf8_and_back(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    assert_true(text_encoding_to_utf8(TEXT_ENCODING_GB18030, gb_header,
                                      sizeof(gb_header) - 1, &out, &len));
    assert_int_equal(len, sizeof(utf8_header) - 1);
    assert_memory_equal(out, utf8_header, len);
    assert_int_equal(out[len], '\0');
    char *back = NULL;
    size_t back_len = 0;
    assert_true(text_encoding_from_utf8(TEXT_ENCODING_GB18030, out, len,
                                        &back, &back_len));
    assert_int_equal(back_len, sizeof(gb_header) - 1);
    assert_memory_equal(back, gb_header, back_len);
    free(out);
    free(back);
    /* Characters outside GBK have four-byte GB18030 forms: 😀 U+1F600. */
    assert_true(text_encoding_from_utf8(TEXT_ENCODING_GB18030,
                                        "\xF0\x9F\x98\x80", 4, &back,
                                        &back_len));
    assert_int_equal(back_len, 4);
    assert_true(text_encoding_to_utf8(TEXT_ENCODING_GB18030, back, back_len,
                                      &out, &len));
    assert_string_equal(out, "\xF0\x9F\x98\x80");
    free(out);
    free(back);
}

static void test_bad_bytes_refused(void **state)
{
    (void)state;
    char *out = (char *)1;
    size_t len = 0;
    /* 0xFF is no GB18030 lead byte; a lead byte at the end is cut. */
    assert_false(text_encoding_to_utf8(TEXT_ENCODING_GB18030, "a\xFF", 2,
                                       &out, &len));
    assert_null(out);
    assert_false(text_encoding_to_utf8(TEXT_ENCODING_GB18030, "a\xC4", 2,
                                       &out, &len));
    assert_false(text_encoding_to_utf8(TEXT_ENCODING_UTF8, gb_header,
                                       sizeof(gb_header) - 1, &out, &len));
}

static void test_bom(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    assert_true(text_encoding_to_utf8(TEXT_ENCODING_UTF8_BOM,
                                      "\xEF\xBB\xBF" "ab", 5, &out, &len));
    assert_string_equal(out, "ab");
    free(out);
    assert_true(text_encoding_from_utf8(TEXT_ENCODING_UTF8_BOM, "ab", 2, &out,
                                        &len));
    assert_int_equal(len, 5);
    assert_memory_equal(out, "\xEF\xBB\xBF" "ab", 5);
    free(out);
}

static void test_parse_names(void **state)
{
    (void)state;
    text_encoding_t e;
    assert_true(text_encoding_parse("GB18030", &e));
    assert_int_equal(e, TEXT_ENCODING_GB18030);
    assert_true(text_encoding_parse("gbk", &e));
    assert_int_equal(e, TEXT_ENCODING_GB18030);
    assert_true(text_encoding_parse("UTF-8", &e));
    assert_int_equal(e, TEXT_ENCODING_UTF8);
    assert_true(text_encoding_parse("utf-8-bom", &e));
    assert_int_equal(e, TEXT_ENCODING_UTF8_BOM);
    assert_false(text_encoding_parse("latin1", &e));
    assert_false(text_encoding_parse("", &e));
}

static void test_rewrite_file(void **state)
{
    (void)state;
    char path[] = "/tmp/aixin-test-encoding-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, utf8_header, sizeof(utf8_header) - 1),
                     (ssize_t)(sizeof(utf8_header) - 1));
    close(fd);
    assert_true(text_encoding_rewrite_file(path, TEXT_ENCODING_GB18030));
    char *data = NULL;
    size_t len = 0;
    assert_true(text_encoding_read_file(path, &data, &len));
    assert_int_equal(len, sizeof(gb_header) - 1);
    assert_memory_equal(data, gb_header, len);
    free(data);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_gb18030_to_utf8_and_back),
        cmocka_unit_test(test_bad_bytes_refused),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_parse_names),
        cmocka_unit_test(test_rewrite_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
