/* The field checks of ExportRecords (request_check_exports.c). */
#include "request_check.h"

#include "aixin/v1/envelope.pb-c.h"
#include "aixin/v1/exports.pb-c.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

typedef struct export_case {
    const char *name;
    Aixin__V1__ExportKind kind;
    int32_t year;
    const char *division;
    const char *insurer;
    int64_t after_id;
    uint32_t limit;
    const char *field; /* NULL: accepted */
} export_case_t;

#define POL AIXIN__V1__EXPORT_KIND__EXPORT_KIND_POLICIES
#define CLM AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS

static const export_case_t cases[] = {
    {"policies, defaults", POL, 2024, "", "", 0, 0, NULL},
    {"claims, a township and an insurer", CLM, 2024, "360821207", "chinalife", 42, 1000, NULL},
    {"kind unspecified", AIXIN__V1__EXPORT_KIND__EXPORT_KIND_UNSPECIFIED, 2024, "", "", 0, 0, "kind"},
    {"kind unknown", (Aixin__V1__ExportKind)7, 2024, "", "", 0, 0, "kind"},
    {"year 1999", POL, 1999, "", "", 0, 0, "policy_year"},
    {"year 2101", CLM, 2101, "", "", 0, 0, "policy_year"},
    {"after_id negative", POL, 2024, "", "", -1, 0, "after_id"},
    {"limit over", POL, 2024, "", "", 0, REQUEST_EXPORT_LIMIT_MAX + 1, "limit"},
    {"division of 7 digits", POL, 2024, "3608211", "", 0, 0, "division_code"},
    {"insurer with a capital", CLM, 2024, "", "ChinaLife", 0, 0, "insurer_code"},
};

static void test_export_records(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const export_case_t *c = &cases[i];
        Aixin__V1__ExportRecords body = AIXIN__V1__EXPORT_RECORDS__INIT;
        body.kind = c->kind;
        body.policy_year = c->year;
        body.division_code = (char *)c->division;
        body.insurer_code = (char *)c->insurer;
        body.after_id = c->after_id;
        body.limit = c->limit;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        req.request_id = 9;
        req.body_case = AIXIN__V1__REQUEST__BODY_EXPORT_RECORDS;
        req.export_records = &body;
        request_problem_t p;
        bool ok = request_check(&req, &p);
        if (c->field == NULL) {
            if (!ok)
                fail_msg("%s: refused: %s: %s", c->name, p.field, p.message);
        } else {
            if (ok)
                fail_msg("%s: accepted, want a problem at %s", c->name, c->field);
            if (strcmp(p.field, c->field) != 0)
                fail_msg("%s: field \"%s\", want \"%s\"", c->name, p.field, c->field);
            assert_int_equal(p.code, AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
        }
    }
    assert_false(request_is_mutating(&(Aixin__V1__Request){
        .body_case = AIXIN__V1__REQUEST__BODY_EXPORT_RECORDS}));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
