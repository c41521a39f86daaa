/*
 * ID numbers below are synthetic, with check characters computed as
 * described in test_idcard.c.
 */
#include "pb_arena.h"
#include "request_check.h"

#include "aixin/v1/envelope.pb-c.h"
#include "aixin/v1/registry.pb-c.h"
#include "aixin/v1/session.pb-c.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ID_BOY_2008 "360821200801011230"    /* 2008-01-01, male */
#define ID_GIRL_2008 "360821200802290024"   /* 2008-02-29, female */
#define ID_FATHER "11010519491231002X"      /* female, despite the name */
#define ID_MOTHER "440304199908070012"
#define ID_BAD_CHECK "360821200801011231"

/* Every body in its valid form; a case spoils one field. */
typedef struct fixture {
    Aixin__V1__Request req;
    uint8_t key[16];
    Aixin__V1__Hello hello;
    Aixin__V1__Login login;
    Aixin__V1__Authenticate authenticate;
    Aixin__V1__Logout logout;
    Aixin__V1__CreateAccount create_account;
    Aixin__V1__ListDivisions list_divisions;
    Aixin__V1__RegisterHousehold register_household;
    Aixin__V1__Guardian guardian[3];
    Aixin__V1__Guardian *guardians[3];
    Aixin__V1__AddChild add_child;
    Aixin__V1__Enroll enroll;
    Aixin__V1__FindHousehold find_household;
    Aixin__V1__ListPolicies list_policies;
    Aixin__V1__OpenPolicyYear open_policy_year;
    Aixin__V1__PolicyYearTerms terms;
    Aixin__V1__BenefitCap caps[2];
    Aixin__V1__BenefitCap *cap_ptrs[2];
    Aixin__V1__ListPolicyYears list_policy_years;
} fixture_t;

static void fixture_init(fixture_t *f, Aixin__V1__Request__BodyCase body)
{
    memset(f, 0, sizeof(*f));
    aixin__v1__request__init(&f->req);
    f->req.request_id = 7;
    for (int i = 0; i < 16; i++)
        f->key[i] = (uint8_t)(0xA0 + i);
    f->req.idempotency_key.data = f->key;
    f->req.idempotency_key.len = 16;

    aixin__v1__hello__init(&f->hello);
    f->hello.min_version = 1;
    f->hello.max_version = 1;
    f->hello.client_name = "aixin/0.1";

    aixin__v1__login__init(&f->login);
    f->login.username = "clerk.wang";
    f->login.password = "correct horse";

    aixin__v1__authenticate__init(&f->authenticate);
    f->authenticate.token = "c2VjcmV0LXRva2Vu_abc-123";

    aixin__v1__logout__init(&f->logout);

    aixin__v1__create_account__init(&f->create_account);
    f->create_account.username = "clerk_li-2";
    f->create_account.password = "0123456789";
    f->create_account.role = AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK;
    f->create_account.division_code = "360821100";

    aixin__v1__list_divisions__init(&f->list_divisions);

    aixin__v1__register_household__init(&f->register_household);
    f->register_household.township_code = "360821100";
    f->register_household.kind =
        AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD;
    f->register_household.certificate_no = "JA-2008/00123";
    for (int i = 0; i < 3; i++) {
        aixin__v1__guardian__init(&f->guardian[i]);
        f->guardians[i] = &f->guardian[i];
    }
    f->guardian[0].id_number = ID_FATHER;
    f->guardian[0].name = "\xe7\x8e\x8b\xe5\xbc\xba"; /* 王强 */
    f->guardian[1].id_number = ID_MOTHER;
    f->guardian[1].name = "Li Hua";
    f->guardian[2].id_number = ID_BOY_2008;
    f->guardian[2].name = "Third";
    f->register_household.n_guardians = 2;
    f->register_household.guardians = f->guardians;

    aixin__v1__add_child__init(&f->add_child);
    f->add_child.household_id = 42;
    f->add_child.id_number = ID_GIRL_2008;
    f->add_child.name = "\xe7\x8e\x8b\xe8\x8a\xb3"; /* 王芳 */
    f->add_child.sex = AIXIN__V1__SEX__SEX_FEMALE;
    f->add_child.birth_date = "2008-02-29";

    aixin__v1__enroll__init(&f->enroll);
    f->enroll.child_id_number = ID_BOY_2008;
    f->enroll.policy_year = 2008;

    aixin__v1__find_household__init(&f->find_household);
    f->find_household.guardian_id_number = ID_MOTHER;

    aixin__v1__list_policies__init(&f->list_policies);
    f->list_policies.child_id_number = ID_BOY_2008;

    aixin__v1__open_policy_year__init(&f->open_policy_year);
    aixin__v1__policy_year_terms__init(&f->terms);
    f->open_policy_year.terms = &f->terms;
    f->terms.year = 2008;
    f->terms.reference_date = "2008-01-01";
    f->terms.premium_fen = 3000;
    f->terms.city_subsidy_fen = 200;
    f->terms.county_share_min_fen = 600;
    f->terms.county_share_max_fen = 2000;
    for (int i = 0; i < 2; i++) {
        aixin__v1__benefit_cap__init(&f->caps[i]);
        f->cap_ptrs[i] = &f->caps[i];
    }
    f->caps[0].event = AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ILLNESS;
    f->caps[0].max_payout_fen = 1000000;
    f->caps[1].event = AIXIN__V1__EVENT_TYPE__EVENT_TYPE_CHILD_DEATH;
    f->caps[1].max_payout_fen = 1000000;
    f->terms.n_benefits = 2;
    f->terms.benefits = f->cap_ptrs;

    aixin__v1__list_policy_years__init(&f->list_policy_years);

    f->req.body_case = body;
    switch (body) {
    case AIXIN__V1__REQUEST__BODY_HELLO: f->req.hello = &f->hello; break;
    case AIXIN__V1__REQUEST__BODY_LOGIN: f->req.login = &f->login; break;
    case AIXIN__V1__REQUEST__BODY_AUTHENTICATE:
        f->req.authenticate = &f->authenticate;
        break;
    case AIXIN__V1__REQUEST__BODY_LOGOUT: f->req.logout = &f->logout; break;
    case AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT:
        f->req.create_account = &f->create_account;
        break;
    case AIXIN__V1__REQUEST__BODY_LIST_DIVISIONS:
        f->req.list_divisions = &f->list_divisions;
        break;
    case AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD:
        f->req.register_household = &f->register_household;
        break;
    case AIXIN__V1__REQUEST__BODY_ADD_CHILD:
        f->req.add_child = &f->add_child;
        break;
    case AIXIN__V1__REQUEST__BODY_ENROLL: f->req.enroll = &f->enroll; break;
    case AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD:
        f->req.find_household = &f->find_household;
        break;
    case AIXIN__V1__REQUEST__BODY_LIST_POLICIES:
        f->req.list_policies = &f->list_policies;
        break;
    case AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR:
        f->req.open_policy_year = &f->open_policy_year;
        break;
    case AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS:
        f->req.list_policy_years = &f->list_policy_years;
        break;
    default: break;
    }
    if (!request_body_is_mutating(body))
        f->req.idempotency_key.len = 0;
}

