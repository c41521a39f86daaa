/* The export files (export_file.h): CSV money exactly from fen, empty
 * amounts that do not exist yet, quoting; FHIR entries written once per
 * Bundle with the same uuid in every export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "export_file.h"

typedef struct fixture {
    Aixin__V1__ExportPerson child, guardian;
    Aixin__V1__ExportPerson *guardians[1];
    Aixin__V1__ExportPolicy policy;
    Aixin__V1__ExportClaim claim;
} fixture_t;

static void fixture_init(fixture_t *f)
{
    aixin__v1__export_person__init(&f->child);
    f->child.id_number = "360821202303011106";
    f->child.name = "刘甲一";
    aixin__v1__export_person__init(&f->guardian);
    f->guardian.id_number = "360821199001011107";
    f->guardian.name = "刘甲父";
    f->guardians[0] = &f->guardian;
    aixin__v1__export_policy__init(&f->policy);
    f->policy.id = 7;
    f->policy.policy_year = 2024;
    f->policy.county_code = "360821";
    f->policy.county_name = "吉安县";
    f->policy.township_code = "360821207";
    f->policy.township_name = "指阳乡";
    f->policy.household_id = 3;
    f->policy.household_kind = "only_child";
    f->policy.child_id = 12;
    f->policy.child = &f->child;
    f->policy.child_sex = "F";
    f->policy.child_birth_date = "2023-03-01";
    f->policy.n_guardians = 1;
    f->policy.guardians = f->guardians;
    f->policy.insurer_code = "taikang";
    f->policy.insurer_name = "泰康人寿, \"泰康\"";
    f->policy.premium_fen = 3000;
    f->policy.city_share_fen = 200;
    f->policy.county_share_fen = 1033;
    f->policy.township_share_fen = 1767;
    f->policy.enrolled_on = "2024-01-05";
    aixin__v1__export_claim__init(&f->claim);
    f->claim.id = 5;
    f->claim.policy = &f->policy;
    f->claim.event = "illness";
    f->claim.incident_date = "2024-03-05";
    f->claim.received_on = "2024-03-10";
    f->claim.state = "filed";
    f->claim.amount_claimed_fen = 123405;
}

/* What `write` puts in a memory stream, NUL-terminated (caller frees). */
static char *render(void (*write)(fixture_t *, FILE *), fixture_t *f)
{
    char *data = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&data, &len);
    assert_non_null(mem);
    write(f, mem);
    assert_int_equal(fclose(mem), 0);
    return data;
}

static void write_policy_csv(fixture_t *f, FILE *out)
{
    export_csv_policy(&f->policy, out);
}

static void write_claim_csv(fixture_t *f, FILE *out)
{
    export_csv_claim(&f->claim, out);
}

static void test_csv_policy(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    char *row = render(write_policy_csv, &f);
    assert_string_equal(row,
                        "7,2024,360821,吉安县,360821207,指阳乡,3,only_child,"
                        "360821202303011106,刘甲一,F,2023-03-01,"
                        "360821199001011107,刘甲父,,,taikang,"
                        "\"泰康人寿, \"\"泰康\"\"\",30.00,2.00,10.33,17.67,"
                        "2024-01-05\r\n");
    free(row);
}

static void test_csv_claim_amounts(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    /* Filed: no approval, no payment yet (empty), no supplement (0.00). */
    char *row = render(write_claim_csv, &f);
    assert_non_null(strstr(row, ",illness,2024-03-05,2024-03-10,filed,1234.05,,,,,,,false,"
                                "0.00,0,,0.00\r\n"));
    free(row);
    f.claim.state = "paid";
    f.claim.approved_fen = 123405;
    f.claim.decided_on = "2024-03-11";
    f.claim.paid_fen = 123405;
    f.claim.paid_on = "2024-03-12";
    f.claim.payment_method = "cash";
    f.claim.supplementary_fen = 5;
    f.claim.supplementary_count = 1;
    f.claim.supplementary_last_on = "2024-04-01";
    row = render(write_claim_csv, &f);
    assert_non_null(strstr(row, ",paid,1234.05,1234.05,2024-03-11,,1234.05,2024-03-12,cash,"
                                "false,0.05,1,2024-04-01,1234.10\r\n"));
    free(row);
}

static void write_header_claims(fixture_t *f, FILE *out)
{
    (void)f;
    export_csv_header(AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS, out);
}

static void test_csv_header_keys(void **state)
{
    (void)state;
    char *head = render(write_header_claims, NULL);
    assert_true(strncmp(head, "claim_id,policy_id,policy_year,", 31) == 0);
    assert_non_null(strstr(head, ",supplementary_last_on,total_paid_yuan\r\n"));
    free(head);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* A Bundle of the fixture's claim twice (a second claim, same child). */
static void write_bundle(fixture_t *f, FILE *out)
{
    Aixin__V1__ExportPage page = AIXIN__V1__EXPORT_PAGE__INIT;
    page.kind = AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS;
    page.policy_year = 2024;
    page.division_code = "360821";
    page.insurer_code = "";
    export_fhir_t *fhir = export_fhir_new(false);
    assert_non_null(fhir);
    export_fhir_begin(fhir, &page, out);
    assert_true(export_fhir_claim(fhir, &f->claim, out));
    f->claim.id = 6;
    assert_true(export_fhir_claim(fhir, &f->claim, out));
    f->claim.id = 5;
    export_fhir_end(fhir, out);
    export_fhir_free(fhir);
}

static void test_fhir_once_and_stable(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f);
    char *a = render(write_bundle, &f);
    char *b = render(write_bundle, &f);
    /* The timestamp differs; the entries do not. */
    assert_string_equal(strstr(a, "\"entry\""), strstr(b, "\"entry\""));
    assert_int_equal(count(a, "\"resourceType\":\"Patient\""), 1);
    assert_int_equal(count(a, "\"resourceType\":\"RelatedPerson\""), 1);
    assert_int_equal(count(a, "\"resourceType\":\"Coverage\""), 1);
    assert_int_equal(count(a, "\"resourceType\":\"Organization\""), 2);
    assert_int_equal(count(a, "\"resourceType\":\"Claim\""), 2);
    assert_int_equal(count(a, "\"resourceType\":\"ClaimResponse\""), 2);
    assert_non_null(strstr(a, "{\"value\":1234.05,\"currency\":\"CNY\"}"));
    assert_non_null(strstr(a, "\"name\":\"泰康人寿, \\\"泰康\\\"\""));
    assert_non_null(strstr(a, "\"outcome\":\"queued\""));
    assert_non_null(strstr(a, EXPORT_SYSTEM_PREFIX "resident-id\""));
    free(a);
    free(b);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_policy),
        cmocka_unit_test(test_csv_claim_amounts),
        cmocka_unit_test(test_csv_header_keys),
        cmocka_unit_test(test_fhir_once_and_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
