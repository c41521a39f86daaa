/*
 * The text validators on raw bytes: ID numbers, dates, money, UTF-8. Each
 * gets the whole input; round trips must hold for what they accept.
 */
#include "civil_date.h"
#include "idcard.h"
#include "money.h"
#include "text_check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input in an exactly sized heap block, so ASan sees any over-read. */
static char *copy_exact(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    if (s == NULL)
        abort();
    if (size)
        memcpy(s, data, size);
    return s;
}

static void fuzz_idcard(const char *s, size_t n)
{
    idcard_info_t info;
    idcard_result_t r = idcard_parse(s, n, &info);
    if ((unsigned)r >= IDCARD_RESULT_COUNT)
        abort();
    if (r == IDCARD_OK) {
        civil_date_t d = {info.year, info.month, info.day};
        if (n != IDCARD_LENGTH || !civil_date_is_valid(d) ||
            idcard_check_char(s) != s[17] ||
            (info.sex != 'M' && info.sex != 'F'))
            abort();
    }
    char mask[IDCARD_MASK_SIZE];
    idcard_mask(s, n, mask);
    if (strlen(mask) != IDCARD_LENGTH)
        abort();
    size_t shown = 0;
    for (size_t i = 0; i < IDCARD_LENGTH; i++) {
        if (mask[i] != '*')
            shown++;
        if ((unsigned char)mask[i] < 0x21 || (unsigned char)mask[i] > 0x7E)
            abort();
    }
    if (shown > 10)
        abort();
}

static void fuzz_civil_date(const char *s, size_t n)
{
    civil_date_t d;
    if (!civil_date_parse(s, n, &d))
        return;
    char text[CIVIL_DATE_TEXT_SIZE];
    civil_date_format(d, text);
    if (n != 10 || memcmp(text, s, 10) != 0)
        abort();
    civil_date_t back = civil_date_from_days(civil_date_to_days(d));
    if (civil_date_compare(back, d) != 0)
        abort();
    int age;
    if (!civil_date_age_on(d, d, &age) || age != 0)
        abort();
}

static void fuzz_money(const char *s, size_t n)
{
    for (unsigned flags = 0; flags <= MONEY_PARSE_ALLOW_NEGATIVE; flags++) {
        int64_t fen;
        money_result_t r = money_parse_yuan(s, n, flags, &fen);
        if ((unsigned)r >= MONEY_RESULT_COUNT)
            abort();
        if (r != MONEY_OK)
            continue;
        if (fen < 0 && !(flags & MONEY_PARSE_ALLOW_NEGATIVE))
            abort();
        char text[MONEY_TEXT_SIZE];
        money_format_fen(fen, text);
        int64_t back;
        if (money_parse_yuan(text, strlen(text), MONEY_PARSE_ALLOW_NEGATIVE,
                             &back) != MONEY_OK ||
            back != fen)
            abort();
        money_format_fen_grouped(fen, text);
        if (strlen(text) >= MONEY_TEXT_SIZE)
            abort();
    }
}

static void fuzz_text(const char *s, size_t n)
{
    bool ok = text_check_utf8(s, n);
    size_t cps = text_check_count_code_points(s, n);
    if (cps > n)
        abort();
    if (ok) {
        /* valid text has no byte below 0x20 and no 0x7F anywhere */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7F)
                abort();
        /* and every prefix cut at a code point boundary is valid too */
        for (size_t i = 0; i < n; i++)
            if (((unsigned char)s[i] & 0xC0) != 0x80 &&
                !text_check_utf8(s, i))
                abort();
    }
    if (text_check_ascii_graph(s, n) && !ok)
        abort(); /* printable ASCII is valid text */
    if (text_check_digits(s, n) && !text_check_ascii_graph(s, n))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = copy_exact(data, size);
    fuzz_idcard(s, size);
    fuzz_civil_date(s, size);
    fuzz_money(s, size);
    fuzz_text(s, size);
    free(s);
    return 0;
}
