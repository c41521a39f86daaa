/* The HTML page of a report; see report_html.h. */
#include "report_html.h"

#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "money.h"
#include "output.h"
#include "report_chart.h"
#include "report_data.h"
#include "value_names.h"

/*
 * A4 landscape, for the wide tables; colours kept in print. The font list
 * finds a CJK font on Debian (fonts-noto-cjk, fonts-wqy-*) and on office
 * machines, then falls back to the default sans-serif.
 */
static const char page_css[] =
    "@page { size: A4 landscape; margin: 12mm; }\n"
    "html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "body { font-family: \"Noto Sans CJK SC\", \"Noto Sans SC\", "
    "\"Source Han Sans SC\", \"WenQuanYi Micro Hei\", \"WenQuanYi Zen Hei\", "
    "\"Microsoft YaHei\", \"PingFang SC\", sans-serif; font-size: 10.5pt; "
    "line-height: 1.4; color: #1f2328; background: #fff; max-width: 277mm; "
    "margin: 0 auto; padding: 8mm; }\n"
    "header { border-bottom: 2px solid #0969da; margin-bottom: 5mm; }\n"
    ".programme { color: #57606a; margin: 0; font-size: 9.5pt; }\n"
    "h1 { font-size: 18pt; margin: 1mm 0 1mm; }\n"
    ".meta { color: #57606a; margin: 0 0 3mm; }\n"
    "h2 { font-size: 13pt; margin: 6mm 0 2mm; break-after: avoid; "
    "page-break-after: avoid; }\n"
    "figure { margin: 0 0 5mm; break-inside: avoid; page-break-inside: avoid; }\n"
    "figcaption { font-weight: 600; margin-bottom: 1mm; }\n"
    "svg.chart { display: block; width: 100%; max-width: 190mm; height: auto; }\n"
    "svg text { font-family: inherit; font-size: 12px; fill: #1f2328; }\n"
    "svg text.tick { fill: #57606a; font-size: 11px; }\n"
    "svg text.total, svg text.legend.total { font-weight: 700; }\n"
    "svg text.none, svg text.hint { fill: #8c959f; }\n"
    "svg .note { fill: #57606a; }\n"
    "svg .grid { stroke: #d0d7de; stroke-width: 1; }\n"
    "svg .split { stroke: #8c959f; stroke-width: 0.5; }\n"
    "svg .target { stroke: #cf222e; stroke-width: 1.5; stroke-dasharray: 6 4; }\n"
    "svg text.target-label { fill: #cf222e; font-size: 11px; }\n"
    "svg .bar { fill: #0969da; }\n"
    "svg .bar.good { fill: #1a7f37; }\n"
    "svg .bar.short { fill: #bc4c00; }\n"
    "svg .bar.total { stroke: #1f2328; stroke-width: 1; }\n"
    "svg .owed.p0 { fill: #b6d4fe; } svg .paid.p0 { fill: #0969da; }\n"
    "svg .owed.p1 { fill: #aceebb; } svg .paid.p1 { fill: #1a7f37; }\n"
    "svg .owed.p2 { fill: #ffd8b5; } svg .paid.p2 { fill: #bc4c00; }\n"
    "svg .series .line { fill: none; stroke-width: 2; }\n"
    "svg .series.total .line { stroke: #1f2328; stroke-width: 3; }\n"
    "svg .series.total .point { fill: #1f2328; }\n"
    "svg .s0 .line { stroke: #0969da; } svg .s0 .point { fill: #0969da; }\n"
    "svg .s1 .line { stroke: #1a7f37; } svg .s1 .point { fill: #1a7f37; }\n"
    "svg .s2 .line { stroke: #bc4c00; } svg .s2 .point { fill: #bc4c00; }\n"
    "svg .s3 .line { stroke: #8250df; } svg .s3 .point { fill: #8250df; }\n"
    "svg .s4 .line { stroke: #bf3989; } svg .s4 .point { fill: #bf3989; }\n"
    "svg .s5 .line { stroke: #0a7d8c; } svg .s5 .point { fill: #0a7d8c; }\n"
    "svg .s6 .line { stroke: #9a6700; } svg .s6 .point { fill: #9a6700; }\n"
    "svg .s7 .line { stroke: #cf222e; } svg .s7 .point { fill: #cf222e; }\n"
    "svg .s8 .line { stroke: #57606a; } svg .s8 .point { fill: #57606a; }\n"
    "svg .s9 .line { stroke: #4d2d00; } svg .s9 .point { fill: #4d2d00; }\n"
    "table { border-collapse: collapse; width: 100%; font-size: 9pt; "
    "font-variant-numeric: tabular-nums; margin-bottom: 4mm; }\n"
    "th, td { border: 1px solid #d0d7de; padding: 1mm 1.5mm; "
    "vertical-align: top; }\n"
    "th { background: #f6f8fa; text-align: left; vertical-align: bottom; "
    "font-weight: 600; }\n"
    ".num { text-align: right; }\n"
    "td { white-space: nowrap; }\n"
    "tr.total td { font-weight: 700; background: #f6f8fa; }\n"
    "td.below { padding-left: 5mm; }\n"
    "td.null { color: #8c959f; }\n"
    "thead { display: table-header-group; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "table.trend { width: auto; min-width: 50%; }\n"
    ".empty { color: #57606a; font-style: italic; }\n"
    "footer { margin-top: 6mm; color: #57606a; font-size: 8.5pt; }\n"
    "footer p { margin: 0 0 1mm; }\n"
    "@media print { body { padding: 0; max-width: none; } "
    "svg.chart { max-width: 100%; } }\n";

typedef struct kind_text {
    Aixin__V1__ReportKind kind;
    const char *title;    /* English, for the heading */
    const char *title_zh; /* the office's own term */
    const char *note;     /* what the figures mean */
} kind_text_t;

static const kind_text_t kind_texts[] = {
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT, N_("Enrollment"),
     "参保情况",
     /* xgettext:no-c-format */
     N_("Enrollment rate = insured eligible households / eligible "
        "households (the census). A county reaching 90% earns +10 "
        "assessment points.")},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING, N_("Funding by level"),
     "保费分担",
     N_("What the city, the counties and the townships owe for the "
        "policies enrolled (the split frozen on each policy), have paid "
        "in, and have outstanding.")},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_CLAIMS, N_("Claims and payouts"),
     "理赔",
     N_("A claim counts in the policy year of its policy. Payout ratio = "
        "paid by the insurers / premiums; the city's supplementary "
        "payouts are reported apart.")},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_SERVICE, N_("Claim service"),
     "理赔服务",
     N_("Same day: up to 1,000 yuan with complete documents; 7 days: "
        "ordinary claims; 15 days: escalated claims. Payouts of 5,000 yuan "
        "and more are delivered to the home.")},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_INSURERS, N_("Insurers"), "保险机构",
     N_("Policies, premiums and payouts per insurer; payout ratio = paid / "
        "premiums.")},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT, N_("County assessment"),
     "目标考核",
     /* xgettext:no-c-format */
     N_("A county whose enrollment rate reaches 90% earns +10 points in "
        "the annual target assessment.")},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_GRIEVANCES, N_("Grievances"),
     "信访",
     N_("A grievance counts in the year it was received, in its township. "
        "On time: answered by the deadline the year sets (15 days by "
        "default). Open overdue: not answered and past the deadline today.")},
    {AIXIN__V1__REPORT_KIND__REPORT_KIND_POST_AUDIT, N_("Post-audit of same-day claims"),
     "当日结案事后抽查",
     N_("Same-day claims drawn each month for the city's review, by "
        "insurer: sampled, reviewed, found right, and amounts recovered.")},
};

