/* Display width of UTF-8 text; see text_width.h. */
#include "text_width.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct cp_range {
    uint32_t first;
    uint32_t last;
} cp_range_t;

/* East Asian Wide and Fullwidth blocks (Unicode UAX #11), coarsely. */
static const cp_range_t wide_ranges[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},
    {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

/* Combining marks and format characters that take no column. */
static const cp_range_t zero_ranges[] = {
    {0x0300, 0x036F}, {0x200B, 0x200D}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static bool in_ranges(uint32_t cp, const cp_range_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= r[i].first && cp <= r[i].last)
            return true;
    return false;
}

/*
 * Decode one code point at s. Sets *len to the bytes it takes (at least
 * 1) and returns the code point, or UINT32_MAX for a malformed sequence
 * (then *len is 1, so the caller resynchronises at the next byte).
 */
static uint32_t utf8_next(const unsigned char *s, size_t *len)
{
    unsigned char b = s[0];
    uint32_t cp;
    size_t n;
    uint32_t min;
    *len = 1;
    if (b < 0x80)
        return b;
    if (b >= 0xC2 && b <= 0xDF) {
        cp = b & 0x1F;
        n = 2;
        min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        cp = b & 0x0F;
        n = 3;
        min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        cp = b & 0x07;
        n = 4;
        min = 0x10000;
    } else {
        return UINT32_MAX;
    }
    for (size_t i = 1; i < n; i++) {
        /* A NUL terminator fails this test, so we never read past it. */
        if ((s[i] & 0xC0) != 0x80)
            return UINT32_MAX;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return UINT32_MAX;
    *len = n;
    return cp;
}

/* C0, DEL, C1, and the bidirectional overrides that can make a terminal
 * show text in another order than it is stored. */
static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
           (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Columns of one decoded code point; malformed and controls print as '?'. */
static size_t cp_columns(uint32_t cp)
{
    if (cp == UINT32_MAX || is_control(cp))
        return 1;
    if (in_ranges(cp, zero_ranges, sizeof(zero_ranges) / sizeof(zero_ranges[0])))
        return 0;
    if (in_ranges(cp, wide_ranges, sizeof(wide_ranges) / sizeof(wide_ranges[0])))
        return 2;
    return 1;
}

size_t text_width_columns(const char *s)
{
    size_t cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        size_t len;
        uint32_t cp = utf8_next(p, &len);
        cols += cp_columns(cp);
        p += len;
    }
    return cols;
}

void text_width_write(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        size_t len;
        uint32_t cp = utf8_next(p, &len);
        if (cp == UINT32_MAX || is_control(cp))
            fputc('?', out);
        else
            fwrite(p, 1, len, out);
        p += len;
    }
}
