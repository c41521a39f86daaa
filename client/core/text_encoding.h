/*
 * The encodings of the text files a clerk exchanges with Excel: what Excel
 * on a Chinese Windows PC saves as "CSV" is GB18030 (GBK, its subset, in
 * older versions); "CSV UTF-8" is UTF-8 with a byte order mark; other tools
 * write UTF-8 without one. Files are detected and converted to UTF-8 when
 * read, and written back in the encoding they came in (iconv, glibc).
 */
#ifndef AIXIN_CLIENT_TEXT_ENCODING_H
#define AIXIN_CLIENT_TEXT_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum text_encoding {
    TEXT_ENCODING_UTF8 = 0, /* UTF-8 without a byte order mark */
    TEXT_ENCODING_UTF8_BOM, /* UTF-8 starting with EF BB BF (Excel "CSV UTF-8") */
    TEXT_ENCODING_GB18030,  /* GB18030, which includes GBK and GB2312 */
    TEXT_ENCODING_COUNT
} text_encoding_t;

/* "UTF-8", "UTF-8 BOM" or "GB18030": for messages. */
const char *text_encoding_name(text_encoding_t enc);

/*
 * Parse what a user typed (--encoding): utf-8/utf8, utf-8-bom,
 * gb18030/gbk/gb2312 (written as GB18030), any case. False when unknown.
 */
__attribute__((warn_unused_result)) bool
text_encoding_parse(const char *name, text_encoding_t *out);

/*
 * The encoding of data[0..len): UTF8_BOM when it starts with the mark,
 * UTF8 when every byte sequence is well-formed UTF-8 (shortest form, no
 * surrogates; plain ASCII is UTF8), GB18030 otherwise. Never reads past
 * len; data may be NULL when len is 0.
 */
text_encoding_t text_encoding_detect(const char *data, size_t len);

/*
 * Convert data[0..len) in `enc` to UTF-8 (without the byte order mark) in
 * a new NUL-terminated buffer *out (owned by the caller, free()) of
 * *out_len bytes. False, with *out NULL, when the data is not valid in
 * `enc` (a byte sequence GB18030 does not define) or memory runs out.
 */
__attribute__((warn_unused_result)) bool
text_encoding_to_utf8(text_encoding_t enc, const char *data, size_t len,
                      char **out, size_t *out_len);

/*
 * The reverse: UTF-8 data[0..len) as `enc` (UTF8_BOM gets the mark), in a
 * new buffer as above. False when a character has no form in `enc`
 * (never for GB18030, which covers all of Unicode) or the input is not
 * UTF-8.
 */
__attribute__((warn_unused_result)) bool
text_encoding_from_utf8(text_encoding_t enc, const char *data, size_t len,
                        char **out, size_t *out_len);

/*
 * The whole file `path`, as bytes, in a new buffer *data (owned, free())
 * of *len bytes. False with errno set when it cannot be read.
 */
__attribute__((warn_unused_result)) bool
text_encoding_read_file(const char *path, char **data, size_t *len);

/*
 * Rewrite the UTF-8 file `path` in `enc`, through a temporary file next
 * to it renamed over it, so that a failure leaves the UTF-8 file whole.
 * Nothing to do for UTF8. False (errno set when the system failed) on
 * failure.
 */
__attribute__((warn_unused_result)) bool
text_encoding_rewrite_file(const char *path, text_encoding_t enc);

#endif
