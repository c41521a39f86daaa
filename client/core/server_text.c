/* The server's messages in the user's language; see server_text.h. */
#include "server_text.h"

#include <stdio.h>
#include <string.h>

#include "field_names.h"
#include "i18n.h"

/*
 * From the daemon's checks (common/idcard.c, common/money.c,
 * common/request_check*.c) and the database's functions (deploy/sql):
 * the wording must stay identical to theirs, or the message is shown
 * untranslated.
 */
static const char *const patterns[] = {
    N_("ID number must be 18 characters"),
    N_("ID number must be 17 digits followed by a digit or uppercase X"),
    N_("ID number does not hold a real birth date"),
    N_("ID number check character is wrong"),
    N_("amount is empty"),
    N_("amount must be yuan digits with an optional '.' and 1 or 2 decimals"),
    N_("amount has more than two decimals"),
    N_("amount must not be negative"),
    N_("amount is too large"),
    N_("invalid ID number"),
    N_("a child with this ID number is already registered"),
    N_("a guardian is already in a household"),
    N_("guardian 1 is already in a household"),
    N_("guardian 2 is already in a household"),
    N_("a household with this certificate number is already registered"),
    N_("the guardian is already in a household with another certificate"),
    N_("the two guardians must be different people"),
    N_("this child belongs to another household"),
    N_("the child is registered under another name"),
    N_("birth date does not agree with the ID number"),
    N_("sex does not agree with the ID number"),
    N_("the birth date in the ID number is in the future"),
    N_("child already enrolled for %s"),
    N_("child is 7 or older on %s (age %s); only ages 0-6 are covered"),
    N_("child is not yet born on %s"),
    N_("child not found"),
    N_("the child has no policy for %s"),
    N_("household %s not found"),
    N_("township %s not found"),
    N_("township %s is outside your division"),
    N_("division %s not found"),
    N_("division %s is outside your division"),
    N_("county %s has no share and insurer set for %s"),
    N_("policy year %s not found"),
    N_("policy year %s already exists"),
    N_("permission denied for role %s"),
    N_("unknown or disabled account"),
    N_("an only-child household needs its certificate number"),
    N_("household kind must be only_child or two_daughters"),
    N_("eligible households must be 0 or more"),
    N_("payment date %s is in the future"),
    N_("the incident date %s is before the child was born"),
    N_("the incident date must fall in the policy year %s"),
    N_("the documents of claim %s are not complete"),
    N_("only a supervisor of the insurer answers an escalated claim"),
    N_("the amount paid must be the %s yuan approved"),
    N_("say what is in doubt"),
    /* common/request_check*.c: %s is a field path, shown by its label */
    N_("%s must be a real date YYYY-MM-DD from 1900 to 2999"),
    N_("%s disagrees with the ID number, which says %s"),
    N_("%s is not valid single-line UTF-8 text"),
    N_("%s must be a 9-digit township code"),
    N_("%s must be a 6- or 9-digit division code"),
    N_("%s must be a 6-digit county or city code"),
    N_("%s must be %s-%s characters"),
    N_("%s is missing"),
    N_("%s: ID number must be 18 characters"),
    N_("%s: ID number must be 17 digits followed by a digit or uppercase X"),
    N_("%s: ID number does not hold a real birth date"),
    N_("%s: ID number check character is wrong"),
    N_("child_birth_date is required"),
    N_("child_sex is required"),
    /* Closing years and renewal (deploy/sql/0016_year_cycle.sql). */
    N_("policy year %s is closed: %s refused (a city admin may reopen it)"),
    N_("policy year %s has %s open claims (filed, under review, escalated or approved and unpaid): settle or reject them before closing"),
    N_("the claims window of %s runs until %s: close it after that, or force the close with a reason"),
    N_("policy year %s is already closed"),
    N_("policy year %s is not closed"),
    N_("a forced close needs a reason"),
    N_("reopening a year needs a reason"),
    N_("policy year %s is not open yet: a city admin opens it with aixin year open"),
    N_("county share and insurer for %s are not set for: %s (a city admin sets them with aixin terms set)"),
    N_("division %s not found in your scope"),
};

bool server_text_match(const char *pattern, const char *message,
                       char values[][64], size_t *n)
{
    *n = 0;
    const char *p = pattern, *m = message;
    while (*p != '\0') {
        if (p[0] == '%' && p[1] == 's') {
            if (*n == SERVER_TEXT_MAX_VALUES)
                return false;
            p += 2;
            /* The literal text up to the next "%s" or the end. */
            const char *next = strstr(p, "%s");
            size_t lit = next != NULL ? (size_t)(next - p) : strlen(p);
            const char *found = NULL;
            if (lit == 0 && next == NULL) {
                found = m + strlen(m); /* the value runs to the end */
            } else if (lit == 0) {
                return false; /* two values side by side: ambiguous */
            } else {
                /* Shortest value: the first place the literal follows. */
                for (const char *q = m + 1; *q != '\0'; q++)
                    if (strncmp(q, p, lit) == 0) {
                        found = q;
                        break;
                    }
            }
            if (found == NULL || found == m)
                return false;
            snprintf(values[*n], 64, "%.*s", (int)(found - m), m);
            (*n)++;
            m = found;
            continue;
        }
        if (*p != *m)
            return false;
        p++;
        m++;
    }
    return *m == '\0';
}

/* t with its "%s" replaced by values[0..n) in order and "%%" by "%". */
static void fill(const char *t, char values[][64], size_t n, char *out,
                 size_t size)
{
    size_t o = 0, v = 0;
    for (const char *p = t; *p != '\0' && o + 1 < size; p++) {
        const char *piece = NULL;
        size_t len = 1;
        if (p[0] == '%' && p[1] == 's') {
            piece = v < n ? values[v] : "";
            v++;
            len = strlen(piece);
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            piece = p;
            p++;
        } else {
            piece = p;
        }
        if (len > size - 1 - o)
            len = size - 1 - o;
        memcpy(out + o, piece, len);
        o += len;
    }
    out[o] = '\0';
}

bool server_text_translate(const char *message, char *out, size_t size)
{
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        char values[SERVER_TEXT_MAX_VALUES][64];
        size_t n;
        if (!server_text_match(patterns[i], message, values, &n))
            continue;
        /* Every translation keeps the pattern's "%s", in order (msgfmt
         * --check-format enforces it); they are filled in here rather
         * than by printf, whose format must be a literal. A translated
         * message names a field by its label, as the form does. */
        const char *t = _(patterns[i]);
        if (t != patterns[i])
            for (size_t v = 0; v < n; v++)
                if (field_name_find(values[v]) != NULL)
                    snprintf(values[v], sizeof(values[v]), "%s",
                             field_name_label(values[v]));
        fill(t, values, n, out, size);
        return true;
    }
    snprintf(out, size, "%s", message);
    return false;
}
