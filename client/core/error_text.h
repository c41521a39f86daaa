/*
 * The server's typed errors as a person reads them: a short reason per
 * ErrorCode in the user's language (i18n.h), for the CLI's messages, the
 * import's error file and the desk's pages. The code's protocol name
 * (names_error_code) stays in machine output.
 */
#ifndef AIXIN_CLIENT_ERROR_TEXT_H
#define AIXIN_CLIENT_ERROR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "aixin/v1/errors.pb-c.h"

/* "invalid input" (输入有误), "no such record" (查无此记录), ...: translated,
 * borrowed; a generic text for codes this client does not know. */
const char *error_text_reason(Aixin__V1__ErrorCode code);

/*
 * One line for a person: "<reason> [CODE]: <server message>", followed by
 * " (option --child)" / "（选项 --child）" when the error names a field
 * (field_names.h; "field: <path>" after error_text_use_field_paths). The
 * server's message is copied with control characters as '?'. Written
 * NUL-terminated into out.
 */
void error_text_describe(const Aixin__V1__Error *e, char *out, size_t size);

/*
 * Where an error points, for a person: "option --child" (选项 --child), a
 * form label for fields without an option, or "field: <path>" when field
 * paths are on. Empty for NULL or "".
 */
void error_text_where(const char *field, char *out, size_t size);

/* Name protocol field paths instead of options (--format json: tools read
 * the path). Off by default. */
void error_text_use_field_paths(bool on);

/* Name the form field by its label only (the desk: its users fill in
 * forms, not options). Off by default. */
void error_text_use_form_labels(bool on);

#endif
