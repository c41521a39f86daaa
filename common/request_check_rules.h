/*
 * Field rules shared by the request checks (request_check.c and the
 * per-area files such as request_check_programme.c). Each returns true
 * when the field is fine, else fills *p and returns false, so checks read
 * `return rc_check_x(...) && rc_check_y(...)`.
 */
#ifndef AIXIN_REQUEST_CHECK_RULES_H
#define AIXIN_REQUEST_CHECK_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "civil_date.h"
#include "idcard.h"
#include "request_check.h"

/* Record a fault and return false. */
bool rc_fail(request_problem_t *p, Aixin__V1__ErrorCode code, const char *field,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* s, or "" for NULL (hand-built messages may leave strings NULL). */
const char *rc_str(const char *s);
/* Single-line UTF-8 text of min..max code points. */
bool rc_check_text(request_problem_t *p, const char *field, const char *s,
                   size_t min_chars, size_t max_chars);
/* A person's or organisation's name: 1-64 code points, no edge blanks. */
bool rc_check_name(request_problem_t *p, const char *field, const char *s);
/* 6-digit (city, county) and/or 9-digit (township) division codes. */
bool rc_check_division(request_problem_t *p, const char *field, const char *s,
                       bool allow6, bool allow9);
bool rc_check_date(request_problem_t *p, const char *field, const char *s,
                   civil_date_t *out);
bool rc_check_id_number(request_problem_t *p, const char *field,
                        const char *s, idcard_info_t *info);
/* A household's certificate number: printable ASCII, no spaces. */
bool rc_check_certificate(request_problem_t *p, const char *field,
                          const char *s);
/* A child's ID number, and sex / birth date agreeing with it when given
 * (SEX_UNSPECIFIED / "" mean: take them from the ID number). */
bool rc_check_child(request_problem_t *p, const char *id_field,
                    const char *id_number, const char *sex_field,
                    Aixin__V1__Sex sex, const char *birth_field,
                    const char *birth_date);
bool rc_check_policy_year(request_problem_t *p, const char *field,
                          int32_t year);

/* An insurer's code: 2-32 of [a-z0-9_-]. */
bool rc_check_insurer_code(request_problem_t *p, const char *field,
                          const char *s);

/* The checks of programme.proto's requests (years, insurers, county
 * terms, census, disbursements, ledger). */
bool request_check_programme(const Aixin__V1__Request *req,
                             request_problem_t *p);

/* The checks of exports.proto's requests (request_check_exports.c). */
bool request_check_exports(const Aixin__V1__Request *req, request_problem_t *p);

/* The checks of claims.proto's requests. */
bool request_check_claims(const Aixin__V1__Request *req, request_problem_t *p);

/* The checks of grievances.proto's requests (grievances and alerts). */
bool request_check_grievances(const Aixin__V1__Request *req,
                              request_problem_t *p);
/* The checks of yearcycle.proto's requests (close, reopen, year history,
 * renewal). */
bool request_check_yearcycle(const Aixin__V1__Request *req,
                             request_problem_t *p);

/* ImportEnrollments as a whole: 1..REQUEST_IMPORT_MAX_ROWS rows. The rows
 * are judged one by one with request_check_enrollment_row(), so that a bad
 * row is reported without refusing the others. */
#define REQUEST_IMPORT_MAX_ROWS 1000
bool request_check_import(const Aixin__V1__ImportEnrollments *m,
                          request_problem_t *p);
bool request_check_enrollment_row(const Aixin__V1__EnrollmentRow *row,
                                  request_problem_t *p);

#endif
