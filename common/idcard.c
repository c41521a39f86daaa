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
    [IDCARD_ERR_REGION] =
        "ID number must begin with a real province code (GB/T 2260)",
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

bool idcard_province_valid(const char *p)
{
    if (!is_digit(p[0]) || !is_digit(p[1]))
        return false;
    int tens = p[0] - '0', unit = p[1] - '0';
    switch (tens) {
    case 1: return unit >= 1 && unit <= 5;  /* North */
    case 2: return unit >= 1 && unit <= 3;  /* North-east */
    case 3: return unit >= 1 && unit <= 7;  /* East */
    case 4: return unit >= 1 && unit <= 6;  /* Centre and south */
    case 5: return unit >= 0 && unit <= 4;  /* South-west */
    case 6: return unit >= 1 && unit <= 5;  /* North-west */
    case 7: return unit == 1;               /* Taiwan */
    case 8: return unit == 1 || unit == 2;  /* Hong Kong, Macao */
    default: return false;
    }
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
    if (!idcard_province_valid(s))
        return IDCARD_ERR_REGION;
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
