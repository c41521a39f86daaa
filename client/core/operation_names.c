/* Operations in words; see operation_names.h. */
#include "operation_names.h"

#include <stddef.h>
#include <string.h>

#include "i18n.h"

/* server/dispatch.c's names; labels in the words of the desk's pages. */
static const struct {
    const char *name;
    const char *label;
} operations[] = {
    {"hello", N_("greet the server")},
    {"login", N_("log in")},
    {"authenticate", N_("resume a session")},
    {"logout", N_("log out")},
    {"certificate_login", N_("log in with a certificate")},
    {"bind_certificate", N_("bind a certificate to an account")},
    {"create_account", N_("create an account")},
    {"list_divisions", N_("list the divisions")},
    {"register_household", N_("register a household")},
    {"add_child", N_("add a child")},
    {"enroll", N_("enroll a child")},
    {"find_household", N_("find a household")},
    {"list_policies", N_("list a child's policies")},
    {"open_policy_year", N_("open a policy year")},
    {"list_policy_years", N_("list the policy years")},
    {"update_policy_year", N_("change a policy year's terms")},
    {"get_policy_year", N_("show a policy year")},
    {"register_insurer", N_("register an insurer")},
    {"list_insurers", N_("list the insurers")},
    {"set_county_terms", N_("set a county's terms")},
    {"list_county_terms", N_("list the county terms")},
    {"submit_census", N_("submit a township census")},
    {"list_census", N_("list the census")},
    {"record_disbursement", N_("record a disbursement")},
    {"get_ledger", N_("show the ledger")},
    {"import_enrollments", N_("import enrollments")},
    {"file_claim", N_("file a claim")},
    {"add_claim_documents", N_("add documents to a claim")},
    {"review_claim", N_("start a claim's review")},
    {"flag_claim_doubt", N_("flag a doubt on a claim")},
    {"escalate_claim", N_("escalate a claim")},
    {"approve_claim", N_("approve a claim")},
    {"reject_claim", N_("reject a claim")},
    {"pay_claim", N_("pay a claim")},
    {"record_visit", N_("record a visit")},
    {"add_supplementary_payout", N_("add a supplementary payout")},
    {"get_claim", N_("show a claim")},
    {"list_due_claims", N_("list the claims due")},
    {"claim_history", N_("show a claim's history")},
    {"get_report", N_("make a report")},
    {"unlock_account", N_("unlock an account")},
    {"disable_account", N_("disable an account")},
    {"change_password", N_("change the password")},
    {"reset_password", N_("reset a password")},
    {"list_audit", N_("read the audit log")},
    {"verify_audit", N_("verify the audit log")},
};

const char *operation_label(const char *name)
{
    for (size_t i = 0; i < sizeof(operations) / sizeof(operations[0]); i++)
        if (strcmp(operations[i].name, name) == 0)
            return _(operations[i].label);
    return NULL;
}
