/*
 * The charts of each report kind, and the trend across years, drawn with
 * report_chart.h from the report's columns (report_html.h lists them).
 * A chart whose columns the table lacks is left out.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "i18n.h"
#include "report_chart.h"
#include "report_data.h"

/* The county's target: an enrollment rate of 90% earns the points. */
#define TARGET_E4 9000
#define NOTE_SIZE 96
/* Service classes found in one table (same_day, seven_day, fifteen_day
 * and home delivery), with room to spare. */
#define MAX_CLASSES 8

typedef struct bar_text {
    char value[REPORT_NUMBER_SIZE];
    char note[NOTE_SIZE];
} bar_text_t;

/* Bars with the text they point to. */
typedef struct bar_set {
    chart_bar_t *bars;
    bar_text_t *texts;
    size_t n;
} bar_set_t;

static bool out_of_memory(void)
{
    fputs(_("aixin: error: out of memory\n"), stderr);
    return false;
}

static bool bar_set_init(bar_set_t *b, size_t n)
{
    b->bars = calloc(n + 1, sizeof(*b->bars));
    b->texts = calloc(n + 1, sizeof(*b->texts));
    b->n = 0;
    if (b->bars == NULL || b->texts == NULL) {
        free(b->bars);
        free(b->texts);
        b->bars = NULL;
        b->texts = NULL;
        return out_of_memory();
    }
    return true;
}

static void bar_set_free(bar_set_t *b)
{
    free(b->bars);
    free(b->texts);
}

/* The next bar, its texts empty and wired to it. */
static chart_bar_t *bar_set_add(bar_set_t *b)
{
    chart_bar_t *bar = &b->bars[b->n];
    bar_text_t *text = &b->texts[b->n];
    b->n++;
    bar->value_text = text->value;
    bar->note = NULL;
    return bar;
}

static char *bar_note(bar_set_t *b, chart_bar_t *bar)
{
    char *note = b->texts[bar - b->bars].note;
    bar->note = note;
    return note;
}

static void figure_open(FILE *out, const char *caption)
{
    fputs("<figure>\n<figcaption>", out);
    report_write_html(out, caption);
    fputs("</figcaption>\n", out);
}

static void figure_close(FILE *out)
{
    fputs("</figure>\n", out);
}

/* num / den in ten thousandths, truncated; false when den <= 0. */
static bool ratio_e4(int64_t num, int64_t den, int64_t *e4)
{
    if (den <= 0 || num < 0 || num > INT64_MAX / 10000)
        return false;
    /* Truncated, like every rate shown: 0.89999 is 89.99%, never 90%. */
    *e4 = num * 10000 / den;
    return true;
}

static void yuan_text(int64_t fen, char out[MONEY_TEXT_SIZE])
{
    money_format_fen_grouped(fen, out);
}

/* What the note after a rate bar says. */
typedef enum rate_note {
    RATE_NOTE_NONE = 0,
    RATE_NOTE_HOUSEHOLDS, /* "45 of 48 households" */
    RATE_NOTE_PAID,       /* "paid 1,234.00 yuan" */
    RATE_NOTE_POLICIES,   /* "120 policies" */
    RATE_NOTE_POINTS,     /* "+10 points" */
    RATE_NOTE_COUNT
} rate_note_t;

