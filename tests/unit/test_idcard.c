/*
 * Test data: synthetic numbers only. Each valid number was built from 17
 * chosen digits and its check character
 *   c = "10X98765432"[(sum of d[i] * w[i]) mod 11],
 *   w = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
 * computed apart from the code under test. 11010519491231002X is the
 * worked example printed in GB 11643-1999 itself.
 */
#include "idcard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct valid_case {
    const char *id;
    int year, month, day;
    char sex;
} valid_case_t;

static const valid_case_t valid_cases[] = {
    {"360821200801011230", 2008, 1, 1, 'M'},  /* digit 17 = 3 */
    {"360821200802290024", 2008, 2, 29, 'F'}, /* leap day */
    {"360821200002290042", 2000, 2, 29, 'F'}, /* leap day, year % 400 */
    {"11010519491231002X", 1949, 12, 31, 'F'}, /* X check character */
    {"36082120080109008X", 2008, 1, 9, 'F'},
    {"36082120080117016X", 2008, 1, 17, 'F'}, /* digit 17 = 6 */
    {"440304199908070012", 1999, 8, 7, 'M'},
    {"360821190001010014", 1900, 1, 1, 'M'},  /* earliest date */
    {"360821299912310033", 2999, 12, 31, 'M'}, /* latest date */
    {"360821200703010058", 2007, 3, 1, 'M'},
    {"360821200702280064", 2007, 2, 28, 'F'},
};

static void test_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
        const valid_case_t *c = &valid_cases[i];
        idcard_info_t info;
        memset(&info, 0, sizeof(info));
        assert_int_equal(idcard_parse(c->id, strlen(c->id), &info), IDCARD_OK);
        assert_int_equal(info.year, c->year);
        assert_int_equal(info.month, c->month);
        assert_int_equal(info.day, c->day);
        assert_int_equal(info.sex, c->sex);
        assert_int_equal(idcard_check_char(c->id), c->id[17]);
        /* NULL info is allowed. */
        assert_int_equal(idcard_parse(c->id, strlen(c->id), NULL), IDCARD_OK);
    }
}

typedef struct invalid_case {
    const char *id;
    size_t len; /* 0: strlen(id) */
    idcard_result_t want;
    const char *why;
} invalid_case_t;

static const invalid_case_t invalid_cases[] = {
    {"", 0, IDCARD_ERR_LENGTH, "empty"},
    {"36082120080101123", 0, IDCARD_ERR_LENGTH, "17 characters"},
    {"3608212008010112301", 0, IDCARD_ERR_LENGTH, "19 characters"},
    {"360821080101123", 0, IDCARD_ERR_LENGTH, "old 15-digit form"},
    {"360821200801011230", 17, IDCARD_ERR_LENGTH, "length shorter than text"},
    {"11010519491231002x", 0, IDCARD_ERR_CHAR, "lowercase x"},
    {"36082120080101123A", 0, IDCARD_ERR_CHAR, "letter as check"},
    {"3608212008010112X0", 0, IDCARD_ERR_CHAR, "X before the end"},
    {"36082A200801011230", 0, IDCARD_ERR_CHAR, "letter in address"},
    {"360821 00801011230", 0, IDCARD_ERR_CHAR, "space"},
    {"-36082120080101123", 0, IDCARD_ERR_CHAR, "sign"},
    {"000000200801011230", 0, IDCARD_ERR_REGION, "address 000000"},
    {"100000200801011230", 0, IDCARD_ERR_REGION, "province 10"},
    {"160101200801011230", 0, IDCARD_ERR_REGION, "province 16"},
    {"550101200801011230", 0, IDCARD_ERR_REGION, "province 55"},
    {"720101200801011230", 0, IDCARD_ERR_REGION, "province 72"},
    {"990101200801011230", 0, IDCARD_ERR_REGION, "province 99"},
    {"360821200802300019", 0, IDCARD_ERR_DATE, "Feb 30"},
    {"360821200702290010", 0, IDCARD_ERR_DATE, "Feb 29, common year"},
    {"360821190002290011", 0, IDCARD_ERR_DATE, "Feb 29, 1900 not leap"},
    {"360821200813010011", 0, IDCARD_ERR_DATE, "month 13"},
    {"360821200800010011", 0, IDCARD_ERR_DATE, "month 0"},
    {"360821200801000011", 0, IDCARD_ERR_DATE, "day 0"},
    {"360821200804310011", 0, IDCARD_ERR_DATE, "Apr 31"},
    {"360821189912310011", 0, IDCARD_ERR_DATE, "before 1900"},
    {"360821300001010011", 0, IDCARD_ERR_DATE, "year 3000"},
    {"360821200801011231", 0, IDCARD_ERR_CHECK, "check off by one"},
    {"360821200801011239", 0, IDCARD_ERR_CHECK, "check wrong"},
    {"36082120080101123X", 0, IDCARD_ERR_CHECK, "X where 0 belongs"},
    {"110105194912310020", 0, IDCARD_ERR_CHECK, "0 where X belongs"},
    {"360821200801011320", 0, IDCARD_ERR_CHECK, "two digits swapped"},
};

