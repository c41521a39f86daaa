/*
 * A report as CSV (RFC 4180): a header row of the column keys, then one
 * record per row, fields separated by commas, records ended by CRLF. A
 * field holding a comma, a double quote, CR or LF is enclosed in double
 * quotes, its quotes doubled. Values are for machines: money in fen
 * (integers), rates as fractions with four decimals ("0.9378"), flags as
 * true/false, null as an empty field. UTF-8, with a byte order mark only
 * when asked.
 */
#include <inttypes.h>
#include <string.h>

#include "report_data.h"

#define CSV_EOL "\r\n"
#define UTF8_BOM "\xEF\xBB\xBF"
#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

static void csv_write_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        report_write_utf8(out, s);
        return;
    }
    fputc('"', out);
    while (*s != '\0') {
        uint32_t cp;
        size_t n = report_utf8_next(s, &cp);
        if (n == 0) {
            fputs(UTF8_REPLACEMENT, out);
            s++;
            continue;
        }
        if (cp == '"')
            fputc('"', out);
        fwrite(s, 1, n, out);
        s += n;
    }
    fputc('"', out);
}

static void csv_write_cell(FILE *out, const Aixin__V1__ReportCell *cell)
{
    if (cell == NULL)
        return;
    switch (cell->value_case) {
    case AIXIN__V1__REPORT_CELL__VALUE_INTEGER:
        fprintf(out, "%" PRId64, cell->integer);
        return;
    case AIXIN__V1__REPORT_CELL__VALUE_DECIMAL: {
        int64_t e4;
        char text[REPORT_NUMBER_SIZE];
        if (report_decimal_parse(cell->decimal, &e4)) {
            report_format_e4(e4, text);
            fputs(text, out);
        } else {
            csv_write_field(out, cell->decimal);
        }
        return;
    }
    case AIXIN__V1__REPORT_CELL__VALUE_BOOLEAN:
        fputs(cell->boolean ? "true" : "false", out);
        return;
    case AIXIN__V1__REPORT_CELL__VALUE_TEXT:
        csv_write_field(out, cell->text);
        return;
    case AIXIN__V1__REPORT_CELL__VALUE__NOT_SET:
    default:
        return; /* null: an empty field */
    }
}

void report_csv_render(const Aixin__V1__ReportTable *t, bool bom, FILE *out)
{
    if (bom)
        fputs(UTF8_BOM, out);
    char closed[REPORT_CLOSED_TEXT_SIZE];
    report_closed_years_text(t, closed);
    for (size_t c = 0; c < t->n_columns; c++) {
        if (c > 0)
            fputc(',', out);
        csv_write_field(out, t->columns[c]);
    }
    if (closed[0] != '\0')
        fputs(",closed_years", out);
    fputs(CSV_EOL, out);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_columns; c++) {
            if (c > 0)
                fputc(',', out);
            csv_write_cell(out, report_cell(t, r, (int)c));
        }
        if (closed[0] != '\0') {
            fputc(',', out);
            csv_write_field(out, closed);
        }
        fputs(CSV_EOL, out);
    }
}
