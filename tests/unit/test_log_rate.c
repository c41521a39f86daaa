/* Rate-limited warnings: once per period from a call site, the rest
 * counted and reported with the next one that passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "log.h"

static void test_first_passes_then_counted(void **state)
{
    static _Atomic long long last;
    static atomic_ullong refused;
    unsigned long long suppressed = 99;
    assert_true(log_rate_allow(&last, &refused, 3600, &suppressed));
    assert_int_equal(suppressed, 0);
    for (int i = 0; i < 5; i++)
        assert_false(log_rate_allow(&last, &refused, 3600, &suppressed));
    assert_int_equal(atomic_load(&refused), 5);
    /* The period over (pretend the last one was long ago): passes, and
     * reports the five it held back. */
    atomic_store(&last, -100000);
    assert_true(log_rate_allow(&last, &refused, 3600, &suppressed));
    assert_int_equal(suppressed, 5);
    assert_int_equal(atomic_load(&refused), 0);
}

static void test_period_zero_always_passes(void **state)
{
    static _Atomic long long last;
    static atomic_ullong refused;
    unsigned long long suppressed;
    for (int i = 0; i < 3; i++)
        assert_true(log_rate_allow(&last, &refused, 0, &suppressed));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_passes_then_counted),
        cmocka_unit_test(test_period_zero_always_passes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
