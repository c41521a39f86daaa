/* Reading report tables: kinds, cells, decimals, titles, text writers. */
#include "report_data.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

static const char *const format_names[REPORT_FORMAT_COUNT] = {
    [REPORT_FORMAT_TABLE] = "table",
    [REPORT_FORMAT_CSV] = "csv",
    [REPORT_FORMAT_JSON] = "json",
    [REPORT_FORMAT_HTML] = "html",
};

bool report_format_parse(const char *name, report_format_t *out)
{
    for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
        if (strcmp(name, format_names[f]) == 0) {
            *out = (report_format_t)f;
            return true;
        }
    }
    return false;
}

static const struct {
    Aixin__V1__ReportKind kind;
    const char *name;
} kind_names[] = {
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT, "enrollment"},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING, "funding"},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_CLAIMS, "claims"},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_SERVICE, "service"},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_INSURERS, "insurers"},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT, "assessment"},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_GRIEVANCES, "grievances"},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_POST_AUDIT, "post-audit"},
};

#define KIND_COUNT (sizeof(kind_names) / sizeof(kind_names[0]))

const char *report_kind_name(Aixin__V1__ReportKind kind)
{
    for (size_t i = 0; i < KIND_COUNT; i++)
        if (kind_names[i].kind == kind)
            return kind_names[i].name;
    return NULL;
}

Aixin__V1__ReportKind report_kind_parse(const char *name)
{
    for (size_t i = 0; i < KIND_COUNT; i++)
        if (strcmp(kind_names[i].name, name) == 0)
            return kind_names[i].kind;
    return AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED;
}

int report_column(const Aixin__V1__ReportTable *t, const char *key)
{
    for (size_t c = 0; c < t->n_columns && c < INT32_MAX; c++)
        if (strcmp(t->columns[c], key) == 0)
            return (int)c;
    return -1;
}

const Aixin__V1__ReportCell *report_cell(const Aixin__V1__ReportTable *t,
                                         size_t row, int col)
{
    if (col < 0 || row >= t->n_rows)
        return NULL;
    const Aixin__V1__ReportRow *r = t->rows[row];
    if ((size_t)col >= r->n_cells)
        return NULL;
    return r->cells[col];
}

const char *report_cell_text(const Aixin__V1__ReportTable *t, size_t row,
                             int col)
{
    const Aixin__V1__ReportCell *cell = report_cell(t, row, col);
    if (cell == NULL || cell->value_case != AIXIN__V1__REPORT_CELL__VALUE_TEXT)
        return NULL;
    return cell->text;
}

bool report_cell_integer(const Aixin__V1__ReportTable *t, size_t row,
                         int col, int64_t *out)
{
    const Aixin__V1__ReportCell *cell = report_cell(t, row, col);
    if (cell == NULL ||
        cell->value_case != AIXIN__V1__REPORT_CELL__VALUE_INTEGER)
        return false;
    *out = cell->integer;
    return true;
}

bool report_cell_e4(const Aixin__V1__ReportTable *t, size_t row, int col,
                    int64_t *out)
{
    const Aixin__V1__ReportCell *cell = report_cell(t, row, col);
    if (cell == NULL ||
        cell->value_case != AIXIN__V1__REPORT_CELL__VALUE_DECIMAL)
        return false;
    return report_decimal_parse(cell->decimal, out);
}

static int first_column(const Aixin__V1__ReportTable *t, const char *a,
                        const char *b)
{
    int c = report_column(t, a);
    return c >= 0 || b == NULL ? c : report_column(t, b);
}

void report_rows_init(report_rows_t *rr, const Aixin__V1__ReportTable *t)
{
    rr->t = t;
    rr->division = first_column(t, "division", "division_code");
    rr->name = first_column(t, "name", "division_name");
    rr->level = report_column(t, "level");
    rr->insurer = first_column(t, "insurer", "insurer_code");
    rr->insurer_name = report_column(t, "insurer_name");
}

