/*
 * The answers of a renewal (RenewYear), batch after batch, summed up:
 * counts by outcome, overall and by township, and the children listed
 * at the end (aged out or refused, with the reason). Shared by `aixin
 * renew` and the desk's renewal page.
 */
#ifndef AIXIN_CLIENT_RENEW_TALLY_H
#define AIXIN_CLIENT_RENEW_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/yearcycle.pb-c.h"

/* Counts are indexed by Aixin__V1__RenewOutcome (UNSPECIFIED..REFUSED). */
#define RENEW_OUTCOMES 5

/* A child listed at the end (aged out or refused); strings owned. */
typedef struct renew_listed {
    char *id_number;
    char *name;
    char *birth_date;
    int32_t age;
    char *township_code;
    char *township_name;
    Aixin__V1__RenewOutcome outcome;
    char *reason; /* refused: error_text_describe() of the refusal */
} renew_listed_t;

typedef struct renew_township {
    char *code; /* owned */
    char *name; /* owned */
    int64_t counts[RENEW_OUTCOMES];
} renew_township_t;

typedef struct renew_tally {
    renew_listed_t *listed; /* owned array */
    size_t n_listed, cap_listed;
    renew_township_t *townships; /* owned array */
    size_t n_townships, cap_townships;
    int64_t counts[RENEW_OUTCOMES];
    int64_t total; /* children insured in the source year, in scope */
    bool failed;   /* out of memory: the tally is incomplete */
} renew_tally_t;

/* Count one answered child (and list it when aged out or refused). */
void renew_tally_add(renew_tally_t *t, const Aixin__V1__RenewRow *row);
/* Townships by code, for printing. */
void renew_tally_sort(renew_tally_t *t);
void renew_tally_free(renew_tally_t *t);

#endif
