/* SVG bar, stacked bar and line charts; see report_chart.h. */
#include "report_chart.h"

#include <string.h>

#include "i18n.h"
#include "report_data.h"
#include "text_width.h"

/* The drawing, in viewBox units (about CSS pixels at full width). */
#define CHART_WIDTH 760.0
#define BAR_LABEL_WIDTH 190.0 /* names, right-aligned before the bars */
#define BAR_PLOT_WIDTH 400.0  /* then the bars; values after them */
#define BAR_ROW 24.0
#define BAR_HEIGHT 14.0
#define BAR_TOP 26.0     /* room for the target's label */
#define STACK_TOP 44.0   /* room for the legend and the axis */
#define AXIS_ROOM 26.0   /* tick labels under the plot */
#define LINE_LEFT 64.0   /* tick labels left of the plot */
#define LINE_PLOT_WIDTH 470.0
#define LINE_PLOT_HEIGHT 220.0
#define LINE_TOP 22.0
#define LEGEND_X 560.0
#define LEGEND_ROW 18.0
/* A bar's value starting closer than this before the target line moves
 * past it. */
#define TARGET_CLEARANCE 56.0
/* Series colours: CSS classes s0..s9, then again. */
#define PALETTE_SIZE 10
/* Longest label drawn, in terminal columns (a Han character is two). */
#define LABEL_COLUMNS 28
#define LEGEND_COLUMNS 24
#define LABEL_MAX_BYTES 160

/* The value axis: 0 to max in n_ticks steps of step. */
typedef struct chart_axis {
    double max;
    double step;
    int n_ticks;
} chart_axis_t;

/* 1, 2, 2.5 or 5 times a power of ten, at least `raw`. */
static double nice_step(double raw)
{
    double scale = 1.0;
    while (raw >= 10.0 * scale)
        scale *= 10.0;
    while (raw < scale)
        scale /= 10.0;
    double f = raw / scale;
    double m = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 2.5 ? 2.5 : f <= 5.0 ? 5.0 : 10.0;
    return m * scale;
}

/* About four ticks up to at least max_value (and the target). */
static chart_axis_t chart_axis(double max_value, chart_unit_t unit)
{
    chart_axis_t a;
    /* NaN, nothing above zero, or absurd: a plain axis. */
    if (!(max_value > 0.0) || max_value > 1e15)
        max_value = unit == CHART_UNIT_FRACTION ? 1.0 : 10.0;
    if (unit == CHART_UNIT_FRACTION && max_value < 0.01)
        max_value = 0.01;
    if (unit != CHART_UNIT_FRACTION && max_value < 1.0)
        max_value = 1.0;
    a.step = nice_step(max_value / 4.0);
    a.n_ticks = 1;
    while (a.step * a.n_ticks < max_value * (1.0 - 1e-9) && a.n_ticks < 20)
        a.n_ticks++;
    a.max = a.step * a.n_ticks;
    return a;
}

static double clamp(double v, double lo, double hi)
{
    if (!(v >= lo)) /* NaN too */
        return lo;
    return v > hi ? hi : v;
}

static bool is_whole(double v)
{
    double r = (double)(int64_t)(v + 0.5);
    double d = v - r;
    return d < 1e-9 && d > -1e-9;
}

/* A tick's label: "75%", "2.5%", "1,500,000". */
static void tick_text(double v, double step, chart_unit_t unit,
                      char out[REPORT_NUMBER_SIZE])
{
    if (unit == CHART_UNIT_FRACTION) {
        int decimals = is_whole(step * 100.0) ? 0 : is_whole(step * 1000.0) ? 1 : 2;
        snprintf(out, REPORT_NUMBER_SIZE, "%.*f%%", decimals, v * 100.0);
        return;
    }
    if (is_whole(step)) {
        report_format_grouped((int64_t)(v + 0.5), out);
        return;
    }
    snprintf(out, REPORT_NUMBER_SIZE, "%.2f", v);
}

