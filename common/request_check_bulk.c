/* Checks of ImportEnrollments: the batch, and each row on its own. */
#include <stdio.h>
#include <string.h>

#include "aixin/v1/bulk.pb-c.h"
#include "request_check_rules.h"

#define CODE_INVALID AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT

bool request_check_import(const Aixin__V1__ImportEnrollments *m,
                          request_problem_t *p)
{
    if (m->n_rows < 1 || m->n_rows > REQUEST_IMPORT_MAX_ROWS)
        return rc_fail(p, CODE_INVALID, "rows",
                       "a batch has 1-%d rows, not %zu",
                       REQUEST_IMPORT_MAX_ROWS, m->n_rows);
    for (size_t i = 0; i < m->n_rows; i++)
        if (m->rows[i] == NULL)
            return rc_fail(p, CODE_INVALID, "rows", "row %zu is missing", i);
    return true;
}

bool request_check_enrollment_row(const Aixin__V1__EnrollmentRow *r,
                                  request_problem_t *p)
{
    if (r->idempotency_key.len != REQUEST_IDEMPOTENCY_KEY_SIZE)
        return rc_fail(p, CODE_INVALID, "idempotency_key",
                       "each row needs an idempotency_key of %d bytes",
                       REQUEST_IDEMPOTENCY_KEY_SIZE);
    if (!rc_check_policy_year(p, "policy_year", r->policy_year) ||
        !rc_check_division(p, "township_code", r->township_code, false, true))
        return false;
    if (r->household_kind != AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD &&
        r->household_kind != AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS)
        return rc_fail(p, CODE_INVALID, "household_kind",
                       "household_kind must be only_child or two_daughters");
    if (!rc_check_certificate(p, "certificate_no", r->certificate_no))
        return false;
    if (r->guardian == NULL)
        return rc_fail(p, CODE_INVALID, "guardian", "the guardian is missing");
    if (!rc_check_id_number(p, "guardian.id_number", r->guardian->id_number, NULL) ||
        !rc_check_name(p, "guardian.name", r->guardian->name))
        return false;
    if (r->child_sex == AIXIN__V1__SEX__SEX_UNSPECIFIED)
        return rc_fail(p, CODE_INVALID, "child_sex", "child_sex is required");
    if (rc_str(r->child_birth_date)[0] == '\0')
        return rc_fail(p, CODE_INVALID, "child_birth_date",
                       "child_birth_date is required");
    return rc_check_child(p, "child_id_number", r->child_id_number, "child_sex",
                          r->child_sex, "child_birth_date",
                          r->child_birth_date) &&
           rc_check_name(p, "child_name", r->child_name);
}
