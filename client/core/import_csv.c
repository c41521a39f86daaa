/* Reading enrollment CSV files with libcsv; see import_csv.h. */
#include "import_csv.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const column_names[IMPORT_COL_COUNT] = {
    [IMPORT_COL_POLICY_YEAR] = "policy_year",
    [IMPORT_COL_TOWNSHIP] = "township",
    [IMPORT_COL_HOUSEHOLD_KIND] = "household_kind",
    [IMPORT_COL_CERTIFICATE_NO] = "certificate_no",
    [IMPORT_COL_GUARDIAN_ID] = "guardian_id",
    [IMPORT_COL_GUARDIAN_NAME] = "guardian_name",
    [IMPORT_COL_CHILD_ID] = "child_id",
    [IMPORT_COL_CHILD_NAME] = "child_name",
    [IMPORT_COL_CHILD_SEX] = "child_sex",
    [IMPORT_COL_CHILD_BIRTH_DATE] = "child_birth_date",
};

const char *import_column_name(import_column_t col)
{
    return col < IMPORT_COL_COUNT ? column_names[col] : "?";
}

/* The row being assembled from libcsv's callbacks. */
typedef struct csv_reader {
    import_file_t *file;
    bool have_header;
    uint32_t line;       /* the line being fed to the parser */
    uint32_t row_line;   /* the line the current row started on */
    bool row_open;       /* a row has begun and not ended */
    char *text;          /* the current row's fields, NUL-separated */
    size_t text_len, text_cap;
    size_t n_fields;
    size_t cap_records;
    bool failed;         /* out of memory */
} csv_reader_t;

static bool text_append(csv_reader_t *r, const char *s, size_t len)
{
    if (r->text_len + len + 1 > r->text_cap) {
        size_t cap = r->text_cap == 0 ? 256 : r->text_cap;
        while (cap < r->text_len + len + 1)
            cap *= 2;
        char *t = realloc(r->text, cap);
        if (t == NULL)
            return false;
        r->text = t;
        r->text_cap = cap;
    }
    if (len > 0)
        memcpy(r->text + r->text_len, s, len);
    r->text_len += len;
    r->text[r->text_len++] = '\0';
    return true;
}

static void on_field(void *data, size_t len, void *arg)
{
    csv_reader_t *r = arg;
    if (r->failed)
        return;
    if (!text_append(r, data != NULL ? data : "", data != NULL ? len : 0)) {
        r->failed = true;
        return;
    }
    r->n_fields++;
}

/* Turn the assembled fields into a record: one block with the pointer
 * array followed by the text. */
static bool record_take(csv_reader_t *r, import_record_t *rec)
{
    size_t ptr_bytes = r->n_fields * sizeof(char *);
    char *block = malloc(ptr_bytes + r->text_len + 1);
    if (block == NULL)
        return false;
    char **fields = (char **)(void *)block;
    char *text = block + ptr_bytes;
    memcpy(text, r->text, r->text_len);
    size_t off = 0;
    for (size_t i = 0; i < r->n_fields; i++) {
        fields[i] = text + off;
        off += strlen(text + off) + 1;
    }
    rec->fields = fields;
    rec->n_fields = (uint32_t)r->n_fields;
    rec->line = r->row_line;
    return true;
}

static void on_row_end(int c, void *arg)
{
    (void)c;
    csv_reader_t *r = arg;
    r->row_open = false;
    if (r->failed)
        return;
    import_file_t *f = r->file;
    import_record_t rec;
    if (!record_take(r, &rec)) {
        r->failed = true;
        return;
    }
    r->text_len = 0;
    r->n_fields = 0;
    if (!r->have_header) {
        f->header = rec;
        r->have_header = true;
        return;
    }
    if (f->n_records == r->cap_records) {
        size_t cap = r->cap_records == 0 ? 1024 : r->cap_records * 2;
        import_record_t *p = realloc(f->records, cap * sizeof(*p));
        if (p == NULL) {
            free(rec.fields);
            r->failed = true;
            return;
        }
        f->records = p;
        r->cap_records = cap;
    }
    f->records[f->n_records++] = rec;
}