typedef void (*mutate_fn)(fixture_t *f);

typedef struct check_case {
    const char *name;
    Aixin__V1__Request__BodyCase body;
    mutate_fn mutate;  /* NULL: the valid fixture as is */
    const char *field; /* NULL: valid */
} check_case_t;

#define B(x) AIXIN__V1__REQUEST__BODY_##x
#define M(name, stmt)                                                         \
    static void name(fixture_t *f)                                            \
    {                                                                         \
        stmt;                                                                 \
    }

/* envelope */
M(m_request_id_0, f->req.request_id = 0)
M(m_key_missing, f->req.idempotency_key.len = 0)
M(m_key_short, f->req.idempotency_key.len = 15)
M(m_key_on_read, f->req.idempotency_key.len = 16)
M(m_key_bad_on_read, f->req.idempotency_key.len = 8)
M(m_no_body, f->req.body_case = B(_NOT_SET))
M(m_null_body, f->req.hello = NULL)
M(m_unknown_body, f->req.body_case = (Aixin__V1__Request__BodyCase)99)
/* hello */
M(m_hello_min0, f->hello.min_version = 0)
M(m_hello_max_below, (f->hello.min_version = 3, f->hello.max_version = 2))
M(m_hello_range, (f->hello.min_version = 1, f->hello.max_version = 9))
M(m_hello_name_empty, f->hello.client_name = "")
M(m_hello_name_null, f->hello.client_name = NULL)
M(m_hello_name_newline, f->hello.client_name = "aixin\n0.1")
M(m_hello_name_long, f->hello.client_name =
      "0123456789012345678901234567890123456789012345678901234567890123X")
/* login */
M(m_login_upper, f->login.username = "Clerk")
M(m_login_short, f->login.username = "ab")
M(m_login_long, f->login.username = "a23456789012345678901234567890123")
M(m_login_32, f->login.username = "a2345678901234567890123456789012")
M(m_login_space, f->login.username = "clerk wang")
M(m_login_pw_empty, f->login.password = "")
M(m_login_pw_short_ok, f->login.password = "x")
M(m_login_pw_ctrl, f->login.password = "abc\x01")
/* authenticate */
M(m_token_empty, f->authenticate.token = "")
M(m_token_space, f->authenticate.token = "abc def")
M(m_token_utf8, f->authenticate.token = "abc\xc3\xa9")
/* create account */
M(m_ca_pw_9, f->create_account.password = "123456789")
M(m_ca_pw_10_chars, f->create_account.password =
      "\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86"
      "\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86")
M(m_ca_pw_4_chars, f->create_account.password =
      "\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86\xe5\xaf\x86")
M(m_ca_role0, f->create_account.role = AIXIN__V1__ROLE__ROLE_UNSPECIFIED)
M(m_ca_role9, f->create_account.role = (Aixin__V1__Role)9)
M(m_ca_township_6, f->create_account.division_code = "360821")
M(m_ca_county_9, (f->create_account.role =
                      AIXIN__V1__ROLE__ROLE_COUNTY_CLERK))
M(m_ca_county_6, (f->create_account.role = AIXIN__V1__ROLE__ROLE_COUNTY_CLERK,
                  f->create_account.division_code = "360821"))
M(m_ca_auditor_9, f->create_account.role = AIXIN__V1__ROLE__ROLE_AUDITOR)
M(m_ca_division_letters, f->create_account.division_code = "36082110A")
M(m_ca_division_12, f->create_account.division_code = "360821100001")
M(m_ca_username_bad, f->create_account.username = "li/ming")
/* list divisions */
M(m_ld_root_6, f->list_divisions.root_code = "360800")
M(m_ld_root_9, f->list_divisions.root_code = "360821100")
M(m_ld_root_bad, f->list_divisions.root_code = "3608")
/* register household */
M(m_rh_township_6, f->register_household.township_code = "360821")
M(m_rh_kind0, f->register_household.kind =
                  AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_UNSPECIFIED)
M(m_rh_kind7, f->register_household.kind = (Aixin__V1__HouseholdKind)7)
M(m_rh_cert_empty, f->register_household.certificate_no = "")
M(m_rh_cert_space, f->register_household.certificate_no = "JA 123")
M(m_rh_cert_33, f->register_household.certificate_no =
                    "012345678901234567890123456789012")
M(m_rh_cert_32, f->register_household.certificate_no =
                    "01234567890123456789012345678901")
