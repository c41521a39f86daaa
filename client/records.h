/*
 * How each protocol message is shown: one function per message type fills
 * an output record, so a policy looks the same after `enroll` as in
 * `policies`. JSON keys are the proto field names; enums are their text
 * names from names.h (role "city_admin", kind "only_child", level
 * "township", sex "M"/"F"); money is integer fen (premium_fen); unix
 * seconds are ISO 8601 at +08:00 (see output.h). The session token is
 * never printed.
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
void records_add_policy_year(output_doc_t *doc, output_record_t *r,
                             const Aixin__V1__PolicyYear *y);
void records_add_child(output_doc_t *doc, output_record_t *r,
                       const Aixin__V1__Child *c);
/* With its guardians and children as nested lists. */
void records_add_household(output_doc_t *doc, output_record_t *r,
                           const Aixin__V1__Household *h);
void records_add_policy(output_doc_t *doc, output_record_t *r,
                        const Aixin__V1__Policy *p);

#endif
