/*
 * A report as aligned columns for the terminal: a header row of column
 * titles (money columns without "_fen"), two spaces between columns,
 * widths in terminal columns (text_width.h). Money is shown in yuan with
 * two decimals, rates as percentages with two decimals, flags as yes/no,
 * null as "-". Numbers are right-aligned. Rows below the report's own
 * division are indented by two columns in the name column.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "value_names.h"
#include "money.h"
#include "report_data.h"
#include "text_width.h"

#define TABLE_GAP "  "
#define CHILD_INDENT 2

/* The text of one cell: borrowed, or formatted into buf. */
static const char *cell_text(const Aixin__V1__ReportTable *t, size_t row,
                             size_t col, char buf[REPORT_NUMBER_SIZE])
{
    const Aixin__V1__ReportCell *cell = report_cell(t, row, (int)col);
    if (cell == NULL)
        return "-";
    switch (cell->value_case) {
    case AIXIN__V1__REPORT_CELL__VALUE_INTEGER:
        if (report_column_is_money(t->columns[col])) {
            char money[MONEY_TEXT_SIZE];
            money_format_fen(cell->integer, money);
            snprintf(buf, REPORT_NUMBER_SIZE, "%s", money);
        } else {
            snprintf(buf, REPORT_NUMBER_SIZE, "%" PRId64, cell->integer);
        }
        return buf;
    case AIXIN__V1__REPORT_CELL__VALUE_DECIMAL: {
        int64_t e4;
        if (!report_decimal_parse(cell->decimal, &e4))
            return cell->decimal; /* shown as sent */
        report_format_decimal(t->columns[col], e4, buf);
        return buf;
    }
    case AIXIN__V1__REPORT_CELL__VALUE_BOOLEAN:
        return cell->boolean ? _("yes") : _("no");
    case AIXIN__V1__REPORT_CELL__VALUE_TEXT:
        if (cell->text[0] == '\0')
            return "-";
        /* The level is a protocol name: in the user's language. */
        return strcmp(t->columns[col], "level") == 0
                   ? value_name_text(cell->text)
                   : cell->text;
    case AIXIN__V1__REPORT_CELL__VALUE__NOT_SET:
    default:
        break;
    }
    return "-";
}

/* Numbers (counts, amounts, rates) are right-aligned: a column is when
 * any of its cells holds one. */
static bool column_right_aligned(const Aixin__V1__ReportTable *t, size_t col)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        const Aixin__V1__ReportCell *cell = report_cell(t, r, (int)col);
        if (cell == NULL)
            continue;
        if (cell->value_case == AIXIN__V1__REPORT_CELL__VALUE_INTEGER ||
            cell->value_case == AIXIN__V1__REPORT_CELL__VALUE_DECIMAL)
            return true;
        if (cell->value_case != AIXIN__V1__REPORT_CELL__VALUE__NOT_SET)
            return false;
    }
    return false;
}

/* Columns of blank before the name of a division below the report's. */
static unsigned cell_indent(const report_rows_t *rr, size_t row, size_t col)
{
    if ((int)col != rr->name || !report_rows_below(rr, row))
        return 0;
    return CHILD_INDENT;
}

static void write_spaces(FILE *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', out);
}

/* One cell padded to `width`; no trailing blanks after the last one. */
static void write_cell(FILE *out, const char *text, unsigned indent,
                       size_t width, bool right, bool last)
{
    size_t used = indent + text_width_columns(text);
    size_t pad = width > used ? width - used : 0;
    if (right)
        write_spaces(out, pad);
    write_spaces(out, indent);
    text_width_write(out, text);
    if (!right && !last)
        write_spaces(out, pad);
}

bool report_table_render(const Aixin__V1__ReportTable *t, FILE *out)
{
    size_t n = t->n_columns;
    if (n == 0 || t->n_rows == 0) {
        fputs(_("(none)\n"), out);
        return true;
    }
    size_t *widths = calloc(n, sizeof(*widths));
    bool *right = calloc(n, sizeof(*right));
    char(*titles)[REPORT_HEADER_SIZE] = calloc(n, sizeof(*titles));
    if (widths == NULL || right == NULL || titles == NULL) {
        free(widths);
        free(right);
        free(titles);
        fputs(_("aixin: error: out of memory\n"), stderr);
        return false;
    }
    report_rows_t rr;
    report_rows_init(&rr, t);
    for (size_t c = 0; c < n; c++) {
        report_column_title(t->columns[c], true, titles[c]);
        widths[c] = text_width_columns(titles[c]);
        right[c] = column_right_aligned(t, c);
        for (size_t r = 0; r < t->n_rows; r++) {
            char buf[REPORT_NUMBER_SIZE];
            size_t w = cell_indent(&rr, r, c) +
                       text_width_columns(cell_text(t, r, c, buf));
            if (w > widths[c])
                widths[c] = w;
        }
    }
    for (size_t c = 0; c < n; c++) {
        if (c > 0)
            fputs(TABLE_GAP, out);
        write_cell(out, titles[c], 0, widths[c], right[c], c + 1 == n);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < n; c++) {
            char buf[REPORT_NUMBER_SIZE];
            if (c > 0)
                fputs(TABLE_GAP, out);
            write_cell(out, cell_text(t, r, c, buf),
                       cell_indent(&rr, r, c), widths[c],
                       right[c], c + 1 == n);
        }
        fputc('\n', out);
    }
    char closed[REPORT_CLOSED_TEXT_SIZE];
    report_closed_years_text(t, closed);
    if (closed[0] != '\0')
        fprintf(out, _("Closed years (figures final): %s\n"), closed);
    free(widths);
    free(right);
    free(titles);
    return true;
}
