/*
 * City reports as the server sends them (reports.proto): a ReportTable
 * of stable snake_case column keys and rows of typed cells, and what every
 * format of `aixin report` shares when it reads one.
 *
 * The meaning of a column comes from the cell types and a naming rule, so
 * that a column the server adds reaches every format unchanged:
 *   integer   counts; money in fen when the key ends in "_fen"
 *   decimal   rates as fractions ("0.9378"); read exactly, as ten
 *             thousandths (e4), never through floating point
 *   boolean   flags (meets_target)
 *   text      codes, names, levels
 *   none set  null (a rate over zero eligible households)
 *
 * Text from the server is untrusted: every writer here replaces bytes that
 * are not well-formed UTF-8 by U+FFFD.
 */
#ifndef AIXIN_CLIENT_REPORT_DATA_H
#define AIXIN_CLIENT_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aixin/v1/envelope.pb-c.h"

/* The formats of `aixin report`. */
typedef enum report_format {
    REPORT_FORMAT_TABLE = 0, /* aligned columns, yuan and percentages */
    REPORT_FORMAT_CSV,       /* RFC 4180, fen and fractions */
    REPORT_FORMAT_JSON,      /* one array of objects */
    REPORT_FORMAT_HTML,      /* one self-contained page with charts */
    REPORT_FORMAT_COUNT
} report_format_t;

/* "table", "csv", "json", "html"; false for anything else. */
bool report_format_parse(const char *name, report_format_t *out);

/* "enrollment", "funding", "claims", "service", "insurers", "assessment";
 * NULL for UNSPECIFIED or out of range. */
const char *report_kind_name(Aixin__V1__ReportKind kind);
/* UNSPECIFIED when unknown. */
Aixin__V1__ReportKind report_kind_parse(const char *name);

/* Index of column `key`, or -1. */
int report_column(const Aixin__V1__ReportTable *t, const char *key);

/* The cell at (row, col), or NULL when the row is shorter (a null). */
const Aixin__V1__ReportCell *report_cell(const Aixin__V1__ReportTable *t,
                                         size_t row, int col);

/* Text of a text cell, or NULL for any other cell or a missing one. */
const char *report_cell_text(const Aixin__V1__ReportTable *t, size_t row,
                             int col);

/* An integer cell's value; false for null or any other type. */
bool report_cell_integer(const Aixin__V1__ReportTable *t, size_t row,
                         int col, int64_t *out);

/* A decimal cell's value in ten thousandths; false for null, another type
 * or a decimal that does not parse. */
bool report_cell_e4(const Aixin__V1__ReportTable *t, size_t row, int col,
                    int64_t *out);

/*
 * Who each row is about. Division reports have the columns "division"
 * (the code), "name" and "level"; their first row is the report's own
 * division, the others the divisions directly below it. Insurer rows
 * carry "insurer" (or "insurer_code") and the insurer's "name" (or
 * "insurer_name").
 */
typedef struct report_rows {
    const Aixin__V1__ReportTable *t;
    int division;     /* column indexes, -1 when absent */
    int name;
    int level;
    int insurer;
    int insurer_name;
} report_rows_t;

void report_rows_init(report_rows_t *rr, const Aixin__V1__ReportTable *t);
/* What identifies the row across years: the insurer's code on an insurer
 * row, else the division's code; NULL when the row has neither. */
const char *report_rows_key(const report_rows_t *rr, size_t row);
/* The name to show: the insurer's or the division's name, else the key,
 * else "-". */
const char *report_rows_label(const report_rows_t *rr, size_t row);
/* The row of the report's own division (not an insurer's row). */
bool report_rows_total(const report_rows_t *rr, size_t row);
/* A row whose level differs from the first row's: a division below. */
bool report_rows_below(const report_rows_t *rr, size_t row);

/* The closed years of the report (ReportTable.closed_years) as "2024" or
 * "2024 2025"; "" when none is closed. Every output shows them only when
 * there are some: CSV and JSON as a last column closed_years, tables and
 * pages as a line saying the figures are final. */
#define REPORT_CLOSED_TEXT_SIZE 512
void report_closed_years_text(const Aixin__V1__ReportTable *t,
                              char out[REPORT_CLOSED_TEXT_SIZE]);

/* True when `key` ends in "_fen": an amount of money in fen. */
bool report_column_is_money(const char *key);

/*
 * Parse a decimal "[-]digits[.digits]" into ten thousandths, dropping
 * the digits past the fourth decimal ("0.93785" -> 9378, "0.89999" ->
 * 8999): a rate just below a target is never shown as reaching it. False
 * for anything else (empty, spaces, exponents, out of range).
 */
bool report_decimal_parse(const char *text, int64_t *e4);

/* Longest "-922337203685477.5808" or "-92233720368547758.08%" and a NUL. */
#define REPORT_NUMBER_SIZE 32

/* "0.9378", "-0.0500", "1.0000": the fraction with four decimals. */
void report_format_e4(int64_t e4, char out[REPORT_NUMBER_SIZE]);
/* "93.78%", "-5.00%": as a percentage with two decimals. */
void report_format_percent(int64_t e4, char out[REPORT_NUMBER_SIZE]);
/* True when `key` ends in "_score": points (assessment), a decimal shown
 * as a number, not as a percentage. */
bool report_column_is_score(const char *key);
/* "4.00", "4.125": a number with at least two decimals, at most four. */
void report_format_score(int64_t e4, char out[REPORT_NUMBER_SIZE]);
/* The text of a decimal cell of column `key`: a percentage, or a score. */
void report_format_decimal(const char *key, int64_t e4,
                           char out[REPORT_NUMBER_SIZE]);
/* "1,234,567": an integer with thousands separators. */
void report_format_grouped(int64_t n, char out[REPORT_NUMBER_SIZE]);

/*
 * The title of column `key` for people: "_fen" dropped, '_' as spaces,
 * upper case when `upper` ("CITY OWED"), else the first letter capitalised
 * ("City owed"). Truncated to the buffer.
 */
#define REPORT_HEADER_SIZE 96
void report_column_title(const char *key, bool upper,
                         char out[REPORT_HEADER_SIZE]);

/*
 * Decode the UTF-8 sequence at s (NUL-terminated). Returns its length
 * (1-4) and sets *cp, or returns 0 for bytes that are not a well-formed,
 * shortest-form sequence (then skip one byte). s[0] must not be NUL.
 */
size_t report_utf8_next(const char *s, uint32_t *cp);

/* Write `s` with every malformed byte replaced by U+FFFD. */
void report_write_utf8(FILE *out, const char *s);

/* Write `s` as HTML text or an attribute value: & < > " ' escaped,
 * control characters other than tab and newline and malformed bytes as
 * U+FFFD. */
void report_write_html(FILE *out, const char *s);

/* Renderers. The caller checks the stream for write errors. The table
 * returns false when it ran out of memory (reported). */
bool report_table_render(const Aixin__V1__ReportTable *t, FILE *out);
/* With `bom`, a UTF-8 byte order mark first (for spreadsheets that need
 * one to read UTF-8). */
void report_csv_render(const Aixin__V1__ReportTable *t, bool bom, FILE *out);
void report_json_render(const Aixin__V1__ReportTable *t, FILE *out);

#endif
