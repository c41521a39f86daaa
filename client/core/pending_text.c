/* Pending actions in words; see pending_text.h. */
#include "pending_text.h"

#include <string.h>

#include "i18n.h"

const char *pending_kind_text(const char *kind)
{
    if (strcmp(kind, "claim.approve") == 0)
        return _("approval");
    if (strcmp(kind, "claim.supplement") == 0)
        return _("supplementary payout");
    return kind;
}

const char *pending_state_text(const char *state)
{
    if (strcmp(state, "pending") == 0)
        return _("waiting");
    if (strcmp(state, "confirmed") == 0)
        return _("confirmed");
    if (strcmp(state, "declined") == 0)
        return _("declined");
    return state;
}
