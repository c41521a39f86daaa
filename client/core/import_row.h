/*
 * One CSV record made into an EnrollmentRow: fields normalised (spaces
 * around them already dropped by the CSV reader; ID numbers with an upper
 * case X; kind in lower case; sex M or F), checked with the server's own
 * rules (request_check_enrollment_row), and given its idempotency key:
 *
 *   key = the first 16 bytes of BLAKE2b (crypto_generichash) over
 *         "aixin-import-v2" 0x1F username 0x1F policy_year
 *         0x1F township 0x1F household_kind 0x1F certificate_no
 *         0x1F guardian_id 0x1F guardian_name 0x1F child_id
 *         0x1F child_name 0x1F child_sex 0x1F child_birth_date
 *
 * The line number is not part of it: a corrected file run again keeps the
 * keys of the rows that did not change, and the server answers them with
 * their first result instead of doing them again. Nor is the address the
 * server was dialled by (127.0.0.1, localhost, a proxy): the same row for
 * the same account and year is the same change whichever way it travels.
 *
 * Each row also names what it touches (the child's ID number, the
 * household's certificate number, the guardian's ID number) as 64-bit
 * hashes, so that the sender can keep rows that touch the same thing in
 * file order (import_send.h).
 */
#ifndef AIXIN_CLIENT_IMPORT_ROW_H
#define AIXIN_CLIENT_IMPORT_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "aixin/v1/bulk.pb-c.h"
#include "import_csv.h"

#define IMPORT_KEY_SIZE 16
#define IMPORT_REASON_SIZE 192
#define IMPORT_FIELD_SIZE 64
#define IMPORT_TOUCH_COUNT 3 /* child, household, guardian */

typedef struct import_row {
    Aixin__V1__EnrollmentRow msg; /* strings point into `text` */
    Aixin__V1__Guardian guardian;
    uint8_t key[IMPORT_KEY_SIZE];
    uint64_t touches[IMPORT_TOUCH_COUNT]; /* what the row changes, hashed */
    char *text;                   /* owned: the normalised fields */
} import_row_t;

/*
 * Build and check the row of `rec`. On success (true) *out is ready to
 * send (free with import_row_free). On false the row is bad: `reason`
 * says why and `field` names its CSV column (or is "" when the whole
 * record is at fault); *out holds nothing.
 */
bool import_row_build(const import_file_t *f, const import_record_t *rec,
                      const char *username,
                      import_row_t *out, char reason[IMPORT_REASON_SIZE],
                      char field[IMPORT_FIELD_SIZE]);

void import_row_free(import_row_t *row);

/* The CSV column a server or protocol field path names ("child_id_number"
 * and "child_id" give "child_id"); the path itself when none matches. */
const char *import_row_column_of(const char *field_path);

#endif
