#include "civil_date.h"

bool civil_date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int civil_date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && civil_date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool civil_date_is_valid(civil_date_t d)
{
    if (d.year < CIVIL_DATE_MIN_YEAR || d.year > CIVIL_DATE_MAX_YEAR)
        return false;
    int dim = civil_date_days_in_month(d.year, d.month);
    return dim != 0 && d.day >= 1 && d.day <= dim;
}

/* Value of n ASCII digits at s, or -1 when one is not a digit. */
static int parse_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool civil_date_parse(const char *s, size_t len, civil_date_t *out)
{
    if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    civil_date_t d = {
        .year = parse_digits(s, 4),
        .month = parse_digits(s + 5, 2),
        .day = parse_digits(s + 8, 2),
    };
    if (!civil_date_is_valid(d))
        return false;
    *out = d;
    return true;
}

void civil_date_format(civil_date_t d, char out[CIVIL_DATE_TEXT_SIZE])
{
    /* Written by hand rather than with snprintf so that an out-of-range
     * date can never overflow out: each field is reduced to its width. */
    int y = d.year < 0 ? 0 : d.year % 10000;
    int m = d.month < 0 ? 0 : d.month % 100;
    int dd = d.day < 0 ? 0 : d.day % 100;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + dd / 10);
    out[9] = (char)('0' + dd % 10);
    out[10] = '\0';
}

int civil_date_compare(civil_date_t a, civil_date_t b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

/*
 * Howard Hinnant's days_from_civil / civil_from_days: years counted from
 * March so that the leap day falls at the end of each 400-year era.
 */
int64_t civil_date_to_days(civil_date_t d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.month + 9) % 12; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

civil_date_t civil_date_from_days(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    return (civil_date_t){(int)year, (int)month, (int)day};
}

bool civil_date_age_on(civil_date_t birth, civil_date_t on, int *years)
{
    if (civil_date_compare(on, birth) < 0)
        return false;
    int age = on.year - birth.year;
    if (on.month < birth.month ||
        (on.month == birth.month && on.day < birth.day))
        age--;
    *years = age;
    return true;
}