static void rate_note_text(const report_rows_t *rr, size_t row,
                           rate_note_t kind, char out[NOTE_SIZE])
{
    const Aixin__V1__ReportTable *t = rr->t;
    int64_t a;
    int64_t b;
    char money[MONEY_TEXT_SIZE];
    out[0] = '\0';
    switch (kind) {
    case RATE_NOTE_HOUSEHOLDS:
        if (report_cell_integer(t, row, report_column(t, "insured_households"), &a) &&
            report_cell_integer(t, row, report_column(t, "eligible_households"), &b))
            snprintf(out, NOTE_SIZE, _("%lld of %lld households"),
                     (long long)a, (long long)b);
        break;
    case RATE_NOTE_PAID:
        if (report_cell_integer(t, row, report_column(t, "paid_fen"), &a)) {
            yuan_text(a, money);
            snprintf(out, NOTE_SIZE, _("paid %s yuan"), money);
        }
        break;
    case RATE_NOTE_POLICIES:
        if (report_cell_integer(t, row, report_column(t, "policies"), &a))
            snprintf(out, NOTE_SIZE, _("%lld policies"), (long long)a);
        break;
    case RATE_NOTE_POINTS:
        if (report_cell_integer(t, row, report_column(t, "points"), &a))
            snprintf(out, NOTE_SIZE, _("%s%lld points"), a > 0 ? "+" : "",
                     (long long)a);
        break;
    case RATE_NOTE_NONE:
    case RATE_NOTE_COUNT:
        break;
    }
}

/* One bar per row of the rate in `column`. */
static bool write_rate_bars(FILE *out, const report_rows_t *rr,
                            const char *column, const char *caption,
                            bool target, bool full_scale, rate_note_t note,
                            const char *no_value)
{
    const Aixin__V1__ReportTable *t = rr->t;
    int col = report_column(t, column);
    if (col < 0 || t->n_rows == 0)
        return true;
    bar_set_t b;
    if (!bar_set_init(&b, t->n_rows))
        return false;
    for (size_t r = 0; r < t->n_rows; r++) {
        chart_bar_t *bar = bar_set_add(&b);
        char *value = b.texts[b.n - 1].value;
        int64_t e4;
        bar->label = report_rows_label(rr, r);
        bar->total = report_rows_total(rr, r);
        bar->has_value = report_cell_e4(t, r, col, &e4);
        if (bar->has_value) {
            bar->value = (double)e4 / 10000.0;
            report_format_percent(e4, value);
            if (target)
                bar->tone = e4 >= TARGET_E4 ? CHART_TONE_GOOD : CHART_TONE_SHORT;
        } else {
            snprintf(value, REPORT_NUMBER_SIZE, "%s", no_value);
        }
        if (bar->has_value && note != RATE_NOTE_NONE) {
            char *text = bar_note(&b, bar);
            rate_note_text(rr, r, note, text);
            if (text[0] == '\0')
                bar->note = NULL;
        }
    }
    chart_bars_t c = {
        .title = caption,
        .unit = CHART_UNIT_FRACTION,
        .full_scale = full_scale,
        .bars = b.bars,
        .n_bars = b.n,
        .target = {.shown = target, .value = TARGET_E4 / 10000.0,
                   /* xgettext:no-c-format */
                   .label = _("90% target")},
    };
    figure_open(out, caption);
    chart_write_bars(out, &c);
    figure_close(out);
    bar_set_free(&b);
    return true;
}

static const char *const stack_levels[CHART_STACK_PARTS] = {"city", "county",
                                                            "township"};

