/* Normalising, checking and keying one import row; see import_row.h. */
#include "import_row.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "names.h"
#include "request_check.h"
#include "request_check_rules.h"

#define IMPORT_KEY_DOMAIN "aixin-import-v2"
#define IMPORT_SEPARATOR '\x1f'

/* Protocol and SQL field paths, and the CSV column each belongs to. */
static const struct {
    const char *path;
    import_column_t col;
} field_columns[] = {
    {"policy_year", IMPORT_COL_POLICY_YEAR},
    {"township", IMPORT_COL_TOWNSHIP},
    {"township_code", IMPORT_COL_TOWNSHIP},
    {"household_kind", IMPORT_COL_HOUSEHOLD_KIND},
    {"certificate_no", IMPORT_COL_CERTIFICATE_NO},
    {"guardian_id", IMPORT_COL_GUARDIAN_ID},
    {"guardian.id_number", IMPORT_COL_GUARDIAN_ID},
    {"guardian_name", IMPORT_COL_GUARDIAN_NAME},
    {"guardian.name", IMPORT_COL_GUARDIAN_NAME},
    {"child_id", IMPORT_COL_CHILD_ID},
    {"child_id_number", IMPORT_COL_CHILD_ID},
    {"child_name", IMPORT_COL_CHILD_NAME},
    {"child_sex", IMPORT_COL_CHILD_SEX},
    {"child_birth_date", IMPORT_COL_CHILD_BIRTH_DATE},
};

const char *import_row_column_of(const char *field_path)
{
    for (size_t i = 0; i < sizeof(field_columns) / sizeof(field_columns[0]);
         i++)
        if (strcmp(field_path, field_columns[i].path) == 0)
            return import_column_name(field_columns[i].col);
    return field_path;
}

void import_row_free(import_row_t *row)
{
    free(row->text);
    row->text = NULL;
}

/* Parse a policy year: 1-4 digits only (the range is checked later). */
static bool year_parse(const char *s, int32_t *out)
{
    size_t len = strlen(s);
    if (len == 0 || len > 4)
        return false;
    int32_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static void key_derive(const import_row_t *row, const char *username,
                       const char *const values[IMPORT_COL_COUNT],
                       uint8_t key[IMPORT_KEY_SIZE])
{
    static const uint8_t sep = (uint8_t)IMPORT_SEPARATOR;
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, IMPORT_KEY_SIZE);
    crypto_generichash_update(&st, (const uint8_t *)IMPORT_KEY_DOMAIN,
                              strlen(IMPORT_KEY_DOMAIN));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const uint8_t *)username,
                              strlen(username));
    char year[16];
    snprintf(year, sizeof(year), "%d", (int)row->msg.policy_year);
    for (int c = 0; c < IMPORT_COL_COUNT; c++) {
        const char *v = c == IMPORT_COL_POLICY_YEAR ? year : values[c];
        crypto_generichash_update(&st, &sep, 1);
        crypto_generichash_update(&st, (const uint8_t *)v, strlen(v));
    }
    crypto_generichash_final(&st, key, IMPORT_KEY_SIZE);
}

/* A 64-bit hash of what a row touches: a kind letter and the value.
 * Two rows with equal hashes are kept in order; a collision only costs a
 * little parallelism. */
static uint64_t touch_hash(char kind, const char *value)
{
    uint8_t out[8];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof(out));
    crypto_generichash_update(&st, (const uint8_t *)&kind, 1);
    crypto_generichash_update(&st, (const uint8_t *)value, strlen(value));
    crypto_generichash_final(&st, out, sizeof(out));
    uint64_t h = 0;
    for (size_t i = 0; i < sizeof(out); i++)
        h = h << 8 | out[i];
    return h;
}

