/* The offline spool file: records, damage, durable append and rewrite;
 * see spool.h. */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "i18n.h"

/* A spool is small (requests typed by hand); refuse to read a huge one. */
#define SPOOL_MAX_FILE_BYTES (256ull << 20)

__attribute__((format(printf, 2, 3))) static void
spool_error(char err[SPOOL_ERROR_TEXT_SIZE], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SPOOL_ERROR_TEXT_SIZE, fmt, ap);
    va_end(ap);
}

static uint32_t be32_read(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static void be32_write(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void spool_header_write(uint8_t h[SPOOL_HEADER_SIZE],
                               const uint8_t *payload, uint32_t len)
{
    be32_write(h, SPOOL_RECORD_MAGIC);
    be32_write(h + 4, len);
    be32_write(h + 8, crc32c_compute(payload, len));
}

bool spool_sync_parent_dir(const char *path)
{
    char copy[SPOOL_PATH_SIZE];
    snprintf(copy, sizeof(copy), "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc == 0;
}

/* Open and flock PATH.lock; returns the descriptor or -1 (err filled). */
static int spool_lock(const char *path, int how,
                      char err[SPOOL_ERROR_TEXT_SIZE])
{
    char lock_path[SPOOL_PATH_SIZE + 8];
    snprintf(lock_path, sizeof(lock_path), "%s.lock", path);
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        spool_error(err, _("cannot open %s: %s"), lock_path, strerror(errno));
        return -1;
    }
    while (flock(fd, how) != 0) {
        if (errno == EINTR)
            continue;
        spool_error(err, _("cannot lock %s: %s"), lock_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int spool_sync_lock(const char *path, spool_result_t *result,
                    char err[SPOOL_ERROR_TEXT_SIZE])
{
    char lock_path[SPOOL_PATH_SIZE + 8];
    snprintf(lock_path, sizeof(lock_path), "%s.sync", path);
    *result = SPOOL_ERR_IO;
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        spool_error(err, _("cannot open %s: %s"), lock_path, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            *result = SPOOL_ERR_BUSY;
            spool_error(err, _("another `aixin sync` is sending this spool"));
        } else {
            spool_error(err, _("cannot lock %s: %s"), lock_path,
                        strerror(errno));
        }
        close(fd);
        return -1;
    }
    *result = SPOOL_OK;
    return fd;
}

/* Read all of fd (at most SPOOL_MAX_FILE_BYTES) into a new buffer. */
static spool_result_t spool_read_all(int fd, const char *path, uint8_t **data,
                                     uint64_t *size,
                                     char err[SPOOL_ERROR_TEXT_SIZE])
{
    *data = NULL;
    *size = 0;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        spool_error(err, _("cannot stat %s: %s"), path, strerror(errno));
        return SPOOL_ERR_IO;
    }
    if ((uint64_t)st.st_size > SPOOL_MAX_FILE_BYTES) {
        spool_error(err, _("%s is %lld bytes, more than a spool can be"), path,
                    (long long)st.st_size);
        return SPOOL_ERR_IO;
    }
    size_t want = (size_t)st.st_size;
    uint8_t *buf = malloc(want > 0 ? want : 1);
    if (buf == NULL) {
        spool_error(err, _("out of memory"));
        return SPOOL_ERR_NOMEM;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(fd, buf + got, want - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            spool_error(err, _("cannot read %s: %s"), path, strerror(errno));
            free(buf);
            return SPOOL_ERR_IO;
        }
        if (n == 0)
            break; /* shrank meanwhile: impossible under the lock */
        got += (size_t)n;
    }
    *data = buf;
    *size = got;
    return SPOOL_OK;
}

/* Why the record at `off` is not sound, or NULL when it is (*len set). */
static const char *spool_record_check(const spool_contents_t *c, uint64_t off,
                                      uint32_t *len)
{
    uint64_t left = c->file_size - off;
    const uint8_t *h = c->data + off;
    *len = 0;
    if (left < SPOOL_HEADER_SIZE)
        return N_("a record header cut short");
    if (be32_read(h) != SPOOL_RECORD_MAGIC)
        return N_("bytes that are not a record (bad magic)");
    uint32_t n = be32_read(h + 4);
    if (n == 0 || n > SPOOL_MAX_PAYLOAD)
        return N_("a record with an impossible length");
    if (left - SPOOL_HEADER_SIZE < n)
        return N_("a record cut short");
    if (crc32c_compute(h + SPOOL_HEADER_SIZE, n) != be32_read(h + 8))
        return N_("a record whose checksum does not match");
    *len = n;
    return NULL;
}

/* The first offset after `from` where a sound record starts, or the end
 * of the file. */
static uint64_t spool_resync(const spool_contents_t *c, uint64_t from)
{
    for (uint64_t off = from + 1; off + SPOOL_HEADER_SIZE <= c->file_size;
         off++) {
        uint32_t len;
        if (be32_read(c->data + off) == SPOOL_RECORD_MAGIC &&
            spool_record_check(c, off, &len) == NULL)
            return off;
    }
    return c->file_size;
}

/* Append to a growing array of `size`-byte elements; false on no memory. */
static bool array_push(void **arr, size_t *n, size_t *cap, size_t size,
                       const void *elem)
{
    if (*n == *cap) {
        size_t ncap = *cap == 0 ? 16 : *cap * 2;
        void *a = realloc(*arr, ncap * size);
        if (a == NULL)
            return false;
        *arr = a;
        *cap = ncap;
    }
    memcpy((uint8_t *)*arr + *n * size, elem, size);
    (*n)++;
    return true;
}

/* Describe the damaged regions in c->damage (as many as fit). */
static void spool_describe_damage(spool_contents_t *c)
{
    c->damage[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < c->n_damaged; i++) {
        const spool_damage_t *d = &c->damaged[i];
        int w = snprintf(c->damage + used, sizeof(c->damage) - used,
                         _("%s%llu bytes at offset %llu (%s)"),
                         i == 0 ? "" : "; ", (unsigned long long)d->len,
                         (unsigned long long)d->offset, _(d->why));
        if (w < 0 || (size_t)w >= sizeof(c->damage) - used) {
            c->damage[used] = '\0';
            snprintf(c->damage + used, sizeof(c->damage) - used,
                     _("%s%zu more"), used == 0 ? "" : "; ", c->n_damaged - i);
            return;
        }
        used += (size_t)w;
    }
}

/* Split c->data into sound records and damaged regions. */
static spool_result_t spool_parse(spool_contents_t *c,
                                  char err[SPOOL_ERROR_TEXT_SIZE])
{
    uint64_t off = 0;
    size_t rec_cap = 0, dmg_cap = 0;
    while (off < c->file_size) {
        uint32_t len;
        const char *why = spool_record_check(c, off, &len);
        bool ok;
        if (why != NULL) {
            uint64_t next = spool_resync(c, off);
            spool_damage_t d = {.offset = off, .len = next - off, .why = why};
            ok = array_push((void **)&c->damaged, &c->n_damaged, &dmg_cap,
                            sizeof(d), &d);
            off = next;
        } else {
            spool_record_t r = {.offset = off,
                                .payload = c->data + off + SPOOL_HEADER_SIZE,
                                .len = len};
            ok = array_push((void **)&c->records, &c->n_records, &rec_cap,
                            sizeof(r), &r);
            off += SPOOL_HEADER_SIZE + len;
        }
        if (!ok) {
            spool_error(err, _("out of memory"));
            return SPOOL_ERR_NOMEM;
        }
    }
    spool_describe_damage(c);
    return SPOOL_OK;
}

void spool_contents_free(spool_contents_t *c)
{
    free(c->data);
    free(c->records);
    free(c->damaged);
    memset(c, 0, sizeof(*c));
}

/* Read and parse the open spool fd into *out. */
static spool_result_t spool_load_fd(int fd, const char *path,
                                    spool_contents_t *out,
                                    char err[SPOOL_ERROR_TEXT_SIZE])
{
    memset(out, 0, sizeof(*out));
    spool_result_t r =
        spool_read_all(fd, path, &out->data, &out->file_size, err);
    if (r == SPOOL_OK)
        r = spool_parse(out, err);
    if (r != SPOOL_OK)
        spool_contents_free(out);
    return r;
}

spool_result_t spool_load(const char *path, spool_contents_t *out,
                          char err[SPOOL_ERROR_TEXT_SIZE])
{
    memset(out, 0, sizeof(*out));
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return SPOOL_OK; /* nothing spooled yet (maybe no directory) */
    int lock = spool_lock(path, LOCK_SH, err);
    if (lock < 0)
        return SPOOL_ERR_IO;
    spool_result_t r = SPOOL_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        r = spool_load_fd(fd, path, out, err);
        close(fd);
    } else if (errno != ENOENT) {
        spool_error(err, _("cannot open %s: %s"), path, strerror(errno));
        r = SPOOL_ERR_IO;
    }
    close(lock);
    return r;
}

static bool write_all_at(int fd, const uint8_t *data, size_t n, off_t at)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = pwrite(fd, data + done, n - done, at + (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        done += (size_t)w;
    }
    return true;
}

/* Copy each damaged region to PATH.damaged-TIME-PID-OFFSET (durably)
 * before it is removed; false (err filled) when one could not be kept.
 * `aside` names the first file written. */
static bool spool_keep_damage(const char *path, const spool_contents_t *c,
                              char aside[SPOOL_PATH_SIZE + 64],
                              char err[SPOOL_ERROR_TEXT_SIZE])
{
    aside[0] = '\0';
    for (size_t i = 0; i < c->n_damaged; i++) {
        const spool_damage_t *d = &c->damaged[i];
        char name[SPOOL_PATH_SIZE + 64];
        snprintf(name, sizeof(name), "%s.damaged-%lld-%ld-%llu", path,
                 (long long)time(NULL), (long)getpid(),
                 (unsigned long long)d->offset);
        int fd = open(name,
                      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                      0600);
        if (fd < 0) {
            spool_error(err, _("cannot create %s: %s"), name, strerror(errno));
            return false;
        }
        bool ok = write_all_at(fd, c->data + d->offset, (size_t)d->len, 0) &&
                  fsync(fd) == 0;
        int saved = errno;
        close(fd);
        if (!ok) {
            errno = saved;
            spool_error(err, _("cannot write %s: %s"), name, strerror(errno));
            unlink(name);
            return false;
        }
        if (i == 0)
            snprintf(aside, SPOOL_PATH_SIZE + 64, "%s", name);
    }
    if (c->n_damaged > 0 && !spool_sync_parent_dir(path)) {
        spool_error(err, _("cannot flush the directory of %s: %s"), path,
                    strerror(errno));
        return false;
    }
    return true;
}

/* Write records [from, n) of c, then `extra` (a whole record, header
 * included, may be NULL) into a new file at tmp, fsync'd. */
static spool_result_t spool_write_copy(const char *tmp,
                                       const spool_contents_t *c, size_t from,
                                       const uint8_t *extra, size_t extra_len,
                                       char err[SPOOL_ERROR_TEXT_SIZE])
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd < 0) {
        spool_error(err, _("cannot create %s: %s"), tmp, strerror(errno));
        return SPOOL_ERR_IO;
    }
    /* The records are stored whole with their headers: copy their bytes,
     * leaving out the damaged regions between them. */
    bool ok = true;
    off_t at = 0;
    for (size_t i = from; ok && i < c->n_records; i++) {
        const spool_record_t *r = &c->records[i];
        size_t n = SPOOL_HEADER_SIZE + r->len;
        ok = write_all_at(fd, c->data + r->offset, n, at);
        at += (off_t)n;
    }
    if (ok && extra != NULL)
        ok = write_all_at(fd, extra, extra_len, at);
    if (!ok) {
        spool_error(err, _("cannot write %s: %s"), tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return SPOOL_ERR_IO;
    }
    if (fsync(fd) != 0) {
        spool_error(err, _("cannot flush %s to disk: %s"), tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return SPOOL_ERR_SYNC;
    }
    close(fd);
    return SPOOL_OK;
}

/* Replace the spool at path with records [from, n) of c and `extra`:
 * a new file, fsync'd, renamed over it, the directory fsync'd. */
static spool_result_t spool_rewrite(const char *path, const spool_contents_t *c,
                                    size_t from, const uint8_t *extra,
                                    size_t extra_len,
                                    char err[SPOOL_ERROR_TEXT_SIZE])
{
    char tmp[SPOOL_PATH_SIZE + 32];
    snprintf(tmp, sizeof(tmp), "%s.new-%ld", path, (long)getpid());
    unlink(tmp); /* a leftover of a crashed rewrite by a reused pid */
    spool_result_t r = spool_write_copy(tmp, c, from, extra, extra_len, err);
    if (r != SPOOL_OK)
        return r;
    if (rename(tmp, path) != 0) {
        spool_error(err, _("cannot rename %s: %s"), tmp, strerror(errno));
        unlink(tmp);
        return SPOOL_ERR_IO;
    }
    if (!spool_sync_parent_dir(path)) {
        spool_error(err, _("cannot flush the directory of %s: %s"), path,
                    strerror(errno));
        return SPOOL_ERR_SYNC;
    }
    return SPOOL_OK;
}

spool_result_t spool_append(const char *path, const uint8_t *payload,
                            uint32_t len, size_t *waiting,
                            char notice[SPOOL_ERROR_TEXT_SIZE],
                            char err[SPOOL_ERROR_TEXT_SIZE])
{
    notice[0] = '\0';
    *waiting = 0;
    if (len == 0 || len > SPOOL_MAX_PAYLOAD) {
        spool_error(err, _("a record of %u bytes does not fit in the spool"),
                    (unsigned)len);
        return SPOOL_ERR_IO;
    }
    int lock = spool_lock(path, LOCK_EX, err);
    if (lock < 0)
        return SPOOL_ERR_IO;
    bool created = false;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd >= 0)
        created = true;
    else if (errno == EEXIST)
        fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        spool_error(err, _("cannot open %s: %s"), path, strerror(errno));
        close(lock);
        return SPOOL_ERR_IO;
    }
    spool_contents_t c;
    spool_result_t r = spool_load_fd(fd, path, &c, err);
    if (r != SPOOL_OK)
        goto out;
    uint8_t header[SPOOL_HEADER_SIZE];
    spool_header_write(header, payload, len);
    if (c.n_damaged > 0) {
        /* Set the damaged bytes aside, then write the sound records and
         * the new one as a new spool. */
        char aside[SPOOL_PATH_SIZE + 64];
        uint8_t *rec = malloc(SPOOL_HEADER_SIZE + (size_t)len);
        if (rec == NULL) {
            spool_error(err, _("out of memory"));
            r = SPOOL_ERR_NOMEM;
            goto out_contents;
        }
        memcpy(rec, header, SPOOL_HEADER_SIZE);
        memcpy(rec + SPOOL_HEADER_SIZE, payload, len);
        if (!spool_keep_damage(path, &c, aside, err))
            r = SPOOL_ERR_IO;
        else
            r = spool_rewrite(path, &c, 0, rec, SPOOL_HEADER_SIZE + len, err);
        free(rec);
        if (r != SPOOL_OK)
            goto out_contents;
        spool_error(notice,
                    _("the spool held damaged bytes: %s; they were moved to "
                    "%s%s; the %zu sound changes around them are kept, in "
                    "order"),
                    c.damage, aside,
                    c.n_damaged > 1 ? " (and files next to it)" : "",
                    c.n_records);
        *waiting = c.n_records + 1;
        goto out_contents;
    }
    if (!write_all_at(fd, header, sizeof(header), (off_t)c.file_size) ||
        !write_all_at(fd, payload, len,
                      (off_t)(c.file_size + SPOOL_HEADER_SIZE))) {
        int saved = errno;
        /* Leave no torn record behind when the disk is full. */
        if (ftruncate(fd, (off_t)c.file_size) == 0)
            (void)fsync(fd);
        errno = saved;
        spool_error(err, _("cannot write %s: %s"), path, strerror(errno));
        r = SPOOL_ERR_IO;
        goto out_contents;
    }
    if (fsync(fd) != 0 || (created && !spool_sync_parent_dir(path))) {
        int saved = errno;
        /* The user is told the change was NOT saved: take it back out,
         * so that no later sync sends what was called unsaved. */
        if (ftruncate(fd, (off_t)c.file_size) == 0)
            (void)fsync(fd);
        errno = saved;
        spool_error(err, _("cannot flush %s to disk: %s"), path, strerror(errno));
        r = SPOOL_ERR_SYNC;
        goto out_contents;
    }
    *waiting = c.n_records + 1;
out_contents:
    spool_contents_free(&c);
out:
    close(fd);
    close(lock);
    return r;
}

