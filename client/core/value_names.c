/* Protocol names in the user's language; see value_names.h. */
#include "value_names.h"

#include <string.h>

#include "i18n.h"

/* Every name common/names.c gives these enums. */
static const char *const known[] = {
    N_("city_admin"),   N_("county_clerk"),    N_("township_clerk"),
    N_("insurer_adjuster"), N_("auditor"),
    N_("only_child"),   N_("two_daughters"),
    N_("city"),         N_("county"),          N_("township"),
    N_("M"),            N_("F"),
    N_("illness"),      N_("accident_injury"), N_("disability"),
    N_("child_death"),  N_("guardian_death"),
    N_("filed"),        N_("under_review"),    N_("escalated"),
    N_("approved"),     N_("rejected"),        N_("paid"),
    N_("same_day"),     N_("seven_day"),       N_("fifteen_day"),
    N_("close"),        N_("reopen"),
};

const char *value_name_text(const char *name)
{
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(name, known[i]) == 0)
            return _(known[i]);
    return name;
}
