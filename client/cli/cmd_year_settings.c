/* aixin year settings, aixin year set: a year's thresholds, deadlines and
 * weights (see client/core/year_setting_text.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "commands.h"
#include "i18n.h"
#include "input_check.h"
#include "rpc.h"
#include "year_setting_text.h"

#define YEAR_SETTINGS "year settings"
#define YEAR_SET "year set"

static const char *const year_settings_help =
    N_("Usage: aixin year settings --year YEAR\n"
    "\n"
    "List the settings of a policy year: thresholds, deadlines and weights\n"
    "that features of the programme read (for example how many days a\n"
    "grievance may wait for an answer). A year that never set one uses its\n"
    "default. Money is in yuan, ratios are percentages.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR   the policy year\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin year settings --year 2027\n");

static const char *const year_set_help =
    N_("Usage: aixin year set --year YEAR NAME VALUE\n"
    "\n"
    "Set one setting of a policy year (city administrators only). NAME is\n"
    "one of those `aixin year settings` lists; VALUE is in its unit: yuan\n"
    "with at most two decimals for money, a percentage such as 85 or 85.5%\n"
    "for ratios, a whole number for days, points and counts. The change is\n"
    "audited. Prints the setting.\n"
    "\n"
    "Options:\n"
    "  -y, --year YEAR   the policy year\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin year set --year 2027 grievance_answer_days 15\n");

/* The texts of one setting; the document borrows them until printed. */
typedef struct setting_texts {
    char value[YEAR_SETTING_VALUE_TEXT_SIZE];
    char def[YEAR_SETTING_VALUE_TEXT_SIZE];
    char range[2 * YEAR_SETTING_VALUE_TEXT_SIZE + 8];
} setting_texts_t;

static void add_setting(output_doc_t *doc, const Aixin__V1__YearSetting *s,
                        setting_texts_t *t)
{
    output_record_t *r = output_doc_add_record(doc);
    char lo[YEAR_SETTING_VALUE_TEXT_SIZE];
    char hi[YEAR_SETTING_VALUE_TEXT_SIZE];
    char *value = t->value, *def = t->def, *range = t->range;
    year_setting_format(s->unit, s->value, value);
    year_setting_format(s->unit, s->default_value, def);
    year_setting_format(s->unit, s->minimum, lo);
    year_setting_format(s->unit, s->maximum, hi);
    snprintf(range, sizeof(t->range), "%s - %s", lo, hi);
    output_add_int(doc, r, "year", NULL, s->year);
    output_add_text(doc, r, "name", _("Setting"), s->name);
    output_add_text(doc, r, "description", _("Meaning"),
                    year_setting_description(s->name, s->description));
    output_add_text(doc, r, "value_text", _("Value"), value);
    output_add_int(doc, r, "value", NULL, s->value);
    output_add_text(doc, r, "unit", NULL, s->unit);
    output_add_text(doc, r, "default_text", _("Default"), def);
    output_add_int(doc, r, "default_value", NULL, s->default_value);
    output_add_text(doc, r, "range", _("Allowed"), range);
    output_add_int(doc, r, "minimum", NULL, s->minimum);
    output_add_int(doc, r, "maximum", NULL, s->maximum);
    output_add_bool(doc, r, "is_set", _("Set for the year"), s->is_set);
    output_add_text_or_null(doc, r, "set_by", _("Set by"), s->set_by);
    output_add_text_or_null(doc, r, "set_at", _("Set at"), s->set_at);
}

static cli_exit_t print_settings(const cli_context_t *ctx,
                                 const Aixin__V1__YearSettingList *list,
                                 bool is_list)
{
    setting_texts_t *texts = calloc(list->n_settings + 1, sizeof(*texts));
    if (texts == NULL) {
        fputs(_("aixin: error: out of memory\n"), stderr);
        return CLI_EXIT_UNAVAILABLE;
    }
    output_doc_t doc;
    output_doc_init(&doc, is_list);
    for (size_t i = 0; i < list->n_settings; i++)
        add_setting(&doc, list->settings[i], &texts[i]);
    cli_exit_t rc = CLI_EXIT_OK;
    if (!output_render(&doc, ctx->format, stdout))
        rc = CLI_EXIT_UNAVAILABLE;
    output_doc_free(&doc);
    free(texts);
    return rc;
}

static cli_exit_t list_settings(rpc_client_t *client, int32_t year,
                                Aixin__V1__Response **resp)
{
    Aixin__V1__ListYearSettings body = AIXIN__V1__LIST_YEAR_SETTINGS__INIT;
    body.year = year;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_YEAR_SETTINGS;
    req.list_year_settings = &body;
    return rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_YEAR_SETTINGS,
                           resp);
}