/* Every two-digit prefix: exactly the 34 province-level codes. */
static void test_provinces(void **state)
{
    (void)state;
    static const char *const real[] = {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
        "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
        "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};
    int valid = 0;
    for (int i = 0; i < 100; i++) {
        char p[3] = {(char)('0' + i / 10), (char)('0' + i % 10), '\0'};
        bool want = false;
        for (size_t k = 0; k < sizeof(real) / sizeof(real[0]); k++)
            want = want || strcmp(real[k], p) == 0;
        assert_int_equal(idcard_province_valid(p), want);
        valid += want;
    }
    assert_int_equal(valid, 34);
    assert_false(idcard_province_valid("3X"));
}

static void test_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]);
         i++) {
        const invalid_case_t *c = &invalid_cases[i];
        size_t len = c->len ? c->len : strlen(c->id);
        idcard_info_t info = {.year = -7};
        idcard_result_t r = idcard_parse(c->id, len, &info);
        if (r != c->want)
            fail_msg("%s (%s): got %d, want %d", c->id, c->why, (int)r,
                     (int)c->want);
        assert_int_equal(info.year, -7); /* untouched on failure */
        assert_non_null(idcard_result_message(r));
    }
    assert_int_equal(idcard_parse(NULL, 0, NULL), IDCARD_ERR_LENGTH);
}

static void test_embedded_nul(void **state)
{
    (void)state;
    const char id[18] = {'3', '6', '0', '8', '2', '1', '2', '0', '0',
                         '8', '0', '1', '0', '1', '1', '2', '\0', '0'};
    assert_int_equal(idcard_parse(id, sizeof(id), NULL), IDCARD_ERR_CHAR);
}

static void test_messages(void **state)
{
    (void)state;
    for (int r = 0; r < IDCARD_RESULT_COUNT; r++) {
        const char *m = idcard_result_message((idcard_result_t)r);
        assert_non_null(m);
        assert_true(strlen(m) > 0);
    }
    assert_string_equal(idcard_result_message(IDCARD_RESULT_COUNT),
                        "unknown ID number result");
}

typedef struct mask_case {
    const char *in;
    size_t len;
    const char *want;
} mask_case_t;

static void test_mask(void **state)
{
    (void)state;
    static const mask_case_t cases[] = {
        {"36082120080109008X", 18, "360821********008X"},
        {"360821200801011230", 18, "360821********1230"},
        /* invalid but full length: still masked the same way */
        {"abcdefghijklmnopqr", 18, "abcdef********opqr"},
        /* longer input: first 6 and last 4 of what is there */
        {"3608212008010112309999", 22, "360821********9999"},
        /* short input shows nothing */
        {"3608212008010112", 16, "******************"},
        {"360821", 6, "******************"},
        {"", 0, "******************"},
        /* the length is obeyed, not the NUL */
        {"360821200801011230", 17, "******************"},
        /* bytes that would disturb a log line are replaced */
        {"36\n821"
         "20080101"
         "\x1b"
         "23\xe4",
         18, "36?821********?23?"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[IDCARD_MASK_SIZE];
        memset(out, 'Z', sizeof(out));
        idcard_mask(cases[i].in, cases[i].len, out);
        assert_string_equal(out, cases[i].want);
        /* at most 10 real characters shown */
        size_t shown = 0;
        for (size_t k = 0; k < IDCARD_LENGTH; k++)
            shown += out[k] != '*';
        assert_true(shown <= 10);
    }
    char out[IDCARD_MASK_SIZE];
    idcard_mask(NULL, 0, out);
    assert_string_equal(out, "******************");
}

/* idcard_mask must not read past len: give it exactly len bytes on the
 * heap so ASan catches an over-read. */
static void test_mask_bounds(void **state)
{
    (void)state;
    for (size_t len = 0; len <= 24; len++) {
        char *buf = test_malloc(len ? len : 1);
        memset(buf, '7', len);
        char out[IDCARD_MASK_SIZE];
        idcard_mask(buf, len, out);
        assert_int_equal(strlen(out), IDCARD_LENGTH);
        assert_int_equal(idcard_parse(buf, len, NULL),
                         len == 18 ? IDCARD_ERR_REGION /* 77 */
                                   : IDCARD_ERR_LENGTH);
        test_free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_provinces),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_mask_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
