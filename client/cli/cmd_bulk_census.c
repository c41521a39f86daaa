/* aixin census import, aixin disbursement import: the census figures and
 * the money paid in, from CSV files (bulk_run.h). */
#include <stdio.h>
#include <string.h>

#include "bulk_run.h"
#include "cmd_bulk.h"
#include "i18n.h"
#include "input_check.h"
#include "money.h"
#include "names.h"

#define CENSUS_IMPORT "census import"
#define DISBURSEMENT_IMPORT "disbursement import"
#define CENSUS_ELIGIBLE_MAX 100000000

static const char census_import_help[] = N_(
    "Usage: aixin census import FILE.csv [--errors FILE] [--patience S]\n"
    "\n"
    "Submit the eligible households of many townships from a CSV file as\n"
    "Excel saves it (UTF-8 with or without a byte order mark, or GB18030),\n"
    "one row per township and year, as `aixin census submit` would.\n"
    "Columns, in any order, English or Chinese headers (others ignored):\n"
    "  policy_year          年度, 保单年度, 参保年度\n"
    "  township             乡镇代码, 乡镇编码          (9 digits)\n"
    "  eligible_households  符合条件户数, 应保户数, 应参保户数\n"
    "  note (optional)      备注\n"
    "\n"
    "Each row is one change with an idempotency key made from its contents,\n"
    "your account and the year: running the same file again changes\n"
    "nothing (a row done before is answered as it was then), and a row\n"
    "corrected in the file is a new revision for its township. Township\n"
    "clerks submit for their own township only. One line per row says done\n"
    "or refused (with the reason); refused rows are written to the error\n"
    "file (line, reason, field, then the row) in the file's own encoding;\n"
    "there is none when nothing was refused.\n"
    "\n"
    "Exit status: 0 every row done; 1 some refused; 2 usage (a required\n"
    "column missing); 3 the server stayed unreachable (run it again).\n"
    "\n"
    "Options:\n"
    "  -e, --errors FILE    the error file (default FILE.errors.csv)\n"
    "  -p, --patience S     seconds to wait for an unreachable server,\n"
    "                       1-86400 (default 120)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Example:\n"
    "  aixin census import 2027-census.csv\n");

static const char disbursement_import_help[] = N_(
    "Usage: aixin disbursement import FILE.csv [--errors FILE] [--patience "
    "S]\n"
    "\n"
    "Record money paid in by the levels of government from a CSV file as\n"
    "Excel saves it (UTF-8 with or without a byte order mark, or GB18030),\n"
    "one row per voucher, as `aixin disbursement record` would. Columns,\n"
    "in any order, English or Chinese headers (others ignored):\n"
    "  level         级别, 层级         (city/county/township, 市/县/乡镇)\n"
    "  division      区划代码, 单位代码  (6 digits, 9 for a township)\n"
    "  policy_year   年度, 保单年度\n"
    "  amount        金额, 金额（元）, 拨付金额   (yuan, e.g. 1200.00)\n"
    "  paid_on       拨付日期, 到账日期 (2027-03-05, 2027/3/5, "
    "2027年3月5日)\n"
    "  reference     凭证号, 凭证编号\n"
    "\n"
    "Each row is one change with an idempotency key made from its contents,\n"
    "your account and the year: running the same file again records\n"
    "nothing twice. A voucher already recorded under another row is\n"
    "refused (ALREADY_EXISTS). One line per row says done or refused;\n"
    "refused rows go to the error file (line, reason, field, then the row)\n"
    "in the file's own encoding; there is none when nothing was refused.\n"
    "\n"
    "Exit status: 0 every row done; 1 some refused; 2 usage; 3 the server\n"
    "stayed unreachable (run it again).\n"
    "\n"
    "Options:\n"
    "  -e, --errors FILE    the error file (default FILE.errors.csv)\n"
    "  -p, --patience S     seconds to wait for an unreachable server,\n"
    "                       1-86400 (default 120)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Example:\n"
    "  aixin disbursement import 2027-vouchers.csv\n");

enum { CENSUS_YEAR, CENSUS_TOWNSHIP, CENSUS_ELIGIBLE, CENSUS_NOTE };

