/* The forms' ID number check; see desk_idcheck.h. */
#include "desk_idcheck.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

static const char *id_reason(idcard_result_t r)
{
    switch (r) {
    case IDCARD_ERR_LENGTH:
        return _("An ID number has 18 characters.");
    case IDCARD_ERR_CHAR:
        return _("An ID number has 17 digits and then a digit or X.");
    case IDCARD_ERR_DATE:
        return _("The birth date in the ID number does not exist.");
    case IDCARD_ERR_CHECK:
        return _("The check digit (the last character) is wrong: the "
                 "number was mistyped.");
    default:
        return _("The ID number is not valid.");
    }
}

void desk_idcheck_run(const char *id, const civil_date_t *reference,
                      bool child, desk_idcheck_t *out)
{
    memset(out, 0, sizeof(*out));
    idcard_result_t r = idcard_parse(id, strlen(id), &out->info);
    if (r != IDCARD_OK) {
        snprintf(out->message, sizeof(out->message), "%s", id_reason(r));
        return;
    }
    out->ok = true;
    if (reference == NULL)
        return;
    civil_date_t born = {out->info.year, out->info.month, out->info.day};
    char ref[CIVIL_DATE_TEXT_SIZE];
    civil_date_format(*reference, ref);
    if (!civil_date_age_on(born, *reference, &out->age)) {
        if (child) {
            out->ok = false;
            snprintf(out->message, sizeof(out->message),
                     _("The child is not yet born on %s, the year's "
                       "reference date."),
                     ref);
        }
        return;
    }
    out->has_age = true;
    if (child && out->age > DESK_CHILD_MAX_AGE) {
        out->ok = false;
        snprintf(out->message, sizeof(out->message),
                 _("The child is %d on %s, the year's reference date: only "
                   "children aged 0 to 6 are covered."),
                 out->age, ref);
    }
}