M(m_rh_cert_cjk, f->register_household.certificate_no = "\xe8\xb5\xa3" "123")
M(m_rh_two_daughters_no_cert,
  (f->register_household.kind =
       AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS,
   f->register_household.certificate_no = ""))
M(m_rh_two_daughters_bad_cert,
  (f->register_household.kind =
       AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS,
   f->register_household.certificate_no = "a b"))
M(m_rh_no_guardians, f->register_household.n_guardians = 0)
M(m_rh_one_guardian, f->register_household.n_guardians = 1)
M(m_rh_three_guardians, f->register_household.n_guardians = 3)
M(m_rh_g0_bad_id, f->guardian[0].id_number = ID_BAD_CHECK)
M(m_rh_g1_bad_id, f->guardian[1].id_number = "44030419990807001")
M(m_rh_g1_lower_x, f->guardian[0].id_number = "11010519491231002x")
M(m_rh_g1_same_id, f->guardian[1].id_number = ID_FATHER)
M(m_rh_g1_name_empty, f->guardian[1].name = "")
M(m_rh_g0_name_null, f->guardian[0].name = NULL)
M(m_rh_g1_name_tab, f->guardian[1].name = "Li\tHua")
M(m_rh_g1_name_bad_utf8, f->guardian[1].name = "Li \xed\xa0\x80")
M(m_rh_g1_null, f->guardians[1] = NULL)
M(m_rh_g0_name_64_cjk,
  f->guardian[0].name =
      "\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e"
      "\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7"
      "\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b"
      "\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e"
      "\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7"
      "\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b"
      "\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e"
      "\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7"
      "\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b"
      "\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e"
      "\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7\x8e\x8b\xe7"
      "\x8e\x8b")
M(m_rh_g1_name_lead_space, f->guardian[1].name = " Li Hua")
M(m_rh_g1_name_trail_space, f->guardian[1].name = "Li Hua ")
M(m_rh_g0_name_trail_ideographic,
  f->guardian[0].name = "\xe7\x8e\x8b\xe5\xbc\xba\xe3\x80\x80")
M(m_rh_g0_name_lead_nbsp, f->guardian[0].name = "\xc2\xa0Wang")
M(m_rh_g0_name_inner_ideographic,
  f->guardian[0].name = "\xe7\x8e\x8b\xe3\x80\x80\xe5\xbc\xba")
M(m_rh_g1_name_blank, f->guardian[1].name = " ")
M(m_ac_name_trail_space, f->add_child.name = "Fang ")
M(m_rh_g0_name_65,
  f->guardian[0].name =
      "0123456789012345678901234567890123456789012345678901234567890123X")
/* add child */
M(m_ac_household_0, f->add_child.household_id = 0)
M(m_ac_household_neg, f->add_child.household_id = -5)
M(m_ac_bad_id, f->add_child.id_number = "36082120080229002")
M(m_ac_name_empty, f->add_child.name = "")
M(m_ac_sex_derived, (f->add_child.sex = AIXIN__V1__SEX__SEX_UNSPECIFIED,
                     f->add_child.birth_date = ""))
M(m_ac_sex_wrong, f->add_child.sex = AIXIN__V1__SEX__SEX_MALE)
M(m_ac_sex_unknown, f->add_child.sex = (Aixin__V1__Sex)3)
M(m_ac_date_wrong, f->add_child.birth_date = "2008-02-28")
M(m_ac_date_bad, f->add_child.birth_date = "2008-2-29")
M(m_ac_date_null, f->add_child.birth_date = NULL)
M(m_ac_boy, (f->add_child.id_number = ID_BOY_2008,
             f->add_child.sex = AIXIN__V1__SEX__SEX_MALE,
             f->add_child.birth_date = "2008-01-01"))
/* enroll */
M(m_en_bad_id, f->enroll.child_id_number = ID_BAD_CHECK)
M(m_en_empty_id, f->enroll.child_id_number = "")
M(m_en_year_1999, f->enroll.policy_year = 1999)
M(m_en_year_2101, f->enroll.policy_year = 2101)
M(m_en_year_2100, f->enroll.policy_year = 2100)
/* find / list */
M(m_fh_bad, f->find_household.guardian_id_number = "360821200813010011")
M(m_fh_none, f->find_household.guardian_id_number = "")
M(m_fh_two, f->find_household.certificate_no = "JA-0001")
M(m_fh_cert, f->find_household.guardian_id_number = "";
  f->find_household.certificate_no = "JA-0001")
M(m_fh_cert_bad, f->find_household.guardian_id_number = "";
  f->find_household.certificate_no = "JA 0001")
M(m_fh_child, f->find_household.guardian_id_number = "";
  f->find_household.child_id_number = ID_MOTHER)
M(m_fh_child_bad, f->find_household.guardian_id_number = "";
  f->find_household.child_id_number = "360821200813010011")
M(m_lp_bad, f->list_policies.child_id_number = "not an id")
/* open policy year */
M(m_oy_year_bad, f->terms.year = 0)
M(m_oy_date_bad, f->terms.reference_date = "2008-02-30")
M(m_oy_date_empty, f->terms.reference_date = "")
M(m_oy_date_far, f->terms.reference_date = "2080-01-01")
M(m_oy_date_prev_year, f->terms.reference_date = "2007-12-31")
M(m_oy_premium_0, f->terms.premium_fen = 0)
M(m_oy_premium_neg, f->terms.premium_fen = -3000)
M(m_oy_premium_max, f->terms.premium_fen = 100000000)
M(m_oy_premium_over, f->terms.premium_fen = 100000001)
M(m_oy_range_empty, f->terms.county_share_min_fen = 2001)
M(m_oy_city_too_big, f->terms.city_subsidy_fen = 2500)
M(m_oy_cap_twice, f->caps[1].event = AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ILLNESS)
M(m_oy_cap_event_bad, f->caps[1].event = (Aixin__V1__EventType)99)
M(m_oy_cap_zero, f->caps[0].max_payout_fen = 0)

