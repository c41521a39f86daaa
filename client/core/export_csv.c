/* The CSV of an export (export_file.h). */
#include <inttypes.h>
#include <string.h>

#include "export_file.h"
#include "i18n.h"
#include "money.h"

#define CSV_EOL "\r\n"

/* The columns: the key, and its zh_CN translation the label (msgctxt
 * "export column", so that the words keep these translations here). */
static const char *const policy_columns[] = {
    NC_("export column", "policy_id"),           NC_("export column", "policy_year"),
    NC_("export column", "county_code"),         NC_("export column", "county_name"),
    NC_("export column", "township_code"),       NC_("export column", "township_name"),
    NC_("export column", "household_id"),        NC_("export column", "household_kind"),
    NC_("export column", "child_id_number"),     NC_("export column", "child_name"),
    NC_("export column", "child_sex"),           NC_("export column", "child_birth_date"),
    NC_("export column", "guardian1_id_number"), NC_("export column", "guardian1_name"),
    NC_("export column", "guardian2_id_number"), NC_("export column", "guardian2_name"),
    NC_("export column", "insurer_code"),        NC_("export column", "insurer_name"),
    NC_("export column", "premium_yuan"),        NC_("export column", "city_share_yuan"),
    NC_("export column", "county_share_yuan"),   NC_("export column", "township_share_yuan"),
    NC_("export column", "enrolled_on"),         NULL,
};

static const char *const claim_columns[] = {
    NC_("export column", "claim_id"),            NC_("export column", "policy_id"),
    NC_("export column", "policy_year"),         NC_("export column", "county_code"),
    NC_("export column", "county_name"),         NC_("export column", "township_code"),
    NC_("export column", "township_name"),       NC_("export column", "household_id"),
    NC_("export column", "child_id_number"),     NC_("export column", "child_name"),
    NC_("export column", "child_sex"),           NC_("export column", "child_birth_date"),
    NC_("export column", "guardian1_id_number"), NC_("export column", "guardian1_name"),
    NC_("export column", "guardian2_id_number"), NC_("export column", "guardian2_name"),
    NC_("export column", "insurer_code"),        NC_("export column", "insurer_name"),
    NC_("export column", "event"),               NC_("export column", "incident_date"),
    NC_("export column", "received_on"),         NC_("export column", "state"),
    NC_("export column", "claimed_yuan"),        NC_("export column", "approved_yuan"),
    NC_("export column", "decided_on"),          NC_("export column", "decision_reason"),
    NC_("export column", "paid_yuan"),           NC_("export column", "paid_on"),
    NC_("export column", "payment_method"),      NC_("export column", "delivered_home"),
    NC_("export column", "supplementary_yuan"),  NC_("export column", "supplementary_count"),
    NC_("export column", "supplementary_last_on"), NC_("export column", "total_paid_yuan"),
    NULL,
};

/* One field, quoted when it holds a comma, a quote or a line break. */
static void csv_text(FILE *out, const char *s, bool first)
{
    if (!first)
        fputc(',', out);
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_int(FILE *out, int64_t v)
{
    fprintf(out, ",%" PRId64, v);
}

static void csv_yuan(FILE *out, int64_t fen)
{
    char text[MONEY_TEXT_SIZE];
    money_format_fen(fen, text);
    fprintf(out, ",%s", text);
}

void export_csv_header(Aixin__V1__ExportKind kind, FILE *out)
{
    const char *const *cols =
        kind == AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS ? claim_columns
                                                           : policy_columns;
    for (size_t i = 0; cols[i] != NULL; i++)
        csv_text(out, i18n_text(cols[i]), i == 0);
    fputs(CSV_EOL, out);
}

static const char *person_id(const Aixin__V1__ExportPerson *p)
{
    return p != NULL ? p->id_number : "";
}

static const char *person_name(const Aixin__V1__ExportPerson *p)
{
    return p != NULL ? p->name : "";
}

static const Aixin__V1__ExportPerson *
guardian(const Aixin__V1__ExportPolicy *p, size_t i)
{
    return i < p->n_guardians ? p->guardians[i] : NULL;
}

/* The person columns shared by both kinds: child and guardians. */
static void csv_people(FILE *out, const Aixin__V1__ExportPolicy *p)
{
    csv_text(out, person_id(p->child), false);
    csv_text(out, person_name(p->child), false);
    csv_text(out, p->child_sex, false);
    csv_text(out, p->child_birth_date, false);
    for (size_t i = 0; i < 2; i++) {
        csv_text(out, person_id(guardian(p, i)), false);
        csv_text(out, person_name(guardian(p, i)), false);
    }
    csv_text(out, p->insurer_code, false);
    csv_text(out, p->insurer_name, false);
}

void export_csv_policy(const Aixin__V1__ExportPolicy *p, FILE *out)
{
    fprintf(out, "%" PRId64, p->id);
    csv_int(out, p->policy_year);
    csv_text(out, p->county_code, false);
    csv_text(out, p->county_name, false);
    csv_text(out, p->township_code, false);
    csv_text(out, p->township_name, false);
    csv_int(out, p->household_id);
    csv_text(out, p->household_kind, false);
    csv_people(out, p);
    csv_yuan(out, p->premium_fen);
    csv_yuan(out, p->city_share_fen);
    csv_yuan(out, p->county_share_fen);
    csv_yuan(out, p->township_share_fen);
    csv_text(out, p->enrolled_on, false);
    fputs(CSV_EOL, out);
}

/* An amount that is not there yet (approval, payment) stays empty. */
static void csv_yuan_or_empty(FILE *out, int64_t fen, bool present)
{
    if (present)
        csv_yuan(out, fen);
    else
        fputc(',', out);
}

void export_csv_claim(const Aixin__V1__ExportClaim *c, FILE *out)
{
    static const Aixin__V1__ExportPolicy none = AIXIN__V1__EXPORT_POLICY__INIT;
    const Aixin__V1__ExportPolicy *p = c->policy != NULL ? c->policy : &none;
    bool approved = c->approved_fen > 0;
    bool paid = c->paid_on[0] != '\0';
    fprintf(out, "%" PRId64, c->id);
    csv_int(out, p->id);
    csv_int(out, p->policy_year);
    csv_text(out, p->county_code, false);
    csv_text(out, p->county_name, false);
    csv_text(out, p->township_code, false);
    csv_text(out, p->township_name, false);
    csv_int(out, p->household_id);
    csv_people(out, p);
    csv_text(out, c->event, false);
    csv_text(out, c->incident_date, false);
    csv_text(out, c->received_on, false);
    csv_text(out, c->state, false);
    csv_yuan(out, c->amount_claimed_fen);
    csv_yuan_or_empty(out, c->approved_fen, approved);
    csv_text(out, c->decided_on, false);
    csv_text(out, c->decision_reason, false);
    csv_yuan_or_empty(out, c->paid_fen, paid);
    csv_text(out, c->paid_on, false);
    csv_text(out, c->payment_method, false);
    csv_text(out, c->delivered_home ? "true" : "false", false);
    csv_yuan(out, c->supplementary_fen);
    csv_int(out, c->supplementary_count);
    csv_text(out, c->supplementary_last_on, false);
    csv_yuan(out, c->paid_fen + c->supplementary_fen);
    fputs(CSV_EOL, out);
}
