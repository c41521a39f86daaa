/* The office's lists as Excel writes them (bulk_file.h): a column table
 * with English and Chinese headers, values written the protocol's way,
 * GB18030 or UTF-8, Excel's empty rows dropped, a missing column refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bulk_file.h"
#include "text_encoding.h"

enum { COL_LEVEL, COL_DIVISION, COL_PAID_ON, COL_NOTE };

static const bulk_choice_t levels[] = {
    {"县级", "county"}, {"乡镇", "township"}, {NULL, NULL}};

static const bulk_column_t columns[] = {
    [COL_LEVEL] = {"level", {"级别", "层级", NULL}, true, BULK_VALUE_CHOICE,
                   levels, "level"},
    [COL_DIVISION] = {"division", {"区划代码", NULL}, true, BULK_VALUE_TEXT,
                      NULL, "division_code"},
    [COL_PAID_ON] = {"paid_on", {"拨付日期", NULL}, true, BULK_VALUE_DATE,
                     NULL, "paid_on"},
    [COL_NOTE] = {"note", {"备注", NULL}, false, BULK_VALUE_TEXT, NULL,
                  "note"},
};

static const bulk_spec_t spec = {"test import", columns,
                                 sizeof(columns) / sizeof(columns[0])};

static void write_temp(char path[64], const char *data, size_t len)
{
    snprintf(path, 64, "/tmp/aixin-test-bulk-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* Headers in another order, an extra column, 层级 for level. */
static const char chinese_file[] =
    "拨付日期,其他,层级,区划代码\r\n"
    "2027/3/5,x,县级,360821\r\n"
    ",,,\r\n"
    "2027年4月6日,y, 乡镇 ,360821207\r\n"
    "2027-05-07,z,County,360824\r\n"
    ",,,\r\n";

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
        bulk_file_t f;
        assert_int_equal(bulk_file_read(path, &spec, &f), CLI_EXIT_OK);
        assert_int_equal(f.csv.encoding, encodings[i]);
        assert_int_equal(f.csv.n_records, 3);
        assert_int_equal(f.csv.records[0].line, 2);
        assert_int_equal(f.csv.records[1].line, 4);
        assert_string_equal(bulk_file_value(&f, 0, COL_LEVEL), "county");
        assert_string_equal(bulk_file_value(&f, 1, COL_LEVEL), "township");
        assert_string_equal(bulk_file_value(&f, 2, COL_LEVEL), "county");
        assert_string_equal(bulk_file_value(&f, 0, COL_PAID_ON), "2027-03-05");
        assert_string_equal(bulk_file_value(&f, 1, COL_PAID_ON), "2027-04-06");
        assert_string_equal(bulk_file_value(&f, 2, COL_PAID_ON), "2027-05-07");
        assert_string_equal(bulk_file_value(&f, 1, COL_DIVISION), "360821207");
        /* An optional column left out reads as empty; no such row: "". */
        assert_string_equal(bulk_file_value(&f, 0, COL_NOTE), "");
        assert_string_equal(bulk_file_value(&f, 3, COL_LEVEL), "");
        /* The extra column is kept for the error file. */
        assert_string_equal(f.csv.records[2].fields[1], "z");
        bulk_file_free(&f);
        unlink(path);
    }
}

static void test_column_of_field(void **state)
{
    (void)state;
    assert_string_equal(bulk_file_column_of(&spec, "division_code"),
                        "division");
    assert_string_equal(bulk_file_column_of(&spec, "paid_on"), "paid_on");
    assert_string_equal(bulk_file_column_of(&spec, "reference"), "reference");
    assert_string_equal(bulk_file_column_of(&spec, NULL), "");
}

static void test_missing_column(void **state)
{
    (void)state;
    static const char text[] = "级别,拨付日期\n县级,2027-03-05\n";
    char path[64];
    write_temp(path, text, sizeof(text) - 1);
    bulk_file_t f;
    assert_int_equal(bulk_file_read(path, &spec, &f), CLI_EXIT_USAGE);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_each_encoding),
        cmocka_unit_test(test_column_of_field),
        cmocka_unit_test(test_missing_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