/* True when the first `count` records of a and b are the same bytes. */
static bool spool_same_front(const spool_contents_t *a,
                             const spool_contents_t *b, size_t count)
{
    if (a->n_records < count || b->n_records < count)
        return false;
    for (size_t i = 0; i < count; i++) {
        const spool_record_t *x = &a->records[i];
        const spool_record_t *y = &b->records[i];
        if (x->offset != y->offset || x->len != y->len ||
            memcmp(x->payload, y->payload, x->len) != 0)
            return false;
    }
    return true;
}

spool_result_t spool_drop_front(const char *path, const spool_contents_t *seen,
                                size_t count, char err[SPOOL_ERROR_TEXT_SIZE])
{
    if (count == 0)
        return SPOOL_OK;
    int lock = spool_lock(path, LOCK_EX, err);
    if (lock < 0)
        return SPOOL_ERR_IO;
    spool_contents_t now;
    spool_result_t r;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        spool_error(err, _("cannot open %s: %s"), path, strerror(errno));
        close(lock);
        return SPOOL_ERR_IO;
    }
    r = spool_load_fd(fd, path, &now, err);
    close(fd);
    if (r != SPOOL_OK) {
        close(lock);
        return r;
    }
    if (!spool_same_front(seen, &now, count)) {
        spool_error(err, _("%s changed while it was being sent; nothing was "
                         "removed from it"),
                    path);
        r = SPOOL_ERR_CHANGED;
        goto out;
    }
    if (now.n_damaged > 0) {
        char aside[SPOOL_PATH_SIZE + 64];
        if (!spool_keep_damage(path, &now, aside, err)) {
            r = SPOOL_ERR_IO;
            goto out;
        }
    }
    if (count == now.n_records) {
        /* Nothing left: remove the spool. */
        if (unlink(path) != 0) {
            spool_error(err, _("cannot remove %s: %s"), path, strerror(errno));
            r = SPOOL_ERR_IO;
        } else if (!spool_sync_parent_dir(path)) {
            spool_error(err, _("cannot flush the directory of %s: %s"), path,
                        strerror(errno));
            r = SPOOL_ERR_SYNC;
        }
        goto out;
    }
    r = spool_rewrite(path, &now, count, NULL, 0, err);
out:
    spool_contents_free(&now);
    close(lock);
    return r;
}
