#include "civil_date.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct parse_case {
    const char *text;
    bool ok;
    int year, month, day;
} parse_case_t;

static const parse_case_t parse_cases[] = {
    {"2008-01-01", true, 2008, 1, 1},
    {"2008-02-29", true, 2008, 2, 29},
    {"2000-02-29", true, 2000, 2, 29},
    {"1900-01-01", true, 1900, 1, 1},
    {"2999-12-31", true, 2999, 12, 31},
    {"2024-04-30", true, 2024, 4, 30},
    {"2007-02-29", false, 0, 0, 0}, /* common year */
    {"1900-02-29", false, 0, 0, 0}, /* divisible by 100, not 400 */
    {"2100-02-29", false, 0, 0, 0},
    {"2008-02-30", false, 0, 0, 0},
    {"2024-04-31", false, 0, 0, 0},
    {"2008-13-01", false, 0, 0, 0},
    {"2008-00-10", false, 0, 0, 0},
    {"2008-01-00", false, 0, 0, 0},
    {"2008-01-32", false, 0, 0, 0},
    {"1899-12-31", false, 0, 0, 0},
    {"3000-01-01", false, 0, 0, 0},
    {"2008-1-01", false, 0, 0, 0},
    {"2008-01-1", false, 0, 0, 0},
    {"08-01-01", false, 0, 0, 0},
    {"2008/01/01", false, 0, 0, 0},
    {"20080101", false, 0, 0, 0},
    {"2008-01-01 ", false, 0, 0, 0},
    {" 2008-01-01", false, 0, 0, 0},
    {"2008-01-0a", false, 0, 0, 0},
    {"+008-01-01", false, 0, 0, 0},
    {"2008--1-01", false, 0, 0, 0},
    {"2008-01-01T00:00", false, 0, 0, 0},
    {"", false, 0, 0, 0},
};

static void test_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const parse_case_t *c = &parse_cases[i];
        civil_date_t d = {-1, -1, -1};
        bool ok = civil_date_parse(c->text, strlen(c->text), &d);
        if (ok != c->ok)
            fail_msg("\"%s\": got %d, want %d", c->text, ok, c->ok);
        if (ok) {
            assert_int_equal(d.year, c->year);
            assert_int_equal(d.month, c->month);
            assert_int_equal(d.day, c->day);
            char out[CIVIL_DATE_TEXT_SIZE];
            civil_date_format(d, out);
            assert_string_equal(out, c->text);
        } else {
            assert_int_equal(d.year, -1); /* untouched */
        }
    }
    civil_date_t d;
    assert_false(civil_date_parse(NULL, 0, &d));
    /* the length is obeyed, not the NUL */
    assert_false(civil_date_parse("2008-01-01", 9, &d));
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(civil_date_is_leap_year(2000));
    assert_true(civil_date_is_leap_year(2008));
    assert_true(civil_date_is_leap_year(2400));
    assert_false(civil_date_is_leap_year(1900));
    assert_false(civil_date_is_leap_year(2007));
    assert_false(civil_date_is_leap_year(2100));
    assert_int_equal(civil_date_days_in_month(2008, 2), 29);
    assert_int_equal(civil_date_days_in_month(2007, 2), 28);
    assert_int_equal(civil_date_days_in_month(2007, 4), 30);
    assert_int_equal(civil_date_days_in_month(2007, 12), 31);
    assert_int_equal(civil_date_days_in_month(2007, 0), 0);
    assert_int_equal(civil_date_days_in_month(2007, 13), 0);
}

static void test_compare(void **state)
{
    (void)state;
    civil_date_t a = {2008, 3, 1}, b = {2008, 2, 29}, c = {2007, 12, 31};
    assert_true(civil_date_compare(a, b) > 0);
    assert_true(civil_date_compare(b, a) < 0);
    assert_true(civil_date_compare(c, b) < 0);
    assert_int_equal(civil_date_compare(a, a), 0);
    civil_date_t d = {2008, 2, 28};
    assert_true(civil_date_compare(d, b) < 0);
}

typedef struct days_case {
    civil_date_t d;
    int64_t days;
} days_case_t;

static void test_days(void **state)
{
    (void)state;
    static const days_case_t cases[] = {
        {{1970, 1, 1}, 0},
        {{1970, 1, 2}, 1},
        {{1969, 12, 31}, -1},
        {{1900, 1, 1}, -25567},
        {{2000, 3, 1}, 11017},
        {{2008, 2, 29}, 13938},
        {{2038, 1, 19}, 24855},
        {{2999, 12, 31}, 376199},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(civil_date_to_days(cases[i].d), cases[i].days);
        civil_date_t back = civil_date_from_days(cases[i].days);
        assert_int_equal(civil_date_compare(back, cases[i].d), 0);
    }
    /* Every day of the range round-trips and follows the one before. */
    civil_date_t prev = {1900, 1, 1};
    int64_t first = civil_date_to_days(prev);
    int64_t last = civil_date_to_days((civil_date_t){2999, 12, 31});
    for (int64_t n = first + 1; n <= last; n++) {
        civil_date_t d = civil_date_from_days(n);
        assert_true(civil_date_is_valid(d));
        assert_true(civil_date_compare(prev, d) < 0);
        assert_int_equal(civil_date_to_days(d), n);
        prev = d;
    }
}

typedef struct age_case {
    const char *birth;
    const char *on;
    bool ok;
    int age;
} age_case_t;

static void test_age(void **state)
{
    (void)state;
    static const age_case_t cases[] = {
        {"2008-01-01", "2008-01-01", true, 0}, /* born that day */
        {"2008-01-01", "2008-12-31", true, 0},
        {"2008-01-01", "2009-01-01", true, 1}, /* on the birthday */
        {"2001-06-15", "2008-06-14", true, 6}, /* day before 7th */
        {"2001-06-15", "2008-06-15", true, 7}, /* 7th birthday */
        {"2008-02-29", "2009-02-28", true, 0}, /* leap day: not yet */
        {"2008-02-29", "2009-03-01", true, 1}, /* counted on Mar 1 */
        {"2008-02-29", "2012-02-28", true, 3},
        {"2008-02-29", "2012-02-29", true, 4}, /* real birthday */
        {"2008-02-29", "2015-02-28", true, 6},
        {"2008-02-29", "2015-03-01", true, 7},
        {"2008-01-02", "2008-01-01", false, 0}, /* not born yet */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        civil_date_t b, on;
        assert_true(civil_date_parse(cases[i].birth, 10, &b));
        assert_true(civil_date_parse(cases[i].on, 10, &on));
        int age = -99;
        bool ok = civil_date_age_on(b, on, &age);
        if (ok != cases[i].ok || (ok && age != cases[i].age))
            fail_msg("born %s on %s: got %d/%d, want %d/%d", cases[i].birth,
                     cases[i].on, ok, age, cases[i].ok, cases[i].age);
        if (!ok)
            assert_int_equal(age, -99);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),   cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_compare), cmocka_unit_test(test_days),
        cmocka_unit_test(test_age),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
