/* The audit log's actions in words; see audit_text.h. */
#include "audit_text.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "operation_names.h"

typedef struct action_word {
    const char *action;
    const char *text;
} action_word_t;

/* Every action the database's functions write (grep "aixin.audit(" in
 * deploy/sql). */
static const action_word_t words[] = {
    {"session.login", N_("logged in")},
    {"session.login_failed", N_("failed login")},
    {"session.login_throttled", N_("logins throttled")},
    {"session.logout", N_("logged out")},
    {"account.bootstrap", N_("first city administrator created")},
    {"account.create", N_("account created")},
    {"account.disable", N_("account disabled")},
    {"account.unlock", N_("account unlocked")},
    {"account.password_change", N_("own password changed")},
    {"account.password_reset", N_("password reset")},
    {"account.bind_certificate", N_("certificate bound to an account")},
    {"audit.verify", N_("audit log verified")},
    {"household.register", N_("household registered")},
    {"household.read", N_("household looked up")},
    {"household.read.denied", N_("household lookup refused")},
    {"household.read.missing", N_("household lookup found nothing")},
    {"child.add", N_("child added")},
    {"policy.enroll", N_("child enrolled")},
    {"policy.read", N_("policies looked up")},
    {"policy.read.denied", N_("policy lookup refused")},
    {"policy.read.missing", N_("policy lookup found nothing")},
    {"import.enrollment", N_("enrolled by import")},
    {"import.enrollment.replay", N_("import row sent again")},
    {"policy_year.open", N_("policy year opened")},
    {"policy_year.update", N_("policy year changed")},
    {"policy_year.close", N_("policy year closed")},
    {"policy_year.reopen", N_("policy year reopened")},
    {"policy_year.renew", N_("renewal")},
    {"year_setting.set", N_("year setting changed")},
    {"insurer.register", N_("insurer registered")},
    {"county_terms.set", N_("county terms set")},
    {"census.submit", N_("census submitted")},
    {"disbursement.record", N_("disbursement recorded")},
    {"claim.file", N_("claim filed")},
    {"claim.read", N_("claim looked up")},
    {"claim.history", N_("claim history looked up")},
    {"claim.list_due", N_("claims due listed")},
    {"claim.add_documents", N_("claim documents added")},
    {"claim.review", N_("claim review started")},
    {"claim.doubt", N_("doubt flagged on a claim")},
    {"claim.escalate", N_("claim escalated")},
    {"claim.approve", N_("claim approved")},
    {"claim.approve.requested", N_("claim approval asked (four eyes)")},
    {"claim.reject", N_("claim rejected")},
    {"claim.pay", N_("claim paid")},
    {"claim.visit", N_("visit recorded")},
    {"claim.supplement", N_("supplementary payout")},
    {"claim.supplement.requested", N_("supplementary payout asked (four eyes)")},
    {"pending.decide", N_("pending action decided")},
    {"post_audit.draw", N_("post-audit sample drawn")},
    {"post_audit.finding", N_("post-audit finding recorded")},
    {"grievance.file", N_("grievance recorded")},
    {"grievance.assign", N_("grievance assigned")},
    {"grievance.answer", N_("grievance answered")},
    {"grievance.close", N_("grievance closed")},
    {"grievance.list", N_("grievances listed")},
    {"grievance.show", N_("grievance looked up")},
    {"export.policies", N_("policies exported")},
    {"export.claims", N_("claims exported")},
    {NULL, NULL},
};

void audit_action_text(const char *action, char out[AUDIT_TEXT_SIZE])
{
    const char *a = action != NULL ? action : "";
    for (const action_word_t *w = words; w->action != NULL; w++)
        if (strcmp(w->action, a) == 0) {
            snprintf(out, AUDIT_TEXT_SIZE, "%s", _(w->text));
            return;
        }
    /* A refused request: "refused.<operation>". */
    static const char refused[] = "refused.";
    if (strncmp(a, refused, sizeof(refused) - 1) == 0) {
        const char *op = operation_label(a + sizeof(refused) - 1);
        snprintf(out, AUDIT_TEXT_SIZE, _("refused: %s"),
                 op != NULL ? op : a + sizeof(refused) - 1);
        return;
    }
    snprintf(out, AUDIT_TEXT_SIZE, "%s", a);
}