static bool write_funding_stack(FILE *out, const report_rows_t *rr)
{
    const Aixin__V1__ReportTable *t = rr->t;
    int owed[CHART_STACK_PARTS];
    int paid[CHART_STACK_PARTS];
    for (int p = 0; p < CHART_STACK_PARTS; p++) {
        char key[32];
        snprintf(key, sizeof(key), "%s_owed_fen", stack_levels[p]);
        owed[p] = report_column(t, key);
        snprintf(key, sizeof(key), "%s_paid_fen", stack_levels[p]);
        paid[p] = report_column(t, key);
        if (owed[p] < 0 || paid[p] < 0)
            return true;
    }
    if (t->n_rows == 0)
        return true;
    chart_stack_row_t *rows = calloc(t->n_rows, sizeof(*rows));
    char(*texts)[NOTE_SIZE] = calloc(t->n_rows, sizeof(*texts));
    if (rows == NULL || texts == NULL) {
        free(rows);
        free(texts);
        return out_of_memory();
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        int64_t owed_sum = 0;
        int64_t paid_sum = 0;
        rows[r].label = report_rows_label(rr, r);
        rows[r].total = report_rows_total(rr, r);
        for (int p = 0; p < CHART_STACK_PARTS; p++) {
            int64_t o = 0;
            int64_t d = 0;
            if (!report_cell_integer(t, r, owed[p], &o))
                o = 0;
            if (!report_cell_integer(t, r, paid[p], &d))
                d = 0;
            rows[r].owed[p] = (double)o / 100.0;
            rows[r].paid[p] = (double)d / 100.0;
            owed_sum += o;
            paid_sum += d;
        }
        char owed_text[MONEY_TEXT_SIZE];
        char paid_text[MONEY_TEXT_SIZE];
        yuan_text(owed_sum, owed_text);
        yuan_text(paid_sum, paid_text);
        snprintf(texts[r], NOTE_SIZE, _("owed %s, paid %s"), owed_text,
                 paid_text);
        rows[r].value_text = texts[r];
    }
    const char *caption =
        _("Premium shares owed and paid per division, by level (yuan)");
    chart_stack_t c = {
        .title = caption,
        .part_names = {_("city"), _("county"), _("township")},
        .rows = rows,
        .n_rows = t->n_rows,
    };
    figure_open(out, caption);
    chart_write_stack(out, &c);
    figure_close(out);
    free(rows);
    free(texts);
    return true;
}

/* A service class: the columns of its total and of those on time. */
typedef struct service_class {
    char name[64];
    int total;
    int on_time;
} service_class_t;

static const struct {
    const char *prefix;
    const char *label;
} class_labels[] = {
    {"same_day", N_("same day (当天)")},
    {"seven_day", N_("7 days (七天)")},
    {"fifteen_day", N_("escalated, 15 days (十五天)")},
};

/* The X_total / X_on_time pairs of the table, and home delivery. */
static size_t service_classes(const Aixin__V1__ReportTable *t,
                              service_class_t out[MAX_CLASSES],
                              bool with_home_delivery)
{
    static const char suffix[] = "_on_time";
    size_t n = 0;
    for (size_t c = 0; c < t->n_columns && n < MAX_CLASSES; c++) {
        const char *key = t->columns[c];
        size_t len = strlen(key);
        if (len <= sizeof(suffix) - 1 ||
            strcmp(key + len - (sizeof(suffix) - 1), suffix) != 0)
            continue;
        size_t plen = len - (sizeof(suffix) - 1);
        char total_key[96];
        if (plen + sizeof("_total") > sizeof(total_key))
            continue;
        memcpy(total_key, key, plen);
        memcpy(total_key + plen, "_total", sizeof("_total"));
        int total = report_column(t, total_key);
        if (total < 0)
            continue;
        service_class_t *sc = &out[n++];
        sc->total = total;
        sc->on_time = (int)c;
        snprintf(sc->name, sizeof(sc->name), "%.*s", (int)plen, key);
        for (size_t i = 0; i < sizeof(class_labels) / sizeof(class_labels[0]); i++)
            if (strcmp(sc->name, class_labels[i].prefix) == 0)
                snprintf(sc->name, sizeof(sc->name), "%s", _(class_labels[i].label));
    }
    int required = report_column(t, "home_delivery_required");
    int done = report_column(t, "home_delivery_done");
    if (with_home_delivery && required >= 0 && done >= 0 && n < MAX_CLASSES) {
        service_class_t *sc = &out[n++];
        sc->total = required;
        sc->on_time = done;
        snprintf(sc->name, sizeof(sc->name), "%s", _("home delivery (送赔款上门)"));
    }
    return n;
}

/* Claims on time over claims due, across the service classes. */
static bool service_share_e4(const Aixin__V1__ReportTable *t, size_t row,
                             int64_t *e4, int64_t *on_time, int64_t *total)
{
    service_class_t classes[MAX_CLASSES];
    size_t n = service_classes(t, classes, false);
    *on_time = 0;
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t a;
        int64_t b;
        if (report_cell_integer(t, row, classes[i].on_time, &a))
            *on_time += a;
        if (report_cell_integer(t, row, classes[i].total, &b))
            *total += b;
    }
    return n > 0 && ratio_e4(*on_time, *total, e4);
}