/* Copy the record's required fields into one block, normalised. */
static char *values_copy(const import_file_t *f, const import_record_t *rec,
                         char *values[IMPORT_COL_COUNT])
{
    size_t total = 0;
    for (int c = 0; c < IMPORT_COL_COUNT; c++)
        total += strlen(import_csv_field(f, rec, (import_column_t)c)) + 1;
    char *text = malloc(total);
    if (text == NULL)
        return NULL;
    size_t off = 0;
    for (int c = 0; c < IMPORT_COL_COUNT; c++) {
        const char *v = import_csv_field(f, rec, (import_column_t)c);
        size_t len = strlen(v);
        values[c] = text + off;
        memcpy(values[c], v, len + 1);
        off += len + 1;
    }
    /* An upper-case X in ID numbers; lower-case kind; upper-case sex. */
    for (int c = IMPORT_COL_GUARDIAN_ID; c <= IMPORT_COL_CHILD_ID;
         c += IMPORT_COL_CHILD_ID - IMPORT_COL_GUARDIAN_ID) {
        size_t len = strlen(values[c]);
        if (len == 18 && values[c][17] == 'x')
            values[c][17] = 'X';
    }
    for (char *p = values[IMPORT_COL_HOUSEHOLD_KIND]; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    char *sex = values[IMPORT_COL_CHILD_SEX];
    if ((sex[0] == 'm' || sex[0] == 'f') && sex[1] == '\0')
        sex[0] = (char)(sex[0] - 'a' + 'A');
    return text;
}

bool import_row_build(const import_file_t *f, const import_record_t *rec,
                      const char *username,
                      import_row_t *out, char reason[IMPORT_REASON_SIZE],
                      char field[IMPORT_FIELD_SIZE])
{
    memset(out, 0, sizeof(*out));
    reason[0] = '\0';
    field[0] = '\0';
    if (rec->n_fields < f->header.n_fields) {
        snprintf(reason, IMPORT_REASON_SIZE,
                 _("the row has %u fields, the header %u"), rec->n_fields,
                 f->header.n_fields);
        return false;
    }
    char *values[IMPORT_COL_COUNT];
    out->text = values_copy(f, rec, values);
    if (out->text == NULL) {
        snprintf(reason, IMPORT_REASON_SIZE, "%s", _("out of memory"));
        return false;
    }
    Aixin__V1__EnrollmentRow *m = &out->msg;
    aixin__v1__enrollment_row__init(m);
    aixin__v1__guardian__init(&out->guardian);
    m->line = rec->line;
    if (!year_parse(values[IMPORT_COL_POLICY_YEAR], &m->policy_year)) {
        snprintf(reason, IMPORT_REASON_SIZE, "%s", _("policy_year must be a year"));
        snprintf(field, IMPORT_FIELD_SIZE, "policy_year");
        import_row_free(out);
        return false;
    }
    m->township_code = values[IMPORT_COL_TOWNSHIP];
    m->household_kind =
        names_household_kind_parse(values[IMPORT_COL_HOUSEHOLD_KIND]);
    m->certificate_no = values[IMPORT_COL_CERTIFICATE_NO];
    out->guardian.id_number = values[IMPORT_COL_GUARDIAN_ID];
    out->guardian.name = values[IMPORT_COL_GUARDIAN_NAME];
    m->guardian = &out->guardian;
    m->child_id_number = values[IMPORT_COL_CHILD_ID];
    m->child_name = values[IMPORT_COL_CHILD_NAME];
    m->child_sex = names_sex_parse(values[IMPORT_COL_CHILD_SEX]);
    m->child_birth_date = values[IMPORT_COL_CHILD_BIRTH_DATE];
    key_derive(out, username, (const char *const *)values, out->key);
    out->touches[0] = touch_hash('c', values[IMPORT_COL_CHILD_ID]);
    out->touches[1] = touch_hash('h', values[IMPORT_COL_CERTIFICATE_NO]);
    out->touches[2] = touch_hash('g', values[IMPORT_COL_GUARDIAN_ID]);
    m->idempotency_key.data = out->key;
    m->idempotency_key.len = IMPORT_KEY_SIZE;
    request_problem_t problem;
    if (!request_check_enrollment_row(m, &problem)) {
        snprintf(reason, IMPORT_REASON_SIZE, "%s", problem.message);
        snprintf(field, IMPORT_FIELD_SIZE, "%s",
                 import_row_column_of(problem.field));
        import_row_free(out);
        return false;
    }
    return true;
}
