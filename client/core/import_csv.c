/* Reading enrollment CSV files with libcsv; see import_csv.h. */
#include "import_csv.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "civil_date.h"
#include "i18n.h"
#include "text_encoding.h"

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

/*
 * The Chinese headers of the same columns, as the programme's forms and
 * Excel sheets name them; several names for one column where offices use
 * several. Kept in step with the table in import_csv.h.
 */
static const struct {
    const char *name;
    import_column_t col;
} chinese_names[] = {
    {"年度", IMPORT_COL_POLICY_YEAR},
    {"保单年度", IMPORT_COL_POLICY_YEAR},
    {"参保年度", IMPORT_COL_POLICY_YEAR},
    {"乡镇代码", IMPORT_COL_TOWNSHIP},
    {"乡镇编码", IMPORT_COL_TOWNSHIP},
    {"户类型", IMPORT_COL_HOUSEHOLD_KIND},
    {"户别", IMPORT_COL_HOUSEHOLD_KIND},
    {"独生子女证号", IMPORT_COL_CERTIFICATE_NO},
    {"证号", IMPORT_COL_CERTIFICATE_NO},
    {"证件编号", IMPORT_COL_CERTIFICATE_NO},
    {"监护人身份证号", IMPORT_COL_GUARDIAN_ID},
    {"监护人身份证号码", IMPORT_COL_GUARDIAN_ID},
    {"监护人姓名", IMPORT_COL_GUARDIAN_NAME},
    {"子女身份证号", IMPORT_COL_CHILD_ID},
    {"子女身份证号码", IMPORT_COL_CHILD_ID},
    {"子女姓名", IMPORT_COL_CHILD_NAME},
    {"性别", IMPORT_COL_CHILD_SEX},
    {"子女性别", IMPORT_COL_CHILD_SEX},
    {"出生日期", IMPORT_COL_CHILD_BIRTH_DATE},
    {"子女出生日期", IMPORT_COL_CHILD_BIRTH_DATE},
};

/* Chinese values of the kind and sex columns, and the protocol's names. */
static const struct {
    import_column_t col;
    const char *value;
    const char *name;
} chinese_values[] = {
    {IMPORT_COL_HOUSEHOLD_KIND, "独生子女户", "only_child"},
    {IMPORT_COL_HOUSEHOLD_KIND, "独生子女", "only_child"},
    {IMPORT_COL_HOUSEHOLD_KIND, "二女户", "two_daughters"},
    {IMPORT_COL_HOUSEHOLD_KIND, "双女户", "two_daughters"},
    {IMPORT_COL_HOUSEHOLD_KIND, "纯二女户", "two_daughters"},
    {IMPORT_COL_CHILD_SEX, "男", "M"},
    {IMPORT_COL_CHILD_SEX, "女", "F"},
};

const char *import_column_name(import_column_t col)
{
    return col < IMPORT_COL_COUNT ? column_names[col] : "?";
}

const char *import_column_chinese_name(import_column_t col)
{
    for (size_t i = 0; i < sizeof(chinese_names) / sizeof(chinese_names[0]);
         i++)
        if (chinese_names[i].col == col)
            return chinese_names[i].name;
    return "?";
}

