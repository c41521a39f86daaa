/*
 * Writing the records of an export (exports.proto) to a file, page by
 * page, so that a year of any size goes through a small buffer:
 *   CSV   one row per policy or per claim, for an insurer's own systems;
 *         RFC 4180 with CRLF, money in yuan with two decimals exactly from
 *         the fen, dates YYYY-MM-DD, codes as the protocol spells them;
 *         the header row is the column keys in the C locale and their
 *         Chinese labels under zh_CN (docs/EXPORTS.md lists both).
 *   FHIR  one R4 Bundle of type collection (JSON): a Coverage per policy,
 *         a Claim and a ClaimResponse per claim, the child as Patient, the
 *         guardians as RelatedPerson, the insurer and the claim's
 *         township office as Organization. Every entry's fullUrl is a
 *         urn:uuid derived from what the entry stands for (the same
 *         record gives the same uuid in every export of one database), and
 *         every reference points to an entry of the same Bundle.
 * Everything is written as UTF-8; the caller converts it for the file.
 */
#ifndef AIXIN_CLIENT_EXPORT_FILE_H
#define AIXIN_CLIENT_EXPORT_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "aixin/v1/exports.pb-c.h"

/* The namespace of the identifier systems (docs/EXPORTS.md). */
#define EXPORT_SYSTEM_PREFIX "urn:aixin:"

/* ---- CSV ---- */

/* The header row of the kind's columns, in the locale's language. */
void export_csv_header(Aixin__V1__ExportKind kind, FILE *out);
void export_csv_policy(const Aixin__V1__ExportPolicy *p, FILE *out);
void export_csv_claim(const Aixin__V1__ExportClaim *c, FILE *out);

/* ---- FHIR ---- */

typedef struct export_fhir export_fhir_t;

/* A Bundle being written; NULL when memory runs out. ids_masked: the ID
 * numbers are masked, and their identifiers say so (another system). */
export_fhir_t *export_fhir_new(bool ids_masked);
void export_fhir_free(export_fhir_t *f);

/* The Bundle's opening, up to its first entry. */
void export_fhir_begin(export_fhir_t *f, const Aixin__V1__ExportPage *first,
                       FILE *out);
/* The entries of one record: resources it needs that were not written
 * yet, then its own. False when memory runs out. */
__attribute__((warn_unused_result)) bool
export_fhir_policy(export_fhir_t *f, const Aixin__V1__ExportPolicy *p,
                   FILE *out);
__attribute__((warn_unused_result)) bool
export_fhir_claim(export_fhir_t *f, const Aixin__V1__ExportClaim *c,
                  FILE *out);
/* The Bundle's end. */
void export_fhir_end(export_fhir_t *f, FILE *out);

#endif
