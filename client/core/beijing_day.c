/* Days in Beijing time; see beijing_day.h. */
#include "beijing_day.h"

#include <string.h>
#include <time.h>

#include "civil_date.h"

#define BEIJING_UTC_OFFSET_SECONDS (8 * 3600)

int32_t beijing_this_year(void)
{
    time_t t = time(NULL) + BEIJING_UTC_OFFSET_SECONDS;
    struct tm tm;
    gmtime_r(&t, &tm);
    return (int32_t)(tm.tm_year + 1900);
}

bool beijing_day_start(const char *text, int64_t *out)
{
    civil_date_t d;
    if (!civil_date_parse(text, strlen(text), &d))
        return false;
    *out = civil_date_to_days(d) * 86400 - BEIJING_UTC_OFFSET_SECONDS;
    return true;
}
