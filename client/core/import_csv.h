/*
 * Reading an enrollment CSV file (libcsv) as Excel saves it: UTF-8 with or
 * without a byte order mark, or GB18030/GBK (detected, converted to UTF-8
 * with iconv; text_encoding.h), a header row naming the columns in any
 * order, in English or in Chinese:
 *
 *   column (IMPORT_COL_*)  English header      Chinese header(s)
 *   POLICY_YEAR            policy_year         年度, 保单年度, 参保年度
 *   TOWNSHIP               township            乡镇代码, 乡镇编码
 *   HOUSEHOLD_KIND         household_kind      户类型, 户别
 *   CERTIFICATE_NO         certificate_no      独生子女证号, 证号, 证件编号
 *   GUARDIAN_ID            guardian_id         监护人身份证号(码)
 *   GUARDIAN_NAME          guardian_name       监护人姓名
 *   CHILD_ID               child_id            子女身份证号(码)
 *   CHILD_NAME             child_name          子女姓名
 *   CHILD_SEX              child_sex           性别, 子女性别
 *   CHILD_BIRTH_DATE       child_birth_date    出生日期, 子女出生日期
 *
 * Values as a clerk types them are written the protocol's way when read:
 * birth dates 2007-03-05, 2007/3/5 or 2007年3月5日 become 2007-03-05;
 * 独生子女户 only_child, 二女户/双女户 two_daughters; 男 M, 女 F. Other
 * values are left for the row checks to refuse. Other columns are kept
 * (for the error report) and otherwise ignored. Blank lines and rows with
 * only empty fields (what Excel leaves below a table) are skipped; every
 * record knows the line of the file it starts on.
 */
#ifndef AIXIN_CLIENT_IMPORT_CSV_H
#define AIXIN_CLIENT_IMPORT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "text_encoding.h"

/* "YYYY-MM-DD" and its NUL. */
#define IMPORT_DATE_SIZE 11

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

/* Its first Chinese header ("年度"). */
const char *import_column_chinese_name(import_column_t col);

/* The column a header names (English or Chinese, spaces around it
 * ignored); false for other columns. */
bool import_csv_column_parse(const char *header, import_column_t *out);

/*
 * A date as Excel or a clerk writes it (2007-03-05, 2007/3/5,
 * 2007年3月5日; spaces around it ignored) as "YYYY-MM-DD" in out. False,
 * out untouched, for anything else or a day that does not exist.
 */
bool import_csv_date_parse(const char *text, char out[IMPORT_DATE_SIZE]);

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
    text_encoding_t encoding;           /* what the file came in */
} import_file_t;

/*
 * Read and parse the whole file. A missing required column is a usage
 * error naming it (exit 2); an unreadable file or broken CSV quoting is
 * reported with its line (exit 1). Free with import_csv_free().
 */
__attribute__((warn_unused_result)) cli_exit_t
import_csv_read(const char *path, import_file_t *out);

void import_csv_free(import_file_t *f);

/*
 * The same reading (encoding, libcsv, line numbers, the empty rows Excel
 * leaves dropped) for files of other columns (bulk_file.h): the header row
 * and the records as they are, column_of all -1. Free with
 * import_csv_free().
 */
__attribute__((warn_unused_result)) cli_exit_t
import_csv_read_records(const char *path, import_file_t *out);

/* Give field `index` of rec the text `value`; false (rec unchanged) when
 * there is no such field or memory runs out. */
bool import_csv_set_field(import_record_t *rec, uint32_t index,
                          const char *value);

/* s without the spaces (ASCII and U+3000) around it: *start, *len. */
void import_csv_trim(const char *s, const char **start, size_t *len);

/* Field `col` of rec, or "" when the record is shorter than the header. */
const char *import_csv_field(const import_file_t *f,
                             const import_record_t *rec, import_column_t col);

/* Write one CSV field (quoted when needed) to out; false on a write error. */
bool import_csv_write_field(FILE *out, const char *text, bool last);

#endif
