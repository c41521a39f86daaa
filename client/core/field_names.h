/*
 * What a person filled in, for each field of the protocol. Errors from the
 * server and from the local checks name a protocol field path
 * ("guardians[0].id_number", "child_id_number", "terms.premium_fen"); a
 * clerk typed an option of the command line (--guardian) or a box of the
 * desk's form (监护人身份证号). This table maps one to the others, so every
 * face names what its user knows. Machine output (--format json) keeps the
 * protocol path.
 *
 * Paths are matched exactly, except that any index in brackets matches
 * "[]" in the table ("guardians[1].name" is the entry "guardians[].name").
 *
 * Usage:
 *   const char *opt = field_name_option(e->field);   // "--guardian" or NULL
 *   const char *label = field_name_label(e->field);  // "监护人身份证号" in zh_CN
 * Both return borrowed static text; field_name_label() translates with the
 * current gettext language (i18n.h) and falls back to the path itself.
 */
#ifndef AIXIN_CLIENT_FIELD_NAMES_H
#define AIXIN_CLIENT_FIELD_NAMES_H

#include <stddef.h>

typedef struct field_name {
    const char *path;   /* protocol field path, indices written "[]" */
    const char *option; /* the CLI option that sets it, NULL when none */
    const char *label;  /* the form label, English msgid (translate it) */
} field_name_t;

/* The table entry for `path`, or NULL when the path is not known. */
const field_name_t *field_name_find(const char *path);

/* The command-line option for `path` ("--child"), or NULL. */
const char *field_name_option(const char *path);

/* The translated form label for `path`, or `path` itself when unknown
 * (NULL or "" give ""). */
const char *field_name_label(const char *path);

/*
 * For a person using the command line: "option --guardian, field
 * guardians[0].id_number" ("选项 --guardian，字段 ...") when the path has
 * an option, else "field <path>"; written NUL-terminated into out. Empty
 * when path is NULL or "".
 */
void field_name_describe_option(const char *path, char *out, size_t size);

#endif
