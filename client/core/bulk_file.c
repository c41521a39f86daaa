/* The office's lists as CSV files; see bulk_file.h. */
#include "bulk_file.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"

static bool same_text(const char *a, size_t alen, const char *b)
{
    return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

/* The column of spec a header names, or -1. */
static int column_named(const bulk_spec_t *spec, const char *header)
{
    const char *s;
    size_t n;
    import_csv_trim(header, &s, &n);
    for (size_t c = 0; c < spec->n_columns; c++) {
        const bulk_column_t *col = &spec->columns[c];
        if (same_text(s, n, col->name))
            return (int)c;
        for (size_t k = 0; k < BULK_MAX_NAMES && col->chinese[k] != NULL; k++)
            if (same_text(s, n, col->chinese[k]))
                return (int)c;
    }
    return -1;
}

/* "township (乡镇代码)" for every required column, for the message. */
static void required_list(const bulk_spec_t *spec, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t c = 0; c < spec->n_columns && len < size; c++) {
        const bulk_column_t *col = &spec->columns[c];
        if (!col->required)
            continue;
        int n = snprintf(out + len, size - len, "%s%s (%s)",
                         len > 0 ? ", " : "", col->name,
                         col->chinese[0] != NULL ? col->chinese[0] : "");
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

static cli_exit_t header_map(bulk_file_t *f, const char *path)
{
    const bulk_spec_t *spec = f->spec;
    for (size_t c = 0; c < BULK_MAX_COLUMNS; c++)
        f->column_of[c] = -1;
    const import_record_t *h = &f->csv.header;
    for (uint32_t i = 0; i < h->n_fields; i++) {
        int c = column_named(spec, h->fields[i]);
        if (c >= 0 && f->column_of[c] < 0)
            f->column_of[c] = (int)i;
    }
    for (size_t c = 0; c < spec->n_columns; c++) {
        const bulk_column_t *col = &spec->columns[c];
        if (col->required && f->column_of[c] < 0) {
            char all[512];
            required_list(spec, all, sizeof(all));
            return cli_usage_error(
                spec->command,
                _("%s: the header has no column '%s' or '%s' (required: %s)"),
                path, col->name,
                col->chinese[0] != NULL ? col->chinese[0] : col->name, all);
        }
    }
    return CLI_EXIT_OK;
}

/* The protocol's form of one value; NULL when it stays as it is. */
static const char *value_normal(const bulk_column_t *col, const char *text,
                                char buf[64])
{
    const char *s;
    size_t n;
    import_csv_trim(text, &s, &n);
    switch (col->value) {
    case BULK_VALUE_DATE:
        if (import_csv_date_parse(text, buf))
            return buf;
        break;
    case BULK_VALUE_CHOICE:
        for (const bulk_choice_t *ch = col->choices;
             ch != NULL && ch->value != NULL; ch++)
            if (same_text(s, n, ch->value))
                return ch->name;
        if (n < 64) {
            for (size_t i = 0; i < n; i++)
                buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32)
                                                      : s[i];
            buf[n] = '\0';
            return buf;
        }
        break;
    default:
        break;
    }
    if (n != strlen(text) && n < 64) { /* spaces around it */
        memcpy(buf, s, n);
        buf[n] = '\0';
        return buf;
    }
    return NULL;
}

static bool records_normalise(bulk_file_t *f)
{
    for (size_t r = 0; r < f->csv.n_records; r++) {
        import_record_t *rec = &f->csv.records[r];
        for (size_t c = 0; c < f->spec->n_columns; c++) {
            int i = f->column_of[c];
            if (i < 0 || (uint32_t)i >= rec->n_fields)
                continue;
            char buf[64];
            const char *v =
                value_normal(&f->spec->columns[c], rec->fields[i], buf);
            if (v != NULL && strcmp(v, rec->fields[i]) != 0 &&
                !import_csv_set_field(rec, (uint32_t)i, v))
                return false;
        }
    }
    return true;
}

cli_exit_t bulk_file_read(const char *path, const bulk_spec_t *spec,
                          bulk_file_t *out)
{
    memset(out, 0, sizeof(*out));
    out->spec = spec;
    cli_exit_t rc = import_csv_read_records(path, &out->csv);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = header_map(out, path);
    if (rc == CLI_EXIT_OK && !records_normalise(out))
        rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    if (rc != CLI_EXIT_OK)
        bulk_file_free(out);
    return rc;
}

void bulk_file_free(bulk_file_t *f)
{
    import_csv_free(&f->csv);
    f->spec = NULL;
}

const char *bulk_file_value(const bulk_file_t *f, size_t rec, size_t col)
{
    if (rec >= f->csv.n_records || col >= f->spec->n_columns)
        return "";
    const import_record_t *r = &f->csv.records[rec];
    int i = f->column_of[col];
    return i >= 0 && (uint32_t)i < r->n_fields ? r->fields[i] : "";
}

const char *bulk_file_column_of(const bulk_spec_t *spec, const char *field)
{
    if (field == NULL)
        return "";
    for (size_t c = 0; c < spec->n_columns; c++)
        if (spec->columns[c].field != NULL &&
            strcmp(spec->columns[c].field, field) == 0)
            return spec->columns[c].name;
    return field;
}
