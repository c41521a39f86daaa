/* Translated names of the protocol's enums; see desk_labels.h. */
#include "desk_labels.h"

#include "i18n.h"
#include "names.h"

const char *desk_label_role(Aixin__V1__Role role)
{
    switch (role) {
    case AIXIN__V1__ROLE__ROLE_CITY_ADMIN: return _("city administrator");
    case AIXIN__V1__ROLE__ROLE_COUNTY_CLERK: return _("county clerk");
    case AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK: return _("township clerk");
    case AIXIN__V1__ROLE__ROLE_INSURER_ADJUSTER: return _("insurer's adjuster");
    case AIXIN__V1__ROLE__ROLE_AUDITOR: return _("auditor");
    default: return "";
    }
}

const char *desk_role_name(Aixin__V1__Role role)
{
    const char *n = names_role(role);
    return n != NULL ? n : "";
}

const char *desk_label_household_kind(Aixin__V1__HouseholdKind kind)
{
    switch (kind) {
    case AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD:
        return _("only-child household");
    case AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS:
        return _("two-daughter household");
    default:
        return "";
    }
}

const char *desk_label_sex(Aixin__V1__Sex sex)
{
    switch (sex) {
    case AIXIN__V1__SEX__SEX_MALE: return _("male");
    case AIXIN__V1__SEX__SEX_FEMALE: return _("female");
    default: return "";
    }
}

const char *desk_label_notice_kind(notice_kind_t kind)
{
    switch (kind) {
    case NOTICE_REJECTED: return _("Refused");
    case NOTICE_WARNING: return _("Note");
    case NOTICE_INFO: return _("Done");
    default: return _("Error");
    }
}