/* `label` cut to `columns` terminal columns with an ellipsis. */
static void short_label(const char *label, size_t columns,
                        char out[LABEL_MAX_BYTES])
{
    size_t o = 0;
    out[0] = '\0';
    if (text_width_columns(label) <= columns && strlen(label) < LABEL_MAX_BYTES) {
        memcpy(out, label, strlen(label) + 1);
        return;
    }
    const char *s = label;
    while (*s != '\0') {
        uint32_t cp;
        size_t n = report_utf8_next(s, &cp);
        if (n == 0)
            n = 1; /* escaped as U+FFFD when written */
        if (o + n + 4 > LABEL_MAX_BYTES)
            break;
        memcpy(out + o, s, n);
        out[o + n] = '\0';
        if (text_width_columns(out) + 1 > columns) {
            out[o] = '\0';
            break;
        }
        o += n;
        s += n;
    }
    memcpy(out + o, "\xE2\x80\xA6", 4); /* U+2026 and the NUL */
}

static void write_label(FILE *out, const char *label, size_t columns)
{
    char shown[LABEL_MAX_BYTES];
    short_label(label, columns, shown);
    report_write_html(out, shown);
}

static void svg_open(FILE *out, double height, const char *title)
{
    fprintf(out,
            "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
            "height=\"%.0f\" role=\"img\" aria-label=\"",
            CHART_WIDTH, height, CHART_WIDTH, height);
    report_write_html(out, title);
    fputs("\">\n<title>", out);
    report_write_html(out, title);
    fputs("</title>\n", out);
}

/* Vertical grid lines and their labels under a horizontal value axis. */
static void write_value_grid(FILE *out, const chart_axis_t *a,
                             chart_unit_t unit, double x0, double width,
                             double top, double bottom)
{
    fputs("<g class=\"axis\">\n", out);
    for (int i = 0; i <= a->n_ticks; i++) {
        double v = a->step * i;
        double x = x0 + width * v / a->max;
        char text[REPORT_NUMBER_SIZE];
        tick_text(v, a->step, unit, text);
        fprintf(out,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"middle\">%s</text>\n",
                x, top, x, bottom, x, bottom + 16.0, text);
    }
    fputs("</g>\n", out);
}

static void write_vertical_target(FILE *out, const chart_target_t *t,
                                  const chart_axis_t *a, double x0,
                                  double width, double top, double bottom)
{
    if (!t->shown)
        return;
    double x = x0 + width * clamp(t->value / a->max, 0.0, 1.0);
    fprintf(out,
            "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\"/>\n<text class=\"target-label\" x=\"%.1f\" "
            "y=\"%.1f\" text-anchor=\"middle\">",
            x, top - 8.0, x, bottom, x, top - 12.0);
    report_write_html(out, t->label != NULL ? t->label : _("target"));
    fputs("</text>\n", out);
}

static void write_row_label(FILE *out, const char *label, bool total,
                            double y)
{
    fprintf(out,
            "<text class=\"label%s\" x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"end\">",
            total ? " total" : "", BAR_LABEL_WIDTH - 8.0, y);
    write_label(out, label != NULL ? label : "", LABEL_COLUMNS);
    fputs("</text>\n", out);
}

static const char *const tone_classes[CHART_TONE_COUNT] = {
    [CHART_TONE_PLAIN] = "bar",
    [CHART_TONE_GOOD] = "bar good",
    [CHART_TONE_SHORT] = "bar short",
};

