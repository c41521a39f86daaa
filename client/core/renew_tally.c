/* Counting the answers of a renewal; see renew_tally.h. */
#include "renew_tally.h"

#include <stdlib.h>
#include <string.h>

#include "error_text.h"

static char *dup_or_fail(renew_tally_t *t, const char *s)
{
    char *d = strdup(s != NULL ? s : "");
    if (d == NULL)
        t->failed = true;
    return d;
}

static renew_township_t *township_of(renew_tally_t *t,
                                     const Aixin__V1__RenewRow *row)
{
    for (size_t i = 0; i < t->n_townships; i++)
        if (strcmp(t->townships[i].code, row->township_code) == 0)
            return &t->townships[i];
    if (t->n_townships == t->cap_townships) {
        size_t cap = t->cap_townships ? t->cap_townships * 2 : 16;
        renew_township_t *grown = realloc(t->townships, cap * sizeof(*grown));
        if (grown == NULL) {
            t->failed = true;
            return NULL;
        }
        t->townships = grown;
        t->cap_townships = cap;
    }
    renew_township_t *tw = &t->townships[t->n_townships++];
    memset(tw, 0, sizeof(*tw));
    tw->code = dup_or_fail(t, row->township_code);
    tw->name = dup_or_fail(t, row->township_name);
    return tw;
}

void renew_tally_add(renew_tally_t *t, const Aixin__V1__RenewRow *row)
{
    unsigned o = (unsigned)row->outcome;
    if (o >= RENEW_OUTCOMES)
        o = AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_UNSPECIFIED;
    t->counts[o]++;
    renew_township_t *tw = township_of(t, row);
    if (tw != NULL)
        tw->counts[o]++;
    if (o != AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_AGED_OUT &&
        o != AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_REFUSED)
        return;
    if (t->n_listed == t->cap_listed) {
        size_t cap = t->cap_listed ? t->cap_listed * 2 : 64;
        renew_listed_t *grown = realloc(t->listed, cap * sizeof(*grown));
        if (grown == NULL) {
            t->failed = true;
            return;
        }
        t->listed = grown;
        t->cap_listed = cap;
    }
    renew_listed_t *l = &t->listed[t->n_listed++];
    memset(l, 0, sizeof(*l));
    l->id_number = dup_or_fail(t, row->child_id_number);
    l->name = dup_or_fail(t, row->child_name);
    l->birth_date = dup_or_fail(t, row->birth_date);
    l->age = row->age;
    l->township_code = dup_or_fail(t, row->township_code);
    l->township_name = dup_or_fail(t, row->township_name);
    l->outcome = (Aixin__V1__RenewOutcome)o;
    if (row->error != NULL) {
        char reason[512];
        error_text_describe(row->error, reason, sizeof(reason));
        l->reason = dup_or_fail(t, reason);
    }
}

static int township_cmp(const void *a, const void *b)
{
    return strcmp(((const renew_township_t *)a)->code,
                  ((const renew_township_t *)b)->code);
}

void renew_tally_sort(renew_tally_t *t)
{
    if (t->n_townships > 1)
        qsort(t->townships, t->n_townships, sizeof(*t->townships),
              township_cmp);
}

void renew_tally_free(renew_tally_t *t)
{
    for (size_t i = 0; i < t->n_listed; i++) {
        renew_listed_t *l = &t->listed[i];
        free(l->id_number);
        free(l->name);
        free(l->birth_date);
        free(l->township_code);
        free(l->township_name);
        free(l->reason);
    }
    for (size_t i = 0; i < t->n_townships; i++) {
        free(t->townships[i].code);
        free(t->townships[i].name);
    }
    free(t->listed);
    free(t->townships);
    memset(t, 0, sizeof(*t));
}
