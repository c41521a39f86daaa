/*
 * Amounts of money as int64 fen (1 yuan = 100 fen), never floating point.
 * Text is yuan with at most two decimals: "30", "30.5", "30.50".
 */
#ifndef AIXIN_MONEY_H
#define AIXIN_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Longest formatted amount, "-92,233,720,368,547,758.08", and a NUL. */
#define MONEY_TEXT_SIZE 32

/* money_parse_yuan() flags. */
#define MONEY_PARSE_ALLOW_NEGATIVE 0x1u /* accept a leading '-' */

typedef enum money_result {
    MONEY_OK = 0,         /* *out_fen set */
    MONEY_ERR_EMPTY,      /* no characters at all */
    MONEY_ERR_SYNTAX,     /* not digits[.d[d]]: spaces, '+', thousands
                             separators, a bare '.', "1.", ".5", letters */
    MONEY_ERR_PRECISION,  /* more than two decimals, even "1.000" */
    MONEY_ERR_NEGATIVE,   /* a '-' without MONEY_PARSE_ALLOW_NEGATIVE */
    MONEY_ERR_RANGE,      /* the amount does not fit int64 fen */
    MONEY_RESULT_COUNT
} money_result_t;

/*
 * Parse yuan text s[0..len) into fen. Grammar: ["-"] digit+ ["." digit
 * [digit]]. Leading zeros are accepted ("007.5"). "-0" is 0. *out_fen is
 * written only on MONEY_OK. s may be NULL only when len is 0.
 */
__attribute__((warn_unused_result)) money_result_t
money_parse_yuan(const char *s, size_t len, unsigned flags, int64_t *out_fen);

/* Short constant English reason for error messages. */
const char *money_result_message(money_result_t r);

/* "1234.50", "-1.50", "0.00": always two decimals, no grouping. */
void money_format_fen(int64_t fen, char out[MONEY_TEXT_SIZE]);

/* As money_format_fen() with ',' between groups of three yuan digits:
 * "12,800.00", "-1,234,567.89". For people, never for machines. */
void money_format_fen_grouped(int64_t fen, char out[MONEY_TEXT_SIZE]);

#endif