void chart_write_bars(FILE *out, const chart_bars_t *c)
{
    double max_value = c->target.shown ? c->target.value : 0.0;
    if (c->full_scale)
        max_value = 1.0;
    for (size_t i = 0; i < c->n_bars; i++)
        if (c->bars[i].has_value && c->bars[i].value > max_value)
            max_value = c->bars[i].value;
    chart_axis_t a = chart_axis(max_value, c->unit);
    double bottom = BAR_TOP + BAR_ROW * (double)c->n_bars;
    double target_x =
        BAR_LABEL_WIDTH + BAR_PLOT_WIDTH * clamp(c->target.value / a.max, 0.0, 1.0);
    svg_open(out, bottom + AXIS_ROOM, c->title);
    write_value_grid(out, &a, c->unit, BAR_LABEL_WIDTH, BAR_PLOT_WIDTH,
                     BAR_TOP - 4.0, bottom);
    for (size_t i = 0; i < c->n_bars; i++) {
        const chart_bar_t *b = &c->bars[i];
        double y = BAR_TOP + BAR_ROW * (double)i;
        double text_y = y + BAR_ROW / 2.0 + 4.0;
        fputs("<g class=\"row\">\n<title>", out);
        report_write_html(out, b->label != NULL ? b->label : "");
        fputs(": ", out);
        report_write_html(out, b->value_text != NULL ? b->value_text : "");
        if (b->note != NULL) {
            fputs(" (", out);
            report_write_html(out, b->note);
            fputc(')', out);
        }
        fputs("</title>\n", out);
        write_row_label(out, b->label, b->total, text_y);
        double w = 0.0;
        if (b->has_value) {
            w = BAR_PLOT_WIDTH * clamp(b->value / a.max, 0.0, 1.0);
            fprintf(out,
                    "<rect class=\"%s%s\" x=\"%.1f\" y=\"%.1f\" "
                    "width=\"%.1f\" height=\"%.1f\"/>\n",
                    tone_classes[b->tone < CHART_TONE_COUNT ? b->tone : 0],
                    b->total ? " total" : "", BAR_LABEL_WIDTH,
                    y + (BAR_ROW - BAR_HEIGHT) / 2.0, w, BAR_HEIGHT);
        }
        /* A value that would start just before the target line goes
         * after it, so that the dashes do not cross the figure. */
        double text_x = BAR_LABEL_WIDTH + w + 6.0;
        if (c->target.shown && text_x > target_x - TARGET_CLEARANCE &&
            text_x < target_x + 4.0)
            text_x = target_x + 4.0;
        fprintf(out, "<text class=\"value%s\" x=\"%.1f\" y=\"%.1f\">",
                b->has_value ? "" : " none", text_x, text_y);
        report_write_html(out, b->value_text != NULL ? b->value_text : "");
        if (b->note != NULL) {
            fputs("<tspan class=\"note\" dx=\"8\">", out);
            report_write_html(out, b->note);
            fputs("</tspan>", out);
        }
        fputs("</text>\n</g>\n", out);
        if (b->total && i + 1 < c->n_bars)
            fprintf(out,
                    "<line class=\"split\" x1=\"8\" y1=\"%.1f\" x2=\"%.1f\" "
                    "y2=\"%.1f\"/>\n",
                    y + BAR_ROW, CHART_WIDTH - 8.0, y + BAR_ROW);
    }
    write_vertical_target(out, &c->target, &a, BAR_LABEL_WIDTH,
                          BAR_PLOT_WIDTH, BAR_TOP, bottom);
    fputs("</svg>\n", out);
}

static void write_stack_legend(FILE *out, const chart_stack_t *c)
{
    double x = BAR_LABEL_WIDTH;
    fputs("<g class=\"legend\">\n", out);
    for (int p = 0; p < CHART_STACK_PARTS; p++) {
        fprintf(out,
                "<rect class=\"owed p%d\" x=\"%.1f\" y=\"4\" width=\"12\" "
                "height=\"12\"/><rect class=\"paid p%d\" x=\"%.1f\" y=\"4\" "
                "width=\"12\" height=\"12\"/>\n<text x=\"%.1f\" y=\"14\">",
                p, x, p, x + 14.0, x + 32.0);
        report_write_html(out, c->part_names[p] != NULL ? c->part_names[p] : "");
        fputs("</text>\n", out);
        x += 130.0;
    }
    fprintf(out, "<text class=\"hint\" x=\"%.1f\" y=\"14\">", x);
    report_write_html(out, _("light: owed, dark: paid"));
    fputs("</text>\n</g>\n", out);
}

