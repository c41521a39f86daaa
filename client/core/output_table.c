/*
 * Table rendering: a header row and aligned columns, two spaces apart,
 * widths measured in terminal columns (text_width.h). Numbers and amounts
 * are right-aligned. A single record is a one-row table; its nested lists
 * follow as titled tables of their own.
 */
#include "output.h"

#include <inttypes.h>
#include <string.h>

#include "money.h"
#include "text_width.h"
#include "i18n.h"
#include "value_names.h"

#define TABLE_GAP "  "
/* Fits every formatted cell that is not borrowed text. */
#define CELL_BUF_SIZE 40

static bool field_in_table(const output_field_t *f)
{
    return f->header != NULL && f->kind != OUTPUT_KIND_LIST;
}

static bool field_right_aligned(const output_field_t *f)
{
    return f->kind == OUTPUT_KIND_INT || f->kind == OUTPUT_KIND_MONEY;
}

/* The text of one cell: borrowed, or formatted into buf. */
static const char *cell_text(const output_field_t *f, char buf[CELL_BUF_SIZE])
{
    switch (f->kind) {
    case OUTPUT_KIND_TEXT:
        if (f->value.text[0] == '\0')
            return "-";
        return f->named ? value_name_text(f->value.text) : f->value.text;
    case OUTPUT_KIND_INT:
        snprintf(buf, CELL_BUF_SIZE, "%" PRId64, f->value.number);
        return buf;
    case OUTPUT_KIND_BOOL:
        return f->value.flag ? _("yes") : _("no");
    case OUTPUT_KIND_MONEY: {
        char money[MONEY_TEXT_SIZE];
        money_format_fen(f->value.number, money);
        snprintf(buf, CELL_BUF_SIZE, "%s", money);
        return buf;
    }
    case OUTPUT_KIND_TIME: {
        char when[OUTPUT_TIME_TEXT_SIZE];
        if (output_format_time(f->value.number, when))
            snprintf(buf, CELL_BUF_SIZE, "%s", when);
        else
            snprintf(buf, CELL_BUF_SIZE, "%" PRId64, f->value.number);
        return buf;
    }
    case OUTPUT_KIND_NULL:
    case OUTPUT_KIND_LIST:
    case OUTPUT_KIND_COUNT:
        break;
    }
    return "-";
}

static size_t cell_width(const output_field_t *f)
{
    char buf[CELL_BUF_SIZE];
    return f->indent + text_width_columns(cell_text(f, buf));
}

static void write_spaces(FILE *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', out);
}

/*
 * Print one cell padded to `width`. The last cell of a row gets no
 * trailing spaces when it is left-aligned.
 */
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

/*
 * The columns are the table fields of the first record; every record of a
 * list has the same shape, because one function builds them all.
 */
static void table_write(const output_list_t *list, FILE *out)
{
    if (list->n_records == 0) {
        fputs(_("(none)\n"), out);
        return;
    }
    const output_record_t *first = &list->records[0];
    size_t cols[OUTPUT_MAX_FIELDS];
    size_t widths[OUTPUT_MAX_FIELDS];
    size_t n_cols = 0;
    for (size_t i = 0; i < first->n_fields; i++) {
        if (field_in_table(&first->fields[i])) {
            cols[n_cols] = i;
            widths[n_cols] = text_width_columns(i18n_text(first->fields[i].header));
            n_cols++;
        }
    }
    if (n_cols == 0)
        return;
    for (size_t r = 0; r < list->n_records; r++) {
        const output_record_t *rec = &list->records[r];
        for (size_t c = 0; c < n_cols; c++) {
            if (cols[c] >= rec->n_fields)
                continue;
            size_t w = cell_width(&rec->fields[cols[c]]);
            if (w > widths[c])
                widths[c] = w;
        }
    }
    for (size_t c = 0; c < n_cols; c++) {
        const output_field_t *f = &first->fields[cols[c]];
        if (c > 0)
            fputs(TABLE_GAP, out);
        write_cell(out, i18n_text(f->header), 0, widths[c], field_right_aligned(f),
                   c + 1 == n_cols);
    }
    fputc('\n', out);
    for (size_t r = 0; r < list->n_records; r++) {
        const output_record_t *rec = &list->records[r];
        for (size_t c = 0; c < n_cols; c++) {
            if (c > 0)
                fputs(TABLE_GAP, out);
            if (cols[c] >= rec->n_fields) {
                write_cell(out, "-", 0, widths[c], false, c + 1 == n_cols);
                continue;
            }
            const output_field_t *f = &rec->fields[cols[c]];
            char buf[CELL_BUF_SIZE];
            write_cell(out, cell_text(f, buf), f->indent, widths[c],
                       field_right_aligned(f), c + 1 == n_cols);
        }
        fputc('\n', out);
    }
}

void output_table_render(const output_doc_t *doc, FILE *out)
{
    table_write(&doc->root, out);
    if (doc->is_list || doc->root.n_records == 0)
        return;
    const output_record_t *rec = &doc->root.records[0];
    for (size_t i = 0; i < rec->n_fields; i++) {
        const output_field_t *f = &rec->fields[i];
        if (f->kind != OUTPUT_KIND_LIST || f->header == NULL)
            continue;
        fprintf(out, _("\n%s:\n"), _(f->value.list->title));
        table_write(f->value.list, out);
    }
}
