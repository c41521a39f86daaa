/*
 * Calendar dates (proleptic Gregorian, no time zone): birth dates, policy
 * reference dates. The wire and the database both use "YYYY-MM-DD".
 */
#ifndef AIXIN_CIVIL_DATE_H
#define AIXIN_CIVIL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Range accepted by civil_date_is_valid(): no one insured or registered
 * here was born before 1900, and four-digit years end at 9999 anyway. */
#define CIVIL_DATE_MIN_YEAR 1900
#define CIVIL_DATE_MAX_YEAR 2999
/* "YYYY-MM-DD" plus the terminating NUL. */
#define CIVIL_DATE_TEXT_SIZE 11

typedef struct civil_date {
    int year;  /* CIVIL_DATE_MIN_YEAR..CIVIL_DATE_MAX_YEAR when valid */
    int month; /* 1..12 */
    int day;   /* 1..days in that month */
} civil_date_t;

bool civil_date_is_leap_year(int year);

/* Days in the month (28..31), or 0 when month is not 1..12. */
int civil_date_days_in_month(int year, int month);

/* True for a real date within the year range above. */
bool civil_date_is_valid(civil_date_t d);

/*
 * Parse exactly "YYYY-MM-DD" (10 bytes, ASCII digits, '-' separators, zero
 * padded) from s[0..len); no spaces, no signs, no other lengths. Fails on
 * dates that do not exist (2023-02-29, 2024-04-31) and on years outside the
 * range. *out is written only on success.
 */
__attribute__((warn_unused_result)) bool
civil_date_parse(const char *s, size_t len, civil_date_t *out);

/* Write d as "YYYY-MM-DD" and a NUL. d must be valid. */
void civil_date_format(civil_date_t d, char out[CIVIL_DATE_TEXT_SIZE]);

/* Negative, zero or positive as a is before, equal to or after b. */
int civil_date_compare(civil_date_t a, civil_date_t b);

/* Days from 1970-01-01 to d (negative before it). d must be valid. */
int64_t civil_date_to_days(civil_date_t d);

/* Inverse of civil_date_to_days() for days within the valid year range. */
civil_date_t civil_date_from_days(int64_t days);

/*
 * Age in completed years of someone born on `birth`, on the date `on`.
 * The age goes up on the birthday itself. Someone born on 29 February has
 * their birthday on 1 March in common years (they are not a year older on
 * 28 February), which is what comparing (month, day) pairs gives.
 * Returns false, leaving *years alone, when `on` is before `birth`.
 */
__attribute__((warn_unused_result)) bool
civil_date_age_on(civil_date_t birth, civil_date_t on, int *years);

#endif