static const check_case_t check_cases[] = {
    /* every body valid as built */
    {"hello", B(HELLO), NULL, NULL},
    {"login", B(LOGIN), NULL, NULL},
    {"authenticate", B(AUTHENTICATE), NULL, NULL},
    {"logout", B(LOGOUT), NULL, NULL},
    {"create_account", B(CREATE_ACCOUNT), NULL, NULL},
    {"list_divisions", B(LIST_DIVISIONS), NULL, NULL},
    {"register_household", B(REGISTER_HOUSEHOLD), NULL, NULL},
    {"add_child", B(ADD_CHILD), NULL, NULL},
    {"enroll", B(ENROLL), NULL, NULL},
    {"find_household", B(FIND_HOUSEHOLD), NULL, NULL},
    {"list_policies", B(LIST_POLICIES), NULL, NULL},
    {"open_policy_year", B(OPEN_POLICY_YEAR), NULL, NULL},
    {"list_policy_years", B(LIST_POLICY_YEARS), NULL, NULL},
    /* envelope */
    {"request id 0", B(HELLO), m_request_id_0, "request_id"},
    {"mutating without key", B(ENROLL), m_key_missing, "idempotency_key"},
    {"create_account without key", B(CREATE_ACCOUNT), m_key_missing,
     "idempotency_key"},
    {"register without key", B(REGISTER_HOUSEHOLD), m_key_missing,
     "idempotency_key"},
    {"add_child without key", B(ADD_CHILD), m_key_missing, "idempotency_key"},
    {"open year without key", B(OPEN_POLICY_YEAR), m_key_missing,
     "idempotency_key"},
    {"key of 15 bytes", B(ENROLL), m_key_short, "idempotency_key"},
    {"key on a read is fine", B(FIND_HOUSEHOLD), m_key_on_read, NULL},
    {"key of 8 bytes on a read", B(LIST_POLICIES), m_key_bad_on_read,
     "idempotency_key"},
    {"no body", B(HELLO), m_no_body, "body"},
    {"NULL body", B(HELLO), m_null_body, "body"},
    {"unknown body", B(HELLO), m_unknown_body, "body"},
    /* hello */
    {"hello min 0", B(HELLO), m_hello_min0, "min_version"},
    {"hello max < min", B(HELLO), m_hello_max_below, "max_version"},
    {"hello range", B(HELLO), m_hello_range, NULL},
    {"hello no name", B(HELLO), m_hello_name_empty, NULL},
    {"hello NULL name", B(HELLO), m_hello_name_null, NULL},
    {"hello name newline", B(HELLO), m_hello_name_newline, "client_name"},
    {"hello name 65", B(HELLO), m_hello_name_long, "client_name"},
    /* login */
    {"login uppercase", B(LOGIN), m_login_upper, "username"},
    {"login short", B(LOGIN), m_login_short, "username"},
    {"login 33", B(LOGIN), m_login_long, "username"},
    {"login 32", B(LOGIN), m_login_32, NULL},
    {"login space", B(LOGIN), m_login_space, "username"},
    {"login empty password", B(LOGIN), m_login_pw_empty, "password"},
    {"login short password", B(LOGIN), m_login_pw_short_ok, NULL},
    {"login control in password", B(LOGIN), m_login_pw_ctrl, "password"},
    /* authenticate */
    {"token empty", B(AUTHENTICATE), m_token_empty, "token"},
    {"token space", B(AUTHENTICATE), m_token_space, "token"},
    {"token non-ASCII", B(AUTHENTICATE), m_token_utf8, "token"},
    /* create account */
    {"password 9", B(CREATE_ACCOUNT), m_ca_pw_9, "password"},
    {"password 10 CJK", B(CREATE_ACCOUNT), m_ca_pw_10_chars, NULL},
    {"password 4 CJK (12 bytes)", B(CREATE_ACCOUNT), m_ca_pw_4_chars,
     "password"},
    {"role 0", B(CREATE_ACCOUNT), m_ca_role0, "role"},
    {"role 9", B(CREATE_ACCOUNT), m_ca_role9, "role"},
    {"township clerk, county code", B(CREATE_ACCOUNT), m_ca_township_6,
     "division_code"},
    {"county clerk, township code", B(CREATE_ACCOUNT), m_ca_county_9,
     "division_code"},
    {"county clerk, county code", B(CREATE_ACCOUNT), m_ca_county_6, NULL},
    {"auditor, township code", B(CREATE_ACCOUNT), m_ca_auditor_9, NULL},
    {"division letters", B(CREATE_ACCOUNT), m_ca_division_letters,
     "division_code"},
    {"division 12 digits", B(CREATE_ACCOUNT), m_ca_division_12,
     "division_code"},
    {"username slash", B(CREATE_ACCOUNT), m_ca_username_bad, "username"},
    /* list divisions */
    {"root city", B(LIST_DIVISIONS), m_ld_root_6, NULL},
    {"root township", B(LIST_DIVISIONS), m_ld_root_9, NULL},
    {"root 4 digits", B(LIST_DIVISIONS), m_ld_root_bad, "root_code"},
    /* register household */
    {"township 6 digits", B(REGISTER_HOUSEHOLD), m_rh_township_6,
     "township_code"},
    {"kind 0", B(REGISTER_HOUSEHOLD), m_rh_kind0, "kind"},
    {"kind 7", B(REGISTER_HOUSEHOLD), m_rh_kind7, "kind"},
    {"only child, no certificate", B(REGISTER_HOUSEHOLD), m_rh_cert_empty,
     "certificate_no"},
    {"certificate space", B(REGISTER_HOUSEHOLD), m_rh_cert_space,
     "certificate_no"},
    {"certificate 33", B(REGISTER_HOUSEHOLD), m_rh_cert_33, "certificate_no"},
    {"certificate 32", B(REGISTER_HOUSEHOLD), m_rh_cert_32, NULL},
    {"certificate CJK", B(REGISTER_HOUSEHOLD), m_rh_cert_cjk,
     "certificate_no"},
    {"two daughters, no certificate", B(REGISTER_HOUSEHOLD),
     m_rh_two_daughters_no_cert, "certificate_no"},
    {"two daughters, bad certificate", B(REGISTER_HOUSEHOLD),
     m_rh_two_daughters_bad_cert, "certificate_no"},
    {"no guardians", B(REGISTER_HOUSEHOLD), m_rh_no_guardians, "guardians"},
    {"one guardian", B(REGISTER_HOUSEHOLD), m_rh_one_guardian, NULL},
    {"three guardians", B(REGISTER_HOUSEHOLD), m_rh_three_guardians,
     "guardians"},
    {"guardian 0 bad check", B(REGISTER_HOUSEHOLD), m_rh_g0_bad_id,
     "guardians[0].id_number"},
    {"guardian 1 short id", B(REGISTER_HOUSEHOLD), m_rh_g1_bad_id,
     "guardians[1].id_number"},
    {"guardian 0 lowercase x", B(REGISTER_HOUSEHOLD), m_rh_g1_lower_x,
     "guardians[0].id_number"},
    {"guardians same id", B(REGISTER_HOUSEHOLD), m_rh_g1_same_id,
     "guardians[1].id_number"},
    {"guardian 1 no name", B(REGISTER_HOUSEHOLD), m_rh_g1_name_empty,
     "guardians[1].name"},
    {"guardian 0 NULL name", B(REGISTER_HOUSEHOLD), m_rh_g0_name_null,
     "guardians[0].name"},
    {"guardian 1 tab in name", B(REGISTER_HOUSEHOLD), m_rh_g1_name_tab,
     "guardians[1].name"},
    {"guardian 1 surrogate", B(REGISTER_HOUSEHOLD), m_rh_g1_name_bad_utf8,
     "guardians[1].name"},
    {"guardian 1 NULL", B(REGISTER_HOUSEHOLD), m_rh_g1_null, "guardians[1]"},
    {"guardian 0 name 64 CJK", B(REGISTER_HOUSEHOLD), m_rh_g0_name_64_cjk,
     NULL},
    {"guardian 0 name 65", B(REGISTER_HOUSEHOLD), m_rh_g0_name_65,
     "guardians[0].name"},
    {"guardian 1 leading space", B(REGISTER_HOUSEHOLD),
     m_rh_g1_name_lead_space, "guardians[1].name"},
    {"guardian 1 trailing space", B(REGISTER_HOUSEHOLD),
     m_rh_g1_name_trail_space, "guardians[1].name"},
    {"guardian 0 trailing ideographic space", B(REGISTER_HOUSEHOLD),
     m_rh_g0_name_trail_ideographic, "guardians[0].name"},
    {"guardian 0 leading no-break space", B(REGISTER_HOUSEHOLD),
     m_rh_g0_name_lead_nbsp, "guardians[0].name"},
    {"guardian 0 inner ideographic space", B(REGISTER_HOUSEHOLD),
     m_rh_g0_name_inner_ideographic, NULL},
    {"guardian 1 name a blank", B(REGISTER_HOUSEHOLD), m_rh_g1_name_blank,
     "guardians[1].name"},
    {"child name trailing space", B(ADD_CHILD), m_ac_name_trail_space,
     "name"},
    /* add child */
    {"household 0", B(ADD_CHILD), m_ac_household_0, "household_id"},
    {"household negative", B(ADD_CHILD), m_ac_household_neg, "household_id"},
    {"child id short", B(ADD_CHILD), m_ac_bad_id, "id_number"},
    {"child no name", B(ADD_CHILD), m_ac_name_empty, "name"},
    {"sex and date derived", B(ADD_CHILD), m_ac_sex_derived, NULL},
    {"sex disagrees", B(ADD_CHILD), m_ac_sex_wrong, "sex"},
    {"sex 3", B(ADD_CHILD), m_ac_sex_unknown, "sex"},
    {"date disagrees", B(ADD_CHILD), m_ac_date_wrong, "birth_date"},
    {"date malformed", B(ADD_CHILD), m_ac_date_bad, "birth_date"},
    {"date NULL", B(ADD_CHILD), m_ac_date_null, NULL},
    {"boy", B(ADD_CHILD), m_ac_boy, NULL},
    /* enroll */
    {"enroll bad id", B(ENROLL), m_en_bad_id, "child_id_number"},
    {"enroll empty id", B(ENROLL), m_en_empty_id, "child_id_number"},
    {"enroll 1999", B(ENROLL), m_en_year_1999, "policy_year"},
    {"enroll 2101", B(ENROLL), m_en_year_2101, "policy_year"},
    {"enroll 2100", B(ENROLL), m_en_year_2100, NULL},
    /* find / list */
    {"find bad id", B(FIND_HOUSEHOLD), m_fh_bad, "guardian_id_number"},
    {"find by nothing", B(FIND_HOUSEHOLD), m_fh_none, "guardian_id_number"},
    {"find by two", B(FIND_HOUSEHOLD), m_fh_two, "guardian_id_number"},
    {"find by certificate", B(FIND_HOUSEHOLD), m_fh_cert, NULL},
    {"find bad certificate", B(FIND_HOUSEHOLD), m_fh_cert_bad,
     "certificate_no"},
    {"find by child", B(FIND_HOUSEHOLD), m_fh_child, NULL},
    {"find bad child id", B(FIND_HOUSEHOLD), m_fh_child_bad,
     "child_id_number"},
    {"list bad id", B(LIST_POLICIES), m_lp_bad, "child_id_number"},
    /* open policy year */
    {"year 0", B(OPEN_POLICY_YEAR), m_oy_year_bad, "terms.year"},
    {"reference Feb 30", B(OPEN_POLICY_YEAR), m_oy_date_bad,
     "terms.reference_date"},
    {"reference empty", B(OPEN_POLICY_YEAR), m_oy_date_empty,
     "terms.reference_date"},
    {"reference far", B(OPEN_POLICY_YEAR), m_oy_date_far, "terms.reference_date"},
    {"reference year before", B(OPEN_POLICY_YEAR), m_oy_date_prev_year, NULL},
    {"premium 0", B(OPEN_POLICY_YEAR), m_oy_premium_0, "terms.premium_fen"},
    {"premium negative", B(OPEN_POLICY_YEAR), m_oy_premium_neg,
     "terms.premium_fen"},
    {"premium max", B(OPEN_POLICY_YEAR), m_oy_premium_max, NULL},
    {"premium over", B(OPEN_POLICY_YEAR), m_oy_premium_over, "terms.premium_fen"},
    {"county range empty", B(OPEN_POLICY_YEAR), m_oy_range_empty,
     "terms.county_share_max_fen"},
    {"city subsidy leaves no county share", B(OPEN_POLICY_YEAR),
     m_oy_city_too_big, "terms.county_share_min_fen"},
    {"cap twice", B(OPEN_POLICY_YEAR), m_oy_cap_twice, "terms.benefits[1].event"},
    {"cap unknown event", B(OPEN_POLICY_YEAR), m_oy_cap_event_bad,
     "terms.benefits[1].event"},
    {"cap zero", B(OPEN_POLICY_YEAR), m_oy_cap_zero,
     "terms.benefits[0].max_payout_fen"},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]);
         i++) {
        const check_case_t *c = &check_cases[i];
        fixture_t f;
        fixture_init(&f, c->body);
        if (c->mutate)
            c->mutate(&f);
        request_problem_t p;
        memset(&p, 0x55, sizeof(p));
        bool ok = request_check(&f.req, &p);
        if (c->field == NULL) {
            if (!ok)
                fail_msg("%s: refused: %s: %s", c->name, p.field, p.message);
            assert_int_equal(p.code,
                             AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED);
            assert_string_equal(p.field, "");
            assert_string_equal(p.message, "");
        } else {
            if (ok)
                fail_msg("%s: accepted, want a problem at %s", c->name,
                         c->field);
            if (strcmp(p.field, c->field) != 0)
                fail_msg("%s: field \"%s\" (%s), want \"%s\"", c->name,
                         p.field, p.message, c->field);
            assert_int_equal(p.code,
                             AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
            assert_true(strlen(p.message) > 0);
            assert_true(strlen(p.message) < REQUEST_MESSAGE_SIZE);
        }
    }
}

