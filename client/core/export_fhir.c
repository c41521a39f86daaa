/* The FHIR R4 Bundle of an export (export_file.h). */
#include <inttypes.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export_file.h"
#include "money.h"

#define UUID_TEXT_SIZE 46 /* "urn:uuid:" + 36 + NUL */
#define KEY_SIZE 96
#define SEEN_MIN_SLOTS 1024

#define SYS_TERMINOLOGY "http://terminology.hl7.org/CodeSystem/"
#define SYS_RESIDENT_ID EXPORT_SYSTEM_PREFIX "resident-id"
#define SYS_RESIDENT_ID_MASKED EXPORT_SYSTEM_PREFIX "resident-id-masked"

/*
 * Entries already in the Bundle, by the first 8 bytes of their key's
 * SHA-256 (the uuid's own bytes): a child's Patient, a policy's Coverage,
 * an insurer's Organization are written once however many records need
 * them. Open addressing; 0 is the empty slot.
 */
struct export_fhir {
    bool ids_masked;
    bool any_entry; /* an entry was written: the next needs a comma */
    uint64_t *seen;
    size_t seen_slots; /* a power of two */
    size_t seen_count;
};

export_fhir_t *export_fhir_new(bool ids_masked)
{
    export_fhir_t *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    f->seen = calloc(SEEN_MIN_SLOTS, sizeof(*f->seen));
    if (f->seen == NULL) {
        free(f);
        return NULL;
    }
    f->seen_slots = SEEN_MIN_SLOTS;
    f->ids_masked = ids_masked;
    return f;
}

void export_fhir_free(export_fhir_t *f)
{
    if (f == NULL)
        return;
    free(f->seen);
    free(f);
}

static bool seen_insert_slot(uint64_t *slots, size_t n, uint64_t h)
{
    for (size_t i = h & (n - 1);; i = (i + 1) & (n - 1)) {
        if (slots[i] == h)
            return false;
        if (slots[i] == 0) {
            slots[i] = h;
            return true;
        }
    }
}

/* Add h; *added false when it was there. False when memory runs out. */
static bool seen_add(export_fhir_t *f, uint64_t h, bool *added)
{
    if (h == 0)
        h = 1;
    if ((f->seen_count + 1) * 2 > f->seen_slots) {
        size_t n = f->seen_slots * 2;
        uint64_t *grown = calloc(n, sizeof(*grown));
        if (grown == NULL)
            return false;
        for (size_t i = 0; i < f->seen_slots; i++)
            if (f->seen[i] != 0)
                (void)seen_insert_slot(grown, n, f->seen[i]);
        free(f->seen);
        f->seen = grown;
        f->seen_slots = n;
    }
    *added = seen_insert_slot(f->seen, f->seen_slots, h);
    if (*added)
        f->seen_count++;
    return true;
}

/*
 * The entry of `key` ("Patient/child/12"): a name-based uuid (the
 * SHA-256 of "aixin:" + key, version 8 of RFC 9562) as urn:uuid, and its
 * first 8 bytes for the seen set.
 */
static uint64_t entry_uuid(const char *key, char out[UUID_TEXT_SIZE])
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"aixin:", 6);
    crypto_hash_sha256_update(&st, (const unsigned char *)key, strlen(key));
    crypto_hash_sha256_final(&st, hash);
    hash[6] = (unsigned char)((hash[6] & 0x0F) | 0x80);
    hash[8] = (unsigned char)((hash[8] & 0x3F) | 0x80);
    static const char hex[] = "0123456789abcdef";
    char *o = out + snprintf(out, UUID_TEXT_SIZE, "urn:uuid:");
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[hash[i] >> 4];
        *o++ = hex[hash[i] & 0x0F];
    }
    *o = '\0';
    uint64_t h = 0;
    memcpy(&h, hash, sizeof(h));
    return h;
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_money(FILE *out, int64_t fen)
{
    char text[MONEY_TEXT_SIZE];
    money_format_fen(fen, text);
    fprintf(out, "{\"value\":%s,\"currency\":\"CNY\"}", text);
}

static void json_reference(FILE *out, const char *uuid)
{
    fputs("{\"reference\":", out);
    json_string(out, uuid);
    fputc('}', out);
}

