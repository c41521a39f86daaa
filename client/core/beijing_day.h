/*
 * Days in Beijing time (Asia/Shanghai: UTC+8, no daylight saving), the
 * programme's time zone: this year, and the first second of a day a
 * person typed, for the filters and defaults of both faces.
 */
#ifndef AIXIN_CLIENT_BEIJING_DAY_H
#define AIXIN_CLIENT_BEIJING_DAY_H

#include <stdbool.h>
#include <stdint.h>

/* The year it is now in Beijing. */
int32_t beijing_this_year(void);

/* "YYYY-MM-DD" (a real date, civil_date.h) as the unix seconds at which
 * that day begins in Beijing; false when it is no such date. */
bool beijing_day_start(const char *text, int64_t *out);

#endif
