/*
 * The server's error messages in the user's language. The daemon answers
 * in English (its logs and tools stay English); the messages a clerk
 * meets most are listed here as patterns, "%s" standing for a value the
 * server filled in ("child already enrolled for %s"), and translated with
 * the catalog, the values carried over in order. A message no pattern
 * matches is shown as the server wrote it.
 */
#ifndef AIXIN_CLIENT_SERVER_TEXT_H
#define AIXIN_CLIENT_SERVER_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Up to this many "%s" in one pattern. */
#define SERVER_TEXT_MAX_VALUES 6

/*
 * If `message` matches a known pattern, write its translation with the
 * values into out (NUL-terminated, cut to size) and return true; else
 * copy `message` and return false. In the C locale the translation is
 * the English pattern, so the text comes out as the server wrote it.
 */
bool server_text_translate(const char *message, char *out, size_t size);

/*
 * Match `message` against `pattern` ("%s" matches one or more
 * characters, shortest first, the rest literally). On a match, the
 * values are copied NUL-terminated into values[i] (each of value_size
 * bytes) and their count is stored in *n. Exposed for the unit tests.
 */
bool server_text_match(const char *pattern, const char *message,
                       char values[][64], size_t *n);

#endif