static void test_messages_name_the_reason(void **state)
{
    (void)state;
    fixture_t f;
    request_problem_t p;
    fixture_init(&f, B(REGISTER_HOUSEHOLD));
    f.guardian[1].id_number = ID_BAD_CHECK;
    assert_false(request_check(&f.req, &p));
    assert_string_equal(p.message,
                        "guardians[1].id_number: ID number check character "
                        "is wrong");
    fixture_init(&f, B(ADD_CHILD));
    f.add_child.birth_date = "2008-03-01";
    assert_false(request_check(&f.req, &p));
    assert_string_equal(p.message, "birth_date disagrees with the ID number, "
                                   "which says 2008-02-29");
}

static void test_mutating(void **state)
{
    (void)state;
    static const struct {
        Aixin__V1__Request__BodyCase body;
        bool mutating;
    } bodies[] = {
        {B(_NOT_SET), false},        {B(HELLO), false},
        {B(LOGIN), false},           {B(AUTHENTICATE), false},
        {B(LOGOUT), false},          {B(CREATE_ACCOUNT), true},
        {B(LIST_DIVISIONS), false},  {B(REGISTER_HOUSEHOLD), true},
        {B(ADD_CHILD), true},        {B(ENROLL), true},
        {B(FIND_HOUSEHOLD), false},  {B(LIST_POLICIES), false},
        {B(OPEN_POLICY_YEAR), true}, {B(LIST_POLICY_YEARS), false},
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        fixture_t f;
        fixture_init(&f, bodies[i].body);
        assert_int_equal(request_is_mutating(&f.req), bodies[i].mutating);
        assert_int_equal(request_body_is_mutating(bodies[i].body),
                         bodies[i].mutating);
        assert_string_not_equal(request_body_name(bodies[i].body), "unknown");
    }
    assert_false(request_is_mutating(NULL));
    assert_string_equal(request_body_name(B(REGISTER_HOUSEHOLD)),
                        "register_household");
    assert_string_equal(request_body_name((Aixin__V1__Request__BodyCase)99),
                        "unknown");
}

