/*
 * The office's lists as CSV files (accounts, census figures,
 * disbursements): read with the enrollment import's reader
 * (import_csv_read_records: UTF-8 with or without a byte order mark, or
 * GB18030/GBK; libcsv; line numbers; Excel's empty rows dropped), then
 * the header mapped by a table of columns given by the caller, each with
 * its English name and its Chinese names, and the values a clerk types
 * written the protocol's way (dates 2007/3/5 or 2007年3月5日 as
 * 2007-03-05; Chinese choices such as 县级 as county), so that a row keys
 * the same whatever form Excel gave it.
 */
#ifndef AIXIN_CLIENT_BULK_FILE_H
#define AIXIN_CLIENT_BULK_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "import_csv.h"

#define BULK_MAX_COLUMNS 8
#define BULK_MAX_NAMES 6

/* A Chinese (or other) value and the protocol's name for it. */
typedef struct bulk_choice {
    const char *value; /* as typed, e.g. 县级 */
    const char *name;  /* as sent, e.g. county */
} bulk_choice_t;

typedef enum bulk_value {
    BULK_VALUE_TEXT = 0, /* as typed, spaces around it dropped */
    BULK_VALUE_DATE,     /* written YYYY-MM-DD when it is a date */
    BULK_VALUE_CHOICE,   /* translated by `choices`, else lower case */
    BULK_VALUE_COUNT
} bulk_value_t;

typedef struct bulk_column {
    const char *name;                    /* English header, e.g. "township" */
    const char *chinese[BULK_MAX_NAMES]; /* other headers, NULL-ended */
    bool required;
    bulk_value_t value;
    const bulk_choice_t *choices;        /* CHOICE: NULL-ended by value */
    /* The protocol field the column fills, so that a refusal naming it
     * names the column ("township_code"). */
    const char *field;
} bulk_column_t;

typedef struct bulk_spec {
    const char *command;                 /* "census import", for messages */
    const bulk_column_t *columns;
    size_t n_columns;                    /* at most BULK_MAX_COLUMNS */
} bulk_spec_t;

typedef struct bulk_file {
    import_file_t csv;                   /* header, records, encoding */
    const bulk_spec_t *spec;
    int column_of[BULK_MAX_COLUMNS];     /* field index, -1: absent */
} bulk_file_t;

/*
 * Read `path` and map its header to spec's columns. A required column
 * missing is a usage error naming it in English and Chinese (exit 2); an
 * unreadable file or broken quoting is refused with its line (exit 1).
 * Free with bulk_file_free().
 */
__attribute__((warn_unused_result)) cli_exit_t
bulk_file_read(const char *path, const bulk_spec_t *spec, bulk_file_t *out);

void bulk_file_free(bulk_file_t *f);

/* Column `col` of record `rec` as normalised, "" when absent or short. */
const char *bulk_file_value(const bulk_file_t *f, size_t rec, size_t col);

/* The column a protocol field path names (spec's `field`), or the path
 * itself when none does. */
const char *bulk_file_column_of(const bulk_spec_t *spec, const char *field);

#endif
