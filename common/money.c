#include "money.h"

#include <stdbool.h>

static const char *const messages[MONEY_RESULT_COUNT] = {
    [MONEY_OK] = "amount is valid",
    [MONEY_ERR_EMPTY] = "amount is empty",
    [MONEY_ERR_SYNTAX] =
        "amount must be yuan digits with an optional '.' and 1 or 2 decimals",
    [MONEY_ERR_PRECISION] = "amount has more than two decimals",
    [MONEY_ERR_NEGATIVE] = "amount must not be negative",
    [MONEY_ERR_RANGE] = "amount is too large",
};

const char *money_result_message(money_result_t r)
{
    if ((unsigned)r >= MONEY_RESULT_COUNT)
        return "unknown amount result";
    return messages[r];
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

money_result_t money_parse_yuan(const char *s, size_t len, unsigned flags,
                                int64_t *out_fen)
{
    if (len == 0)
        return MONEY_ERR_EMPTY;
    size_t i = 0;
    bool negative = false;
    if (s[0] == '-') {
        negative = true;
        i = 1;
    }
    /* The magnitude is built in uint64 so that INT64_MIN fen, whose
     * magnitude does not fit int64, can still be parsed. */
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
    uint64_t yuan = 0;
    size_t int_digits = 0;
    for (; i < len && is_digit(s[i]); i++, int_digits++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (yuan > (UINT64_MAX - d) / 10)
            return MONEY_ERR_RANGE;
        yuan = yuan * 10 + d;
    }
    if (int_digits == 0)
        return MONEY_ERR_SYNTAX;
    uint64_t cents = 0;
    if (i < len) {
        if (s[i] != '.')
            return MONEY_ERR_SYNTAX;
        i++;
        size_t frac_digits = 0;
        for (; i < len && is_digit(s[i]); i++, frac_digits++) {
            if (frac_digits < 2)
                cents = cents * 10 + (uint64_t)(s[i] - '0');
        }
        if (i < len || frac_digits == 0)
            return MONEY_ERR_SYNTAX;
        if (frac_digits > 2)
            return MONEY_ERR_PRECISION;
        if (frac_digits == 1)
            cents *= 10;
    }
    /* The sign is judged after the syntax so "-abc" reads as bad syntax. */
    if (negative && !(flags & MONEY_PARSE_ALLOW_NEGATIVE))
        return MONEY_ERR_NEGATIVE;
    if (yuan > (limit - cents) / 100)
        return MONEY_ERR_RANGE;
    uint64_t mag = yuan * 100 + cents;
    if (negative)
        *out_fen = mag == 0 ? 0 : -(int64_t)(mag - 1) - 1;
    else
        *out_fen = (int64_t)mag;
    return MONEY_OK;
}

/* Shared by both formats: group is 0 for none, else the separator. */
static void format_fen(int64_t fen, char group, char out[MONEY_TEXT_SIZE])
{
    uint64_t mag = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    uint64_t yuan = mag / 100;
    unsigned cents = (unsigned)(mag % 100);
    /* Built backwards into a scratch buffer, then copied out. */
    char tmp[MONEY_TEXT_SIZE];
    size_t n = 0;
    tmp[n++] = (char)('0' + cents % 10);
    tmp[n++] = (char)('0' + cents / 10);
    tmp[n++] = '.';
    int digits = 0;
    do {
        if (group && digits > 0 && digits % 3 == 0)
            tmp[n++] = group;
        tmp[n++] = (char)('0' + yuan % 10);
        yuan /= 10;
        digits++;
    } while (yuan > 0);
    if (fen < 0)
        tmp[n++] = '-';
    for (size_t k = 0; k < n; k++)
        out[k] = tmp[n - 1 - k];
    out[n] = '\0';
}

void money_format_fen(int64_t fen, char out[MONEY_TEXT_SIZE])
{
    format_fen(fen, 0, out);
}

void money_format_fen_grouped(int64_t fen, char out[MONEY_TEXT_SIZE])
{
    format_fen(fen, ',', out);
}
