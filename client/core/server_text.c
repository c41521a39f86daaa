/* The server's messages in the user's language; see server_text.h. */
#include "server_text.h"

#include <stdio.h>
#include <string.h>

#include "field_names.h"
#include "i18n.h"
#include "operation_names.h"

/*
 * From the daemon's checks (common/idcard.c, common/money.c,
 * common/request_check*.c) and the database's functions (deploy/sql):
 * the wording must stay identical to theirs, or the message is shown
 * untranslated.
 */
static const char *const patterns[] = {
    N_("ID number must be 18 characters"),
    N_("ID number must be 17 digits followed by a digit or uppercase X"),
    N_("ID number does not hold a real birth date"),
    N_("ID number check character is wrong"),
    N_("amount is empty"),
    N_("amount must be yuan digits with an optional '.' and 1 or 2 decimals"),
    N_("amount has more than two decimals"),
    N_("amount must not be negative"),
    N_("amount is too large"),
    N_("invalid ID number"),
    N_("a child with this ID number is already registered"),
    N_("a guardian is already in a household"),
    N_("guardian 1 is already in a household"),
    N_("guardian 2 is already in a household"),
    N_("a household with this certificate number is already registered"),
    N_("the guardian is already in a household with another certificate"),
    N_("the two guardians must be different people"),
    N_("this child belongs to another household"),
    N_("the child is registered under another name"),
    N_("birth date does not agree with the ID number"),
    N_("sex does not agree with the ID number"),
    N_("the birth date in the ID number is in the future"),
    N_("child already enrolled for %s"),
    N_("child is 7 or older on %s (age %s); only ages 0-6 are covered"),
    N_("child is not yet born on %s"),
    N_("child not found"),
    N_("the child has no policy for %s"),
    N_("household %s not found"),
    N_("township %s not found"),
    N_("township %s is outside your division"),
    N_("division %s not found"),
    N_("division %s is outside your division"),
    N_("county %s has no share and insurer set for %s"),
    N_("policy year %s not found"),
    N_("policy year %s already exists"),
    N_("permission denied for role %s"),
    N_("unknown or disabled account"),
    N_("an only-child household needs its certificate number"),
    N_("household kind must be only_child or two_daughters"),
    N_("eligible households must be 0 or more"),
    N_("payment date %s is in the future"),
    N_("the incident date %s is before the child was born"),
    N_("the incident date must fall in the policy year %s"),
    N_("the documents of claim %s are not complete"),
    N_("only a supervisor of the insurer answers an escalated claim"),
    N_("the amount paid must be the %s yuan approved"),
    N_("say what is in doubt"),
    /* aixin.claim_date: a claim action's paper date (field, date, ...) */
    N_("%s %s is in the future (today is %s)"),
    N_("%s %s is before the claim was received (%s)"),
    N_("%s %s is before the claim was escalated (%s)"),
    /* common/request_check*.c: %s is a field path, shown by its label */
    N_("%s must be a real date YYYY-MM-DD from 1900 to 2999"),
    N_("%s disagrees with the ID number, which says %s"),
    N_("%s is not valid single-line UTF-8 text"),
    N_("%s must be a 9-digit township code"),
    N_("%s must be a 6- or 9-digit division code"),
    N_("%s must be a 6-digit county or city code"),
    N_("%s must be %s-%s characters"),
    N_("%s is missing"),
    N_("%s: ID number must be 18 characters"),
    N_("%s: ID number must be 17 digits followed by a digit or uppercase X"),
    N_("%s: ID number does not hold a real birth date"),
    N_("%s: ID number check character is wrong"),
    N_("child_birth_date is required"),
    N_("child_sex is required"),
    /* The rest of what deploy/sql, the daemon (server) and its checks
     * (common/request_check) can send, as listed by
     * tests/po/server_messages.sh; the most
     * general patterns last, so that they do not take a specific
     * message first. */
    N_("the code, level and parent of division %s cannot change"),
    N_("parent division %s of %s not found"),
    N_("the parent of county %s must be a city"),
    N_("the parent of township %s must be a county"),
    N_("the kind and township of household %s cannot change"),
    N_("an only-child household has at most one child"),
    N_("a two-daughter household registers daughters only"),
    N_("a two-daughter household has at most two children"),
    N_("policy year %s already has policies; it cannot change"),
    N_("the year, child and premium of policy %s cannot change"),
    N_("the premium of a %s policy is %s fen"),
    N_("audit_log is append-only (%s refused)"),
    N_("idempotency key must be 16 bytes"),
    N_("idempotency key reused with a different request"),
    N_("idempotency key has no recorded result"),
    N_("division %s exists with another level or parent"),
    N_("token hash must be 32 bytes"),
    N_("session lifetime must be between 60 seconds and 31 days"),
    N_("username must be 3-32 characters of a-z 0-9 _ . -"),
    N_("password hash must be an argon2id string"),
    N_("no city-level division is loaded; load the divisions first"),
    N_("unknown role"),
    N_("a %s belongs to a %s-level division, not a %s one"),
    N_("account %s already exists"),
    N_("division %s is a %s, not a township"),
    N_("certificate number must be 1-32 printable ASCII characters without spaces"),
    N_("name must be 1-64 characters, without control characters or surrounding spaces"),
    N_("year must be between 2000 and 2100"),
    N_("reference date must fall in %s or %s"),
    N_("premium must be between 1 fen and 1,000,000 yuan"),
    N_("county share must be between %s and %s yuan in %s"),
    N_("township share would be negative: premium %s - city subsidy %s - county share %s = %s yuan"),
    N_("the county and year of county terms cannot change"),
    N_("county %s is frozen for %s: %s policies already enrolled"),
    N_("the premium split and insurer of policy %s are frozen at enrollment"),
    N_("the city share of a %s policy is %s fen"),
    N_("the county share of a %s policy in county %s is %s fen"),
    N_("the township share of a %s policy in county %s is %s fen"),
    N_("the insurer of county %s in %s is insurer %s"),
    N_("policy year %s is frozen: %s policies already enrolled"),
    N_("county %s has a share of %s yuan in %s, below the new minimum of %s yuan"),
    N_("county %s has a share of %s yuan in %s, above the new maximum of %s yuan"),
    N_("township share in county %s would be negative: premium %s - city subsidy %s - county share %s = %s yuan"),
    N_("the next census revision of township %s for %s is %s"),
    N_("city subsidy must be between 0 and the premium (%s yuan)"),
    N_("minimum county share must be 0 or more"),
    N_("city subsidy %s + minimum county share %s exceed the premium of %s yuan"),
    N_("maximum county share must be between the minimum (%s yuan) and the premium (%s yuan)"),
    N_("benefits must be a JSON array"),
    N_("benefit %s must be an object with event and max_payout_fen"),
    N_("event must be one of %s"),
    N_("event %s is capped twice"),
    N_("maximum payout must be a positive whole number of fen"),
    N_("insurer code must be 2-32 characters of a-z 0-9 _ -"),
    N_("insurer %s already exists"),
    N_("county %s not found"),
    N_("division %s is a %s, not a county"),
    N_("county %s is outside your division"),
    N_("insurer %s not found"),
    N_("terms of county %s for %s were set concurrently; retry"),
    N_("note must be one line of at most 200 characters, without surrounding spaces"),
    N_("level must be city, county or township"),
    N_("division %s is a %s, not a %s"),
    N_("a %s may not record payments of %s %s"),
    N_("amount must be positive"),
    N_("payment date must be between 2000-01-01 and today (%s)"),
    N_("reference must be 1-64 characters, without control characters or surrounding spaces"),
    N_("payment %s of %s for %s is already recorded"),
    N_("certificate %s belongs to another household"),
    N_("a household with certificate %s was registered at the same time"),
    N_("sha256 must be 64 lowercase hex digits"),
    N_("no account %s"),
    N_("that certificate is bound to another account"),
    N_("an insurer adjuster needs the code of its insurer"),
    N_("only an insurer adjuster has an insurer"),
    N_("only an insurer adjuster can be a supervisor"),
    N_("claims are never deleted"),
    N_("a new claim is filed, without doubt or escalation"),
    N_("received_on %s is in the future"),
    N_("the %s policies do not cover %s"),
    N_("claim %s is %s (final)"),
    N_("what was filed for claim %s cannot change"),
    N_("claim %s cannot go from %s to %s"),
    N_("the documents of claim %s were complete on %s"),
    N_("a doubt on claim %s cannot be withdrawn"),
    N_("claim %s was escalated on %s"),
    N_("the decision on claim %s cannot change"),
    N_("decided_on is in the future"),
    N_("paid_on %s is in the future"),
    N_("approving %s yuan would exceed the %s %s cap of %s yuan: %s yuan remain"),
    N_("received_on is before the claim was received (%s)"),
    N_("claim %s is %s, not paid"),
    N_("%s is before the claim was paid (%s)"),
    N_("claim %s not found"),
    N_("claim %s is %s; %s needs a claim that is %s"),
    N_("%s %s is in the future (today is %s)"),
    N_("%s must be at most %s characters, without control characters or surrounding spaces"),
    N_("at most 50 documents at a time"),
    N_("a document name must be 1-100 characters, without control characters or surrounding spaces"),
    N_("amount claimed must be positive"),
    N_("the incident date %s is after the claim was received (%s)"),
    N_("name the documents received, or mark the documents complete"),
    N_("approved amount must be positive"),
    N_("approved amount %s yuan is more than the %s yuan claimed"),
    N_("a death benefit is the scheduled %s yuan; a lower amount needs a note"),
    N_("a rejection needs a reason"),
    N_("method must be bank_transfer, cash or cheque"),
    N_("a payout of 5000.00 yuan or more (here %s yuan) must be delivered to the home"),
    N_("supplementary payout %s of claim %s is already recorded"),
    N_("within_days must be between 0 and 366"),
    N_("year_from must be between 2000 and 2100"),
    N_("year_to must be between 2000 and 2100"),
    N_("year_to (%s) is before year_from (%s)"),
    N_("the assessment is of counties: give a city or a county, not township %s"),
    N_("account %s not found"),
    N_("only a city administrator administers accounts"),
    N_("an administrator cannot disable its own account"),
    N_("a batch is 1-10000 rows with one value of every field per row"),
    N_("batch must be between 1 and 100000"),
    N_("idempotency keys are kept at least 400 days"),
    N_("the cap on supplementary payouts per claim must be 0 (none) or a positive amount"),
    N_("the budget for supplementary payouts must be 0 (none) or a positive amount"),
    N_("supplementary payouts of claim %s would total %s yuan, over the cap of %s yuan per claim in %s"),
    N_("supplementary payouts of %s would total %s yuan, over the year's budget of %s yuan"),
    N_("give exactly one of a guardian's ID number, a certificate number or a child's ID number"),
    N_("invalid certificate number"),
    N_("the first request must be Hello"),
    N_("Hello was already exchanged"),
    N_("server out of memory; retry"),
    N_("unknown request type"),
    N_("log in first (Login or Authenticate)"),
    N_("session expired: log in again"),
    N_("role may not %s"),
    N_("could not hash the password; retry"),
    N_("server busy; retry"),
    N_("the old password is wrong"),
    N_("the password was set by an administrator: change it first "
       "(ChangePassword)"),
    N_("too many wrong passwords: try again in %s s"),
    N_("account unknown or disabled"),
    N_("audit check gave no answer"),
    N_("unexpected claim result"),
    N_("unexpected claim history result"),
    N_("unexpected census result"),
    N_("township %s is outside your scope"),
    N_("disbursement not recorded"),
    N_("division %s is outside your scope"),
    N_("unexpected ledger result"),
    N_("no child with that ID number in your scope"),
    N_("policy not created"),
    N_("unexpected policy year row"),
    N_("expected one policy year, got %s"),
    N_("insurer not registered"),
    N_("unexpected county terms result"),
    N_("no household with that certificate number in your scope"),
    N_("no household with that child in your scope"),
    N_("no household with that guardian in your scope"),
    N_("child not added"),
    N_("server speaks protocol versions %s..%s"),
    N_("session not created"),
    N_("login check gave no answer"),
    N_("session unknown or expired: log in again"),
    N_("no account is bound to this certificate"),
    N_("no verified client certificate on this connection"),
    N_("account not found after the change"),
    N_("connection closed"),
    N_("the session has ended (logged out, account disabled or password changed): log in again"),
    N_("%s must not begin or end with a blank"),
    N_("%s must be %s-%s characters of a-z, 0-9, '_', '.', '-'"),
    N_("min_version must be at least 1"),
    N_("max_version must not be below min_version"),
    N_("only insurer adjusters have an insurer"),
    N_("only insurer adjusters can be supervisors"),
    N_("role %s is not a known role"),
    N_("%s must be 1-%s printable ASCII characters without spaces"),
    N_("kind %s is not a known household kind"),
    N_("a household has 1 or 2 guardians, not %s"),
    N_("%s repeats guardians[%s].id_number"),
    N_("%s %s is not a known sex"),
    N_("household_id must be a positive household id"),
    N_("give exactly one of guardian_id_number, certificate_no and child_id_number"),
    N_("request_id must not be 0"),
    N_("%s needs an idempotency_key of %s bytes, not %s"),
    N_("idempotency_key must be empty or %s bytes, not %s"),
    N_("the request has no body"),
    N_("unknown report kind"),
    N_("year_to is before year_from"),
    N_("from and to are unix seconds, from before to"),
    N_("sha256 must be empty or 64 lowercase hex digits"),
    N_("body %s is not a known request"),
    N_("payload is not a readable Request"),
    N_("request needs more memory than the decode budget allows"),
    N_("a batch has 1-%s rows, not %s"),
    N_("each row needs an idempotency_key of %s bytes"),
    N_("household_kind must be only_child or two_daughters"),
    N_("claim_id must be positive"),
    N_("%s must be 1-%s fen"),
    N_("at most %s documents at a time"),
    N_("unknown event type"),
    N_("name a document or mark the documents complete"),
    N_("unknown payment method"),
    N_("within_days must be 0-366"),
    N_("not a claim request"),
    N_("%s must be %s-%s fen"),
    N_("terms are missing"),
    N_("reference_date must fall in %s or %s"),
    N_("premium_fen must be 1-%s fen"),
    N_("county share range is empty (min above max)"),
    N_("city subsidy plus the smallest county share exceed the premium"),
    N_("each event type may have one cap"),
    N_("%s must be 2-32 characters of a-z, 0-9, '_', '-'"),
    N_("eligible_households must be 0-100000000"),
    N_("not a programme request"),
    N_("ID number must begin with a real province code (GB/T 2260)"),
    /* Year settings, four eyes, grievances, post-audit, exports and the
     * year cycle (deploy/sql/0014-0022, server/handle_*.c). */
    N_("unknown year setting %s"),
    N_("renewal goes from one year to the next (to_year = from_year + 1)"),
    N_("renew a city, county or township, not a %s"),
    N_("dry run"),
    N_("pending actions are kept"),
    N_("pending action %s was asked by this account; another account must confirm it"),
    N_("pending action %s is already %s"),
    N_("claim %s has an approval waiting for confirmation (pending %s): confirm or decline it first"),
    N_("supplementary payout %s of claim %s is already waiting for confirmation"),
    N_("declining needs a reason"),
    N_("pending action %s not found"),
    N_("a supplementary payout is confirmed by another city administrator"),
    N_("an approval is confirmed by another adjuster of the insurer"),
    N_("the account that asked for pending action %s is disabled; decline it"),
    N_("only a supervisor of the insurer confirms the approval of an escalated claim"),
    N_("a grievance starts open"),
    N_("grievance %s is closed"),
    N_("what a grievance received cannot change"),
    N_("grievance %s is already answered"),
    N_("grievance %s is already closed"),
    N_("grievance %s cannot go back from %s to %s"),
    N_("grievance %s is already %s"),
    N_("grievance %s not found"),
    N_("grievance %s is outside your division"),
    N_("no child with ID number %s"),
    N_("no guardian with ID number %s"),
    N_("a general grievance has no subject"),
    N_("a general grievance needs the township it concerns"),
    N_("the subject belongs to township %s, not %s"),
    N_("the subject of the grievance (township %s) is outside your division"),
    N_("no active account %s"),
    N_("account %s cannot handle this grievance (outside its division or insurer)"),
    N_("grievance %s is not assigned to you"),
    N_("grievance %s is not answered yet: answer it before closing"),
    N_("recovered amount %s fen is more than the %s fen paid on claim %s"),
    N_("month %s is not over yet (today is %s): its sample is drawn from the 1st of the next month"),
    N_("claim %s is not in a post-audit sample"),
    N_("a finding of ok recovers nothing: give the amount with result recovered"),
    N_("a finding of ok recovers nothing"),
    N_("a recovery needs the amount recovered, more than 0"),
    N_("claim %s already has a post-audit finding"),
    N_("an adjuster exports only its own insurer's records"),
    N_("export answered in an unknown shape"),
    N_("unexpected %s row"),
    N_("unexpected pending action result"),
    N_("unexpected post-audit answer"),
    N_("unexpected year setting row"),
    N_("unexpected year history answer"),
    N_("unexpected renewal answer"),
    N_("unknown export kind"),
    N_("not a grievance request"),
    N_("not a year cycle request"),
    /* General ones: anything more specific must come before. */
    N_("%s must be %s-%s"),
    N_("%s must be %s"),
    N_("%s %s is in the future"),
    N_("%s %s is before %s"),
    N_("%s is append-only (%s refused)"),
    N_("%s must be at most %s bytes"),
    N_("%s must be at least %s characters"),
    /* Closing years and renewal (deploy/sql/0016_year_cycle.sql). */
    N_("policy year %s is closed: %s refused (a city admin may reopen it)"),
    N_("policy year %s has %s open claims (filed, under review, escalated or approved and unpaid): settle or reject them before closing"),
    N_("the claims window of %s runs until %s: close it after that, or force the close with a reason"),
    N_("policy year %s is already closed"),
    N_("policy year %s is not closed"),
    N_("a forced close needs a reason"),
    N_("reopening a year needs a reason"),
    N_("policy year %s is not open yet: a city admin opens it with aixin year open"),
    N_("county share and insurer for %s are not set for: %s (a city admin sets them with aixin terms set)"),
    N_("division %s not found in your scope"),
};