/* DrawAuditSample and RecordAuditFinding: the field a problem names, NULL
 * when the request passes. */
static const char *post_audit_problem(Aixin__V1__Request *req)
{
    static request_problem_t p;
    memset(&p, 0, sizeof(p));
    return request_check(req, &p) ? NULL : p.field;
}

static void test_post_audit(void **state)
{
    (void)state;
    static const struct {
        const char *month;
        const char *field;
    } months[] = {
        {"2027-04", NULL}, {"2000-01", NULL}, {"2100-12", NULL},
        {"2027-4", "month"}, {"2027-13", "month"}, {"2027-00", "month"},
        {"1999-12", "month"}, {"2101-01", "month"}, {"2027/04", "month"},
        {"", "month"}, {"2027-04-01", "month"}, {"２０２７-04", "month"},
    };
    for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
        Aixin__V1__DrawAuditSample draw = AIXIN__V1__DRAW_AUDIT_SAMPLE__INIT;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        draw.month = (char *)months[i].month;
        req.request_id = 1;
        req.idempotency_key.len = 16;
        req.idempotency_key.data = (uint8_t *)"0123456789abcdef";
        req.body_case = B(DRAW_AUDIT_SAMPLE);
        req.draw_audit_sample = &draw;
        const char *field = post_audit_problem(&req);
        if (months[i].field == NULL ? field != NULL
                                    : field == NULL ||
                                          strcmp(field, months[i].field) != 0)
            fail_msg("month \"%s\": problem at %s", months[i].month,
                     field != NULL ? field : "(none)");
    }

    static const struct {
        int64_t claim_id;
        Aixin__V1__AuditResult result;
        int64_t recovered_fen;
        const char *note;
        const char *field;
    } findings[] = {
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK, 0, "无误", NULL},
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_RECOVERED, 1, "x", NULL},
        {0, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK, 0, "x", "claim_id"},
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_UNSPECIFIED, 0, "x",
         "result"},
        {7, (Aixin__V1__AuditResult)9, 0, "x", "result"},
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK, 100, "x",
         "recovered_fen"},
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_RECOVERED, 0, "x",
         "recovered_fen"},
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_RECOVERED, -5, "x",
         "recovered_fen"},
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK, 0, "", "note"},
        {7, AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK, 0, "a\nb", "note"},
    };
    for (size_t i = 0; i < sizeof(findings) / sizeof(findings[0]); i++) {
        Aixin__V1__RecordAuditFinding body =
            AIXIN__V1__RECORD_AUDIT_FINDING__INIT;
        Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
        body.claim_id = findings[i].claim_id;
        body.result = findings[i].result;
        body.recovered_fen = findings[i].recovered_fen;
        body.note = (char *)findings[i].note;
        req.request_id = 1;
        req.idempotency_key.len = 16;
        req.idempotency_key.data = (uint8_t *)"0123456789abcdef";
        req.body_case = B(RECORD_AUDIT_FINDING);
        req.record_audit_finding = &body;
        const char *field = post_audit_problem(&req);
        if (findings[i].field == NULL
                ? field != NULL
                : field == NULL || strcmp(field, findings[i].field) != 0)
            fail_msg("finding %zu: problem at %s", i,
                     field != NULL ? field : "(none)");
    }
    assert_true(request_body_is_mutating(B(DRAW_AUDIT_SAMPLE)));
    assert_true(request_body_is_mutating(B(RECORD_AUDIT_FINDING)));
    assert_string_equal(request_body_name(B(DRAW_AUDIT_SAMPLE)),
                        "draw_audit_sample");
    assert_string_equal(request_body_name(B(RECORD_AUDIT_FINDING)),
                        "record_audit_finding");
}

