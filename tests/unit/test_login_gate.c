/* The login gate (server/login_gate.c): it repeats the database's wait for
 * a name and an address, counts what it refused, and forgets on unlock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "login_gate.h"

static void test_nothing_noted_nothing_refused(void **state)
{
    login_gate_t *g = login_gate_new();
    int64_t wait = 0;
    bool locked = false;
    assert_false(login_gate_check(g, "clerk01", "127.0.0.1", &wait, &locked));
    assert_null(login_gate_take_summary(g));
    login_gate_free(g);
}

static void test_account_wait_refuses_that_name_only(void **state)
{
    login_gate_t *g = login_gate_new();
    int64_t wait = 0;
    bool locked = false;
    login_gate_note(g, "victim01", "10.0.0.1", 60000, true, 0, false, 60000);
    assert_true(login_gate_check(g, "victim01", "10.0.0.2", &wait, &locked));
    assert_true(locked);
    assert_true(wait > 0 && wait <= 60000);
    assert_false(login_gate_check(g, "clerk01", "10.0.0.1", &wait, &locked));
    char *json = login_gate_take_summary(g);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"username\":\"victim01\""));
    assert_non_null(strstr(json, "\"address\":\"10.0.0.2\""));
    assert_non_null(strstr(json, "\"attempts\":1"));
    free(json);
    assert_null(login_gate_take_summary(g)); /* taken once */
    login_gate_free(g);
}

static void test_address_wait_and_counts(void **state)
{
    login_gate_t *g = login_gate_new();
    int64_t wait = 0;
    bool locked = true;
    login_gate_note(g, "a01", "10.0.0.9", 0, false, 30000, false, 60000);
    for (int i = 0; i < 3; i++)
        assert_true(login_gate_check(g, "b02", "10.0.0.9", &wait, &locked));
    assert_false(locked);
    assert_true(login_gate_check(g, "c03", "10.0.0.9", &wait, &locked));
    char *json = login_gate_take_summary(g);
    assert_non_null(strstr(json, "\"username\":\"b02\",\"address\":\"10.0.0.9\","
                                 "\"attempts\":3"));
    assert_non_null(strstr(json, "\"username\":\"c03\""));
    free(json);
    login_gate_free(g);
}

static void test_not_kept_when_recheck_zero_or_no_wait(void **state)
{
    login_gate_t *g = login_gate_new();
    int64_t wait = 0;
    bool locked = false;
    login_gate_note(g, "victim01", "10.0.0.1", 60000, true, 60000, true, 0);
    assert_false(login_gate_check(g, "victim01", "10.0.0.1", &wait, &locked));
    login_gate_note(g, "victim01", "10.0.0.1", 60000, true, 0, false, 60000);
    login_gate_note(g, "victim01", "10.0.0.1", 0, false, 0, false, 60000);
    assert_false(login_gate_check(g, "victim01", "10.0.0.1", &wait, &locked));
    login_gate_free(g);
}

static void test_forget_on_unlock(void **state)
{
    login_gate_t *g = login_gate_new();
    int64_t wait = 0;
    bool locked = false;
    login_gate_note(g, "victim01", "10.0.0.1", 60000, true, 0, false, 60000);
    login_gate_forget(g, "victim01");
    assert_false(login_gate_check(g, "victim01", "10.0.0.1", &wait, &locked));
    login_gate_free(g);
}

static void test_names_as_the_audit_shows_them(void **state)
{
    assert_string_equal(login_gate_name("clerk_01.x-y"), "clerk_01.x-y");
    assert_string_equal(login_gate_name("Clerk"), "(unusable name)");
    assert_string_equal(login_gate_name("ab"), "(unusable name)");
    assert_string_equal(login_gate_name("a\"b,c"), "(unusable name)");
    assert_string_equal(login_gate_name("36082119880304011x"), "(unusable name)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_noted_nothing_refused),
        cmocka_unit_test(test_account_wait_refuses_that_name_only),
        cmocka_unit_test(test_address_wait_and_counts),
        cmocka_unit_test(test_not_kept_when_recheck_zero_or_no_wait),
        cmocka_unit_test(test_forget_on_unlock),
        cmocka_unit_test(test_names_as_the_audit_shows_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