static const kind_text_t *kind_text(Aixin__V1__ReportKind kind)
{
    for (size_t i = 0; i < sizeof(kind_texts) / sizeof(kind_texts[0]); i++)
        if (kind_texts[i].kind == kind)
            return &kind_texts[i];
    return NULL;
}

const char *report_html_division_name(const Aixin__V1__ReportTable *t)
{
    report_rows_t rr;
    report_rows_init(&rr, t);
    for (size_t r = 0; r < t->n_rows; r++) {
        if (!report_rows_total(&rr, r))
            continue;
        const char *name = report_cell_text(t, r, rr.name);
        if (name != NULL && name[0] != '\0')
            return name;
    }
    return NULL;
}

/* "2027" or "2025–2027". */
static void write_years(FILE *out, const Aixin__V1__ReportTable *t)
{
    if (t->year_from == t->year_to)
        fprintf(out, "%d", (int)t->year_from);
    else
        fprintf(out, "%d&#8211;%d", (int)t->year_from, (int)t->year_to);
}

static void write_division(FILE *out, const report_html_t *r)
{
    const char *code = r->table->division_code != NULL ? r->table->division_code : "";
    if (r->division_name != NULL && r->division_name[0] != '\0') {
        report_write_html(out, r->division_name);
        fputs(" (", out);
        report_write_html(out, code);
        fputc(')', out);
    } else {
        report_write_html(out, code);
    }
}

