/* The file part of a multipart/form-data upload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "desk_upload.h"

#define CT "multipart/form-data; boundary=----b0undary"

static bool find(const char *type, const char *body, const char **data,
                 size_t *len)
{
    return desk_upload_find(type, body, strlen(body), "file", data, len);
}

static void test_the_file_part(void **state)
{
    (void)state;
    const char *body =
        "------b0undary\r\n"
        "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
        "hello\r\n"
        "------b0undary\r\n"
        "Content-Disposition: form-data; name=\"file\"; "
        "filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        "a,b\r\n1,2\r\n" /* the file ends with a line break */
        "\r\n------b0undary--\r\n";
    const char *data = NULL;
    size_t len = 0;
    assert_true(find(CT, body, &data, &len));
    assert_int_equal(len, 10);
    assert_memory_equal(data, "a,b\r\n1,2\r\n", 10);
}

static void test_boundary_text_inside_the_file(void **state)
{
    (void)state;
    /* The boundary string not at a line start is content. */
    const char *body =
        "------b0undary\r\n"
        "Content-Disposition: form-data; name=\"file\"; "
        "filename=\"a.csv\"\r\n\r\n"
        "x------b0undary y\r\n"
        "------b0undary--\r\n";
    const char *data = NULL;
    size_t len = 0;
    assert_true(find("multipart/form-data; boundary=\"----b0undary\"", body,
                     &data, &len));
    assert_int_equal(len, strlen("x------b0undary y"));
}

static void test_refused(void **state)
{
    (void)state;
    const char *data = NULL;
    size_t len = 0;
    const char *torn =
        "------b0undary\r\n"
        "Content-Disposition: form-data; name=\"file\"\r\n\r\n"
        "a,b\r\n1,2";
    assert_false(find(CT, torn, &data, &len));
    const char *other =
        "------b0undary\r\n"
        "Content-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n"
        "------b0undary--\r\n";
    assert_false(find(CT, other, &data, &len));
    assert_false(find("application/x-www-form-urlencoded", other, &data,
                      &len));
    assert_false(find("multipart/form-data", other, &data, &len));
    assert_false(find(NULL, other, &data, &len));
    assert_false(find(CT, "", &data, &len));
    assert_false(find(CT, "------b0undary", &data, &len));
    const char *no_headers_end =
        "------b0undary\r\nContent-Disposition: form-data; name=\"file\"";
    assert_false(find(CT, no_headers_end, &data, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_file_part),
        cmocka_unit_test(test_boundary_text_inside_the_file),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
