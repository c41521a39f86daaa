#include "text_check.h"

#include <stdint.h>

/* Code points a single-line field must not hold: C0, DEL and C1; line and
 * paragraph separators; bidirectional embeddings, overrides and isolates. */
static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool text_check_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char b = p[i];
        uint32_t cp;
        size_t need;
        uint32_t min;
        if (b < 0x80) {
            if (is_control(b))
                return false;
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            /* 0xC0 and 0xC1 could only start overlong two-byte forms. */
            cp = b & 0x1F;
            need = 1;
            min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            cp = b & 0x0F;
            need = 2;
            min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            /* 0xF5..0xFF would start code points above U+10FFFF. */
            cp = b & 0x07;
            need = 3;
            min = 0x10000;
        } else {
            return false; /* stray continuation byte or invalid lead */
        }
        if (len - i - 1 < need)
            return false; /* truncated sequence */
        for (size_t k = 1; k <= need; k++) {
            unsigned char c = p[i + k];
            if ((c & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        if (is_control(cp))
            return false;
        i += need + 1;
    }
    return true;
}

size_t text_check_count_code_points(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            n++;
    return n;
}

bool text_check_ascii_graph(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c > 0x7E)
            return false;
    }
    return true;
}

bool text_check_digits(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}
