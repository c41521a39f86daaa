/* request_check() on the year-cycle requests (yearcycle.proto): close,
 * reopen, history, renewal. */
#include "request_check.h"

#include "aixin/v1/envelope.pb-c.h"
#include "aixin/v1/yearcycle.pb-c.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void request_with(Aixin__V1__Request *req,
                         Aixin__V1__Request__BodyCase body, void *msg,
                         bool with_key)
{
    aixin__v1__request__init(req);
    req->request_id = 9;
    if (with_key) {
        req->idempotency_key.data = key;
        req->idempotency_key.len = sizeof(key);
    }
    req->body_case = body;
    req->close_year = msg; /* the union: every member is a pointer */
}

/* "" when valid, else the field at fault. */
static const char *fault(const Aixin__V1__Request *req)
{
    static request_problem_t p;
    if (request_check(req, &p))
        return "";
    return p.field;
}

static void test_close(void **state)
{
    (void)state;
    Aixin__V1__CloseYear m = AIXIN__V1__CLOSE_YEAR__INIT;
    Aixin__V1__Request req;
    m.year = 2025;
    request_with(&req, AIXIN__V1__REQUEST__BODY_CLOSE_YEAR, &m, true);
    assert_string_equal(fault(&req), "");
    assert_true(request_is_mutating(&req));
    request_with(&req, AIXIN__V1__REQUEST__BODY_CLOSE_YEAR, &m, false);
    assert_string_equal(fault(&req), "idempotency_key");
    request_with(&req, AIXIN__V1__REQUEST__BODY_CLOSE_YEAR, &m, true);
    m.year = 1999;
    assert_string_equal(fault(&req), "year");
    m.year = 2025;
    m.force = true;
    assert_string_equal(fault(&req), "reason"); /* forced without a reason */
    m.reason = "补录漏报理赔后提前结账";
    assert_string_equal(fault(&req), "");
    m.reason = "two\nlines";
    assert_string_equal(fault(&req), "reason");
}

static void test_reopen(void **state)
{
    (void)state;
    Aixin__V1__ReopenYear m = AIXIN__V1__REOPEN_YEAR__INIT;
    Aixin__V1__Request req;
    m.year = 2025;
    request_with(&req, AIXIN__V1__REQUEST__BODY_REOPEN_YEAR, &m, true);
    assert_string_equal(fault(&req), "reason"); /* always needs one */
    m.reason = "补录";
    assert_string_equal(fault(&req), "");
    assert_true(request_is_mutating(&req));
    assert_string_equal(request_body_name(req.body_case), "reopen_year");
}

static void test_history(void **state)
{
    (void)state;
    Aixin__V1__GetYearHistory m = AIXIN__V1__GET_YEAR_HISTORY__INIT;
    Aixin__V1__Request req;
    m.year = 2025;
    request_with(&req, AIXIN__V1__REQUEST__BODY_GET_YEAR_HISTORY, &m, false);
    assert_string_equal(fault(&req), "");
    assert_false(request_is_mutating(&req));
    m.year = 2101;
    assert_string_equal(fault(&req), "year");
}

static void test_renew(void **state)
{
    (void)state;
    Aixin__V1__RenewYear m = AIXIN__V1__RENEW_YEAR__INIT;
    Aixin__V1__Request req;
    m.from_year = 2025;
    m.to_year = 2026;
    request_with(&req, AIXIN__V1__REQUEST__BODY_RENEW_YEAR, &m, false);
    assert_string_equal(fault(&req), "");
    assert_false(request_is_mutating(&req)); /* rows get server-made keys */
    m.to_year = 2027;
    assert_string_equal(fault(&req), "to_year");
    m.to_year = 2026;
    m.division_code = "36082";
    assert_string_equal(fault(&req), "division_code");
    m.division_code = "360821207";
    assert_string_equal(fault(&req), "");
    m.limit = 1001;
    assert_string_equal(fault(&req), "limit");
    m.limit = 1000;
    m.after_child_id = -1;
    assert_string_equal(fault(&req), "after_child_id");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_reopen),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_renew),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