static void json_coding(FILE *out, const char *system, const char *code)
{
    fputs("{\"coding\":[{\"system\":", out);
    json_string(out, system);
    fputs(",\"code\":", out);
    json_string(out, code);
    fputs("}]}", out);
}

static void json_identifier(FILE *out, const char *system, const char *value)
{
    fputs("{\"system\":", out);
    json_string(out, system);
    fputs(",\"value\":", out);
    json_string(out, value);
    fputc('}', out);
}

/* The start of an entry, up to the resource's first field after its
 * type. */
static void entry_open(export_fhir_t *f, FILE *out, const char *uuid,
                       const char *type)
{
    fputs(f->any_entry ? ",\n" : "\n", out);
    f->any_entry = true;
    fputs("{\"fullUrl\":", out);
    json_string(out, uuid);
    fputs(",\"resource\":{\"resourceType\":", out);
    json_string(out, type);
}

static void entry_close(FILE *out)
{
    fputs("}}", out);
}

/* Whether the entry `key` is still to be written; its uuid in any case. */
static bool entry_needed(export_fhir_t *f, const char *key,
                         char uuid[UUID_TEXT_SIZE], bool *oom)
{
    bool added = false;
    if (!seen_add(f, entry_uuid(key, uuid), &added))
        *oom = true;
    return added;
}

static const char *id_system(const export_fhir_t *f)
{
    return f->ids_masked ? SYS_RESIDENT_ID_MASKED : SYS_RESIDENT_ID;
}

static void organization(FILE *out, export_fhir_t *f, const char *uuid,
                         const char *system, const char *code,
                         const char *type, const char *name)
{
    entry_open(f, out, uuid, "Organization");
    fputs(",\"identifier\":[", out);
    json_identifier(out, system, code);
    fputs("],\"active\":true,\"type\":[", out);
    json_coding(out, SYS_TERMINOLOGY "organization-type", type);
    fputs("],\"name\":", out);
    json_string(out, name[0] ? name : code);
    entry_close(out);
}

/* The entries a policy stands on and its Coverage; the uuids of the
 * Patient, the insurer and the Coverage for what refers to them. */
typedef struct policy_refs {
    char patient[UUID_TEXT_SIZE];
    char insurer[UUID_TEXT_SIZE];
    char coverage[UUID_TEXT_SIZE];
} policy_refs_t;

