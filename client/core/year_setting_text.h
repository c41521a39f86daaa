/*
 * A year setting (aixin.year_settings) as a person reads and types it: a
 * description in the user's language, and the value in its unit (fen as
 * yuan, basis points as a percentage, days, points, counts). Shared by the
 * CLI (`aixin year set|settings`) and the desk.
 */
#ifndef AIXIN_CLIENT_YEAR_SETTING_TEXT_H
#define AIXIN_CLIENT_YEAR_SETTING_TEXT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define YEAR_SETTING_VALUE_TEXT_SIZE 40

/* The translated description of a known setting (borrowed), else
 * `fallback` (the server's English text). */
const char *year_setting_description(const char *name, const char *fallback);

/* The value as text in its unit: "1234.50" (fen), "85.00%" (basis
 * points), "15" (days, points, count). */
void year_setting_format(const char *unit, int64_t value,
                         char out[YEAR_SETTING_VALUE_TEXT_SIZE]);

/* Parse text typed for a setting of `unit`: yuan with at most two
 * decimals for fen; a percentage with at most two decimals, with or
 * without '%', for basis points; a whole number otherwise. Negative
 * values are refused. False when the text is not such a value. */
bool year_setting_parse(const char *unit, const char *text, int64_t *value);

#endif
