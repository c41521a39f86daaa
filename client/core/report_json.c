/*
 * A report as JSON (RFC 8259) for scripts: one array with an object per
 * row, keys the column keys in the server's order, two-space indentation.
 * Integers (counts, money in fen) are numbers; rates are numbers with four
 * decimals (0.9378); flags true/false; null is null. Strings keep their
 * UTF-8; quotes, backslashes and control characters are escaped and
 * malformed bytes become U+FFFD, so the output always parses.
 */
#include <inttypes.h>

#include "report_data.h"

static void json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    while (*s != '\0') {
        uint32_t cp;
        size_t n = report_utf8_next(s, &cp);
        if (n == 0) {
            fputs("\\ufffd", out);
            s++;
            continue;
        }
        switch (cp) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (cp < 0x20 || cp == 0x7F)
                fprintf(out, "\\u%04x", (unsigned)cp);
            else
                fwrite(s, 1, n, out);
            break;
        }
        s += n;
    }
    fputc('"', out);
}

static void json_write_cell(FILE *out, const Aixin__V1__ReportCell *cell)
{
    if (cell == NULL) {
        fputs("null", out);
        return;
    }
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
            json_write_string(out, cell->decimal); /* not a number: kept */
        }
        return;
    }
    case AIXIN__V1__REPORT_CELL__VALUE_BOOLEAN:
        fputs(cell->boolean ? "true" : "false", out);
        return;
    case AIXIN__V1__REPORT_CELL__VALUE_TEXT:
        json_write_string(out, cell->text);
        return;
    case AIXIN__V1__REPORT_CELL__VALUE__NOT_SET:
    default:
        fputs("null", out);
        return;
    }
}

void report_json_render(const Aixin__V1__ReportTable *t, FILE *out)
{
    if (t->n_rows == 0) {
        fputs("[]\n", out);
        return;
    }
    fputs("[\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        if (t->n_columns == 0) {
            fputs("  {}", out);
        } else {
            fputs("  {\n", out);
            bool closed = t->n_closed_years > 0;
            for (size_t c = 0; c < t->n_columns; c++) {
                fputs("    ", out);
                json_write_string(out, t->columns[c]);
                fputs(": ", out);
                json_write_cell(out, report_cell(t, r, (int)c));
                fputs(c + 1 < t->n_columns || closed ? ",\n" : "\n", out);
            }
            /* The closed years, when the report covers some. */
            if (closed) {
                fputs("    \"closed_years\": [", out);
                for (size_t i = 0; i < t->n_closed_years; i++)
                    fprintf(out, "%s%d", i ? ", " : "",
                            (int)t->closed_years[i]);
                fputs("]\n", out);
            }
            fputs("  }", out);
        }
        fputs(r + 1 < t->n_rows ? ",\n" : "\n", out);
    }
    fputs("]\n", out);
}