static bool policy_entries(export_fhir_t *f, const Aixin__V1__ExportPolicy *p,
                           FILE *out, policy_refs_t *r)
{
    char key[KEY_SIZE];
    bool oom = false;
    snprintf(key, sizeof(key), "Organization/insurer/%s", p->insurer_code);
    if (entry_needed(f, key, r->insurer, &oom))
        organization(out, f, r->insurer, EXPORT_SYSTEM_PREFIX "insurer",
                     p->insurer_code, "ins", p->insurer_name);

    snprintf(key, sizeof(key), "Patient/child/%" PRId64, p->child_id);
    if (entry_needed(f, key, r->patient, &oom)) {
        char child_id[24];
        snprintf(child_id, sizeof(child_id), "%" PRId64, p->child_id);
        entry_open(f, out, r->patient, "Patient");
        fputs(",\"identifier\":[", out);
        json_identifier(out, EXPORT_SYSTEM_PREFIX "child", child_id);
        if (p->child != NULL && p->child->id_number[0] != '\0') {
            fputc(',', out);
            json_identifier(out, id_system(f), p->child->id_number);
        }
        fputs("],\"name\":[{\"text\":", out);
        json_string(out, p->child != NULL ? p->child->name : "");
        fputs("}],\"gender\":", out);
        json_string(out, strcmp(p->child_sex, "M") == 0   ? "male"
                         : strcmp(p->child_sex, "F") == 0 ? "female"
                                                          : "unknown");
        if (p->child_birth_date[0] != '\0') {
            fputs(",\"birthDate\":", out);
            json_string(out, p->child_birth_date);
        }
        entry_close(out);
        /* The guardians, as people related to this child. */
        for (size_t i = 0; i < p->n_guardians; i++) {
            const Aixin__V1__ExportPerson *g = p->guardians[i];
            char uuid[UUID_TEXT_SIZE];
            snprintf(key, sizeof(key), "RelatedPerson/child/%" PRId64 "/%zu",
                     p->child_id, i + 1);
            if (!entry_needed(f, key, uuid, &oom))
                continue;
            entry_open(f, out, uuid, "RelatedPerson");
            fputs(",\"identifier\":[", out);
            json_identifier(out, id_system(f), g->id_number);
            fputs("],\"active\":true,\"patient\":", out);
            json_reference(out, r->patient);
            fputs(",\"relationship\":[", out);
            json_coding(out, "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                        "GUARD");
            fputs("],\"name\":[{\"text\":", out);
            json_string(out, g->name);
            fputs("}]", out);
            entry_close(out);
        }
    }

    snprintf(key, sizeof(key), "Coverage/policy/%" PRId64, p->id);
    if (entry_needed(f, key, r->coverage, &oom)) {
        char policy_id[24];
        snprintf(policy_id, sizeof(policy_id), "%" PRId64, p->id);
        entry_open(f, out, r->coverage, "Coverage");
        fputs(",\"identifier\":[", out);
        json_identifier(out, EXPORT_SYSTEM_PREFIX "policy", policy_id);
        fputs("],\"status\":\"active\",\"type\":", out);
        json_coding(out, EXPORT_SYSTEM_PREFIX "coverage-type", "love-insurance");
        fputs(",\"beneficiary\":", out);
        json_reference(out, r->patient);
        fprintf(out, ",\"period\":{\"start\":\"%04d-01-01\",\"end\":\"%04d-12-31\"}",
                (int)p->policy_year, (int)p->policy_year);
        fputs(",\"payor\":[", out);
        json_reference(out, r->insurer);
        fputs("]", out);
        entry_close(out);
    }
    return !oom;
}

void export_fhir_begin(export_fhir_t *f, const Aixin__V1__ExportPage *first,
                       FILE *out)
{
    char value[96];
    snprintf(value, sizeof(value), "%s-%d-%s%s%s",
             first->kind == AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS
                 ? "claims"
                 : "policies",
             (int)first->policy_year, first->division_code,
             first->insurer_code[0] ? "-" : "", first->insurer_code);
    time_t now = time(NULL);
    struct tm local;
    char stamp[40] = "";
    /* Asia/Shanghai has no daylight saving: UTC+08:00 all year. */
    time_t shanghai = now + 8 * 3600;
    if (gmtime_r(&shanghai, &local) != NULL)
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S+08:00", &local);
    fputs("{\"resourceType\":\"Bundle\",\"identifier\":", out);
    json_identifier(out, EXPORT_SYSTEM_PREFIX "export", value);
    fputs(",\"type\":\"collection\",\"timestamp\":", out);
    json_string(out, stamp);
    fputs(",\"entry\":[", out);
    f->any_entry = false;
}

bool export_fhir_policy(export_fhir_t *f, const Aixin__V1__ExportPolicy *p,
                        FILE *out)
{
    policy_refs_t r;
    return policy_entries(f, p, out, &r);
}

bool export_fhir_claim(export_fhir_t *f, const Aixin__V1__ExportClaim *c,
                       FILE *out)
{
    static const Aixin__V1__ExportPolicy none = AIXIN__V1__EXPORT_POLICY__INIT;
    const Aixin__V1__ExportPolicy *p = c->policy != NULL ? c->policy : &none;
    policy_refs_t r;
    bool ok = policy_entries(f, p, out, &r);
    char key[KEY_SIZE], office[UUID_TEXT_SIZE], claim[UUID_TEXT_SIZE],
        answer[UUID_TEXT_SIZE], claim_id[24];
    bool oom = false;
    snprintf(claim_id, sizeof(claim_id), "%" PRId64, c->id);

    /* The township office that filed the claim: the Claim's provider. */
    snprintf(key, sizeof(key), "Organization/division/%s", p->township_code);
    if (entry_needed(f, key, office, &oom))
        organization(out, f, office, EXPORT_SYSTEM_PREFIX "division",
                     p->township_code, "govt", p->township_name);

    snprintf(key, sizeof(key), "Claim/%" PRId64, c->id);
    (void)entry_needed(f, key, claim, &oom);
    entry_open(f, out, claim, "Claim");
    fputs(",\"identifier\":[", out);
    json_identifier(out, EXPORT_SYSTEM_PREFIX "claim", claim_id);
    fputs("],\"status\":\"active\",\"type\":", out);
    json_coding(out, SYS_TERMINOLOGY "claim-type", "institutional");
    fputs(",\"subType\":", out);
    json_coding(out, EXPORT_SYSTEM_PREFIX "claim-event", c->event);
    fputs(",\"use\":\"claim\",\"patient\":", out);
    json_reference(out, r.patient);
    fputs(",\"created\":", out);
    json_string(out, c->received_on);
    fputs(",\"insurer\":", out);
    json_reference(out, r.insurer);
    fputs(",\"provider\":", out);
    json_reference(out, office);
    fputs(",\"priority\":", out);
    json_coding(out, SYS_TERMINOLOGY "processpriority", "normal");
    fputs(",\"supportingInfo\":[{\"sequence\":1,\"category\":", out);
    json_coding(out, SYS_TERMINOLOGY "claiminformationcategory", "onset");
    fputs(",\"timingDate\":", out);
    json_string(out, c->incident_date);
    fputs("}],\"insurance\":[{\"sequence\":1,\"focal\":true,\"coverage\":", out);
    json_reference(out, r.coverage);
    fputs("}],\"total\":", out);
    json_money(out, c->amount_claimed_fen);
    entry_close(out);

    /* The insurer's answer: queued until decided; the payment and the
     * city's supplementary payouts as the payouts. */
    bool decided = c->decided_on[0] != '\0';
    bool paid = c->paid_on[0] != '\0';
    snprintf(key, sizeof(key), "ClaimResponse/%" PRId64, c->id);
    (void)entry_needed(f, key, answer, &oom);
    entry_open(f, out, answer, "ClaimResponse");
    fputs(",\"identifier\":[", out);
    json_identifier(out, EXPORT_SYSTEM_PREFIX "claim", claim_id);
    fputs("],\"status\":\"active\",\"type\":", out);
    json_coding(out, SYS_TERMINOLOGY "claim-type", "institutional");
    fputs(",\"use\":\"claim\",\"patient\":", out);
    json_reference(out, r.patient);
    fputs(",\"created\":", out);
    json_string(out, decided ? c->decided_on : c->received_on);
    fputs(",\"insurer\":", out);
    json_reference(out, r.insurer);
    fputs(",\"request\":", out);
    json_reference(out, claim);
    fputs(",\"outcome\":", out);
    json_string(out, decided ? "complete" : "queued");
    fputs(",\"disposition\":", out);
    json_string(out, c->state);
    fputs(",\"total\":[{\"category\":", out);
    json_coding(out, SYS_TERMINOLOGY "adjudication", "submitted");
    fputs(",\"amount\":", out);
    json_money(out, c->amount_claimed_fen);
    fputc('}', out);
    if (c->approved_fen > 0) {
        fputs(",{\"category\":", out);
        json_coding(out, SYS_TERMINOLOGY "adjudication", "benefit");
        fputs(",\"amount\":", out);
        json_money(out, c->approved_fen);
        fputc('}', out);
    }
    if (c->supplementary_fen > 0) {
        fputs(",{\"category\":", out);
        json_coding(out, EXPORT_SYSTEM_PREFIX "adjudication", "supplementary");
        fputs(",\"amount\":", out);
        json_money(out, c->supplementary_fen);
        fputc('}', out);
    }
    fputc(']', out);
    if (paid) {
        fputs(",\"payment\":{\"type\":", out);
        json_coding(out, SYS_TERMINOLOGY "ex-paymenttype", "complete");
        fputs(",\"date\":", out);
        json_string(out, c->paid_on);
        fputs(",\"amount\":", out);
        json_money(out, c->paid_fen);
        fputc('}', out);
    }
    entry_close(out);
    return ok && !oom;
}

void export_fhir_end(export_fhir_t *f, FILE *out)
{
    fputs(f->any_entry ? "\n]}\n" : "]}\n", out);
}
