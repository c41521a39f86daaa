/* Year settings in the user's language and units; see year_setting_text.h. */
#include "year_setting_text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "money.h"

typedef struct setting_text {
    const char *name;
    const char *description; /* N_() */
} setting_text_t;

/* One line per setting kind the server defines (deploy/sql: INSERT INTO
 * aixin.year_setting_kinds). A kind missing here is shown with the
 * server's English description. */
static const setting_text_t known[] = {
    {"grievance_answer_days",
     N_("Days from the date a grievance is received to its answer deadline")},
    {"alert_payout_ratio_high",
     N_("Early warning when a county's payout ratio is above this")},
    {"alert_payout_ratio_low",
     N_("Early warning when a county's payout ratio is below this")},
    {"alert_enrollment_rate",
     N_("Early warning when a county's enrollment rate is below this near "
        "the end of the enrollment period")},
    {"enrollment_period_days",
     N_("The enrollment period ends this many days after the reference "
        "date")},
    {"alert_enrollment_window_days",
     N_("Warn about low enrollment this many days before the enrollment "
        "period ends")},
    {"funding_due_days",
     N_("Each level's premium share is due this many days after the "
        "reference date")},
    {"four_eyes_approval_fen",
     N_("an approval of a claim above this amount waits for a second "
        "adjuster of the insurer to confirm it; 0: never")},
    {"four_eyes_supplementary_fen",
     N_("a supplementary payout above this amount waits for a second city "
        "administrator to confirm it; 0: never")},
    {"post_audit_sample_rate",
     N_("Share of a month's same-day claims drawn for the city's post-audit "
        "(rounded up)")},
    {"assessment_enrollment_threshold",
     N_("Enrollment rate a county must reach in the year to earn the "
        "assessment points")},
    {"assessment_points",
     N_("Points added to the annual target assessment of a county at the "
        "enrollment threshold")},
    {"assessment_insurance_weight",
     N_("Weight of the insurance item in the incentive-policy assessment")},
    {NULL, NULL},
};

const char *year_setting_description(const char *name, const char *fallback)
{
    for (size_t i = 0; known[i].name != NULL; i++)
        if (strcmp(name, known[i].name) == 0)
            return _(known[i].description);
    return fallback;
}

void year_setting_format(const char *unit, int64_t value,
                         char out[YEAR_SETTING_VALUE_TEXT_SIZE])
{
    char money[MONEY_TEXT_SIZE];
    if (strcmp(unit, "fen") == 0) {
        money_format_fen(value, money);
        snprintf(out, YEAR_SETTING_VALUE_TEXT_SIZE, "%s", money);
    } else if (strcmp(unit, "basis_points") == 0) {
        /* 1 basis point = 0.01%, the same two decimals as yuan/fen. */
        money_format_fen(value, money);
        snprintf(out, YEAR_SETTING_VALUE_TEXT_SIZE, "%s%%", money);
    } else {
        snprintf(out, YEAR_SETTING_VALUE_TEXT_SIZE, "%" PRId64, value);
    }
}

bool year_setting_parse(const char *unit, const char *text, int64_t *value)
{
    size_t len = strlen(text);
    if (strcmp(unit, "basis_points") == 0) {
        if (len > 0 && text[len - 1] == '%')
            len--;
        return money_parse_yuan(text, len, 0, value) == MONEY_OK;
    }
    if (strcmp(unit, "fen") == 0)
        return money_parse_yuan(text, len, 0, value) == MONEY_OK;
    if (len == 0 || len > 18)
        return false;
    for (size_t i = 0; i < len; i++)
        if (text[i] < '0' || text[i] > '9')
            return false;
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno != 0)
        return false;
    *value = (int64_t)v;
    return true;
}