void chart_write_stack(FILE *out, const chart_stack_t *c)
{
    double max_value = 0.0;
    for (size_t i = 0; i < c->n_rows; i++) {
        double sum = 0.0;
        for (int p = 0; p < CHART_STACK_PARTS; p++)
            sum += c->rows[i].owed[p] > 0.0 ? c->rows[i].owed[p] : 0.0;
        if (sum > max_value)
            max_value = sum;
    }
    chart_axis_t a = chart_axis(max_value, CHART_UNIT_YUAN);
    double bottom = STACK_TOP + BAR_ROW * (double)c->n_rows;
    svg_open(out, bottom + AXIS_ROOM, c->title);
    write_stack_legend(out, c);
    write_value_grid(out, &a, CHART_UNIT_YUAN, BAR_LABEL_WIDTH,
                     BAR_PLOT_WIDTH, STACK_TOP - 4.0, bottom);
    for (size_t i = 0; i < c->n_rows; i++) {
        const chart_stack_row_t *row = &c->rows[i];
        double y = STACK_TOP + BAR_ROW * (double)i;
        double bar_y = y + (BAR_ROW - BAR_HEIGHT) / 2.0;
        double text_y = y + BAR_ROW / 2.0 + 4.0;
        fputs("<g class=\"row\">\n<title>", out);
        report_write_html(out, row->label != NULL ? row->label : "");
        fputs(": ", out);
        report_write_html(out, row->value_text != NULL ? row->value_text : "");
        fputs("</title>\n", out);
        write_row_label(out, row->label, row->total, text_y);
        double x = BAR_LABEL_WIDTH;
        for (int p = 0; p < CHART_STACK_PARTS; p++) {
            double owed = row->owed[p] > 0.0 ? row->owed[p] : 0.0;
            double paid = clamp(row->paid[p], 0.0, owed);
            double w_owed = BAR_PLOT_WIDTH * clamp(owed / a.max, 0.0, 1.0);
            double w_paid = BAR_PLOT_WIDTH * clamp(paid / a.max, 0.0, 1.0);
            fprintf(out,
                    "<rect class=\"owed p%d\" x=\"%.1f\" y=\"%.1f\" "
                    "width=\"%.1f\" height=\"%.1f\"/>"
                    "<rect class=\"paid p%d\" x=\"%.1f\" y=\"%.1f\" "
                    "width=\"%.1f\" height=\"%.1f\"/>\n",
                    p, x, bar_y, w_owed, BAR_HEIGHT, p, x, bar_y, w_paid,
                    BAR_HEIGHT);
            x += w_owed;
        }
        fprintf(out, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">",
                x + 6.0, text_y);
        report_write_html(out, row->value_text != NULL ? row->value_text : "");
        fputs("</text>\n</g>\n", out);
        if (row->total && i + 1 < c->n_rows)
            fprintf(out,
                    "<line class=\"split\" x1=\"8\" y1=\"%.1f\" x2=\"%.1f\" "
                    "y2=\"%.1f\"/>\n",
                    y + BAR_ROW, CHART_WIDTH - 8.0, y + BAR_ROW);
    }
    fputs("</svg>\n", out);
}

/* A value as a tooltip: "93.78%" or "1,200.50". */
static void point_text(double v, chart_unit_t unit,
                       char out[REPORT_NUMBER_SIZE])
{
    if (unit == CHART_UNIT_FRACTION) {
        /* Truncated like every rate shown: 0.89999 is never "90.00%".
         * The values come from four-decimal figures: 1e-6 absorbs the
         * binary error of v * 10000 without reaching the next unit. */
        double x = v * 10000.0 + (v < 0 ? -1e-6 : 1e-6);
        report_format_percent((int64_t)x, out);
    } else if (unit == CHART_UNIT_YUAN)
        snprintf(out, REPORT_NUMBER_SIZE, "%.2f", v);
    else
        snprintf(out, REPORT_NUMBER_SIZE, "%.0f", v);
}