/* ---- the wire path: request_decode ---- */

static uint8_t *pack(const Aixin__V1__Request *req, size_t *len)
{
    *len = aixin__v1__request__get_packed_size(req);
    uint8_t *buf = malloc(*len ? *len : 1);
    assert_non_null(buf);
    assert_int_equal(aixin__v1__request__pack(req, buf), *len);
    return buf;
}

/* Replace the first occurrence of `from` in buf by `to` (same length). */
static void patch(uint8_t *buf, size_t len, const char *from, const char *to,
                  size_t n)
{
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(buf + i, from, n) == 0) {
            memcpy(buf + i, to, n);
            return;
        }
    }
    fail_msg("pattern not found");
}

static void test_decode_ok(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, B(REGISTER_HOUSEHOLD));
    size_t len;
    uint8_t *buf = pack(&f.req, &len);
    pb_arena_t arena;
    pb_arena_init(&arena, 4 * 1024 * 1024);
    Aixin__V1__Request *req;
    request_problem_t p;
    assert_int_equal(request_decode(&arena, buf, len, &req, &p),
                     REQUEST_DECODE_OK);
    assert_non_null(req);
    assert_int_equal(req->request_id, 7);
    assert_string_equal(req->register_household->guardians[1]->name,
                        "Li Hua");
    pb_arena_reset(&arena);
    pb_arena_free(&arena);
    free(buf);
}

/* A NUL inside a string: protobuf-c would cut the string there, so only
 * the wire walk can see it. */
static void test_decode_nul_in_string(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, B(REGISTER_HOUSEHOLD));
    f.guardian[1].name = "Li HuaX";
    size_t len;
    uint8_t *buf = pack(&f.req, &len);
    patch(buf, len, "HuaX", "Hua\0", 4);
    pb_arena_t arena;
    pb_arena_init(&arena, 1 << 20);
    Aixin__V1__Request *req;
    request_problem_t p;
    assert_int_equal(request_decode(&arena, buf, len, &req, &p),
                     REQUEST_DECODE_INVALID);
    assert_non_null(req); /* so the answer can echo request_id */
    assert_int_equal(req->request_id, 7);
    assert_int_equal(p.code,
                     AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
    assert_string_equal(p.field, "guardians[1].name");
    /* what unpack made of it: silently cut */
    assert_string_equal(req->register_household->guardians[1]->name,
                        "Li Hua");
    pb_arena_reset(&arena);

    /* and in a body's direct field */
    fixture_init(&f, B(ENROLL));
    f.enroll.child_id_number = "36082120080101123Z";
    free(buf);
    buf = pack(&f.req, &len);
    patch(buf, len, "123Z", "123\0", 4);
    assert_int_equal(request_decode(&arena, buf, len, &req, &p),
                     REQUEST_DECODE_INVALID);
    assert_string_equal(p.field, "child_id_number");
    pb_arena_free(&arena);
    free(buf);
}

