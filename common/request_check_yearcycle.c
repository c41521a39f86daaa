/* The checks of yearcycle.proto's requests: closing, reopening and
 * renewal of policy years. */
#include "request_check_rules.h"

#include "aixin/v1/yearcycle.pb-c.h"

#define CODE_INVALID AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT
/* Reasons go to the history and the audit log: one line, like a note. */
#define YEAR_REASON_MAX_CHARS 500
#define RENEW_BATCH_MAX 1000

static bool check_reason(request_problem_t *p, const char *reason,
                         bool required)
{
    if (!required && rc_str(reason)[0] == '\0')
        return true;
    return rc_check_text(p, "reason", reason, 1, YEAR_REASON_MAX_CHARS);
}

bool request_check_yearcycle(const Aixin__V1__Request *req,
                             request_problem_t *p)
{
    switch (req->body_case) {
    case AIXIN__V1__REQUEST__BODY_CLOSE_YEAR: {
        const Aixin__V1__CloseYear *m = req->close_year;
        if (!rc_check_policy_year(p, "year", m->year))
            return false;
        if (m->force && rc_str(m->reason)[0] == '\0')
            return rc_fail(p, CODE_INVALID, "reason",
                           "a forced close needs a reason");
        return check_reason(p, m->reason, false);
    }
    case AIXIN__V1__REQUEST__BODY_REOPEN_YEAR:
        return rc_check_policy_year(p, "year", req->reopen_year->year) &&
               check_reason(p, req->reopen_year->reason, true);
    case AIXIN__V1__REQUEST__BODY_GET_YEAR_HISTORY:
        return rc_check_policy_year(p, "year", req->get_year_history->year);
    case AIXIN__V1__REQUEST__BODY_RENEW_YEAR: {
        const Aixin__V1__RenewYear *m = req->renew_year;
        if (!rc_check_policy_year(p, "from_year", m->from_year) ||
            !rc_check_policy_year(p, "to_year", m->to_year))
            return false;
        if (m->to_year != m->from_year + 1)
            return rc_fail(p, CODE_INVALID, "to_year",
                           "to_year must be from_year + 1");
        if (m->after_child_id < 0)
            return rc_fail(p, CODE_INVALID, "after_child_id",
                           "after_child_id must be 0 or a child id");
        if (m->limit > RENEW_BATCH_MAX)
            return rc_fail(p, CODE_INVALID, "limit",
                           "limit must be 0 (500) to %d", RENEW_BATCH_MAX);
        return rc_str(m->division_code)[0] == '\0' ||
               rc_check_division(p, "division_code", m->division_code, true,
                                 true);
    }
    default:
        return rc_fail(p, CODE_INVALID, "body", "not a year cycle request");
    }
}
