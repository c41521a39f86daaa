/* The desk's ID check: the number's rules, then a child's age. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "desk_idcheck.h"

/* A number born on `date` (YYYYMMDD) with its right check character. */
static void make_id(const char *date, char out[19])
{
    snprintf(out, 19, "360821%s10", date);
    out[16] = '4'; /* even: female */
    out[17] = '\0';
    out[17] = idcard_check_char(out);
    out[18] = '\0';
}

static const civil_date_t ref = {2025, 1, 1};

static void test_good_child(void **state)
{
    (void)state;
    char id[19];
    make_id("20220315", id);
    desk_idcheck_t r;
    desk_idcheck_run(id, &ref, true, &r);
    assert_true(r.ok);
    assert_true(r.has_age);
    assert_int_equal(r.age, 2);
    assert_int_equal(r.info.sex, 'F');
    assert_int_equal(r.info.year, 2022);
}

static void test_wrong_check_digit(void **state)
{
    (void)state;
    char id[19];
    make_id("20220315", id);
    id[17] = id[17] == '0' ? '1' : '0';
    desk_idcheck_t r;
    desk_idcheck_run(id, &ref, true, &r);
    assert_false(r.ok);
    assert_true(strlen(r.message) > 0);
}

static void test_ages(void **state)
{
    (void)state;
    char id[19];
    desk_idcheck_t r;
    make_id("20180101", id); /* 7 on the reference date: too old */
    desk_idcheck_run(id, &ref, true, &r);
    assert_false(r.ok);
    assert_int_equal(r.age, 7);
    make_id("20180102", id); /* 6 until tomorrow: covered */
    desk_idcheck_run(id, &ref, true, &r);
    assert_true(r.ok);
    assert_int_equal(r.age, 6);
    make_id("20250102", id); /* not yet born */
    desk_idcheck_run(id, &ref, true, &r);
    assert_false(r.ok);
    desk_idcheck_run(id, &ref, false, &r); /* a guardian: no age rule */
    assert_true(r.ok);
    make_id("20180101", id);
    desk_idcheck_run(id, NULL, true, &r); /* no year: no age rule */
    assert_true(r.ok);
    assert_false(r.has_age);
}

static void test_malformed(void **state)
{
    (void)state;
    desk_idcheck_t r;
    desk_idcheck_run("36082120220315", &ref, true, &r);
    assert_false(r.ok);
    desk_idcheck_run("36082120221315104X", &ref, true, &r); /* month 13 */
    assert_false(r.ok);
    desk_idcheck_run("3608212022031510A4", &ref, true, &r);
    assert_false(r.ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_child),
        cmocka_unit_test(test_wrong_check_digit),
        cmocka_unit_test(test_ages),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