static void test_decode_semantic(void **state)
{
    (void)state;
    fixture_t f;
    fixture_init(&f, B(ADD_CHILD));
    f.add_child.sex = AIXIN__V1__SEX__SEX_MALE;
    size_t len;
    uint8_t *buf = pack(&f.req, &len);
    pb_arena_t arena;
    pb_arena_init(&arena, 1 << 20);
    Aixin__V1__Request *req;
    request_problem_t p;
    assert_int_equal(request_decode(&arena, buf, len, &req, &p),
                     REQUEST_DECODE_INVALID);
    assert_non_null(req);
    assert_string_equal(p.field, "sex");
    pb_arena_free(&arena);
    free(buf);
}

static void test_decode_unreadable(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
    } cases[] = {
        {"\x0a\x05" "abc", 5},          /* length past the end */
        {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12}, /* varint */
        {"\x0b", 1},                    /* start group */
        {"\x52\x02\x08", 3},            /* truncated sub-message */
        {"\xff", 1},
    };
    pb_arena_t arena;
    pb_arena_init(&arena, 1 << 20);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Aixin__V1__Request *req = (Aixin__V1__Request *)&arena;
        request_problem_t p;
        request_decode_result_t r = request_decode(
            &arena, (const uint8_t *)cases[i].bytes, cases[i].len, &req, &p);
        if (r != REQUEST_DECODE_UNREADABLE)
            fail_msg("case %zu: got %d", i, (int)r);
        assert_null(req);
        assert_int_equal(p.code, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME);
        pb_arena_reset(&arena);
    }
    pb_arena_free(&arena);
}

/* Unknown fields and unknown enum numbers unpack fine; the check refuses
 * the enum and ignores the unknown field. */
static void test_decode_unknowns(void **state)
{
    (void)state;
    /* request_id 1, hello {min 1, max 1}, unknown field 99 varint */
    const uint8_t hello[] = {0x08, 0x01, 0x52, 0x04, 0x08, 0x01, 0x10, 0x01,
                             0x98, 0x06, 0x05};
    pb_arena_t arena;
    pb_arena_init(&arena, 1 << 20);
    Aixin__V1__Request *req;
    request_problem_t p;
    assert_int_equal(request_decode(&arena, hello, sizeof(hello), &req, &p),
                     REQUEST_DECODE_OK);
    pb_arena_reset(&arena);
    /* request_id 1, key 16 bytes, create_account { role = 77 } */
    uint8_t ca[] = {0x08, 0x01, 0x12, 0x10, 1, 2,    3, 4,    5, 6, 7, 8,
                    9,    10,   11,   12,   13, 14, 15, 16,   0xa2, 0x01,
                    0x02, 0x18, 77};
    assert_int_equal(request_decode(&arena, ca, sizeof(ca), &req, &p),
                     REQUEST_DECODE_INVALID);
    /* username is checked first */
    assert_string_equal(p.field, "username");
    pb_arena_free(&arena);
}

static void test_decode_too_large(void **state)
{
    (void)state;
    /* 3000 empty guardians: 2 bytes each on the wire, ~50 in memory */
    fixture_t f;
    fixture_init(&f, B(REGISTER_HOUSEHOLD));
    enum { N = 3000 };
    Aixin__V1__Guardian *gs = calloc(N, sizeof(*gs));
    Aixin__V1__Guardian **gp = calloc(N, sizeof(*gp));
    for (size_t i = 0; i < N; i++) {
        aixin__v1__guardian__init(&gs[i]);
        gp[i] = &gs[i];
    }
    f.register_household.n_guardians = N;
    f.register_household.guardians = gp;
    size_t len;
    uint8_t *buf = pack(&f.req, &len);
    pb_arena_t arena;
    pb_arena_init(&arena, 4 * len);
    Aixin__V1__Request *req;
    request_problem_t p;
    assert_int_equal(request_decode(&arena, buf, len, &req, &p),
                     REQUEST_DECODE_TOO_LARGE);
    assert_null(req);
    assert_int_equal(p.code,
                     AIXIN__V1__ERROR_CODE__ERROR_CODE_FRAME_TOO_LARGE);
    pb_arena_free(&arena);
    free(buf);
    free(gp);
    free(gs);
}

static void test_wire_paths(void **state)
{
    (void)state;
    /* register_household with guardians[0] fine and guardians[1].name bad;
     * the index counts occurrences of the repeated field. */
    fixture_t f;
    fixture_init(&f, B(REGISTER_HOUSEHOLD));
    f.guardian[1].name = "Li\x01Hua";
    size_t len;
    uint8_t *buf = pack(&f.req, &len);
    request_problem_t p;
    assert_false(request_check_wire_text(buf, len, &p));
    assert_string_equal(p.field, "guardians[1].name");
    assert_int_equal(p.code,
                     AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
    free(buf);
    /* township_code with an invalid UTF-8 byte */
    fixture_init(&f, B(REGISTER_HOUSEHOLD));
    f.register_household.township_code = "36082110\xff";
    buf = pack(&f.req, &len);
    assert_false(request_check_wire_text(buf, len, &p));
    assert_string_equal(p.field, "township_code");
    free(buf);
    /* a valid one passes */
    fixture_init(&f, B(CREATE_ACCOUNT));
    buf = pack(&f.req, &len);
    assert_true(request_check_wire_text(buf, len, &p));
    assert_int_equal(p.code, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_messages_name_the_reason),
        cmocka_unit_test(test_mutating),
        cmocka_unit_test(test_post_audit),
        cmocka_unit_test(test_decode_ok),
        cmocka_unit_test(test_decode_nul_in_string),
        cmocka_unit_test(test_decode_semantic),
        cmocka_unit_test(test_decode_unreadable),
        cmocka_unit_test(test_decode_unknowns),
        cmocka_unit_test(test_decode_too_large),
        cmocka_unit_test(test_wire_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
