/* Grievances and alerts in the user's language; see grievance_text.h. */
#include "grievance_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "money.h"
#include "value_names.h"

typedef struct word {
    const char *name; /* the protocol's */
    const char *text; /* N_() */
} word_t;

static const char *word_text(const word_t *words, const char *name)
{
    for (size_t i = 0; words[i].name != NULL; i++)
        if (strcmp(words[i].name, name) == 0)
            return _(words[i].text);
    return name;
}

const char *grievance_status_text(const char *status)
{
    static const word_t words[] = {
        {"open", N_("Grievance open")},
        {"assigned", N_("Grievance assigned")},
        {"answered", N_("Grievance answered")},
        {"closed", N_("Grievance closed")},
        {NULL, NULL},
    };
    return word_text(words, status);
}

const char *grievance_channel_text(const char *channel)
{
    static const word_t words[] = {
        {"visit", N_("Grievance by visit")},
        {"phone", N_("Grievance by phone")},
        {"letter", N_("Grievance by letter")},
        {NULL, NULL},
    };
    return word_text(words, channel);
}

const char *grievance_subject_text(const char *kind)
{
    static const word_t words[] = {
        {"claim", N_("About a claim")},
        {"child", N_("About a child's policy")},
        {"guardian", N_("About a household")},
        {"none", N_("About the programme")},
        {NULL, NULL},
    };
    return word_text(words, kind);
}

const char *alert_severity_text(const char *severity)
{
    static const word_t words[] = {
        {"critical", N_("Alert critical")},
        {"warning", N_("Alert warning")},
        {NULL, NULL},
    };
    return word_text(words, severity);
}

/* Basis points as a percentage with two decimals. */
static void percent_text(int64_t bp, char out[MONEY_TEXT_SIZE + 2])
{
    char number[MONEY_TEXT_SIZE];
    money_format_fen(bp, number);
    snprintf(out, MONEY_TEXT_SIZE + 2, "%s%%", number);
}

void alert_sentence(const Aixin__V1__Alert *a, char out[ALERT_SENTENCE_SIZE])
{
    char who[256];
    char figure[MONEY_TEXT_SIZE + 2];
    char threshold[MONEY_TEXT_SIZE + 2];
    char money[MONEY_TEXT_SIZE];
    if (a->insurer_name[0] != '\0')
        snprintf(who, sizeof(who), _("%s (insurer %s)"), a->division_name,
                 a->insurer_name);
    else
        snprintf(who, sizeof(who), "%s", a->division_name);
    percent_text(a->figure, figure);
    percent_text(a->threshold, threshold);
    const char *k = a->kind;
    if (strcmp(k, "payout_ratio_high") == 0)
        snprintf(out, ALERT_SENTENCE_SIZE,
                 _("%s: payout ratio %s is above the threshold of %s"), who,
                 figure, threshold);
    else if (strcmp(k, "payout_ratio_low") == 0)
        snprintf(out, ALERT_SENTENCE_SIZE,
                 _("%s: payout ratio %s is below the threshold of %s"), who,
                 figure, threshold);
    else if (strcmp(k, "funding_overdue") == 0) {
        money_format_fen_grouped(a->figure, money);
        snprintf(out, ALERT_SENTENCE_SIZE,
                 _("%s: the %s level's premium share has %s yuan outstanding "
                   "past its due date %s"),
                 who, value_name_text(a->level), money, a->due_on);
    } else if (strcmp(k, "claims_overdue") == 0)
        snprintf(out, ALERT_SENTENCE_SIZE,
                 _("%s: %lld claims are past their service deadline"),
                 who, (long long)a->figure);
    else if (strcmp(k, "claims_due_today") == 0)
        snprintf(out, ALERT_SENTENCE_SIZE,
                 _("%s: %lld claims are due today"), who,
                 (long long)a->figure);
    else if (strcmp(k, "enrollment_low") == 0)
        snprintf(out, ALERT_SENTENCE_SIZE,
                 _("%s: enrollment rate %s is below %s and the enrollment "
                   "period ends on %s"),
                 who, figure, threshold, a->due_on);
    else if (strcmp(k, "grievances_overdue") == 0)
        snprintf(out, ALERT_SENTENCE_SIZE,
                 _("%s: %lld grievances are past their answer deadline "
                   "(the oldest was due %s)"),
                 who, (long long)a->figure, a->due_on);
    else
        snprintf(out, ALERT_SENTENCE_SIZE, "%s: %s %" PRId64 " / %" PRId64,
                 who, k, a->figure, a->threshold);
}