static const char *nonempty(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

const char *report_rows_key(const report_rows_t *rr, size_t row)
{
    const char *insurer = nonempty(report_cell_text(rr->t, row, rr->insurer));
    if (insurer != NULL)
        return insurer;
    return nonempty(report_cell_text(rr->t, row, rr->division));
}

const char *report_rows_label(const report_rows_t *rr, size_t row)
{
    const char *s;
    if (nonempty(report_cell_text(rr->t, row, rr->insurer)) != NULL) {
        s = nonempty(report_cell_text(rr->t, row, rr->insurer_name));
        if (s == NULL)
            s = nonempty(report_cell_text(rr->t, row, rr->name));
        return s != NULL ? s : report_cell_text(rr->t, row, rr->insurer);
    }
    s = nonempty(report_cell_text(rr->t, row, rr->name));
    if (s == NULL)
        s = report_rows_key(rr, row);
    return s != NULL ? s : "-";
}

bool report_rows_total(const report_rows_t *rr, size_t row)
{
    if (nonempty(report_cell_text(rr->t, row, rr->insurer)) != NULL)
        return false;
    const char *division = report_cell_text(rr->t, row, rr->division);
    return division != NULL && rr->t->division_code != NULL &&
           strcmp(division, rr->t->division_code) == 0;
}

bool report_rows_below(const report_rows_t *rr, size_t row)
{
    if (row == 0)
        return false;
    const char *first = report_cell_text(rr->t, 0, rr->level);
    const char *mine = report_cell_text(rr->t, row, rr->level);
    return first != NULL && mine != NULL && strcmp(first, mine) != 0;
}

bool report_column_is_money(const char *key)
{
    size_t n = strlen(key);
    return n > 4 && strcmp(key + n - 4, "_fen") == 0;
}

/* Far below INT64_MAX / 10, so that no step below can overflow. */
#define DECIMAL_MAX_E4 (INT64_C(1) << 60)

bool report_decimal_parse(const char *text, int64_t *e4)
{
    const char *p = text;
    bool negative = false;
    if (p == NULL)
        return false;
    if (*p == '-') {
        negative = true;
        p++;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    int64_t whole = 0;
    for (; isdigit((unsigned char)*p); p++) {
        whole = whole * 10 + (*p - '0');
        if (whole > DECIMAL_MAX_E4 / 10000)
            return false;
    }
    int64_t fraction = 0;
    int digits = 0;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        for (; isdigit((unsigned char)*p); p++) {
            /* Digits past the fourth are dropped, never rounded up: a
             * rate of 0.89996 is 89.99%, not the 90% target. */
            if (digits < 4)
                fraction = fraction * 10 + (*p - '0');
            digits++;
        }
    }
    if (*p != '\0')
        return false;
    for (; digits < 4; digits++)
        fraction *= 10;
    int64_t v = whole * 10000 + fraction;
    *e4 = negative ? -v : v;
    return true;
}

void report_format_e4(int64_t e4, char out[REPORT_NUMBER_SIZE])
{
    /* |INT64_MIN| does not fit: parse never produces it. */
    uint64_t v = e4 < 0 ? (uint64_t)0 - (uint64_t)e4 : (uint64_t)e4;
    snprintf(out, REPORT_NUMBER_SIZE, "%s%" PRIu64 ".%04" PRIu64,
             e4 < 0 ? "-" : "", v / 10000, v % 10000);
}

void report_format_percent(int64_t e4, char out[REPORT_NUMBER_SIZE])
{
    uint64_t v = e4 < 0 ? (uint64_t)0 - (uint64_t)e4 : (uint64_t)e4;
    snprintf(out, REPORT_NUMBER_SIZE, "%s%" PRIu64 ".%02" PRIu64 "%%",
             e4 < 0 ? "-" : "", v / 100, v % 100);
}

bool report_column_is_score(const char *key)
{
    size_t n = strlen(key);
    return n > 6 && strcmp(key + n - 6, "_score") == 0;
}

void report_format_score(int64_t e4, char out[REPORT_NUMBER_SIZE])
{
    report_format_e4(e4, out);
    /* Trailing zeros of the third and fourth decimals say nothing. */
    size_t len = strlen(out);
    for (int i = 0; i < 2 && len > 0 && out[len - 1] == '0'; i++)
        out[--len] = '\0';
}

void report_format_decimal(const char *key, int64_t e4,
                           char out[REPORT_NUMBER_SIZE])
{
    if (report_column_is_score(key))
        report_format_score(e4, out);
    else
        report_format_percent(e4, out);
}

void report_format_grouped(int64_t n, char out[REPORT_NUMBER_SIZE])
{
    char digits[REPORT_NUMBER_SIZE];
    uint64_t v = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    int len = snprintf(digits, sizeof(digits), "%" PRIu64, v);
    size_t o = 0;
    if (n < 0)
        out[o++] = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/*
 * The titles of the reports' columns (aixin.report_* in 0007_reports.sql)
 * as report_column_title() makes them from the keys: listed here so that
 * they are in the catalog; a column added later gets its derived title,
 * untranslated until it is listed too.
 */
static const char *const column_titles[] = {
    N_("Division"),
    N_("Name"),
    N_("Level"),
    N_("Eligible households"),
    N_("Insured households"),
    N_("Policies"),
    N_("Enrollment rate"),
    N_("Premium"),
    N_("City owed"),
    N_("County owed"),
    N_("Township owed"),
    N_("City paid"),
    N_("County paid"),
    N_("Township paid"),
    N_("Outstanding"),
    N_("Claims filed"),
    N_("Claims paid"),
    N_("Paid"),
    N_("Payout ratio"),
    N_("Supplementary"),
    N_("Households single payout 500"),
    N_("Households single payout 3000"),
    N_("Households death payout"),
    N_("Same day total"),
    N_("Same day on time"),
    N_("Seven day total"),
    N_("Seven day on time"),
    N_("Fifteen day total"),
    N_("Fifteen day on time"),
    N_("Home delivery required"),
    N_("Home delivery done"),
    N_("Visits done"),
    N_("Overdue now"),
    N_("Insurer"),
    N_("Share of policies"),
    N_("Meets target"),
    N_("Points"),
    N_("Filed"),
    N_("Answered"),
    N_("Answered on time"),
    N_("Open"),
    N_("Open overdue"),
    N_("Assessment points"),
    N_("Weighted score"),
    N_("Sampled"),
    N_("Reviewed"),
    N_("Ok"),
    N_("With recovery"),
    N_("Sampled paid"),
    N_("Recovered"),
};

void report_column_title(const char *key, bool upper,
                         char out[REPORT_HEADER_SIZE])
{
    (void)column_titles;
    size_t n = strlen(key);
    if (report_column_is_money(key))
        n -= 4;
    if (n > REPORT_HEADER_SIZE - 1)
        n = REPORT_HEADER_SIZE - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = key[i] == '_' ? ' ' : key[i];
        if (i == 0)
            ch = (char)toupper((unsigned char)ch);
        out[i] = ch;
    }
    out[n] = '\0';
    const char *translated = _(out);
    if (translated != out && strcmp(translated, out) != 0) {
        snprintf(out, REPORT_HEADER_SIZE, "%s", translated);
        return;
    }
    if (upper)
        for (size_t i = 0; i < n; i++)
            out[i] = (char)toupper((unsigned char)out[i]);
}

size_t report_utf8_next(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n;
    uint32_t v;
    uint32_t min;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        n = 2;
        v = u[0] & 0x1Fu;
        min = 0x80;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        n = 3;
        v = u[0] & 0x0Fu;
        min = 0x800;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        n = 4;
        v = u[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    /* A NUL fails the continuation test: nothing past it is read. */
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (u[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

void report_write_utf8(FILE *out, const char *s)
{
    while (*s != '\0') {
        uint32_t cp;
        size_t n = report_utf8_next(s, &cp);
        if (n == 0) {
            fputs(UTF8_REPLACEMENT, out);
            s++;
        } else {
            fwrite(s, 1, n, out);
            s += n;
        }
    }
}

void report_write_html(FILE *out, const char *s)
{
    while (*s != '\0') {
        uint32_t cp;
        size_t n = report_utf8_next(s, &cp);
        if (n == 0) {
            fputs(UTF8_REPLACEMENT, out);
            s++;
            continue;
        }
        switch (cp) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\t':
        case '\n': fputc((int)cp, out); break;
        default:
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
                fputs(UTF8_REPLACEMENT, out);
            else
                fwrite(s, 1, n, out);
            break;
        }
        s += n;
    }
}

void report_closed_years_text(const Aixin__V1__ReportTable *t,
                              char out[REPORT_CLOSED_TEXT_SIZE])
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->n_closed_years && n + 12 < REPORT_CLOSED_TEXT_SIZE;
         i++)
        n += (size_t)snprintf(out + n, REPORT_CLOSED_TEXT_SIZE - n, "%s%d",
                              i ? " " : "", (int)t->closed_years[i]);
}
