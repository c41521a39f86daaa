/* Rates are truncated, never rounded up (report_data.h): a county at
 * 89.996% has not reached the 90% target and must not read "90.00%". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report_data.h"

static void test_parse_truncates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t e4;
    } cases[] = {
        {"0.9", 9000},       {"0.9000", 9000},    {"0.89999", 8999},
        {"0.899999999", 8999}, {"0.93785", 9378}, {"0.93784", 9378},
        {"1", 10000},        {"1.0000", 10000},   {"0", 0},
        {"-0.05", -500},     {"-0.00009", 0},     {"12.34567", 123456},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t e4 = -1;
        assert_true(report_decimal_parse(cases[i].text, &e4));
        assert_int_equal(e4, cases[i].e4);
    }
    int64_t e4;
    assert_false(report_decimal_parse("", &e4));
    assert_false(report_decimal_parse("0.", &e4));
    assert_false(report_decimal_parse(" 0.9", &e4));
    assert_false(report_decimal_parse("9e-1", &e4));
}

static void test_percent_text(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *percent;
        const char *fraction;
    } cases[] = {
        {"0.89999", "89.99%", "0.8999"},
        {"0.8999", "89.99%", "0.8999"},
        {"0.9", "90.00%", "0.9000"},
        {"0.93785", "93.78%", "0.9378"},
        {"1", "100.00%", "1.0000"},
        {"0.00005", "0.00%", "0.0000"},
        {"-0.05", "-5.00%", "-0.0500"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t e4;
        char out[REPORT_NUMBER_SIZE];
        assert_true(report_decimal_parse(cases[i].text, &e4));
        report_format_percent(e4, out);
        assert_string_equal(out, cases[i].percent);
        report_format_e4(e4, out);
        assert_string_equal(out, cases[i].fraction);
    }
}

/* A score (points, e.g. the weighted assessment) is a number with two to
 * four decimals, never a percentage; other decimals stay percentages. */
static void test_score_text(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        const char *text;
        const char *shown;
    } cases[] = {
        {"weighted_score", "4.0000", "4.00"},
        {"weighted_score", "7.25", "7.25"},
        {"weighted_score", "4.001", "4.001"},
        {"weighted_score", "0.0125", "0.0125"},
        {"weighted_score", "0", "0.00"},
        {"weighted_score", "120.5", "120.50"},
        {"enrollment_rate", "0.9", "90.00%"},
        {"score", "0.9", "90.00%"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t e4;
        char out[REPORT_NUMBER_SIZE];
        assert_true(report_decimal_parse(cases[i].text, &e4));
        report_format_decimal(cases[i].key, e4, out);
        assert_string_equal(out, cases[i].shown);
    }
    assert_true(report_column_is_score("weighted_score"));
    assert_false(report_column_is_score("_score"));
    assert_false(report_column_is_score("points"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_truncates),
        cmocka_unit_test(test_percent_text),
        cmocka_unit_test(test_score_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