/* --year and --help; the operands stay in argv[optind..]. */
static cli_exit_t parse_year(const char *command, const char *help, int argc,
                             char **argv, int32_t *year)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *year_text = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":y:h", options, NULL)) != -1) {
        switch (c) {
        case 'y':
            year_text = optarg;
            break;
        case 'h':
            fputs(_(help), stdout);
            return CLI_EXIT_COUNT; /* done, nothing to run */
        default:
            return cli_report_bad_option(command, argv, c);
        }
    }
    if (year_text == NULL)
        return cli_usage_error(command, _("missing --year"));
    return input_check_year(year_text, "year", year);
}

cli_exit_t cmd_year_settings(const cli_context_t *ctx, int argc, char **argv)
{
    int32_t year = 0;
    cli_exit_t rc = parse_year(YEAR_SETTINGS, year_settings_help, argc, argv,
                               &year);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    rc = cli_check_no_operands(YEAR_SETTINGS, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Response *resp = NULL;
    rc = list_settings(client, year, &resp);
    if (rc == CLI_EXIT_OK) {
        rc = print_settings(ctx, resp->year_settings, true);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

/* The unit of NAME for the year, asked of the server: how VALUE reads. */
static cli_exit_t setting_unit(rpc_client_t *client, int32_t year,
                               const char *name, char *unit, size_t unit_len)
{
    Aixin__V1__Response *resp = NULL;
    cli_exit_t rc = list_settings(client, year, &resp);
    if (rc != CLI_EXIT_OK)
        return rc;
    const Aixin__V1__YearSettingList *list = resp->year_settings;
    rc = CLI_EXIT_USAGE;
    for (size_t i = 0; i < list->n_settings; i++) {
        if (strcmp(list->settings[i]->name, name) == 0) {
            snprintf(unit, unit_len, "%s", list->settings[i]->unit);
            rc = CLI_EXIT_OK;
            break;
        }
    }
    if (rc != CLI_EXIT_OK) {
        fprintf(stderr, _("aixin: %s: no setting named %s; the settings are:"),
                YEAR_SET, name);
        for (size_t i = 0; i < list->n_settings; i++)
            fprintf(stderr, " %s", list->settings[i]->name);
        fputc('\n', stderr);
    }
    aixin__v1__response__free_unpacked(resp, NULL);
    return rc;
}

cli_exit_t cmd_year_set(const cli_context_t *ctx, int argc, char **argv)
{
    int32_t year = 0;
    cli_exit_t rc = parse_year(YEAR_SET, year_set_help, argc, argv, &year);
    if (rc != CLI_EXIT_OK)
        return rc == CLI_EXIT_COUNT ? CLI_EXIT_OK : rc;
    if (argc - optind != 2)
        return cli_usage_error(YEAR_SET, _("give a setting NAME and a VALUE"));
    const char *name = argv[optind];
    const char *value_text = argv[optind + 1];

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    char unit[32];
    rc = setting_unit(client, year, name, unit, sizeof(unit));
    int64_t value = 0;
    if (rc == CLI_EXIT_OK && !year_setting_parse(unit, value_text, &value)) {
        if (strcmp(unit, "fen") == 0)
            rc = cli_usage_error(
                YEAR_SET, _("%s is not an amount in yuan (e.g. 5000 or 5000.50)"),
                value_text);
        else if (strcmp(unit, "basis_points") == 0)
            rc = cli_usage_error(
                YEAR_SET, _("%s is not a percentage (e.g. 85 or 85.5%%)"),
                value_text);
        else
            rc = cli_usage_error(YEAR_SET, _("%s is not a whole number"),
                                 value_text);
    }
    if (rc == CLI_EXIT_OK) {
        Aixin__V1__SetYearSetting body = AIXIN__V1__SET_YEAR_SETTING__INIT;
        body.year = year;
        body.name = (char *)name;
        body.value = value;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        req.body_case = AIXIN__V1__REQUEST__BODY_SET_YEAR_SETTING;
        req.set_year_setting = &body;
        Aixin__V1__Response *resp = NULL;
        rc = rpc_client_call(client, &req,
                             AIXIN__V1__RESPONSE__BODY_YEAR_SETTINGS, &resp);
        if (rc == CLI_EXIT_OK) {
            rc = print_settings(ctx, resp->year_settings, false);
            aixin__v1__response__free_unpacked(resp, NULL);
        }
    }
    rpc_client_close(client);
    return rc;
}
