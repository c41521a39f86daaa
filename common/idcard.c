#include "idcard.h"

#include "civil_date.h"

#include <stdbool.h>

/* 2^(17-i) mod 11 for the digit at offset i (0-based). */
static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6,
                                3, 7, 9, 10, 5, 8, 4, 2};

static const char *const messages[IDCARD_RESULT_COUNT] = {
    [IDCARD_OK] = "ID number is valid",
    [IDCARD_ERR_LENGTH] = "ID number must be 18 characters",
    [IDCARD_ERR_CHAR] =
        "ID number must be 17 digits followed by a digit or uppercase X",
    [IDCARD_ERR_DATE] = "ID number does not hold a real birth date",
    [IDCARD_ERR_CHECK] = "ID number check character is wrong",
};

const char *idcard_result_message(idcard_result_t r)
{
    if ((unsigned)r >= IDCARD_RESULT_COUNT)
        return "unknown ID number result";
    return messages[r];
}

char idcard_check_char(const char *digits)
{
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (digits[i] - '0') * weights[i];
    int check = (12 - sum % 11) % 11;
    return check == 10 ? 'X' : (char)('0' + check);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

idcard_result_t idcard_parse(const char *s, size_t len, idcard_info_t *out)
{
    if (s == NULL || len != IDCARD_LENGTH)
        return IDCARD_ERR_LENGTH;
    for (int i = 0; i < 17; i++)
        if (!is_digit(s[i]))
            return IDCARD_ERR_CHAR;
    if (!is_digit(s[17]) && s[17] != 'X')
        return IDCARD_ERR_CHAR;
    civil_date_t birth;
    /* Reuse the strict date parser on a "YYYY-MM-DD" view of digits 7-14. */
    char text[10] = {s[6], s[7], s[8], s[9], '-', s[10],
                     s[11], '-', s[12], s[13]};
    if (!civil_date_parse(text, sizeof(text), &birth))
        return IDCARD_ERR_DATE;
    if (idcard_check_char(s) != s[17])
        return IDCARD_ERR_CHECK;
    if (out != NULL) {
        out->year = birth.year;
        out->month = birth.month;
        out->day = birth.day;
        out->sex = (s[16] - '0') % 2 == 1 ? 'M' : 'F';
    }
    return IDCARD_OK;
}

static char shown(char c)
{
    return c >= 0x21 && c <= 0x7E ? c : '?';
}

void idcard_mask(const char *id, size_t len, char out[IDCARD_MASK_SIZE])
{
    for (int i = 0; i < IDCARD_LENGTH; i++)
        out[i] = '*';
    out[IDCARD_LENGTH] = '\0';
    if (id == NULL || len < IDCARD_LENGTH)
        return;
    for (int i = 0; i < 6; i++)
        out[i] = shown(id[i]);
    for (int i = 0; i < 4; i++)
        out[IDCARD_LENGTH - 4 + i] = shown(id[len - 4 + i]);
}
