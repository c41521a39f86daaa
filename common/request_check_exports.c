/* Checks of exports.proto's requests. */
#include "aixin/v1/exports.pb-c.h"
#include "request_check_rules.h"

#define CODE_INVALID AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT

bool request_check_exports(const Aixin__V1__Request *req, request_problem_t *p)
{
    const Aixin__V1__ExportRecords *m = req->export_records;
    if (m->kind != AIXIN__V1__EXPORT_KIND__EXPORT_KIND_POLICIES &&
        m->kind != AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS)
        return rc_fail(p, CODE_INVALID, "kind", "unknown export kind");
    if (!rc_check_policy_year(p, "policy_year", m->policy_year))
        return false;
    if (m->after_id < 0)
        return rc_fail(p, CODE_INVALID, "after_id", "after_id must be 0 or more");
    if (m->limit > REQUEST_EXPORT_LIMIT_MAX)
        return rc_fail(p, CODE_INVALID, "limit", "limit must be at most %d",
                       REQUEST_EXPORT_LIMIT_MAX);
    if (rc_str(m->division_code)[0] != '\0' &&
        !rc_check_division(p, "division_code", m->division_code, true, true))
        return false;
    return rc_str(m->insurer_code)[0] == '\0' ||
           rc_check_insurer_code(p, "insurer_code", m->insurer_code);
}
