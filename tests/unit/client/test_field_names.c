/* What a person filled in, for each protocol field (field_names.h), and
 * the server's messages in Chinese (server_text.h, error_text.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error_text.h"
#include "field_names.h"
#include "i18n.h"
#include "server_text.h"

static void test_options(void **state)
{
    (void)state;
    assert_string_equal(field_name_option("guardians[0].id_number"), "--guardian");
    assert_string_equal(field_name_option("guardians[1].name"), "--guardian");
    assert_string_equal(field_name_option("child_id_number"), "--child");
    assert_string_equal(field_name_option("township_code"), "--township");
    assert_string_equal(field_name_option("terms.premium_fen"), "--premium");
    assert_null(field_name_option("guardians[].id_number")); /* no index */
    assert_null(field_name_option("guardians[x].id_number"));
    assert_null(field_name_option("no_such_field"));
    assert_null(field_name_option(""));
    assert_null(field_name_option(NULL));
    assert_string_equal(field_name_label("no_such_field"), "no_such_field");
}

static void test_english_then_chinese(void **state)
{
    (void)state;
    char out[256];
    assert_string_equal(field_name_label("guardians[0].id_number"),
                        "Guardian ID number");
    field_name_describe_option("child_id_number", out, sizeof(out));
    assert_string_equal(out, "option --child, field child_id_number");
    assert_true(server_text_translate("child already enrolled for 2027", out,
                                      sizeof(out)));
    assert_string_equal(out, "child already enrolled for 2027");

    /* In English a field path in a message stays as the server wrote it. */
    assert_true(server_text_translate(
        "child_birth_date must be a real date YYYY-MM-DD from 1900 to 2999",
        out, sizeof(out)));
    assert_string_equal(
        out, "child_birth_date must be a real date YYYY-MM-DD from 1900 to 2999");

    assert_true(i18n_use_chinese());
    /* In Chinese it is named by its form label. */
    assert_true(server_text_translate(
        "child_birth_date must be a real date YYYY-MM-DD from 1900 to 2999",
        out, sizeof(out)));
    assert_string_equal(out, "出生日期必须是 1900 至 2999 年间真实存在的日期（YYYY-MM-DD）");
    assert_true(server_text_translate(
        "guardians[1].id_number disagrees with the ID number, which says F",
        out, sizeof(out)));
    assert_string_equal(out, "监护人身份证号与身份证号不符，身份证号显示为 F");
    /* An operation the daemon names is said in words. */
    assert_true(server_text_translate("role may not register_insurer", out,
                                      sizeof(out)));
    assert_string_equal(out, "您的角色无权进行此操作（登记承保公司）");
    assert_string_equal(field_name_label("guardians[0].id_number"),
                        "监护人身份证号");
    assert_string_equal(field_name_label("child_id_number"), "子女身份证号");
    field_name_describe_option("child_id_number", out, sizeof(out));
    assert_string_equal(out, "选项 --child，字段 child_id_number");
    assert_true(server_text_translate("child already enrolled for 2027", out,
                                      sizeof(out)));
    assert_string_equal(out, "该子女 2027 年度已参保");
    assert_true(server_text_translate(
        "child is 7 or older on 2027-01-01 (age 7); only ages 0-6 are covered",
        out, sizeof(out)));
    assert_string_equal(out, "子女在 2027-01-01 已满 7 周岁（7 岁）；只保障 0—6 周岁");
    /* Unknown messages pass through as the server wrote them. */
    assert_false(server_text_translate("something new", out, sizeof(out)));
    assert_string_equal(out, "something new");

    Aixin__V1__Error e = AIXIN__V1__ERROR__INIT;
    e.code = AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS;
    e.message = "child already enrolled for 2027";
    e.field = "child_id_number";
    error_text_describe(&e, out, sizeof(out));
    assert_string_equal(out,
                        "已经登记过 [ALREADY_EXISTS]：该子女 2027 年度已参保"
                        "（选项 --child，字段 child_id_number）");
    error_text_use_field_paths(true);
    error_text_describe(&e, out, sizeof(out));
    assert_string_equal(out, "已经登记过 [ALREADY_EXISTS]：该子女 2027 年度已参保"
                             "（字段：child_id_number）");
    error_text_use_field_paths(false);
    /* The desk names the form field by its label only. */
    error_text_use_form_labels(true);
    error_text_describe(&e, out, sizeof(out));
    assert_string_equal(out, "已经登记过 [ALREADY_EXISTS]：该子女 2027 年度已参保"
                             "（填写项：子女身份证号）");
    error_text_use_form_labels(false);
}

static void test_match(void **state)
{
    (void)state;
    char v[SERVER_TEXT_MAX_VALUES][64];
    size_t n;
    assert_true(server_text_match("county %s has no share and insurer set for %s",
                                  "county 360821 has no share and insurer set for 2027",
                                  v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "360821");
    assert_string_equal(v[1], "2027");
    /* Five values, as the township-share refusal has. */
    assert_true(server_text_match(
        "township share in county %s would be negative: premium %s - city "
        "subsidy %s - county share %s = %s yuan",
        "township share in county 360821 would be negative: premium 30.00 - "
        "city subsidy 2.00 - county share 30.00 = -2.00 yuan",
        v, &n));
    assert_int_equal(n, 5);
    assert_string_equal(v[0], "360821");
    assert_string_equal(v[4], "-2.00");
    assert_false(server_text_match("child not found", "child not found!", v, &n));
    assert_false(server_text_match("household %s not found", "household  not found",
                                   v, &n));
}

int main(void)
{
    i18n_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_english_then_chinese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
