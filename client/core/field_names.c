/* The protocol's field paths and what a person filled in; see
 * field_names.h. */
#include "field_names.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

static const field_name_t names[] = {
    /* households, children, policies */
    {"township_code", "--township", N_("Township code")},
    {"township", "--township", N_("Township code")},
    {"household_kind", "--kind", N_("Household type")},
    {"kind", "--kind", N_("Type")},
    {"certificate_no", "--certificate", N_("Only-child certificate number")},
    {"guardians", "--guardian", N_("Guardians")},
    {"guardians[]", "--guardian", N_("Guardian")},
    {"guardians[].id_number", "--guardian", N_("Guardian ID number")},
    {"guardians[].name", "--guardian", N_("Guardian name")},
    {"guardian", "--guardian", N_("Guardian")},
    {"guardian.id_number", "--guardian", N_("Guardian ID number")},
    {"guardian.name", "--guardian", N_("Guardian name")},
    {"guardian_id", "--guardian", N_("Guardian ID number")},
    {"guardian_id_number", "--guardian", N_("Guardian ID number")},
    {"guardian_name", "--guardian", N_("Guardian name")},
    {"household_id", "--household", N_("Household number")},
    {"id_number", "--id-number", N_("Child ID number")},
    {"name", "--name", N_("Name (person or insurer)")},
    {"sex", "--sex", N_("Sex")},
    {"birth_date", "--birth-date", N_("Date of birth")},
    {"child_id_number", "--child", N_("Child ID number")},
    {"child_id", "--child", N_("Child ID number")},
    {"child", "--child", N_("Child ID number")},
    {"child_name", "--name", N_("Child name")},
    {"child_sex", "--sex", N_("Sex")},
    {"child_birth_date", "--birth-date", N_("Date of birth")},
    {"policy_year", "--year", N_("Policy year")},
    {"year", "--year", N_("Policy year")},
    /* divisions, census, money paid in */
    {"division_code", "--division", N_("Division code")},
    {"county_code", "--county", N_("County code")},
    {"root_code", "--root", N_("Division code")},
    {"level", "--level", N_("Level")},
    {"eligible_households", "--eligible", N_("Eligible households")},
    {"amount_fen", "--amount", N_("Amount (yuan)")},
    {"paid_on", "--paid-on", N_("Date paid")},
    {"reference", "--reference", N_("Reference")},
    {"note", "--note", N_("Note")},
    /* years, terms, insurers */
    {"terms", NULL, N_("Terms of the year")},
    {"terms.year", "--year", N_("Policy year")},
    {"terms.reference_date", "--reference-date", N_("Reference date")},
    {"terms.premium_fen", "--premium", N_("Premium (yuan)")},
    {"terms.city_subsidy_fen", "--city-subsidy", N_("City subsidy (yuan)")},
    {"terms.county_share_min_fen", "--county-share-range",
     N_("Lowest county share (yuan)")},
    {"terms.county_share_max_fen", "--county-share-range",
     N_("Highest county share (yuan)")},
    {"terms.caps", "--benefit", N_("Benefit caps")},
    {"terms.caps[]", "--benefit", N_("Benefit cap")},
    {"terms.caps[].max_payout_fen", "--benefit", N_("Benefit cap (yuan)")},
    {"county_share_fen", "--county-share", N_("County share (yuan)")},
    {"insurer_code", "--insurer", N_("Insurer")},
    {"code", "--code", N_("Code")},
    /* claims */
    {"claim_id", "--claim", N_("Claim number")},
    {"event", "--event", N_("Event")},
    {"incident_date", "--incident-date", N_("Date of the incident")},
    {"amount_claimed_fen", "--amount", N_("Amount claimed (yuan)")},
    {"approved_fen", "--amount", N_("Amount approved (yuan)")},
    {"received_on", "--received-on", N_("Date received")},
    {"description", "--description", N_("Description")},
    {"documents", "--document", N_("Documents")},
    {"documents[]", "--document", N_("Document")},
    {"within_days", "--within-days", N_("Within days")},
    {"supervisor", "--supervisor", N_("Supervisor")},
    {"visited_on", NULL, N_("Date of the visit")},
    {"decided_on", NULL, N_("Date of the decision")},
    /* accounts, sessions, reports */
    {"username", "--username", N_("User name")},
    {"password", "--password-stdin", N_("Password")},
    {"old_password", NULL, N_("Current password")},
    {"new_password", NULL, N_("New password")},
    {"role", "--role", N_("Role")},
    {"year_from", "--from", N_("First year")},
    {"year_to", "--to", N_("Last year")},
    /* grievances */
    {"summary", "--summary", N_("Summary")},
    {"subject", NULL, N_("What the grievance concerns")},
    {"assignee", "--to", N_("Assigned to")},
    {"answer", "--answer", N_("Answer")},
    {"resolution", "--resolution", N_("Resolution")},
};

/* a equals the table's pattern p, any "[digits]" of a matching "[]". */
static bool path_matches(const char *a, const char *p)
{
    while (*a != '\0' && *p != '\0') {
        if (*a == '[' && p[0] == '[' && p[1] == ']') {
            a++;
            if (*a < '0' || *a > '9')
                return false;
            while (*a >= '0' && *a <= '9')
                a++;
            if (*a != ']')
                return false;
            a++;
            p += 2;
            continue;
        }
        if (*a != *p)
            return false;
        a++;
        p++;
    }
    return *a == '\0' && *p == '\0';
}

const field_name_t *field_name_find(const char *path)
{
    if (path == NULL || path[0] == '\0')
        return NULL;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (path_matches(path, names[i].path))
            return &names[i];
    return NULL;
}

const char *field_name_option(const char *path)
{
    const field_name_t *f = field_name_find(path);
    return f != NULL ? f->option : NULL;
}

const char *field_name_label(const char *path)
{
    if (path == NULL)
        return "";
    const field_name_t *f = field_name_find(path);
    return f != NULL ? _(f->label) : path;
}

void field_name_describe_option(const char *path, char *out, size_t size)
{
    if (size == 0)
        return;
    out[0] = '\0';
    if (path == NULL || path[0] == '\0')
        return;
    const field_name_t *f = field_name_find(path);
    /* The path stays after the option: scripts and support read it. */
    if (f != NULL && f->option != NULL)
        snprintf(out, size, _("option %s, field %s"), f->option, path);
    else
        snprintf(out, size, _("field %s"), path);
}
