/*
 * How each protocol message is shown: one function per message type fills
 * an output record, so a policy looks the same after `enroll` as in
 * `policies`. JSON keys are the proto field names; enums are their text
 * names from names.h (role "city_admin", kind "only_child", level
 * "township", sex "M"/"F", event "illness"); money is integer fen
 * (premium_fen); unix seconds are ISO 8601 at +08:00 (see output.h). The
 * session token is never printed.
 *
 * Text values are borrowed from the message, which must outlive the
 * document.
 */
#ifndef AIXIN_CLIENT_RECORDS_H
#define AIXIN_CLIENT_RECORDS_H

#include "aixin/v1/envelope.pb-c.h"
#include "output.h"

void records_add_session(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Session *s);
void records_add_account(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Account *a);
void records_add_division(output_doc_t *doc, output_record_t *r,
                          const Aixin__V1__Division *d);
/*
 * A policy year: its terms (flattened: year, reference_date, premium_fen,
 * ...), policies and frozen, and the benefit caps as the nested list
 * "benefits" (a titled table under a single record; JSON only in lists).
 */
void records_add_policy_year(output_doc_t *doc, output_record_t *r,
                             const Aixin__V1__PolicyYearDetail *y);
void records_add_insurer(output_doc_t *doc, output_record_t *r,
                         const Aixin__V1__Insurer *i);
void records_add_county_terms(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__CountyTerms *t);
void records_add_census_entry(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__CensusEntry *e);
void records_add_disbursement(output_doc_t *doc, output_record_t *r,
                              const Aixin__V1__Disbursement *d);
void records_add_ledger_row(output_doc_t *doc, output_record_t *r,
                            const Aixin__V1__LedgerRow *row);
/* The whole ledger: "rows" (a nested list) and
 * "city_subsidy_paid_to_date_fen". */
void records_add_ledger(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__Ledger *l);
void records_add_child(output_doc_t *doc, output_record_t *r,
                       const Aixin__V1__Child *c);
/* With its guardians and children as nested lists. */
void records_add_household(output_doc_t *doc, output_record_t *r,
                           const Aixin__V1__Household *h);
void records_add_policy(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__Policy *p);
/*
 * A claim. Tables show id, state, service class, due date, overdue, child,
 * insurer, event and the amounts (claimed, approved, paid, supplements);
 * JSON has every field of the message: state "under_review",
 * service_class "seven_day", payment_method "bank_transfer" (null before
 * payment), dates "YYYY-MM-DD" or null, amounts in fen.
 */
void records_add_claim(output_doc_t *doc, output_record_t *r,
                       const Aixin__V1__Claim *c);
/* One step of a claim's history: action, from_state and to_state (null
 * for the filing's from_state), actor, effective_on, recorded_at,
 * request_id, idempotency_key (hex), amount_fen, note. */
void records_add_claim_transition(output_doc_t *doc, output_record_t *r,
                                  const Aixin__V1__ClaimTransition *t);

#endif
