/* The CSV of an export (export_file.h). */
#include <inttypes.h>
#include <string.h>

#include "export_file.h"
#include "i18n.h"
#include "money.h"

#define CSV_EOL "\r\n"

/* The columns; msgid = the key, its zh_CN translation the label. */
static const char *const policy_columns[] = {
    N_("policy_id"),           N_("policy_year"),
    N_("county_code"),         N_("county_name"),
    N_("township_code"),       N_("township_name"),
    N_("household_id"),        N_("household_kind"),
    N_("child_id_number"),     N_("child_name"),
    N_("child_sex"),           N_("child_birth_date"),
    N_("guardian1_id_number"), N_("guardian1_name"),
    N_("guardian2_id_number"), N_("guardian2_name"),
    N_("insurer_code"),        N_("insurer_name"),
    N_("premium_yuan"),        N_("city_share_yuan"),
    N_("county_share_yuan"),   N_("township_share_yuan"),
    N_("enrolled_on"),         NULL,
};

static const char *const claim_columns[] = {
    N_("claim_id"),            N_("policy_id"),
    N_("policy_year"),         N_("county_code"),
    N_("county_name"),         N_("township_code"),
    N_("township_name"),       N_("household_id"),
    N_("child_id_number"),     N_("child_name"),
    N_("child_sex"),           N_("child_birth_date"),
    N_("guardian1_id_number"), N_("guardian1_name"),
    N_("guardian2_id_number"), N_("guardian2_name"),
    N_("insurer_code"),        N_("insurer_name"),
    N_("event"),               N_("incident_date"),
    N_("received_on"),         N_("state"),
    N_("claimed_yuan"),        N_("approved_yuan"),
    N_("decided_on"),          N_("decision_reason"),
    N_("paid_yuan"),           N_("paid_on"),
    N_("payment_method"),      N_("delivered_home"),
    N_("supplementary_yuan"),  N_("supplementary_count"),
    N_("supplementary_last_on"), N_("total_paid_yuan"),
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
        csv_text(out, _(cols[i]), i == 0);
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
