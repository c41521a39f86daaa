/* The delivery journal of a spool; see spool_journal.h. */
#include "spool_journal.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounded: a journal of more entries than this is read in part only. */
#define SPOOL_JOURNAL_MAX_ENTRIES (4u << 20)

__attribute__((format(printf, 2, 3))) static void
journal_error(char err[SPOOL_ERROR_TEXT_SIZE], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SPOOL_ERROR_TEXT_SIZE, fmt, ap);
    va_end(ap);
}

static void journal_path(const char *spool_path,
                         char out[SPOOL_PATH_SIZE + 16])
{
    snprintf(out, SPOOL_PATH_SIZE + 16, "%s.journal", spool_path);
}

static int entry_compare(const void *a, const void *b)
{
    return memcmp(a, b, SPOOL_JOURNAL_KEY_SIZE);
}

static void identity_hash(const char *identity,
                          uint8_t out[SPOOL_JOURNAL_IDENTITY_SIZE])
{
    crypto_generichash(out, SPOOL_JOURNAL_IDENTITY_SIZE,
                       (const uint8_t *)identity, strlen(identity), NULL, 0);
}

bool spool_journal_load(const char *spool_path, spool_journal_t *out,
                        char err[SPOOL_ERROR_TEXT_SIZE])
{
    memset(out, 0, sizeof(*out));
    char path[SPOOL_PATH_SIZE + 16];
    journal_path(spool_path, path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return true;
        journal_error(err, _("cannot open %s: %s"), path,
                 strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        journal_error(err, _("cannot stat %s: %s"), path,
                 strerror(errno));
        close(fd);
        return false;
    }
    size_t n = (size_t)st.st_size / SPOOL_JOURNAL_ENTRY_SIZE;
    if (n > SPOOL_JOURNAL_MAX_ENTRIES)
        n = SPOOL_JOURNAL_MAX_ENTRIES;
    size_t bytes = n * SPOOL_JOURNAL_ENTRY_SIZE;
    uint8_t *buf = malloc(bytes > 0 ? bytes : 1);
    if (buf == NULL) {
        journal_error(err, _("out of memory"));
        close(fd);
        return false;
    }
    size_t got = 0;
    while (got < bytes) {
        ssize_t r = read(fd, buf + got, bytes - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    n = got / SPOOL_JOURNAL_ENTRY_SIZE;
    qsort(buf, n, SPOOL_JOURNAL_ENTRY_SIZE, entry_compare);
    out->entries = buf;
    out->n = n;
    return true;
}

void spool_journal_free(spool_journal_t *j)
{
    free(j->entries);
    memset(j, 0, sizeof(*j));
}

int64_t spool_journal_find(const spool_journal_t *j, const uint8_t *key,
                           const char *identity)
{
    if (j->n == 0 || identity[0] == '\0')
        return 0;
    uint8_t want[SPOOL_JOURNAL_IDENTITY_SIZE];
    identity_hash(identity, want);
    const uint8_t *e = bsearch(key, j->entries, j->n,
                               SPOOL_JOURNAL_ENTRY_SIZE, entry_compare);
    if (e == NULL)
        return 0;
    /* bsearch found one entry of the key: look at all of them. */
    while (e > j->entries &&
           memcmp(e - SPOOL_JOURNAL_ENTRY_SIZE, key, SPOOL_JOURNAL_KEY_SIZE) ==
               0)
        e -= SPOOL_JOURNAL_ENTRY_SIZE;
    const uint8_t *end = j->entries + j->n * SPOOL_JOURNAL_ENTRY_SIZE;
    for (; e < end && memcmp(e, key, SPOOL_JOURNAL_KEY_SIZE) == 0;
         e += SPOOL_JOURNAL_ENTRY_SIZE) {
        if (memcmp(e + SPOOL_JOURNAL_KEY_SIZE + 8, want, sizeof(want)) != 0)
            continue;
        uint64_t t = 0;
        for (int i = 0; i < 8; i++)
            t = t << 8 | e[SPOOL_JOURNAL_KEY_SIZE + i];
        return (int64_t)t;
    }
    return 0;
}

static int64_t entry_time(const uint8_t *e)
{
    uint64_t t = 0;
    for (int i = 0; i < 8; i++)
        t = t << 8 | e[SPOOL_JOURNAL_KEY_SIZE + i];
    return (int64_t)t;
}

/* Drop the entries delivered before now - SPOOL_JOURNAL_RETENTION_S:
 * past it the server has forgotten the key too, so the journal could not
 * explain a replay any more. Entries are appended in time order, so the
 * first entry tells whether there is anything to drop (usually not: one
 * entry's read). The rest is written to a new file, fsynced and renamed
 * over the journal; on any failure the journal stays as it was. */
static void journal_prune(const char *path, int64_t now)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    uint8_t first[SPOOL_JOURNAL_ENTRY_SIZE];
    int64_t cutoff = now - SPOOL_JOURNAL_RETENTION_S;
    struct stat st;
    if (pread(fd, first, sizeof(first), 0) != (ssize_t)sizeof(first) ||
        entry_time(first) >= cutoff || fstat(fd, &st) != 0) {
        close(fd);
        return;
    }
    size_t bytes = (size_t)st.st_size - (size_t)st.st_size % SPOOL_JOURNAL_ENTRY_SIZE;
    uint8_t *buf = malloc(bytes > 0 ? bytes : 1);
    size_t got = 0;
    while (buf != NULL && got < bytes) {
        ssize_t r = pread(fd, buf + got, bytes - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (buf == NULL || got < bytes) {
        free(buf);
        return;
    }
    size_t keep = 0;
    for (size_t i = 0; i < bytes / SPOOL_JOURNAL_ENTRY_SIZE; i++) {
        const uint8_t *e = buf + i * SPOOL_JOURNAL_ENTRY_SIZE;
        if (entry_time(e) >= cutoff) {
            memmove(buf + keep * SPOOL_JOURNAL_ENTRY_SIZE, e, SPOOL_JOURNAL_ENTRY_SIZE);
            keep++;
        }
    }
    char tmp[SPOOL_PATH_SIZE + 32];
    snprintf(tmp, sizeof(tmp), "%s.prune", path);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    bool ok = out >= 0;
    size_t len = keep * SPOOL_JOURNAL_ENTRY_SIZE;
    for (size_t done = 0; ok && done < len;) {
        ssize_t w = write(out, buf + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = false;
        else
            done += (size_t)w;
    }
    if (ok)
        ok = fsync(out) == 0;
    if (out >= 0 && close(out) != 0)
        ok = false;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok)
        unlink(tmp);
    free(buf);
}

bool spool_journal_append(const char *spool_path, const uint8_t *keys,
                          size_t n, int64_t now, const char *identity,
                          char err[SPOOL_ERROR_TEXT_SIZE])
{
    if (n == 0)
        return true;
    char path[SPOOL_PATH_SIZE + 16];
    journal_path(spool_path, path);
    journal_prune(path, now);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        journal_error(err, _("cannot open %s: %s"), path,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    off_t at = st.st_size - st.st_size % SPOOL_JOURNAL_ENTRY_SIZE;
    size_t bytes = n * SPOOL_JOURNAL_ENTRY_SIZE;
    uint8_t *buf = malloc(bytes);
    if (buf == NULL) {
        journal_error(err, _("out of memory"));
        close(fd);
        return false;
    }
    uint8_t id[SPOOL_JOURNAL_IDENTITY_SIZE];
    identity_hash(identity, id);
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = buf + i * SPOOL_JOURNAL_ENTRY_SIZE;
        memcpy(e + SPOOL_JOURNAL_KEY_SIZE + 8, id, sizeof(id));
        memcpy(e, keys + i * SPOOL_JOURNAL_KEY_SIZE, SPOOL_JOURNAL_KEY_SIZE);
        uint64_t t = (uint64_t)now;
        for (int k = 7; k >= 0; k--) {
            e[SPOOL_JOURNAL_KEY_SIZE + k] = (uint8_t)t;
            t >>= 8;
        }
    }
    bool ok = ftruncate(fd, at) == 0;
    for (size_t done = 0; ok && done < bytes;) {
        ssize_t w = pwrite(fd, buf + done, bytes - done, at + (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = false;
        else
            done += (size_t)w;
    }
    if (ok)
        ok = fsync(fd) == 0;
    if (!ok)
        journal_error(err, _("cannot write %s: %s"), path,
                 strerror(errno));
    free(buf);
    close(fd);
    return ok;
}
