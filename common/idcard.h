/*
 * Personal ID numbers of GB 11643-1999 (公民身份号码), 18 characters:
 *
 *   1-6    address code (GB/T 2260 division of registration)
 *   7-14   birth date YYYYMMDD
 *   15-17  sequence number; digit 17 is odd for men, even for women
 *   18     check character of ISO 7064 MOD 11-2, '0'..'9' or 'X'
 *
 * The check character is (12 - (sum of digit[i] * weight[i]) mod 11) mod 11
 * for i = 1..17 with weight[i] = 2^(18-i) mod 11, written 'X' for 10.
 */
#ifndef AIXIN_IDCARD_H
#define AIXIN_IDCARD_H

#include <stdbool.h>
#include <stddef.h>

#define IDCARD_LENGTH 18
/* idcard_mask() output: always IDCARD_LENGTH characters and a NUL. */
#define IDCARD_MASK_SIZE (IDCARD_LENGTH + 1)

typedef enum idcard_result {
    IDCARD_OK = 0,    /* a well-formed number; info filled in */
    IDCARD_ERR_LENGTH, /* not exactly 18 bytes */
    IDCARD_ERR_CHAR,   /* a non-digit in 1-17, or 18 not a digit or 'X'
                          (lowercase 'x' is refused: 'X' is canonical) */
    IDCARD_ERR_REGION, /* digits 1-2 are not a province of GB/T 2260
                          (so never 000000) */
    IDCARD_ERR_DATE,   /* digits 7-14 are not a real date from 1900-01-01 to
                          2999-12-31 */
    IDCARD_ERR_CHECK,  /* the check character does not match */
    IDCARD_RESULT_COUNT
} idcard_result_t;

typedef struct idcard_info {
    int year;  /* birth date from digits 7-14 */
    int month;
    int day;
    char sex;  /* 'M' (digit 17 odd) or 'F' (even) */
} idcard_info_t;

/*
 * Check s[0..len) and extract the birth date and sex. Errors are reported
 * in the order of the enum above (length first, check character last), so
 * the reason is the most basic one. *out is written only on IDCARD_OK and
 * may be NULL. The address code must start with a province of GB/T 2260
 * (idcard_province_valid); whether the date lies in the future, and
 * whether the whole address code is a real division, is for the caller to
 * judge.
 */
__attribute__((warn_unused_result)) idcard_result_t
idcard_parse(const char *s, size_t len, idcard_info_t *out);

/* Whether the two digits at p are a province-level code of GB/T 2260:
 * 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82. */
bool idcard_province_valid(const char *p);

/* Short constant English reason, e.g. "ID number check character is
 * wrong", for error messages. */
const char *idcard_result_message(idcard_result_t r);

/*
 * Check character ('0'..'9' or 'X') for the 17 digits at `digits`, which
 * must all be '0'..'9'.
 */
char idcard_check_char(const char *digits);

/*
 * Masked copy for logs and screens: "360821********123X". Input of at
 * least 18 bytes shows its first 6 and last 4 bytes with 8 '*' between;
 * shorter input gives 18 '*', so a malformed number is never shown almost
 * whole. Shown bytes that are not printable ASCII become '?'. Reads at
 * most len bytes of id (which may be NULL when len is 0) and always writes
 * 18 characters and a NUL.
 */
void idcard_mask(const char *id, size_t len, char out[IDCARD_MASK_SIZE]);

#endif
