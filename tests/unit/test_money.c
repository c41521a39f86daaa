#include "money.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct parse_case {
    const char *text;
    unsigned flags;
    money_result_t want;
    int64_t fen;
} parse_case_t;

#define NEG MONEY_PARSE_ALLOW_NEGATIVE

static const parse_case_t parse_cases[] = {
    {"30", 0, MONEY_OK, 3000},
    {"30.5", 0, MONEY_OK, 3050},
    {"30.50", 0, MONEY_OK, 3050},
    {"30.05", 0, MONEY_OK, 3005},
    {"0", 0, MONEY_OK, 0},
    {"0.01", 0, MONEY_OK, 1},
    {"007.5", 0, MONEY_OK, 750},
    {"12800", 0, MONEY_OK, 1280000},
    {"-1.50", NEG, MONEY_OK, -150},
    {"-0", NEG, MONEY_OK, 0},
    {"92233720368547758.07", 0, MONEY_OK, INT64_MAX},
    {"-92233720368547758.08", NEG, MONEY_OK, INT64_MIN},
    {"", 0, MONEY_ERR_EMPTY, 0},
    {"-", NEG, MONEY_ERR_SYNTAX, 0},
    {"-1.50", 0, MONEY_ERR_NEGATIVE, 0},
    {"-0", 0, MONEY_ERR_NEGATIVE, 0},
    {"+1", 0, MONEY_ERR_SYNTAX, 0},
    {"1,000.00", 0, MONEY_ERR_SYNTAX, 0},
    {"1 000", 0, MONEY_ERR_SYNTAX, 0},
    {" 1", 0, MONEY_ERR_SYNTAX, 0},
    {"1 ", 0, MONEY_ERR_SYNTAX, 0},
    {".5", 0, MONEY_ERR_SYNTAX, 0},
    {"1.", 0, MONEY_ERR_SYNTAX, 0},
    {".", 0, MONEY_ERR_SYNTAX, 0},
    {"1.2.3", 0, MONEY_ERR_SYNTAX, 0},
    {"1e3", 0, MONEY_ERR_SYNTAX, 0},
    {"0x10", 0, MONEY_ERR_SYNTAX, 0},
    {"--1", NEG, MONEY_ERR_SYNTAX, 0},
    {"abc", 0, MONEY_ERR_SYNTAX, 0},
    {"1.5a", 0, MONEY_ERR_SYNTAX, 0},
    {"1.000", 0, MONEY_ERR_PRECISION, 0},
    {"1.001", 0, MONEY_ERR_PRECISION, 0},
    {"0.125", 0, MONEY_ERR_PRECISION, 0},
    {"92233720368547758.08", 0, MONEY_ERR_RANGE, 0},
    {"-92233720368547758.09", NEG, MONEY_ERR_RANGE, 0},
    {"92233720368547759", 0, MONEY_ERR_RANGE, 0},
    {"99999999999999999999999", 0, MONEY_ERR_RANGE, 0},
    {"184467440737095516160", 0, MONEY_ERR_RANGE, 0},
};

static void test_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const parse_case_t *c = &parse_cases[i];
        int64_t fen = 424242;
        money_result_t r =
            money_parse_yuan(c->text, strlen(c->text), c->flags, &fen);
        if (r != c->want)
            fail_msg("\"%s\": got %d, want %d", c->text, (int)r, (int)c->want);
        if (r == MONEY_OK)
            assert_int_equal(fen, c->fen);
        else
            assert_int_equal(fen, 424242); /* untouched */
        assert_non_null(money_result_message(r));
    }
    int64_t fen;
    assert_int_equal(money_parse_yuan(NULL, 0, 0, &fen), MONEY_ERR_EMPTY);
    /* the length is obeyed, not the NUL */
    assert_int_equal(money_parse_yuan("30.505", 5, 0, &fen), MONEY_OK);
    assert_int_equal(fen, 3050);
    const char nul[] = {'3', '\0', '0'};
    assert_int_equal(money_parse_yuan(nul, 3, 0, &fen), MONEY_ERR_SYNTAX);
}

typedef struct format_case {
    int64_t fen;
    const char *plain;
    const char *grouped;
} format_case_t;

static void test_format(void **state)
{
    (void)state;
    static const format_case_t cases[] = {
        {0, "0.00", "0.00"},
        {1, "0.01", "0.01"},
        {-1, "-0.01", "-0.01"},
        {3000, "30.00", "30.00"},
        {-150, "-1.50", "-1.50"},
        {99999, "999.99", "999.99"},
        {100000, "1000.00", "1,000.00"},
        {1280000, "12800.00", "12,800.00"},
        {-123456789, "-1234567.89", "-1,234,567.89"},
        {100000000, "1000000.00", "1,000,000.00"},
        {INT64_MAX, "92233720368547758.07", "92,233,720,368,547,758.07"},
        {INT64_MIN, "-92233720368547758.08", "-92,233,720,368,547,758.08"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[MONEY_TEXT_SIZE];
        money_format_fen(cases[i].fen, out);
        assert_string_equal(out, cases[i].plain);
        money_format_fen_grouped(cases[i].fen, out);
        assert_string_equal(out, cases[i].grouped);
        /* the plain form parses back to the same amount */
        int64_t back;
        assert_int_equal(money_parse_yuan(cases[i].plain,
                                          strlen(cases[i].plain),
                                          MONEY_PARSE_ALLOW_NEGATIVE, &back),
                         MONEY_OK);
        assert_int_equal(back, cases[i].fen);
    }
}

static void test_messages(void **state)
{
    (void)state;
    for (int r = 0; r < MONEY_RESULT_COUNT; r++)
        assert_true(strlen(money_result_message((money_result_t)r)) > 0);
    assert_string_equal(money_result_message(MONEY_RESULT_COUNT),
                        "unknown amount result");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