bool server_text_match(const char *pattern, const char *message,
                       char values[][64], size_t *n)
{
    *n = 0;
    const char *p = pattern, *m = message;
    while (*p != '\0') {
        if (p[0] == '%' && p[1] == 's') {
            if (*n == SERVER_TEXT_MAX_VALUES)
                return false;
            p += 2;
            /* The literal text up to the next "%s" or the end. */
            const char *next = strstr(p, "%s");
            size_t lit = next != NULL ? (size_t)(next - p) : strlen(p);
            const char *found = NULL;
            if (lit == 0 && next == NULL) {
                found = m + strlen(m); /* the value runs to the end */
            } else if (lit == 0) {
                return false; /* two values side by side: ambiguous */
            } else {
                /* Shortest value: the first place the literal follows. */
                for (const char *q = m + 1; *q != '\0'; q++)
                    if (strncmp(q, p, lit) == 0) {
                        found = q;
                        break;
                    }
            }
            if (found == NULL || found == m)
                return false;
            snprintf(values[*n], 64, "%.*s", (int)(found - m), m);
            (*n)++;
            m = found;
            continue;
        }
        if (*p != *m)
            return false;
        p++;
        m++;
    }
    return *m == '\0';
}

/* t with its "%s" replaced by values[0..n) in order and "%%" by "%". */
static void fill(const char *t, char values[][64], size_t n, char *out,
                 size_t size)
{
    size_t o = 0, v = 0;
    for (const char *p = t; *p != '\0' && o + 1 < size; p++) {
        const char *piece = NULL;
        size_t len = 1;
        if (p[0] == '%' && p[1] == 's') {
            piece = v < n ? values[v] : "";
            v++;
            len = strlen(piece);
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            piece = p;
            p++;
        } else {
            piece = p;
        }
        if (len > size - 1 - o)
            len = size - 1 - o;
        memcpy(out + o, piece, len);
        o += len;
    }
    out[o] = '\0';
}

bool server_text_translate(const char *message, char *out, size_t size)
{
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        char values[SERVER_TEXT_MAX_VALUES][64];
        size_t n;
        if (!server_text_match(patterns[i], message, values, &n))
            continue;
        /* Every translation keeps the pattern's "%s", in order (msgfmt
         * --check-format enforces it); they are filled in here rather
         * than by printf, whose format must be a literal. A translated
         * message names a field by its label, as the form does. */
        const char *t = _(patterns[i]);
        if (t != patterns[i])
            for (size_t v = 0; v < n; v++) {
                const char *op = operation_label(values[v]);
                if (field_name_find(values[v]) != NULL)
                    snprintf(values[v], sizeof(values[v]), "%s",
                             field_name_label(values[v]));
                else if (op != NULL)
                    snprintf(values[v], sizeof(values[v]), "%s", op);
            }
        fill(t, values, n, out, size);
        return true;
    }
    snprintf(out, size, "%s", message);
    return false;
}
