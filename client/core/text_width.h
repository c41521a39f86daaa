/*
 * Terminal columns of UTF-8 text, for aligning tables that mix ASCII with
 * Chinese names (a Han character takes two columns). A small East Asian
 * Width rule rather than wcwidth(3), so that the result does not depend on
 * the locales installed on an office machine.
 *
 * Text from the server is untrusted: text_width_write() prints control
 * characters and malformed bytes as '?', and text_width_columns() counts
 * them as the one column that '?' takes.
 */
#ifndef AIXIN_CLIENT_TEXT_WIDTH_H
#define AIXIN_CLIENT_TEXT_WIDTH_H

#include <stddef.h>
#include <stdio.h>

/* Columns `s` takes once printed by text_width_write(). */
size_t text_width_columns(const char *s);

/* Print `s` to `out`, replacing what a terminal must not see by '?'. */
void text_width_write(FILE *out, const char *s);

#endif