/* True for a line that holds nothing but its end. */
static bool line_is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Map the header's names to the required columns. */
static cli_exit_t header_map(import_file_t *f, const char *path)
{
    for (int c = 0; c < IMPORT_COL_COUNT; c++)
        f->column_of[c] = -1;
    for (uint32_t i = 0; i < f->header.n_fields; i++)
        for (int c = 0; c < IMPORT_COL_COUNT; c++)
            if (strcmp(f->header.fields[i], column_names[c]) == 0 &&
                f->column_of[c] < 0)
                f->column_of[c] = (int)i;
    for (int c = 0; c < IMPORT_COL_COUNT; c++)
        if (f->column_of[c] < 0)
            return cli_usage_error("import enrollments",
                                   "%s: the header has no column '%s' "
                                   "(required: policy_year, township, "
                                   "household_kind, certificate_no, "
                                   "guardian_id, guardian_name, child_id, "
                                   "child_name, child_sex, child_birth_date)",
                                   path, column_names[c]);
    return CLI_EXIT_OK;
}

/* Feed the file to libcsv one line at a time, so that each row knows the
 * line it starts on (a quoted field may run over several lines). */
static cli_exit_t csv_feed(FILE *in, const char *path, struct csv_parser *p,
                           csv_reader_t *r)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    cli_exit_t rc = CLI_EXIT_OK;
    while ((n = getline(&line, &cap, in)) > 0) {
        r->line++;
        const char *s = line;
        size_t len = (size_t)n;
        if (r->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3; /* UTF-8 byte order mark */
            len -= 3;
        }
        if (!r->row_open && !line_is_blank(s, len)) {
            r->row_open = true;
            r->row_line = r->line;
        }
        if (csv_parse(p, s, len, on_field, on_row_end, r) != len) {
            rc = cli_error(CLI_EXIT_REJECTED, "%s:%u: %s", path,
                           (unsigned)r->line, csv_strerror(csv_error(p)));
            break;
        }
        if (r->failed) {
            rc = cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
            break;
        }
    }
    if (rc == CLI_EXIT_OK && ferror(in))
        rc = cli_error(CLI_EXIT_REJECTED, "cannot read %s: %s", path,
                       strerror(errno));
    free(line);
    return rc;
}

cli_exit_t import_csv_read(const char *path, import_file_t *out)
{
    memset(out, 0, sizeof(*out));
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return cli_error(CLI_EXIT_REJECTED, "cannot open %s: %s", path,
                         strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(in);
        return cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
    }
    csv_reader_t r = {.file = out};
    cli_exit_t rc = csv_feed(in, path, &p, &r);
    if (rc == CLI_EXIT_OK &&
        csv_fini(&p, on_field, on_row_end, &r) != 0)
        rc = cli_error(CLI_EXIT_REJECTED, "%s:%u: %s", path,
                       (unsigned)r.line, csv_strerror(csv_error(&p)));
    if (rc == CLI_EXIT_OK && r.failed)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, "out of memory");
    csv_free(&p);
    fclose(in);
    free(r.text);
    if (rc == CLI_EXIT_OK && !r.have_header)
        rc = cli_error(CLI_EXIT_REJECTED, "%s is empty: no header row", path);
    if (rc == CLI_EXIT_OK)
        rc = header_map(out, path);
    if (rc != CLI_EXIT_OK)
        import_csv_free(out);
    return rc;
}

void import_csv_free(import_file_t *f)
{
    free(f->header.fields);
    for (size_t i = 0; i < f->n_records; i++)
        free(f->records[i].fields);
    free(f->records);
    memset(f, 0, sizeof(*f));
}

const char *import_csv_field(const import_file_t *f,
                             const import_record_t *rec, import_column_t col)
{
    int i = f->column_of[col];
    return i >= 0 && (uint32_t)i < rec->n_fields ? rec->fields[i] : "";
}

bool import_csv_write_field(FILE *out, const char *text, bool last)
{
    if (csv_fwrite(out, text, strlen(text)) != 0)
        return false;
    return fputc(last ? '\n' : ',', out) != EOF;
}
