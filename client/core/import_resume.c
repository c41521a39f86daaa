/* The progress file of an import; see import_resume.h. */
#include "import_resume.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IMPORT_RESUME_MAGIC "aixin-import-progress 2"
#define IMPORT_RESUME_LINE_SIZE 512
#define IMPORT_RESUME_KEY_HEX (2 * IMPORT_KEY_SIZE)

bool import_resume_init(import_resume_t *r, const char *csv_path)
{
    memset(r, 0, sizeof(*r));
    return (size_t)snprintf(r->path, sizeof(r->path), "%s.aixin-progress",
                            csv_path) < sizeof(r->path);
}

static int key_compare(const void *a, const void *b)
{
    return memcmp(a, b, IMPORT_KEY_SIZE);
}

/* The text after `prefix` on a whole line (newline dropped), or NULL. */
static const char *line_value(char *line, const char *prefix)
{
    size_t n = strlen(prefix);
    size_t len = strlen(line);
    if (len == 0 || line[len - 1] != '\n' || strncmp(line, prefix, n) != 0)
        return NULL;
    line[len - 1] = '\0';
    return line + n;
}

/* Append one key to r->keys (growing by doubling); false when out of
 * memory. */
static bool keys_push(import_resume_t *r, size_t *cap, const uint8_t *key)
{
    if (r->n_keys == *cap) {
        size_t ncap = *cap == 0 ? 256 : *cap * 2;
        uint8_t *k = realloc(r->keys, ncap * IMPORT_KEY_SIZE);
        if (k == NULL)
            return false;
        r->keys = k;
        *cap = ncap;
    }
    memcpy(r->keys + r->n_keys * IMPORT_KEY_SIZE, key, IMPORT_KEY_SIZE);
    r->n_keys++;
    return true;
}

void import_resume_load(import_resume_t *r, const char *username)
{
    FILE *f = fopen(r->path, "r");
    if (f == NULL)
        return;
    char line[IMPORT_RESUME_LINE_SIZE];
    const char *v;
    bool ok = fgets(line, sizeof(line), f) != NULL &&
              strcmp(line, IMPORT_RESUME_MAGIC "\n") == 0 &&
              fgets(line, sizeof(line), f) != NULL &&
              (v = line_value(line, "identity ")) != NULL && v[0] != '\0' &&
              strlen(v) < sizeof(r->identity);
    if (ok) {
        snprintf(r->identity, sizeof(r->identity), "%s", v);
        ok = fgets(line, sizeof(line), f) != NULL &&
             (v = line_value(line, "user ")) != NULL &&
             strcmp(v, username) == 0;
    }
    size_t cap = 0;
    while (ok && fgets(line, sizeof(line), f) != NULL) {
        uint8_t key[IMPORT_KEY_SIZE];
        size_t bin_len = 0;
        v = line_value(line, "done ");
        if (v == NULL || strlen(v) < IMPORT_RESUME_KEY_HEX ||
            (v[IMPORT_RESUME_KEY_HEX] != ' ' &&
             v[IMPORT_RESUME_KEY_HEX] != '\0'))
            break; /* a torn last line, or damage: what came before counts */
        if (sodium_hex2bin(key, sizeof(key), v, IMPORT_RESUME_KEY_HEX, NULL,
                           &bin_len, NULL) != 0 ||
            bin_len != sizeof(key))
            break;
        if (!keys_push(r, &cap, key))
            ok = false;
    }
    fclose(f);
    if (!ok) {
        free(r->keys);
        r->keys = NULL;
        r->n_keys = 0;
        r->identity[0] = '\0';
        return;
    }
    if (r->n_keys > 0)
        qsort(r->keys, r->n_keys, IMPORT_KEY_SIZE, key_compare);
}

bool import_resume_has(const import_resume_t *r, const uint8_t *key)
{
    return r->n_keys > 0 &&
           bsearch(key, r->keys, r->n_keys, IMPORT_KEY_SIZE, key_compare) !=
               NULL;
}

static void write_key(FILE *f, const uint8_t *key, uint32_t line)
{
    char hex[IMPORT_RESUME_KEY_HEX + 1];
    sodium_bin2hex(hex, sizeof(hex), key, IMPORT_KEY_SIZE);
    fprintf(f, "done %s %u\n", hex, (unsigned)line);
}

bool import_resume_start(import_resume_t *r, const char *identity,
                         const char *username, const uint8_t *done,
                         const uint32_t *lines, size_t n)
{
    if (r->out != NULL) {
        fclose(r->out);
        r->out = NULL;
    }
    snprintf(r->identity, sizeof(r->identity), "%s", identity);
    if (r->failed)
        return false;
    char tmp[IMPORT_RESUME_PATH_SIZE + 16];
    snprintf(tmp, sizeof(tmp), "%s.new", r->path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        r->failed = true;
        return false;
    }
    fprintf(f, "%s\nidentity %s\nuser %s\n", IMPORT_RESUME_MAGIC, identity,
            username);
    for (size_t i = 0; i < n; i++)
        write_key(f, done + i * IMPORT_KEY_SIZE, lines[i]);
    /* The new file replaces the old one whole: a crash leaves either. */
    if (fflush(f) != 0 || ferror(f) || rename(tmp, r->path) != 0) {
        int saved = errno;
        fclose(f);
        unlink(tmp);
        errno = saved;
        r->failed = true;
        return false;
    }
    r->out = f;
    return true;
}

void import_resume_add(import_resume_t *r, const uint8_t *key, uint32_t line)
{
    if (r->out != NULL && !r->failed)
        write_key(r->out, key, line);
}

bool import_resume_flush(import_resume_t *r)
{
    if (r->failed)
        return false;
    if (r->out != NULL && (fflush(r->out) != 0 || ferror(r->out))) {
        r->failed = true;
        return false;
    }
    return true;
}

void import_resume_free(import_resume_t *r)
{
    if (r->out != NULL)
        fclose(r->out);
    r->out = NULL;
    free(r->keys);
    r->keys = NULL;
    r->n_keys = 0;
}