static void share_bar(bar_set_t *b, const char *label, bool total,
                      int64_t on_time, int64_t all, const char *verb)
{
    chart_bar_t *bar = bar_set_add(b);
    char *value = b->texts[b->n - 1].value;
    int64_t e4;
    bar->label = label;
    bar->total = total;
    bar->has_value = ratio_e4(on_time, all, &e4);
    if (bar->has_value) {
        bar->value = (double)e4 / 10000.0;
        report_format_percent(e4, value);
        snprintf(bar_note(b, bar), NOTE_SIZE, _("%lld of %lld %s"),
                 (long long)on_time, (long long)all, verb);
    } else {
        snprintf(value, REPORT_NUMBER_SIZE, "%s", _("none due"));
    }
}

static bool write_service_charts(FILE *out, const report_rows_t *rr)
{
    const Aixin__V1__ReportTable *t = rr->t;
    service_class_t classes[MAX_CLASSES];
    size_t n = service_classes(t, classes, true);
    if (n == 0 || t->n_rows == 0)
        return true;
    size_t own = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        if (report_rows_total(rr, r)) {
            own = r;
            break;
        }
    bar_set_t b;
    if (!bar_set_init(&b, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        int64_t on_time = 0;
        int64_t all = 0;
        if (!report_cell_integer(t, own, classes[i].on_time, &on_time))
            on_time = 0;
        if (!report_cell_integer(t, own, classes[i].total, &all))
            all = 0;
        share_bar(&b, classes[i].name, false, on_time, all,
                  classes[i].total == report_column(t, "home_delivery_required")
                      ? _("delivered")
                      : _("on time"));
    }
    char caption[160];
    snprintf(caption, sizeof(caption),
             _("Claims settled on time, per service class: %s"),
             report_rows_label(rr, own));
    chart_bars_t c = {.title = caption, .unit = CHART_UNIT_FRACTION,
                      .full_scale = true, .bars = b.bars, .n_bars = b.n};
    figure_open(out, caption);
    chart_write_bars(out, &c);
    figure_close(out);
    bar_set_free(&b);

    if (t->n_rows < 2)
        return true;
    if (!bar_set_init(&b, t->n_rows))
        return false;
    for (size_t r = 0; r < t->n_rows; r++) {
        int64_t e4;
        int64_t on_time;
        int64_t all;
        (void)service_share_e4(t, r, &e4, &on_time, &all);
        share_bar(&b, report_rows_label(rr, r), report_rows_total(rr, r),
                  on_time, all, _("on time"));
    }
    const char *per_division =
        _("Claims settled on time per division (every service class)");
    chart_bars_t d = {.title = per_division, .unit = CHART_UNIT_FRACTION,
                      .full_scale = true, .bars = b.bars, .n_bars = b.n};
    figure_open(out, per_division);
    chart_write_bars(out, &d);
    figure_close(out);
    bar_set_free(&b);
    return true;
}

bool chart_write_report(FILE *out, const Aixin__V1__ReportTable *t)
{
    report_rows_t rr;
    report_rows_init(&rr, t);
    switch (t->kind) {
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT:
        return write_rate_bars(out, &rr, "enrollment_rate",
                               /* xgettext:no-c-format */
                               _("Enrollment rate per division (insured / "
                                 "eligible households) against the 90% "
                                 "target"),
                               true, true, RATE_NOTE_HOUSEHOLDS,
                               _("no eligible households"));
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING:
        return write_funding_stack(out, &rr);
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_CLAIMS:
        return write_rate_bars(out, &rr, "payout_ratio",
                               _("Payout ratio per division (paid by the "
                                 "insurers / premiums)"),
                               false, false, RATE_NOTE_PAID, _("no premium"));
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_SERVICE:
        return write_service_charts(out, &rr);
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_INSURERS:
        return write_rate_bars(out, &rr, "payout_ratio",
                               _("Payout ratio per insurer (paid / premiums)"),
                               false, false, RATE_NOTE_PAID, _("no premium")) &&
               write_rate_bars(out, &rr, "share_of_policies",
                               _("Share of policies per insurer"), false, true,
                               RATE_NOTE_POLICIES, _("no policies"));
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT:
        return write_rate_bars(out, &rr, "enrollment_rate",
                               /* xgettext:no-c-format */
                               _("Enrollment rate per county against the 90% "
                                 "target (+10 assessment points when "
                                 "reached)"),
                               true, true, RATE_NOTE_POINTS,
                               _("no eligible households"));
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED:
    default:
        return true;
    }
}

/* The trend's figure for one row: a fraction in e4, or money in fen. */
static bool trend_value(const report_rows_t *rr, size_t row, int64_t *v)
{
    const Aixin__V1__ReportTable *t = rr->t;
    int64_t on_time;
    int64_t all;
    switch (t->kind) {
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT:
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT:
        return report_cell_e4(t, row, report_column(t, "enrollment_rate"), v);
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_CLAIMS:
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_INSURERS:
        return report_cell_e4(t, row, report_column(t, "payout_ratio"), v);
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING:
        return report_cell_integer(t, row, report_column(t, "premium_fen"), v);
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_SERVICE:
        return service_share_e4(t, row, v, &on_time, &all);
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED:
    default:
        return false;
    }
}

static const char *trend_caption(Aixin__V1__ReportKind kind)
{
    switch (kind) {
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING:
        return _("Premium per year (yuan)");
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_CLAIMS:
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_INSURERS:
        return _("Payout ratio per year");
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_SERVICE:
        return _("Claims settled on time per year");
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT:
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT:
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED:
    default:
        /* xgettext:no-c-format */
        return _("Enrollment rate per year against the 90% target");
    }
}

/* One line: a division or an insurer, found by its key in each year. */
typedef struct trend_series {
    const char *key;   /* NULL: matched by label */
    const char *label;
    bool total;
} trend_series_t;

static bool series_same(const trend_series_t *s, const char *key,
                        const char *label)
{
    if (s->key != NULL || key != NULL)
        return s->key != NULL && key != NULL && strcmp(s->key, key) == 0;
    return strcmp(s->label, label) == 0;
}

/* Add the rows of `t` not seen yet; false when the array is full. */
static void series_collect(const Aixin__V1__ReportTable *t,
                           trend_series_t *series, size_t cap, size_t *n)
{
    report_rows_t rr;
    report_rows_init(&rr, t);
    for (size_t r = 0; r < t->n_rows; r++) {
        const char *key = report_rows_key(&rr, r);
        const char *label = report_rows_label(&rr, r);
        bool seen = false;
        for (size_t i = 0; i < *n && !seen; i++)
            seen = series_same(&series[i], key, label);
        if (seen || *n >= cap)
            continue;
        series[*n].key = key;
        series[*n].label = label;
        series[*n].total = report_rows_total(&rr, r);
        (*n)++;
    }
}

static bool series_find(const Aixin__V1__ReportTable *t,
                        const trend_series_t *s, int64_t *v)
{
    report_rows_t rr;
    report_rows_init(&rr, t);
    for (size_t r = 0; r < t->n_rows; r++)
        if (series_same(s, report_rows_key(&rr, r), report_rows_label(&rr, r)))
            return trend_value(&rr, r, v);
    return false;
}

static void trend_text(Aixin__V1__ReportKind kind, int64_t v,
                       char out[REPORT_NUMBER_SIZE])
{
    if (kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING) {
        char money[MONEY_TEXT_SIZE];
        money_format_fen_grouped(v, money);
        snprintf(out, REPORT_NUMBER_SIZE, "%s", money);
    } else {
        report_format_percent(v, out);
    }
}

static void write_trend_table(FILE *out, const Aixin__V1__ReportTable *range,
                              const trend_series_t *series, size_t n_series,
                              const int64_t *values, const bool *present,
                              size_t n_years)
{
    bool insurers = range->kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_INSURERS;
    fprintf(out, "<table class=\"trend\">\n<thead><tr><th>%s</th>",
            insurers ? _("Insurer") : _("Division"));
    for (size_t y = 0; y < n_years; y++)
        fprintf(out, "<th class=\"num\">%d</th>", (int)(range->year_from + (int32_t)y));
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t s = 0; s < n_series; s++) {
        fputs(series[s].total ? "<tr class=\"total\"><td>" : "<tr><td>", out);
        report_write_html(out, series[s].label);
        fputs("</td>", out);
        for (size_t y = 0; y < n_years; y++) {
            size_t i = s * n_years + y;
            if (!present[i]) {
                fputs("<td class=\"num null\">&#8211;</td>", out);
                continue;
            }
            char text[REPORT_NUMBER_SIZE];
            trend_text(range->kind, values[i], text);
            fprintf(out, "<td class=\"num\">%s</td>", text);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

bool chart_write_trend(FILE *out, const Aixin__V1__ReportTable *range,
                       const Aixin__V1__ReportTable *const *years,
                       size_t n_years)
{
    size_t cap = range->n_rows;
    for (size_t y = 0; y < n_years; y++)
        cap += years[y]->n_rows;
    if (cap == 0 || n_years == 0)
        return true;
    trend_series_t *series = calloc(cap, sizeof(*series));
    int32_t *year_numbers = calloc(n_years, sizeof(*year_numbers));
    int64_t *values = calloc(cap * n_years, sizeof(*values));
    bool *present = calloc(cap * n_years, sizeof(*present));
    double *points = calloc(cap * n_years, sizeof(*points));
    chart_series_t *lines = calloc(cap, sizeof(*lines));
    bool ok = series != NULL && year_numbers != NULL && values != NULL &&
              present != NULL && points != NULL && lines != NULL;
    if (ok) {
        size_t n = 0;
        series_collect(range, series, cap, &n);
        for (size_t y = 0; y < n_years; y++)
            series_collect(years[y], series, cap, &n);
        bool money = range->kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING;
        for (size_t y = 0; y < n_years; y++)
            year_numbers[y] = range->year_from + (int32_t)y;
        /* Divisions with nothing in any year stay in the table only:
         * a flat line at zero for each would hide the others. */
        size_t n_lines = 0;
        for (size_t s = 0; s < n; s++) {
            bool something = false;
            for (size_t y = 0; y < n_years; y++) {
                size_t i = s * n_years + y;
                present[i] = series_find(years[y], &series[s], &values[i]);
                points[i] = (double)values[i] / (money ? 100.0 : 10000.0);
                something = something || (present[i] && values[i] != 0);
            }
            if (!something && !series[s].total)
                continue;
            lines[n_lines].label = series[s].label;
            lines[n_lines].total = series[s].total;
            lines[n_lines].values = &points[s * n_years];
            lines[n_lines].present = &present[s * n_years];
            n_lines++;
        }
        bool target =
            range->kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT ||
            range->kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT;
        bool share = target ||
                     range->kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_SERVICE;
        const char *caption = trend_caption(range->kind);
        chart_lines_t c = {
            .title = caption,
            .unit = money ? CHART_UNIT_YUAN : CHART_UNIT_FRACTION,
            .full_scale = share,
            .years = year_numbers,
            .n_years = n_years,
            .series = lines,
            .n_series = n_lines,
            .target = {.shown = target, .value = TARGET_E4 / 10000.0,
                       .label = _("90% target")},
        };
        figure_open(out, caption);
        chart_write_lines(out, &c);
        figure_close(out);
        write_trend_table(out, range, series, n, values, present, n_years);
    }
    free(series);
    free(year_numbers);
    free(values);
    free(present);
    free(points);
    free(lines);
    return ok ? true : out_of_memory();
}