static const bulk_column_t census_columns[] = {
    [CENSUS_YEAR] = {"policy_year", {"年度", "保单年度", "参保年度", NULL},
                     true, BULK_VALUE_TEXT, NULL, "policy_year"},
    [CENSUS_TOWNSHIP] = {"township", {"乡镇代码", "乡镇编码", NULL}, true,
                         BULK_VALUE_TEXT, NULL, "township_code"},
    [CENSUS_ELIGIBLE] = {"eligible_households",
                         {"符合条件户数", "应保户数", "应参保户数", NULL},
                         true, BULK_VALUE_TEXT, NULL, "eligible_households"},
    [CENSUS_NOTE] = {"note", {"备注", NULL}, false, BULK_VALUE_TEXT, NULL,
                     "note"},
};

static const bulk_spec_t census_spec = {
    CENSUS_IMPORT, census_columns,
    sizeof(census_columns) / sizeof(census_columns[0])};

typedef struct census_scratch {
    Aixin__V1__SubmitCensus body;
} census_scratch_t;

static cli_exit_t census_build(void *ctx, const bulk_file_t *f, size_t rec,
                               Aixin__V1__Request *req, void *scratch)
{
    (void)ctx;
    census_scratch_t *s = scratch;
    Aixin__V1__SubmitCensus *b = &s->body;
    aixin__v1__submit_census__init(b);
    const char *township = bulk_file_value(f, rec, CENSUS_TOWNSHIP);
    cli_exit_t rc = input_check_year(bulk_file_value(f, rec, CENSUS_YEAR),
                                     "policy_year", &b->policy_year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_township_code(township, "township_code");
    if (rc == CLI_EXIT_OK)
        rc = input_check_count(bulk_file_value(f, rec, CENSUS_ELIGIBLE),
                               "eligible_households", CENSUS_ELIGIBLE_MAX,
                               &b->eligible_households);
    if (rc != CLI_EXIT_OK)
        return rc;
    b->township_code = (char *)township;
    b->note = (char *)bulk_file_value(f, rec, CENSUS_NOTE);
    req->body_case = AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS;
    req->submit_census = b;
    return CLI_EXIT_OK;
}

static bool census_done(void *ctx, const bulk_file_t *f, size_t rec,
                        const Aixin__V1__Response *resp, char *text,
                        size_t size)
{
    (void)ctx;
    (void)f;
    (void)rec;
    const Aixin__V1__CensusEntry *e = resp->census_entry;
    snprintf(text, size, _("%s %s, %d: %lld eligible households (revision "
                           "%d)"),
             e->township_code, e->township_name, (int)e->policy_year,
             (long long)e->eligible_households, (int)e->revision);
    return true;
}

cli_exit_t cmd_census_import(const cli_context_t *ctx, int argc, char **argv)
{
    bulk_kind_t kind = {
        .spec = &census_spec,
        .key_label = "aixin-census-import-v1",
        .expect = AIXIN__V1__RESPONSE__BODY_CENSUS_ENTRY,
        .scratch_size = sizeof(census_scratch_t),
        .build = census_build,
        .on_done = census_done,
    };
    return cmd_bulk_import(ctx, CENSUS_IMPORT, _(census_import_help), &kind,
                           NULL, argc, argv);
}

enum {
    DISB_LEVEL,
    DISB_DIVISION,
    DISB_YEAR,
    DISB_AMOUNT,
    DISB_PAID_ON,
    DISB_REFERENCE
};

static const bulk_choice_t level_choices[] = {
    {"市", "city"},          {"市级", "city"},     {"县", "county"},
    {"县级", "county"},      {"县(市、区)", "county"}, {"乡", "township"},
    {"乡镇", "township"},    {"乡级", "township"}, {"乡镇级", "township"},
    {NULL, NULL},
};

static const bulk_column_t disbursement_columns[] = {
    [DISB_LEVEL] = {"level", {"级别", "层级", NULL}, true, BULK_VALUE_CHOICE,
                    level_choices, "level"},
    [DISB_DIVISION] = {"division", {"区划代码", "单位代码", NULL}, true,
                       BULK_VALUE_TEXT, NULL, "division_code"},
    [DISB_YEAR] = {"policy_year", {"年度", "保单年度", NULL}, true,
                   BULK_VALUE_TEXT, NULL, "policy_year"},
    [DISB_AMOUNT] = {"amount", {"金额", "金额（元）", "金额(元)", "拨付金额",
                                NULL},
                     true, BULK_VALUE_TEXT, NULL, "amount_fen"},
    [DISB_PAID_ON] = {"paid_on", {"拨付日期", "到账日期", NULL}, true,
                      BULK_VALUE_DATE, NULL, "paid_on"},
    [DISB_REFERENCE] = {"reference", {"凭证号", "凭证编号", NULL}, true,
                        BULK_VALUE_TEXT, NULL, "reference"},
};

static const bulk_spec_t disbursement_spec = {
    DISBURSEMENT_IMPORT, disbursement_columns,
    sizeof(disbursement_columns) / sizeof(disbursement_columns[0])};

typedef struct disbursement_scratch {
    Aixin__V1__RecordDisbursement body;
} disbursement_scratch_t;

static cli_exit_t disbursement_build(void *ctx, const bulk_file_t *f,
                                     size_t rec, Aixin__V1__Request *req,
                                     void *scratch)
{
    (void)ctx;
    disbursement_scratch_t *s = scratch;
    Aixin__V1__RecordDisbursement *b = &s->body;
    aixin__v1__record_disbursement__init(b);
    const char *level = bulk_file_value(f, rec, DISB_LEVEL);
    b->level = names_funding_level_parse(level);
    if (b->level == AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_UNSPECIFIED)
        return cli_reject_input("level",
                                _("'%s' is not a level: city, county or "
                                  "township (市, 县, 乡镇)"),
                                level);
    const char *division = bulk_file_value(f, rec, DISB_DIVISION);
    cli_exit_t rc =
        b->level == AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_TOWNSHIP
            ? input_check_township_code(division, "division_code")
            : input_check_county_code(division, "division_code");
    if (rc == CLI_EXIT_OK)
        rc = input_check_year(bulk_file_value(f, rec, DISB_YEAR),
                              "policy_year", &b->policy_year);
    if (rc == CLI_EXIT_OK)
        rc = input_check_amount(bulk_file_value(f, rec, DISB_AMOUNT),
                                "amount_fen", &b->amount_fen);
    const char *paid_on = bulk_file_value(f, rec, DISB_PAID_ON);
    if (rc == CLI_EXIT_OK)
        rc = input_check_date(paid_on, "paid_on", NULL);
    if (rc != CLI_EXIT_OK)
        return rc;
    b->division_code = (char *)division;
    b->paid_on = (char *)paid_on;
    b->reference = (char *)bulk_file_value(f, rec, DISB_REFERENCE);
    req->body_case = AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT;
    req->record_disbursement = b;
    return CLI_EXIT_OK;
}

static bool disbursement_done(void *ctx, const bulk_file_t *f, size_t rec,
                              const Aixin__V1__Response *resp, char *text,
                              size_t size)
{
    (void)ctx;
    (void)f;
    (void)rec;
    const Aixin__V1__Disbursement *d = resp->disbursement;
    char amount[MONEY_TEXT_SIZE];
    money_format_fen(d->amount_fen, amount);
    snprintf(text, size, _("disbursement %lld: %s %s %s, %d: %s yuan on %s "
                           "(%s)"),
             (long long)d->id, names_funding_level(d->level),
             d->division_code, d->division_name, (int)d->policy_year, amount,
             d->paid_on, d->reference);
    return true;
}

cli_exit_t cmd_disbursement_import(const cli_context_t *ctx, int argc,
                                   char **argv)
{
    bulk_kind_t kind = {
        .spec = &disbursement_spec,
        .key_label = "aixin-disbursement-import-v1",
        .expect = AIXIN__V1__RESPONSE__BODY_DISBURSEMENT,
        .scratch_size = sizeof(disbursement_scratch_t),
        .build = disbursement_build,
        .on_done = disbursement_done,
    };
    return cmd_bulk_import(ctx, DISBURSEMENT_IMPORT,
                           _(disbursement_import_help), &kind, NULL, argc,
                           argv);
}
