/* The resume file of an import; see import_resume.h. */
#include "import_resume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IMPORT_RESUME_MAGIC "aixin-import-progress 1"
#define IMPORT_RESUME_SAVE_EVERY_MS 1000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool import_resume_init(import_resume_t *r, const char *csv_path,
                        const char *server, const char *username)
{
    memset(r, 0, sizeof(*r));
    if ((size_t)snprintf(r->path, sizeof(r->path), "%s.aixin-progress",
                         csv_path) >= sizeof(r->path))
        return false;
    static const uint8_t sep = 0x1f;
    crypto_generichash_init(&r->state, NULL, 0, IMPORT_RESUME_DIGEST_SIZE);
    crypto_generichash_update(&r->state, (const uint8_t *)server,
                              strlen(server));
    crypto_generichash_update(&r->state, &sep, 1);
    crypto_generichash_update(&r->state, (const uint8_t *)username,
                              strlen(username));
    r->saved_records = (size_t)-1;
    return true;
}

void import_resume_add(import_resume_t *r, uint32_t line, const uint8_t *key)
{
    r->records++;
    r->line = line;
    if (key == NULL)
        return;
    uint8_t be[4] = {(uint8_t)(line >> 24), (uint8_t)(line >> 16),
                     (uint8_t)(line >> 8), (uint8_t)line};
    crypto_generichash_update(&r->state, be, sizeof(be));
    crypto_generichash_update(&r->state, key, 16);
}

void import_resume_digest(const import_resume_t *r,
                          uint8_t out[IMPORT_RESUME_DIGEST_SIZE])
{
    crypto_generichash_state copy = r->state;
    crypto_generichash_final(&copy, out, IMPORT_RESUME_DIGEST_SIZE);
}

bool import_resume_load(const import_resume_t *r, size_t *records,
                        uint8_t digest[IMPORT_RESUME_DIGEST_SIZE])
{
    FILE *f = fopen(r->path, "r");
    if (f == NULL)
        return false;
    char magic[64], hex[2 * IMPORT_RESUME_DIGEST_SIZE + 2];
    unsigned long long k = 0, line = 0;
    bool ok = fgets(magic, sizeof(magic), f) != NULL &&
              strncmp(magic, IMPORT_RESUME_MAGIC,
                      strlen(IMPORT_RESUME_MAGIC)) == 0 &&
              fscanf(f, "records %llu\nline %llu\ndigest %65s", &k, &line,
                     hex) == 3 &&
              strlen(hex) == 2 * IMPORT_RESUME_DIGEST_SIZE;
    fclose(f);
    size_t bin_len = 0;
    if (ok)
        ok = sodium_hex2bin(digest, IMPORT_RESUME_DIGEST_SIZE, hex,
                            strlen(hex), NULL, &bin_len, NULL) == 0 &&
             bin_len == IMPORT_RESUME_DIGEST_SIZE;
    if (ok)
        *records = (size_t)k;
    return ok;
}

bool import_resume_save(import_resume_t *r, bool now)
{
    if (r->records == r->saved_records)
        return true;
    int64_t t = now_ms();
    if (!now && t - r->saved_ms < IMPORT_RESUME_SAVE_EVERY_MS)
        return true;
    uint8_t digest[IMPORT_RESUME_DIGEST_SIZE];
    import_resume_digest(r, digest);
    char hex[2 * IMPORT_RESUME_DIGEST_SIZE + 1];
    sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
    char tmp[IMPORT_RESUME_PATH_SIZE + 16];
    snprintf(tmp, sizeof(tmp), "%s.new", r->path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return false;
    int w = fprintf(f, "%s\nrecords %zu\nline %u\ndigest %s\n",
                    IMPORT_RESUME_MAGIC, r->records, (unsigned)r->line, hex);
    bool ok = w > 0;
    if (fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, r->path) != 0) {
        unlink(tmp);
        return false;
    }
    r->saved_records = r->records;
    r->saved_ms = t;
    return true;
}
