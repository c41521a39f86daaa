/*
 * SVG charts for the HTML reports, written as text: no script, no image,
 * no font of their own. Each function writes one <svg> element with a
 * viewBox, so that the page scales it to its width; colours come from the
 * page's CSS classes (report_html.c), and the text takes the page's fonts.
 *
 *   bars    one horizontal bar per division or insurer, a value at its
 *           end, an optional dashed target line (the 90% enrollment goal)
 *   stack   one bar per division in parts (city, county, township owed),
 *           each with the part already paid drawn darker
 *   lines   one line per division or insurer across the policy years
 *
 * Values are doubles: they only place shapes. The figures printed beside
 * them are text the caller formatted exactly. Labels are escaped here.
 */
#ifndef AIXIN_CLIENT_REPORT_CHART_H
#define AIXIN_CLIENT_REPORT_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aixin/v1/envelope.pb-c.h"

/* How the value axis is labelled. */
typedef enum chart_unit {
    CHART_UNIT_FRACTION = 0, /* 0.9 is "90%" */
    CHART_UNIT_YUAN,         /* "1,200" */
    CHART_UNIT_COUNT
} chart_unit_t;

/* Colours of the bars: CSS classes "bar", "bar good", "bar short". */
typedef enum chart_tone {
    CHART_TONE_PLAIN = 0,
    CHART_TONE_GOOD,  /* reached the target */
    CHART_TONE_SHORT, /* below the target */
    CHART_TONE_COUNT
} chart_tone_t;

typedef struct chart_bar {
    const char *label;      /* a division's or an insurer's name */
    bool has_value;         /* false: no bar, value_text says why */
    double value;           /* in axis units (a fraction, yuan) */
    const char *value_text; /* after the bar: "93.78%" */
    const char *note;       /* after the value, or NULL: "45 of 48" */
    bool total;             /* the report's own division: bold label */
    chart_tone_t tone;
} chart_bar_t;

typedef struct chart_target {
    bool shown;
    double value;      /* in axis units */
    const char *label; /* "90% target" */
} chart_target_t;

typedef struct chart_bars {
    const char *title; /* for screen readers (aria-label) */
    chart_unit_t unit;
    bool full_scale;   /* shares of a whole: the axis reaches 100% */
    const chart_bar_t *bars;
    size_t n_bars;
    chart_target_t target;
} chart_bars_t;

void chart_write_bars(FILE *out, const chart_bars_t *c);

#define CHART_STACK_PARTS 3

typedef struct chart_stack_row {
    const char *label;
    bool total;
    double owed[CHART_STACK_PARTS]; /* yuan */
    double paid[CHART_STACK_PARTS]; /* yuan; drawn up to what is owed */
    const char *value_text;         /* after the bar */
} chart_stack_row_t;

typedef struct chart_stack {
    const char *title;
    const char *part_names[CHART_STACK_PARTS]; /* the legend: "city" */
    const chart_stack_row_t *rows;
    size_t n_rows;
} chart_stack_t;

void chart_write_stack(FILE *out, const chart_stack_t *c);

typedef struct chart_series {
    const char *label;
    bool total;          /* the report's own division: a thicker line */
    const double *values;  /* one per year */
    const bool *present;   /* false: no value that year (a gap) */
} chart_series_t;

typedef struct chart_lines {
    const char *title;
    chart_unit_t unit;
    bool full_scale;
    const int32_t *years;
    size_t n_years;
    const chart_series_t *series;
    size_t n_series;
    chart_target_t target;
} chart_lines_t;

void chart_write_lines(FILE *out, const chart_lines_t *c);

/*
 * The figures of a report (report_figures.c): each chart in a <figure>
 * with its caption, chosen by the table's kind as report_html.h lists.
 * False when memory ran out (reported).
 */
__attribute__((warn_unused_result)) bool
chart_write_report(FILE *out, const Aixin__V1__ReportTable *t);

/*
 * The trend across the years of a range: a line chart and a table of the
 * kind's main figure, one line per division (or insurer) of `range` and
 * of the yearly reports, years[i] being the report of year_from + i.
 */
__attribute__((warn_unused_result)) bool
chart_write_trend(FILE *out, const Aixin__V1__ReportTable *range,
                  const Aixin__V1__ReportTable *const *years,
                  size_t n_years);

#endif
