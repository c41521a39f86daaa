/* Local input checks; see input_check.h. */
#include "input_check.h"

#include <string.h>

#include "money.h"
#include "text_check.h"
#include "i18n.h"
#include "server_text.h"

#define PERSON_NAME_MAX_CHARS 64
#define CERTIFICATE_MAX_CHARS 32
#define COUNTY_CODE_DIGITS 6
#define TOWNSHIP_CODE_DIGITS 9
#define INSURER_CODE_MIN 2
#define INSURER_CODE_MAX 32

void input_normalize_id_number(char *s)
{
    size_t len = strlen(s);
    if (len == IDCARD_LENGTH && s[len - 1] == 'x')
        s[len - 1] = 'X';
}

cli_exit_t input_check_id_number(const char *s, const char *field,
                                 idcard_info_t *info)
{
    idcard_info_t tmp;
    idcard_result_t r = idcard_parse(s, strlen(s), &tmp);
    if (r != IDCARD_OK) {
        char reason[256];
        server_text_translate(idcard_result_message(r), reason, sizeof(reason));
        return cli_reject_input(field, "%s", reason);
    }
    if (info != NULL)
        *info = tmp;
    return CLI_EXIT_OK;
}

cli_exit_t input_check_date(const char *s, const char *field,
                            civil_date_t *out)
{
    civil_date_t d;
    if (!civil_date_parse(s, strlen(s), &d))
        return cli_reject_input(field,
                                _("'%s' is not a date of the form YYYY-MM-DD "
                                "between %d and %d"),
                                s, CIVIL_DATE_MIN_YEAR, CIVIL_DATE_MAX_YEAR);
    if (out != NULL)
        *out = d;
    return CLI_EXIT_OK;
}

cli_exit_t input_check_amount(const char *s, const char *field, int64_t *fen)
{
    int64_t v;
    money_result_t r = money_parse_yuan(s, strlen(s), 0, &v);
    char reason[256];
    if (r != MONEY_OK) {
        server_text_translate(money_result_message(r), reason, sizeof(reason));
        return cli_reject_input(field, _("'%s': %s (write yuan like 30.00)"), s,
                                reason);
    }
    if (v <= 0)
        return cli_reject_input(field, _("the amount must be more than 0.00"));
    *fen = v;
    return CLI_EXIT_OK;
}

cli_exit_t input_check_amount_or_zero(const char *s, const char *field,
                                      int64_t *fen)
{
    money_result_t r = money_parse_yuan(s, strlen(s), 0, fen);
    char reason[256];
    if (r != MONEY_OK) {
        server_text_translate(money_result_message(r), reason, sizeof(reason));
        return cli_reject_input(field, _("'%s': %s (write yuan like 6.00)"), s,
                                reason);
    }
    return CLI_EXIT_OK;
}

cli_exit_t input_check_count(const char *s, const char *field, int64_t max,
                             int64_t *out)
{
    if (!cli_parse_int64(s, 0, max, out))
        return cli_reject_input(field,
                                _("'%s' is not a whole number from 0 to %lld"),
                                s, (long long)max);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_year(const char *s, const char *field, int32_t *year)
{
    int64_t v;
    if (!cli_parse_int64(s, CIVIL_DATE_MIN_YEAR, CIVIL_DATE_MAX_YEAR, &v))
        return cli_reject_input(field, _("'%s' is not a year from %d to %d"), s,
                                CIVIL_DATE_MIN_YEAR, CIVIL_DATE_MAX_YEAR);
    *year = (int32_t)v;
    return CLI_EXIT_OK;
}

cli_exit_t input_check_record_id(const char *s, const char *field,
                                 int64_t *id)
{
    if (!cli_parse_int64(s, 1, INT64_MAX, id))
        return cli_reject_input(field, _("'%s' is not a positive whole number"),
                                s);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_person_name(const char *s, const char *field)
{
    size_t len = strlen(s);
    if (len == 0)
        return cli_reject_input(field, _("the name is empty"));
    if (!text_check_utf8(s, len))
        return cli_reject_input(field,
                                _("the name is not UTF-8 text on one line"));
    if (text_check_count_code_points(s, len) > PERSON_NAME_MAX_CHARS)
        return cli_reject_input(field, _("the name is longer than %d characters"),
                                PERSON_NAME_MAX_CHARS);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_division_code(const char *s, const char *field)
{
    size_t len = strlen(s);
    if (!text_check_digits(s, len) ||
        (len != COUNTY_CODE_DIGITS && len != TOWNSHIP_CODE_DIGITS))
        return cli_reject_input(field,
                                _("'%s' is not a division code (6 or 9 digits)"),
                                s);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_county_code(const char *s, const char *field)
{
    size_t len = strlen(s);
    if (!text_check_digits(s, len) || len != COUNTY_CODE_DIGITS)
        return cli_reject_input(field, _("'%s' is not a county code (6 digits)"),
                                s);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_township_code(const char *s, const char *field)
{
    size_t len = strlen(s);
    if (!text_check_digits(s, len) || len != TOWNSHIP_CODE_DIGITS)
        return cli_reject_input(field,
                                _("'%s' is not a township code (9 digits)"), s);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_certificate(const char *s, const char *field)
{
    size_t len = strlen(s);
    if (len == 0 || len > CERTIFICATE_MAX_CHARS ||
        !text_check_ascii_graph(s, len))
        return cli_reject_input(field,
                                _("a certificate number is 1 to %d printable "
                                "ASCII characters without spaces"),
                                CERTIFICATE_MAX_CHARS);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_insurer_code(const char *s, const char *field)
{
    size_t len = strlen(s);
    bool ok = len >= INSURER_CODE_MIN && len <= INSURER_CODE_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
             s[i] == '_' || s[i] == '-';
    if (!ok)
        return cli_reject_input(field,
                                _("'%s' is not an insurer code (%d-%d of a-z, "
                                "0-9, '_', '-')"),
                                s, INSURER_CODE_MIN, INSURER_CODE_MAX);
    return CLI_EXIT_OK;
}

cli_exit_t input_check_text(const char *s, const char *field,
                            const char *what, size_t min_chars,
                            size_t max_chars)
{
    size_t len = strlen(s);
    if (!text_check_utf8(s, len))
        return cli_reject_input(field, _("%s is not UTF-8 text on one line"),
                                what);
    size_t chars = text_check_count_code_points(s, len);
    if (chars < min_chars || chars > max_chars)
        return cli_reject_input(field, _("%s must be %zu to %zu characters"),
                                what, min_chars, max_chars);
    return CLI_EXIT_OK;
}