/* The bytes of s without the spaces (ASCII and U+3000) around it. */
static void trimmed(const char *s, const char **start, size_t *len)
{
    size_t n = strlen(s);
    for (;;) {
        if (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        } else if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
            s += 3;
            n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        else if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    *start = s;
    *len = n;
}

static bool same_text(const char *a, size_t alen, const char *b)
{
    return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

bool import_csv_column_parse(const char *header, import_column_t *out)
{
    const char *s;
    size_t n;
    trimmed(header, &s, &n);
    for (int c = 0; c < IMPORT_COL_COUNT; c++)
        if (same_text(s, n, column_names[c])) {
            *out = (import_column_t)c;
            return true;
        }
    for (size_t i = 0; i < sizeof(chinese_names) / sizeof(chinese_names[0]);
         i++)
        if (same_text(s, n, chinese_names[i].name)) {
            *out = chinese_names[i].col;
            return true;
        }
    return false;
}

/* Digits s[0..] as a number of 1..max_digits digits; *end after them. */
static bool digits_take(const char *s, int max_digits, int *value,
                        const char **end)
{
    int v = 0, n = 0;
    while (s[n] >= '0' && s[n] <= '9') {
        if (n == max_digits)
            return false;
        v = v * 10 + (s[n] - '0');
        n++;
    }
    if (n == 0)
        return false;
    *value = v;
    *end = s + n;
    return true;
}

/* s starts with `sep`: step over it. */
static bool sep_take(const char **s, const char *sep)
{
    size_t n = strlen(sep);
    if (strncmp(*s, sep, n) != 0)
        return false;
    *s += n;
    return true;
}

bool import_csv_date_parse(const char *text, char out[IMPORT_DATE_SIZE])
{
    const char *s;
    size_t n;
    trimmed(text, &s, &n);
    char buf[64];
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* Year, then month and day after the same separator: "-", "/", or
     * 年 月 日 (the 日 required). Month and day may lack a leading zero. */
    static const char *const seps[][3] = {
        {"-", "-", ""}, {"/", "/", ""}, {"年", "月", "日"}};
    const char *p = buf;
    civil_date_t d;
    if (!digits_take(p, 4, &d.year, &p) || p - buf != 4)
        return false;
    for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
        const char *q = p;
        if (!sep_take(&q, seps[i][0]) || !digits_take(q, 2, &d.month, &q) ||
            !sep_take(&q, seps[i][1]) || !digits_take(q, 2, &d.day, &q) ||
            !sep_take(&q, seps[i][2]) || *q != '\0')
            continue;
        if (!civil_date_is_valid(d))
            return false;
        civil_date_format(d, out);
        return true;
    }
    return false;
}

/* The value the protocol expects for a Chinese kind or sex, or NULL. */
static const char *value_translate(import_column_t col, const char *text)
{
    const char *s;
    size_t n;
    trimmed(text, &s, &n);
    for (size_t i = 0; i < sizeof(chinese_values) / sizeof(chinese_values[0]);
         i++)
        if (chinese_values[i].col == col &&
            same_text(s, n, chinese_values[i].value))
            return chinese_values[i].name;
    return NULL;
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

/* Map the header's names (English or Chinese) to the required columns. */
static cli_exit_t header_map(import_file_t *f, const char *path)
{
    for (int c = 0; c < IMPORT_COL_COUNT; c++)
        f->column_of[c] = -1;
    for (uint32_t i = 0; i < f->header.n_fields; i++) {
        import_column_t c;
        if (import_csv_column_parse(f->header.fields[i], &c) &&
            f->column_of[c] < 0)
            f->column_of[c] = (int)i;
    }
    for (int c = 0; c < IMPORT_COL_COUNT; c++)
        if (f->column_of[c] < 0)
            return cli_usage_error(
                "import enrollments",
                _("%s: the header has no column '%s' or '%s' (required: "
                  "policy_year, township, household_kind, certificate_no, "
                  "guardian_id, guardian_name, child_id, child_name, "
                  "child_sex, child_birth_date; or in Chinese: 年度, 乡镇代码, "
                  "户类型, 独生子女证号, 监护人身份证号, 监护人姓名, 子女身份证号, "
                  "子女姓名, 性别, 出生日期)"),
                path, column_names[c],
                import_column_chinese_name((import_column_t)c));
    return CLI_EXIT_OK;
}

/* True when every field of rec is empty or spaces: the rows Excel leaves
 * after a table (",,,,,,,,,"). */
static bool record_is_empty(const import_record_t *rec)
{
    for (uint32_t i = 0; i < rec->n_fields; i++) {
        const char *s;
        size_t n;
        trimmed(rec->fields[i], &s, &n);
        if (n > 0)
            return false;
    }
    return true;
}

/* Give field i of rec the text `value` (the record is one block: build a
 * new one). False when memory runs out; rec is then unchanged. */
static bool record_set_field(import_record_t *rec, uint32_t index,
                             const char *value)
{
    size_t ptr_bytes = rec->n_fields * sizeof(char *);
    size_t text_len = 0;
    for (uint32_t i = 0; i < rec->n_fields; i++)
        text_len += strlen(i == index ? value : rec->fields[i]) + 1;
    char *block = malloc(ptr_bytes + text_len);
    if (block == NULL)
        return false;
    char **fields = (char **)(void *)block;
    char *text = block + ptr_bytes;
    size_t off = 0;
    for (uint32_t i = 0; i < rec->n_fields; i++) {
        const char *v = i == index ? value : rec->fields[i];
        size_t len = strlen(v) + 1;
        fields[i] = text + off;
        memcpy(fields[i], v, len);
        off += len;
    }
    free(rec->fields);
    rec->fields = fields;
    return true;
}

/* Drop the empty rows and write dates, kinds and sexes as the protocol
 * does, so that a row keys the same whatever form Excel gave it. */
static bool records_normalise(import_file_t *f)
{
    size_t kept = 0;
    for (size_t r = 0; r < f->n_records; r++) {
        import_record_t *rec = &f->records[r];
        if (record_is_empty(rec)) {
            free(rec->fields);
            continue;
        }
        int di = f->column_of[IMPORT_COL_CHILD_BIRTH_DATE];
        char date[IMPORT_DATE_SIZE];
        if (di >= 0 && (uint32_t)di < rec->n_fields &&
            import_csv_date_parse(rec->fields[di], date) &&
            strcmp(date, rec->fields[di]) != 0 &&
            !record_set_field(rec, (uint32_t)di, date))
            return false;
        static const import_column_t named[] = {IMPORT_COL_HOUSEHOLD_KIND,
                                                IMPORT_COL_CHILD_SEX};
        for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
            int i = f->column_of[named[k]];
            const char *v = i >= 0 && (uint32_t)i < rec->n_fields
                                ? value_translate(named[k], rec->fields[i])
                                : NULL;
            if (v != NULL && !record_set_field(rec, (uint32_t)i, v))
                return false;
        }
        f->records[kept++] = *rec;
    }
    f->n_records = kept;
    return true;
}

/* Feed the text to libcsv one line at a time, so that each row knows the
 * line it starts on (a quoted field may run over several lines). */
static cli_exit_t csv_feed(const char *text, size_t text_len,
                           const char *path, struct csv_parser *p,
                           csv_reader_t *r)
{
    size_t pos = 0;
    while (pos < text_len) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', text_len - pos);
        size_t len = nl != NULL ? (size_t)(nl - s) + 1 : text_len - pos;
        pos += len;
        r->line++;
        if (!r->row_open && !line_is_blank(s, len)) {
            r->row_open = true;
            r->row_line = r->line;
        }
        if (csv_parse(p, s, len, on_field, on_row_end, r) != len)
            return cli_error(CLI_EXIT_REJECTED, "%s:%u: %s", path,
                             (unsigned)r->line, csv_strerror(csv_error(p)));
        if (r->failed)
            return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    return CLI_EXIT_OK;
}

/* The file's bytes as UTF-8, whatever Excel saved them in. */
static cli_exit_t file_read_utf8(const char *path, import_file_t *out,
                                 char **text, size_t *text_len)
{
    char *raw = NULL;
    size_t raw_len = 0;
    if (!text_encoding_read_file(path, &raw, &raw_len))
        return cli_error(CLI_EXIT_REJECTED, _("cannot read %s: %s"), path,
                         strerror(errno));
    out->encoding = text_encoding_detect(raw, raw_len);
    bool ok = text_encoding_to_utf8(out->encoding, raw, raw_len, text,
                                    text_len);
    free(raw);
    if (!ok)
        return cli_error(CLI_EXIT_REJECTED,
                         _("%s is neither UTF-8 nor GB18030 text; save it "
                           "from Excel as CSV"),
                         path);
    return CLI_EXIT_OK;
}

/* Read, convert and parse the file into out's header and records. */
static cli_exit_t csv_read_all(const char *path, import_file_t *out)
{
    memset(out, 0, sizeof(*out));
    char *text = NULL;
    size_t text_len = 0;
    cli_exit_t rc = file_read_utf8(path, out, &text, &text_len);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(text);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    csv_reader_t r = {.file = out};
    rc = csv_feed(text, text_len, path, &p, &r);
    if (rc == CLI_EXIT_OK &&
        csv_fini(&p, on_field, on_row_end, &r) != 0)
        rc = cli_error(CLI_EXIT_REJECTED, "%s:%u: %s", path,
                       (unsigned)r.line, csv_strerror(csv_error(&p)));
    if (rc == CLI_EXIT_OK && r.failed)
        rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    csv_free(&p);
    free(text);
    free(r.text);
    if (rc == CLI_EXIT_OK && !r.have_header)
        rc = cli_error(CLI_EXIT_REJECTED, _("%s is empty: no header row"),
                       path);
    return rc;
}

cli_exit_t import_csv_read(const char *path, import_file_t *out)
{
    cli_exit_t rc = csv_read_all(path, out);
    if (rc == CLI_EXIT_OK)
        rc = header_map(out, path);
    if (rc == CLI_EXIT_OK && !records_normalise(out))
        rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    if (rc != CLI_EXIT_OK)
        import_csv_free(out);
    return rc;
}

cli_exit_t import_csv_read_records(const char *path, import_file_t *out)
{
    cli_exit_t rc = csv_read_all(path, out);
    if (rc == CLI_EXIT_OK) {
        size_t kept = 0;
        for (size_t i = 0; i < out->n_records; i++) {
            if (record_is_empty(&out->records[i]))
                free(out->records[i].fields);
            else
                out->records[kept++] = out->records[i];
        }
        out->n_records = kept;
        for (int c = 0; c < IMPORT_COL_COUNT; c++)
            out->column_of[c] = -1;
    } else {
        import_csv_free(out);
    }
    return rc;
}

bool import_csv_set_field(import_record_t *rec, uint32_t index,
                          const char *value)
{
    return index < rec->n_fields && record_set_field(rec, index, value);
}

void import_csv_trim(const char *s, const char **start, size_t *len)
{
    trimmed(s, start, len);
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