void chart_write_lines(FILE *out, const chart_lines_t *c)
{
    double max_value = c->target.shown ? c->target.value : 0.0;
    if (c->full_scale)
        max_value = 1.0;
    for (size_t s = 0; s < c->n_series; s++)
        for (size_t i = 0; i < c->n_years; i++)
            if (c->series[s].present[i] && c->series[s].values[i] > max_value)
                max_value = c->series[s].values[i];
    chart_axis_t a = chart_axis(max_value, c->unit);
    double plot_bottom = LINE_TOP + LINE_PLOT_HEIGHT;
    double legend_bottom = LINE_TOP + LEGEND_ROW * (double)c->n_series;
    double height =
        (plot_bottom > legend_bottom ? plot_bottom : legend_bottom) +
        AXIS_ROOM;
    svg_open(out, height, c->title);

    /* Horizontal grid with the value ticks on the left. */
    fputs("<g class=\"axis\">\n", out);
    for (int i = 0; i <= a.n_ticks; i++) {
        double v = a.step * i;
        double y = plot_bottom - LINE_PLOT_HEIGHT * v / a.max;
        char text[REPORT_NUMBER_SIZE];
        tick_text(v, a.step, c->unit, text);
        fprintf(out,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"end\">%s</text>\n",
                LINE_LEFT, y, LINE_LEFT + LINE_PLOT_WIDTH, y, LINE_LEFT - 6.0,
                y + 4.0, text);
    }
    double x_step = c->n_years > 1
                        ? LINE_PLOT_WIDTH / (double)(c->n_years - 1)
                        : 0.0;
    double x_first = c->n_years > 1 ? LINE_LEFT : LINE_LEFT + LINE_PLOT_WIDTH / 2.0;
    for (size_t i = 0; i < c->n_years; i++)
        fprintf(out,
                "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"middle\">%d</text>\n",
                x_first + x_step * (double)i, plot_bottom + 16.0,
                (int)c->years[i]);
    fputs("</g>\n", out);

    if (c->target.shown) {
        double y = plot_bottom -
                   LINE_PLOT_HEIGHT * clamp(c->target.value / a.max, 0.0, 1.0);
        fprintf(out,
                "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\"/>\n<text class=\"target-label\" x=\"%.1f\" "
                "y=\"%.1f\">",
                LINE_LEFT, y, LINE_LEFT + LINE_PLOT_WIDTH, y, LINE_LEFT + 4.0,
                y - 5.0);
        report_write_html(out, c->target.label != NULL ? c->target.label
                                                        : _("target"));
        fputs("</text>\n", out);
    }

    for (size_t s = 0; s < c->n_series; s++) {
        const chart_series_t *sr = &c->series[s];
        char colour[16];
        if (sr->total)
            snprintf(colour, sizeof(colour), "total");
        else
            snprintf(colour, sizeof(colour), "s%zu", s % PALETTE_SIZE);
        fprintf(out, "<g class=\"series %s\">\n<title>", colour);
        report_write_html(out, sr->label != NULL ? sr->label : "");
        fputs("</title>\n", out);
        /* A line through each run of years with a value. */
        bool open = false;
        for (size_t i = 0; i <= c->n_years; i++) {
            bool here = i < c->n_years && sr->present[i];
            if (here) {
                double x = x_first + x_step * (double)i;
                double y = plot_bottom - LINE_PLOT_HEIGHT *
                                             clamp(sr->values[i] / a.max, 0.0, 1.0);
                fprintf(out, "%s%.1f,%.1f",
                        open ? " " : "<polyline class=\"line\" points=\"", x, y);
                open = true;
            } else if (open) {
                fputs("\"/>\n", out);
                open = false;
            }
        }
        for (size_t i = 0; i < c->n_years; i++) {
            if (!sr->present[i])
                continue;
            double x = x_first + x_step * (double)i;
            double y = plot_bottom - LINE_PLOT_HEIGHT *
                                         clamp(sr->values[i] / a.max, 0.0, 1.0);
            char text[REPORT_NUMBER_SIZE];
            point_text(sr->values[i], c->unit, text);
            fprintf(out,
                    "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" "
                    "r=\"3.5\"><title>",
                    x, y);
            report_write_html(out, sr->label != NULL ? sr->label : "");
            fprintf(out, " %d: %s</title></circle>\n", (int)c->years[i], text);
        }
        double ly = LINE_TOP + LEGEND_ROW * (double)s + 6.0;
        fprintf(out,
                "<line class=\"line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                "y2=\"%.1f\"/><text class=\"legend%s\" x=\"%.1f\" "
                "y=\"%.1f\">",
                LEGEND_X, ly, LEGEND_X + 18.0, ly, sr->total ? " total" : "",
                LEGEND_X + 24.0, ly + 4.0);
        write_label(out, sr->label != NULL ? sr->label : "", LEGEND_COLUMNS);
        fputs("</text>\n</g>\n", out);
    }
    fputs("</svg>\n", out);
}
