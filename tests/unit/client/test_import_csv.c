/* Enrollment files as Excel writes them (import_csv.h): Chinese headers,
 * three date forms, GB18030 and UTF-8 with or without a byte order mark,
 * empty rows below the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "import_csv.h"
#include "text_encoding.h"

static void test_column_names(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        import_column_t col;
    } cases[] = {
        {"policy_year", IMPORT_COL_POLICY_YEAR},
        {"年度", IMPORT_COL_POLICY_YEAR},
        {"乡镇代码", IMPORT_COL_TOWNSHIP},
        {"户类型", IMPORT_COL_HOUSEHOLD_KIND},
        {"独生子女证号", IMPORT_COL_CERTIFICATE_NO},
        {"监护人身份证号", IMPORT_COL_GUARDIAN_ID},
        {"监护人姓名", IMPORT_COL_GUARDIAN_NAME},
        {"子女身份证号", IMPORT_COL_CHILD_ID},
        {"子女姓名", IMPORT_COL_CHILD_NAME},
        {"性别", IMPORT_COL_CHILD_SEX},
        {"出生日期", IMPORT_COL_CHILD_BIRTH_DATE},
        {" child_id ", IMPORT_COL_CHILD_ID},
        /* a full-width space, as Chinese input methods type it */
        {"\xE3\x80\x80出生日期", IMPORT_COL_CHILD_BIRTH_DATE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        import_column_t c = IMPORT_COL_COUNT;
        assert_true(import_csv_column_parse(cases[i].header, &c));
        assert_int_equal(c, cases[i].col);
    }
    import_column_t c;
    assert_false(import_csv_column_parse("备注", &c));
    assert_false(import_csv_column_parse("Policy_Year", &c));
    assert_false(import_csv_column_parse("", &c));
    /* Every column has a Chinese name that maps back to it. */
    for (int k = 0; k < IMPORT_COL_COUNT; k++) {
        assert_true(import_csv_column_parse(
            import_column_chinese_name((import_column_t)k), &c));
        assert_int_equal(c, k);
    }
}

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want; /* NULL: refused */
    } cases[] = {
        {"2007-03-05", "2007-03-05"},
        {"2007/3/5", "2007-03-05"},
        {"2007/03/05", "2007-03-05"},
        {"2007年3月5日", "2007-03-05"},
        {"2007年03月05日", "2007-03-05"},
        {"2007-3-5", "2007-03-05"},
        {" 2024/2/29 ", "2024-02-29"},
        {"2023/2/29", NULL},   /* no such day */
        {"2007/13/1", NULL},
        {"2007年3月5", NULL},  /* 日 missing */
        {"2007-3/5", NULL},    /* separators mixed */
        {"07/3/5", NULL},      /* two-digit year */
        {"2007/3/5/", NULL},
        {"2007/003/5", NULL},
        {"3/5/2007", NULL},
        {"", NULL},
        {"1899-12-31", NULL},  /* outside the civil date range */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[IMPORT_DATE_SIZE] = "untouched";
        bool ok = import_csv_date_parse(cases[i].text, out);
        if (cases[i].want == NULL) {
            assert_false(ok);
            assert_string_equal(out, "untouched");
        } else {
            assert_true(ok);
            assert_string_equal(out, cases[i].want);
        }
    }
}

/* Write `data` to a new temporary file; its path in path. */
static void write_temp(char path[64], const char *data, size_t len)
{
    snprintf(path, 64, "/tmp/aixin-test-import-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static const char chinese_file[] =
    "年度,乡镇代码,户类型,独生子女证号,监护人身份证号,监护人姓名,"
    "子女身份证号,子女姓名,性别,出生日期,备注\r\n"
    "2027,360821100,独生子女户,JA-1,360821198001010011,家长一,"
    "360821202103050022,孩子一,女,2021/3/5,\r\n"
    "2027,360821100,二女户,ED-2,360821198002020011,家长二,"
    "360821202204060041,孩子二,女,2022年4月6日,双胞胎\r\n"
    "2027,360821100,only_child,JA-3,360821198003030011,家长三,"
    "360821202305070013,孩子三,男,2023-05-07,\r\n"
    ",,,,,,,,,,\r\n"
    ",,,,,,,,,,\r\n";

static void check_chinese_file(const import_file_t *f)
{
    assert_int_equal(f->n_records, 3);
    const import_record_t *r = f->records;
    assert_string_equal(import_csv_field(f, &r[0], IMPORT_COL_CHILD_BIRTH_DATE),
                        "2021-03-05");
    assert_string_equal(import_csv_field(f, &r[1], IMPORT_COL_CHILD_BIRTH_DATE),
                        "2022-04-06");
    assert_string_equal(import_csv_field(f, &r[2], IMPORT_COL_CHILD_BIRTH_DATE),
                        "2023-05-07");
    assert_string_equal(import_csv_field(f, &r[0], IMPORT_COL_HOUSEHOLD_KIND),
                        "only_child");
    assert_string_equal(import_csv_field(f, &r[1], IMPORT_COL_HOUSEHOLD_KIND),
                        "two_daughters");
    assert_string_equal(import_csv_field(f, &r[0], IMPORT_COL_CHILD_SEX), "F");
    assert_string_equal(import_csv_field(f, &r[2], IMPORT_COL_CHILD_SEX), "M");
    assert_string_equal(import_csv_field(f, &r[1], IMPORT_COL_CHILD_NAME),
                        "孩子二");
    assert_int_equal(r[0].line, 2);
    assert_int_equal(r[2].line, 4);
    /* The extra column is kept for the error file. */
    assert_string_equal(r[1].fields[10], "双胞胎");
}

static void test_read_each_encoding(void **state)
{
    (void)state;
    static const text_encoding_t encodings[] = {
        TEXT_ENCODING_UTF8, TEXT_ENCODING_UTF8_BOM, TEXT_ENCODING_GB18030};
    for (size_t i = 0; i < 3; i++) {
        char *data = NULL;
        size_t len = 0;
        assert_true(text_encoding_from_utf8(encodings[i], chinese_file,
                                            sizeof(chinese_file) - 1, &data,
                                            &len));
        char path[64];
        write_temp(path, data, len);
        free(data);
        import_file_t f;
        assert_int_equal(import_csv_read(path, &f), CLI_EXIT_OK);
        assert_int_equal(f.encoding, encodings[i]);
        check_chinese_file(&f);
        import_csv_free(&f);
        unlink(path);
    }
}

static void test_missing_column(void **state)
{
    (void)state;
    static const char text[] = "年度,乡镇代码\n2027,360821100\n";
    char path[64];
    write_temp(path, text, sizeof(text) - 1);
    import_file_t f;
    assert_int_equal(import_csv_read(path, &f), CLI_EXIT_USAGE);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column_names),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_read_each_encoding),
        cmocka_unit_test(test_missing_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