static void write_head(FILE *out, const report_html_t *r,
                       const kind_text_t *k)
{
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n",
          out);
    fprintf(out, "<meta name=\"generator\" content=\"%s %s\">\n<title>",
            CLI_PROGRAM_NAME, CLI_VERSION);
    report_write_html(out, _(k->title));
    fputc(' ', out);
    write_years(out, r->table);
    fputs(" &#8212; ", out);
    write_division(out, r);
    fputs("</title>\n<style>\n", out);
    fputs(page_css, out);
    fputs("</style>\n</head>\n", out);
}

static void write_header(FILE *out, const report_html_t *r,
                         const kind_text_t *k)
{
    fputs("<header>\n<p class=\"programme\">", out);
    report_write_html(out, _("爱心保险工程 · Love Insurance programme"));
    fputs("</p>\n<h1>", out);
    /* In Chinese the title is the office's own term; in English both. */
    const char *title = _(k->title);
    report_write_html(out, title);
    if (strcmp(title, k->title) == 0) {
        fputc(' ', out);
        report_write_html(out, k->title_zh);
    }
    fputs(" &#8212; ", out);
    if (r->division_name != NULL && r->division_name[0] != '\0')
        report_write_html(out, r->division_name);
    else
        report_write_html(out, r->table->division_code != NULL ? r->table->division_code : "");
    fputs("</h1>\n<p class=\"meta\">", out);
    report_write_html(out, _("Division"));
    fputc(' ', out);
    write_division(out, r);
    fputs(" &#183; ", out);
    report_write_html(out, r->table->year_from == r->table->year_to
                               ? _("policy year")
                               : _("policy years"));
    fputc(' ', out);
    write_years(out, r->table);
    char when[OUTPUT_TIME_TEXT_SIZE];
    if (r->generated_at != 0 && output_format_time(r->generated_at, when)) {
        fputs(" &#183; ", out);
        report_write_html(out, _("generated"));
        fputc(' ', out);
        report_write_html(out, when);
    }
    char closed[REPORT_CLOSED_TEXT_SIZE];
    report_closed_years_text(r->table, closed);
    if (closed[0] != '\0') {
        fputs(" &#183; <strong class=\"closed\">", out);
        report_write_html(out, _("closed, figures final:"));
        fputc(' ', out);
        report_write_html(out, closed);
        fputs("</strong>", out);
    }
    fputs("</p>\n</header>\n", out);
}

/* One cell of the figures table. */
static void write_cell(FILE *out, const Aixin__V1__ReportTable *t, size_t row,
                       size_t col, bool below, bool numeric)
{
    const Aixin__V1__ReportCell *cell = report_cell(t, row, (int)col);
    char text[REPORT_NUMBER_SIZE];
    char money[MONEY_TEXT_SIZE];
    int64_t e4;
    switch (cell != NULL ? cell->value_case : AIXIN__V1__REPORT_CELL__VALUE__NOT_SET) {
    case AIXIN__V1__REPORT_CELL__VALUE_INTEGER:
        if (report_column_is_money(t->columns[col])) {
            money_format_fen_grouped(cell->integer, money);
            fprintf(out, "<td class=\"num\">%s</td>", money);
        } else {
            report_format_grouped(cell->integer, text);
            fprintf(out, "<td class=\"num\">%s</td>", text);
        }
        return;
    case AIXIN__V1__REPORT_CELL__VALUE_DECIMAL:
        fputs("<td class=\"num\">", out);
        if (report_decimal_parse(cell->decimal, &e4)) {
            report_format_decimal(t->columns[col], e4, text);
            fputs(text, out);
        } else {
            report_write_html(out, cell->decimal);
        }
        fputs("</td>", out);
        return;
    case AIXIN__V1__REPORT_CELL__VALUE_BOOLEAN:
        fprintf(out, "<td>%s</td>", cell->boolean ? _("yes") : _("no"));
        return;
    case AIXIN__V1__REPORT_CELL__VALUE_TEXT:
        fputs(below ? "<td class=\"below\">" : "<td>", out);
        report_write_html(out, strcmp(t->columns[col], "level") == 0
                                   ? value_name_text(cell->text)
                                   : cell->text);
        fputs("</td>", out);
        return;
    case AIXIN__V1__REPORT_CELL__VALUE__NOT_SET:
    default:
        fputs(numeric ? "<td class=\"num null\">&#8211;</td>"
                      : "<td class=\"null\">&#8211;</td>",
              out);
        return;
    }
}

