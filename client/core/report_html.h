/*
 * A report as one self-contained HTML page for a city office to read on
 * screen and print on A4: inline CSS, inline SVG charts (report_chart.h),
 * no script, nothing fetched from anywhere, every text escaped. Fonts are
 * the machine's: a list that finds Noto Sans CJK or WenQuanYi for the
 * Chinese names, then any sans-serif.
 *
 * The page: a title (the kind, the policy years, the division's name and
 * code), the charts of the kind, with a range of years a trend chart and
 * table (one value per division or insurer and year), then the full table
 * of the period with money in yuan and rates as percentages.
 *
 * Charts by kind:
 *   enrollment  enrollment rate per division, dashed 90% target line
 *   funding     city, county and township shares owed per division,
 *               the part paid darker
 *   claims      payout ratio per division
 *   service     on-time share per service class (and home delivery) for
 *               the division; on-time share per division below it
 *   insurers    payout ratio and share of policies per insurer
 *   assessment  enrollment rate per county against the 90% line, with
 *               the points earned
 * Trends: the enrollment rate (enrollment, assessment), the payout ratio
 * (claims, insurers), the premium (funding), the on-time share (service).
 */
#ifndef AIXIN_CLIENT_REPORT_HTML_H
#define AIXIN_CLIENT_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aixin/v1/envelope.pb-c.h"

typedef struct report_html {
    const Aixin__V1__ReportTable *table; /* the whole period */
    /* With a range: the report of each year from year_from on, for the
     * trends; NULL (and 0) otherwise. */
    const Aixin__V1__ReportTable *const *years;
    size_t n_years;
    /* The name of table->division_code; NULL: the code alone. */
    const char *division_name;
    int64_t generated_at; /* unix seconds, shown at UTC+08:00 */
} report_html_t;

/* The name of the report's own division when one of its rows is that
 * division (borrowed from the table), else NULL. */
const char *report_html_division_name(const Aixin__V1__ReportTable *t);

/* Write the page. False when memory ran out (reported); the caller checks
 * the stream for write errors. */
__attribute__((warn_unused_result)) bool
report_html_render(const report_html_t *r, FILE *out);

#endif
