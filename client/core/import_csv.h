/*
 * Reading an enrollment CSV file (libcsv): UTF-8, a header row naming the
 * columns in any order, a UTF-8 byte order mark accepted. Required
 * columns (IMPORT_COL_*): policy_year, township, household_kind,
 * certificate_no, guardian_id, guardian_name, child_id, child_name,
 * child_sex, child_birth_date; other columns are kept (for the error
 * report) and otherwise ignored. Blank lines are skipped; every record
 * knows the line of the file it starts on.
 */
#ifndef AIXIN_CLIENT_IMPORT_CSV_H
#define AIXIN_CLIENT_IMPORT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

typedef enum import_column {
    IMPORT_COL_POLICY_YEAR = 0,
    IMPORT_COL_TOWNSHIP,
    IMPORT_COL_HOUSEHOLD_KIND,
    IMPORT_COL_CERTIFICATE_NO,
    IMPORT_COL_GUARDIAN_ID,
    IMPORT_COL_GUARDIAN_NAME,
    IMPORT_COL_CHILD_ID,
    IMPORT_COL_CHILD_NAME,
    IMPORT_COL_CHILD_SEX,
    IMPORT_COL_CHILD_BIRTH_DATE,
    IMPORT_COL_COUNT
} import_column_t;

/* The header name of a required column ("policy_year"). */
const char *import_column_name(import_column_t col);

/* One data row as read: fields NUL-terminated, unquoted, in file order. */
typedef struct import_record {
    uint32_t line;     /* the line of the file the record starts on */
    uint32_t n_fields;
    char **fields;     /* owned: one block holding the pointers and text */
} import_record_t;

typedef struct import_file {
    import_record_t header;             /* the header row's names */
    int column_of[IMPORT_COL_COUNT];    /* field index of each column */
    import_record_t *records;           /* owned, in file order */
    size_t n_records;
} import_file_t;

/*
 * Read and parse the whole file. A missing required column is a usage
 * error naming it (exit 2); an unreadable file or broken CSV quoting is
 * reported with its line (exit 1). Free with import_csv_free().
 */
__attribute__((warn_unused_result)) cli_exit_t
import_csv_read(const char *path, import_file_t *out);

void import_csv_free(import_file_t *f);

/* Field `col` of rec, or "" when the record is shorter than the header. */
const char *import_csv_field(const import_file_t *f,
                             const import_record_t *rec, import_column_t col);

/* Write one CSV field (quoted when needed) to out; false on a write error. */
bool import_csv_write_field(FILE *out, const char *text, bool last);

#endif
