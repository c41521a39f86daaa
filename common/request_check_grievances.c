/* Checks of the grievance and alert requests (grievances.proto). Which
 * subject exists, scope, states and dates against the grievance's own are
 * the database's (deploy/sql/0018_grievances.sql). */
#include <string.h>

#include "aixin/v1/grievances.pb-c.h"
#include "request_check_rules.h"

#define CODE_INVALID AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT
#define SUMMARY_MAX 500
#define ANSWER_MAX 1000

static bool one_of(const char *s, const char *const *words)
{
    for (size_t i = 0; words[i] != NULL; i++)
        if (strcmp(rc_str(s), words[i]) == 0)
            return true;
    return false;
}

static bool check_grievance_id(request_problem_t *p, int64_t id)
{
    if (id <= 0)
        return rc_fail(p, CODE_INVALID, "grievance_id",
                       "grievance_id must be positive");
    return true;
}

/* An optional paper date: empty means today. */
static bool check_optional_date(request_problem_t *p, const char *field,
                                const char *s)
{
    civil_date_t d;
    return rc_str(s)[0] == '\0' || rc_check_date(p, field, s, &d);
}

static bool check_subject(request_problem_t *p, const char *kind,
                          const char *subject)
{
    const char *s = rc_str(subject);
    size_t n = strlen(s);
    if (strcmp(kind, "none") == 0) {
        if (n != 0)
            return rc_fail(p, CODE_INVALID, "subject",
                           "a general grievance has no subject");
        return true;
    }
    if (strcmp(kind, "claim") == 0) {
        bool ok = n >= 1 && n <= 18;
        for (size_t i = 0; ok && i < n; i++)
            ok = s[i] >= '0' && s[i] <= '9';
        if (!ok)
            return rc_fail(p, CODE_INVALID, "subject",
                           "subject must be a claim number");
        return true;
    }
    return rc_check_id_number(p, "subject", s, NULL);
}

static bool check_file(request_problem_t *p, const Aixin__V1__FileGrievance *m)
{
    static const char *const channels[] = {"visit", "phone", "letter", NULL};
    static const char *const kinds[] = {"claim", "child", "guardian", "none",
                                        NULL};
    if (!one_of(m->channel, channels))
        return rc_fail(p, CODE_INVALID, "channel",
                       "channel must be visit, phone or letter");
    if (!one_of(m->subject_kind, kinds))
        return rc_fail(p, CODE_INVALID, "subject_kind",
                       "subject_kind must be claim, child, guardian or none");
    if (!rc_check_text(p, "summary", m->summary, 1, SUMMARY_MAX))
        return false;
    if (rc_str(m->township_code)[0] != '\0' &&
        !rc_check_division(p, "township_code", m->township_code, false, true))
        return false;
    if (strcmp(m->subject_kind, "none") == 0 &&
        rc_str(m->township_code)[0] == '\0')
        return rc_fail(p, CODE_INVALID, "township_code",
                       "a general grievance needs the township it concerns");
    return check_subject(p, m->subject_kind, m->subject) &&
           check_optional_date(p, "received_on", m->received_on);
}

static bool check_list(request_problem_t *p, const Aixin__V1__ListGrievances *m)
{
    static const char *const statuses[] = {"", "open", "assigned", "answered",
                                           "closed", NULL};
    if (!one_of(m->status, statuses))
        return rc_fail(p, CODE_INVALID, "status",
                       "status must be open, assigned, answered or closed");
    if (m->year != 0 && !rc_check_policy_year(p, "year", m->year))
        return false;
    return rc_str(m->division_code)[0] == '\0' ||
           rc_check_division(p, "division_code", m->division_code, true, true);
}

bool request_check_grievances(const Aixin__V1__Request *req,
                              request_problem_t *p)
{
    switch (req->body_case) {
    case AIXIN__V1__REQUEST__BODY_FILE_GRIEVANCE:
        return check_file(p, req->file_grievance);
    case AIXIN__V1__REQUEST__BODY_ASSIGN_GRIEVANCE:
        return check_grievance_id(p, req->assign_grievance->grievance_id) &&
               rc_check_text(p, "assignee", req->assign_grievance->assignee, 3,
                             32);
    case AIXIN__V1__REQUEST__BODY_ANSWER_GRIEVANCE:
        return check_grievance_id(p, req->answer_grievance->grievance_id) &&
               rc_check_text(p, "answer", req->answer_grievance->answer, 1,
                             ANSWER_MAX) &&
               check_optional_date(p, "answered_on",
                                   req->answer_grievance->answered_on);
    case AIXIN__V1__REQUEST__BODY_CLOSE_GRIEVANCE:
        return check_grievance_id(p, req->close_grievance->grievance_id) &&
               rc_check_text(p, "resolution", req->close_grievance->resolution,
                             1, ANSWER_MAX) &&
               check_optional_date(p, "closed_on",
                                   req->close_grievance->closed_on);
    case AIXIN__V1__REQUEST__BODY_LIST_GRIEVANCES:
        return check_list(p, req->list_grievances);
    case AIXIN__V1__REQUEST__BODY_GET_GRIEVANCE:
        return check_grievance_id(p, req->get_grievance->grievance_id);
    case AIXIN__V1__REQUEST__BODY_GRIEVANCE_HISTORY:
        return check_grievance_id(p, req->grievance_history->grievance_id);
    case AIXIN__V1__REQUEST__BODY_LIST_ALERTS:
        return (req->list_alerts->year == 0 ||
                rc_check_policy_year(p, "year", req->list_alerts->year)) &&
               (rc_str(req->list_alerts->division_code)[0] == '\0' ||
                rc_check_division(p, "division_code",
                                  req->list_alerts->division_code, true, true));
    default:
        return rc_fail(p, CODE_INVALID, "body", "not a grievance request");
    }
}
