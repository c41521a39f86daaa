/*
 * What a command prints, independent of the format: a document that is
 * either one record or a list of records. A record is an ordered set of
 * typed fields; a field may hold a nested list of records (a household's
 * guardians and children).
 *
 * The renderers (output_table.c, output_json.c) decide how each kind looks:
 *   TEXT   JSON string                table: as is ("-" when empty)
 *   INT    JSON number                table: decimal, right-aligned
 *   BOOL   true / false               table: yes / no
 *   MONEY  integer fen, JSON number   table: yuan "30.00", right-aligned
 *   TIME   unix seconds, printed in both formats as ISO 8601 at UTC+08:00
 *          (Asia/Shanghai, no daylight saving): "2027-03-01T09:30:00+08:00"
 *   NULL   JSON null                  table: "-"
 *
 * Building never fails loudly: an allocation failure sets doc->failed, the
 * later calls do nothing, and output_render() reports it. Text values are
 * borrowed: they must outlive the document (they point into the protobuf
 * response or at string constants).
 */
#ifndef AIXIN_CLIENT_OUTPUT_H
#define AIXIN_CLIENT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum output_format {
    OUTPUT_FORMAT_TABLE = 0, /* aligned columns with a header row */
    OUTPUT_FORMAT_JSON,      /* one JSON document */
    OUTPUT_FORMAT_COUNT
} output_format_t;

typedef enum output_kind {
    OUTPUT_KIND_NULL = 0, /* no value */
    OUTPUT_KIND_TEXT,     /* UTF-8 text, borrowed */
    OUTPUT_KIND_INT,      /* a signed integer */
    OUTPUT_KIND_BOOL,     /* yes or no */
    OUTPUT_KIND_MONEY,    /* an amount in fen */
    OUTPUT_KIND_TIME,     /* unix seconds */
    OUTPUT_KIND_LIST,     /* a nested list of records */
    OUTPUT_KIND_COUNT
} output_kind_t;

/* Enough for every record this CLI prints; more is a programming error. */
#define OUTPUT_MAX_FIELDS 32

typedef struct output_list output_list_t;

typedef struct output_field {
    const char *key;    /* JSON key, snake_case, a string constant */
    const char *header; /* table column title; NULL: JSON only */
    output_kind_t kind;
    unsigned indent;    /* table only: blank columns before the value */
    bool named;         /* TEXT is a protocol name (role, sex, state...):
                         * tables show it translated (value_names.c) */
    union {
        const char *text;     /* TEXT, borrowed */
        int64_t number;       /* INT, MONEY, TIME */
        bool flag;            /* BOOL */
        output_list_t *list;  /* LIST, owned by the field */
    } value;
} output_field_t;

typedef struct output_record {
    output_field_t fields[OUTPUT_MAX_FIELDS];
    size_t n_fields;
} output_record_t;

struct output_list {
    const char *title;          /* table only: printed above a nested list */
    output_record_t *records;   /* owned array */
    size_t n_records;
    size_t cap_records;
};

typedef struct output_doc {
    bool is_list;       /* a JSON array (a list) or one object (a record) */
    output_list_t root; /* when !is_list, holds exactly one record */
    bool failed;        /* sticky: an allocation failed while building */
} output_doc_t;

bool output_format_parse(const char *name, output_format_t *out);

void output_doc_init(output_doc_t *doc, bool is_list);
void output_doc_free(output_doc_t *doc);

/*
 * Append a record to the document (or, with output_list_add_record(), to a
 * nested list). The pointer is valid until the next record is appended to
 * the same list; fill a record before adding the next. NULL on failure.
 */
output_record_t *output_doc_add_record(output_doc_t *doc);
output_record_t *output_list_add_record(output_doc_t *doc,
                                        output_list_t *list);

/* Field adders; `header` NULL keeps the field out of tables. */
void output_add_text(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, const char *text);
/* A protocol name ("township_clerk", "only_child", "M"): as is in JSON,
 * in the user's language in tables. */
void output_add_name(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, const char *name);
/* Like output_add_text(), but an empty string is printed as null / "-". */
void output_add_text_or_null(output_doc_t *doc, output_record_t *r,
                             const char *key, const char *header,
                             const char *text);
/* Text indented by `indent` columns in tables (a tree level). */
void output_add_text_indented(output_doc_t *doc, output_record_t *r,
                              const char *key, const char *header,
                              const char *text, unsigned indent);
void output_add_int(output_doc_t *doc, output_record_t *r, const char *key,
                    const char *header, int64_t value);
void output_add_bool(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, bool value);
void output_add_money(output_doc_t *doc, output_record_t *r, const char *key,
                      const char *header, int64_t fen);
/* 0 means "not set" and is printed as null / "-". */
void output_add_time(output_doc_t *doc, output_record_t *r, const char *key,
                     const char *header, int64_t unix_seconds);
/* A nested list, titled `title` in tables; NULL on failure. */
output_list_t *output_add_list(output_doc_t *doc, output_record_t *r,
                               const char *key, const char *title);

/*
 * Print the document to `out`. Returns false (after printing
 * "aixin: error: out of memory" to stderr) when building failed or
 * writing failed.
 */
__attribute__((warn_unused_result)) bool
output_render(const output_doc_t *doc, output_format_t format, FILE *out);

/* Renderers behind output_render(); the document has not failed. */
void output_table_render(const output_doc_t *doc, FILE *out);
void output_json_render(const output_doc_t *doc, FILE *out);

/*
 * "2027-03-01T09:30:00+08:00" for unix seconds at UTC+08:00. Returns false
 * for a time outside the years civil_date.h handles (the renderers then
 * print the plain number).
 */
#define OUTPUT_TIME_TEXT_SIZE 32
bool output_format_time(int64_t unix_seconds, char out[OUTPUT_TIME_TEXT_SIZE]);

#endif
