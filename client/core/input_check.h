/*
 * Local checks of what the user typed, before anything is sent, with the
 * common rules the server applies too (idcard.h, civil_date.h, money.h,
 * text_check.h). A refusal is printed like the server's:
 *   aixin: rejected: INVALID_ARGUMENT: <reason> (field: <proto field>)
 * and the functions return CLI_EXIT_REJECTED; CLI_EXIT_OK otherwise.
 * `field` is the proto field path the value goes to ("child_id_number",
 * "guardians[1].id_number").
 */
#ifndef AIXIN_CLIENT_INPUT_CHECK_H
#define AIXIN_CLIENT_INPUT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "civil_date.h"
#include "cli.h"
#include "idcard.h"

/*
 * Upper-case a final 'x' of an 18-character ID number in place: people
 * type it in lower case, the standard and the server write 'X'.
 */
void input_normalize_id_number(char *s);

/* A GB 11643-1999 ID number; *info (may be NULL) gets birth date and sex. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_id_number(const char *s, const char *field, idcard_info_t *info);

/* "YYYY-MM-DD", a real date. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_date(const char *s, const char *field, civil_date_t *out);

/* Yuan with at most two decimals, more than zero, into fen. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_amount(const char *s, const char *field, int64_t *fen);

/* Yuan with at most two decimals, zero or more, into fen: shares and
 * subsidies that a year may set to 0.00. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_amount_or_zero(const char *s, const char *field, int64_t *fen);

/* A whole number from 0 to max (households, counts). */
__attribute__((warn_unused_result)) cli_exit_t
input_check_count(const char *s, const char *field, int64_t max,
                  int64_t *out);

/* A year of the civil_date.h range. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_year(const char *s, const char *field, int32_t *year);

/* A database id: a positive decimal integer. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_record_id(const char *s, const char *field, int64_t *id);

/* A person's name: non-empty single-line UTF-8 without control characters,
 * at most 64 characters. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_person_name(const char *s, const char *field);

/* A division code: 6 digits (city, county) or 9 (township). */
__attribute__((warn_unused_result)) cli_exit_t
input_check_division_code(const char *s, const char *field);

/* A county code: 6 digits. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_county_code(const char *s, const char *field);

/* A township code: 9 digits. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_township_code(const char *s, const char *field);

/* A certificate number: 1-32 printable ASCII characters, no spaces. */
__attribute__((warn_unused_result)) cli_exit_t
input_check_certificate(const char *s, const char *field);

/* An insurer's code: 2-32 of a-z 0-9 _ -, e.g. "chinalife". */
__attribute__((warn_unused_result)) cli_exit_t
input_check_insurer_code(const char *s, const char *field);

/*
 * Free text on one line (a note, a voucher reference, an insurer's name):
 * UTF-8 without control characters, min_chars to max_chars characters.
 * `what` names it in the message ("the note").
 */
__attribute__((warn_unused_result)) cli_exit_t
input_check_text(const char *s, const char *field, const char *what,
                 size_t min_chars, size_t max_chars);

#endif
