/*
 * Checks on untrusted text: names, certificate numbers, client names.
 * protobuf-c copies string fields byte for byte, so every string that came
 * off the wire goes through here before it reaches a log line, a database
 * row or a terminal.
 */
#ifndef AIXIN_TEXT_CHECK_H
#define AIXIN_TEXT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when s[0..len) is well-formed single-line UTF-8 text:
 *   - shortest-form UTF-8 only (no overlong encodings), no UTF-16
 *     surrogates (U+D800..U+DFFF), nothing above U+10FFFF;
 *   - no control characters at all: no NUL, no C0 (U+0000..U+001F, tab
 *     and newline included), no DEL (U+007F), no C1 (U+0080..U+009F).
 *     Every field this protocol carries is a single line, and refusing
 *     controls keeps log lines and terminals safe;
 *   - no line or paragraph separator (U+2028, U+2029), which some
 *     viewers break lines on, and no bidirectional formatting control
 *     (U+202A-U+202E, U+2066-U+2069), which can make a name or a log line
 *     display differently from what it holds.
 * The empty string is valid (length rules are the caller's). s may be NULL
 * only when len is 0. Never reads past len.
 */
bool text_check_utf8(const char *s, size_t len);

/*
 * Number of code points in s[0..len), counted as the bytes that are not
 * UTF-8 continuation bytes. Meaningful for text that passed
 * text_check_utf8(); for other input it is a count of lead bytes.
 */
size_t text_check_count_code_points(const char *s, size_t len);

/*
 * True when s[0..len) is non-empty and every byte is printable ASCII other
 * than space (0x21..0x7E): the alphabet of certificate numbers and tokens.
 */
bool text_check_ascii_graph(const char *s, size_t len);

/* True when s[0..len) is non-empty and every byte is '0'..'9'. */
bool text_check_digits(const char *s, size_t len);

#endif