/* Numbers are right-aligned: a column is when any cell holds one. */
static bool column_numeric(const Aixin__V1__ReportTable *t, size_t col)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        const Aixin__V1__ReportCell *cell = report_cell(t, r, (int)col);
        if (cell != NULL &&
            (cell->value_case == AIXIN__V1__REPORT_CELL__VALUE_INTEGER ||
             cell->value_case == AIXIN__V1__REPORT_CELL__VALUE_DECIMAL))
            return true;
    }
    return false;
}

static void write_figures_table(FILE *out, const Aixin__V1__ReportTable *t)
{
    report_rows_t rr;
    report_rows_init(&rr, t);
    fputs("<table class=\"figures\">\n<thead><tr>", out);
    for (size_t c = 0; c < t->n_columns; c++) {
        char title[REPORT_HEADER_SIZE];
        report_column_title(t->columns[c], false, title);
        fprintf(out, "<th%s title=\"", column_numeric(t, c) ? " class=\"num\"" : "");
        report_write_html(out, t->columns[c]);
        fputs("\">", out);
        report_write_html(out, title);
        if (report_column_is_money(t->columns[c]))
            report_write_html(out, _(" (yuan)"));
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs(report_rows_total(&rr, r) ? "<tr class=\"total\">" : "<tr>", out);
        for (size_t c = 0; c < t->n_columns; c++)
            write_cell(out, t, r, c,
                       (int)c == rr.name && report_rows_below(&rr, r),
                       column_numeric(t, c));
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

bool report_html_render(const report_html_t *r, FILE *out)
{
    const Aixin__V1__ReportTable *t = r->table;
    const kind_text_t *k = kind_text(t->kind);
    static const kind_text_t unknown = {
        AIXIN__V1__REPORT_KIND__REPORT_KIND_UNSPECIFIED, N_("Report"), "报表",
        ""};
    if (k == NULL)
        k = &unknown;
    write_head(out, r, k);
    fputs("<body>\n", out);
    write_header(out, r, k);
    fputs("<main>\n", out);
    if (t->n_rows == 0 || t->n_columns == 0) {
        fputs("<p class=\"empty\">", out);
        report_write_html(out, _("No figures for this division and period."));
        fputs("</p>\n", out);
    } else {
        fprintf(out, "<section class=\"charts\">\n<h2>%s</h2>\n",
                _("Charts"));
        if (!chart_write_report(out, t))
            return false;
        fputs("</section>\n", out);
        if (r->n_years > 1) {
            fprintf(out, "<section class=\"trend\">\n<h2>%s ", _("Trend"));
            write_years(out, t);
            fputs("</h2>\n", out);
            if (!chart_write_trend(out, t, r->years, r->n_years))
                return false;
            fputs("</section>\n", out);
        }
        fprintf(out, "<section class=\"figures\">\n<h2>%s ", _("Figures"));
        write_years(out, t);
        fputs("</h2>\n", out);
        write_figures_table(out, t);
        fputs("</section>\n", out);
    }
    fputs("</main>\n<footer>\n<p>", out);
    report_write_html(out, k->note[0] != '\0' ? _(k->note) : "");
    if (t->kind == AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT)
        report_write_html(out,
                          _(" Assessment points and the weighted score "
                            "follow each year's settings (aixin year "
                            "settings): the year's points at its enrollment "
                            "threshold, times the insurance item's weight in "
                            "the incentive-policy assessment; over several "
                            "years, their sums."));
    fputs("</p>\n<p>", out);
    report_write_html(out, _("Money in yuan; rates as percentages; – marks "
                             "no value (a rate over zero). "));
    if (t->year_from != t->year_to)
        report_write_html(out,
                          _("Figures of a range cover every policy year in "
                            "it. "));
    fputs("</p>\n</footer>\n</body>\n</html>\n", out);
    return true;
}
