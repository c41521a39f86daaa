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
        spool_error(err, "cannot open %s: %s", lock_path, strerror(errno));
        return -1;
    }
    while (flock(fd, how) != 0) {
        if (errno == EINTR)
            continue;
        spool_error(err, "cannot lock %s: %s", lock_path, strerror(errno));
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
        spool_error(err, "cannot open %s: %s", lock_path, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            *result = SPOOL_ERR_BUSY;
            spool_error(err, "another `aixin sync` is sending this spool");
        } else {
            spool_error(err, "cannot lock %s: %s", lock_path,
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
        spool_error(err, "cannot stat %s: %s", path, strerror(errno));
        return SPOOL_ERR_IO;
    }
    if ((uint64_t)st.st_size > SPOOL_MAX_FILE_BYTES) {
        spool_error(err, "%s is %lld bytes, more than a spool can be", path,
                    (long long)st.st_size);
        return SPOOL_ERR_IO;
    }
    size_t want = (size_t)st.st_size;
    uint8_t *buf = malloc(want > 0 ? want : 1);
    if (buf == NULL) {
        spool_error(err, "out of memory");
        return SPOOL_ERR_NOMEM;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(fd, buf + got, want - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            spool_error(err, "cannot read %s: %s", path, strerror(errno));
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

/* Split c->data into records; stop at the first unsound one. */
static spool_result_t spool_parse(spool_contents_t *c,
                                  char err[SPOOL_ERROR_TEXT_SIZE])
{
    uint64_t off = 0;
    size_t cap = 0;
    c->damage[0] = '\0';
    while (off < c->file_size) {
        uint64_t left = c->file_size - off;
        const uint8_t *h = c->data + off;
        const char *why = NULL;
        uint32_t len = 0;
        if (left < SPOOL_HEADER_SIZE) {
            why = "a record header cut short";
        } else if (be32_read(h) != SPOOL_RECORD_MAGIC) {
            why = "bytes that are not a record (bad magic)";
        } else {
            len = be32_read(h + 4);
            if (len == 0 || len > SPOOL_MAX_PAYLOAD)
                why = "a record with an impossible length";
            else if (left - SPOOL_HEADER_SIZE < len)
                why = "a record cut short";
            else if (crc32c_compute(h + SPOOL_HEADER_SIZE, len) !=
                     be32_read(h + 8))
                why = "a record whose checksum does not match";
        }
        if (why != NULL) {
            snprintf(c->damage, sizeof(c->damage),
                     "%llu bytes at offset %llu (%s) ignored",
                     (unsigned long long)left, (unsigned long long)off, why);
            break;
        }
        if (c->n_records == cap) {
            size_t ncap = cap == 0 ? 16 : cap * 2;
            spool_record_t *r = realloc(c->records, ncap * sizeof(*r));
            if (r == NULL) {
                spool_error(err, "out of memory");
                return SPOOL_ERR_NOMEM;
            }
            c->records = r;
            cap = ncap;
        }
        c->records[c->n_records++] = (spool_record_t){
            .offset = off, .payload = h + SPOOL_HEADER_SIZE, .len = len};
        off += SPOOL_HEADER_SIZE + len;
    }
    c->good_end = off;
    return SPOOL_OK;
}

void spool_contents_free(spool_contents_t *c)
{
    free(c->data);
    free(c->records);
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
        spool_error(err, "cannot open %s: %s", path, strerror(errno));
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

/* Copy a damaged tail to PATH.damaged-TIME-PID (durably) before it is cut
 * off; false (err filled) when it could not be kept. */
static bool spool_keep_damage(const char *path, const spool_contents_t *c,
                              char aside[SPOOL_PATH_SIZE + 64],
                              char err[SPOOL_ERROR_TEXT_SIZE])
{
    snprintf(aside, SPOOL_PATH_SIZE + 64, "%s.damaged-%lld-%ld", path,
             (long long)time(NULL), (long)getpid());
    int fd = open(aside, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd < 0) {
        spool_error(err, "cannot create %s: %s", aside, strerror(errno));
        return false;
    }
    bool ok = write_all_at(fd, c->data + c->good_end,
                           (size_t)(c->file_size - c->good_end), 0) &&
              fsync(fd) == 0;
    int saved = errno;
    close(fd);
    if (ok)
        ok = spool_sync_parent_dir(aside);
    else
        errno = saved;
    if (!ok)
        spool_error(err, "cannot write %s: %s", aside, strerror(errno));
    return ok;
}

spool_result_t spool_append(const char *path, const uint8_t *payload,
                            uint32_t len, size_t *waiting,
                            char notice[SPOOL_ERROR_TEXT_SIZE],
                            char err[SPOOL_ERROR_TEXT_SIZE])
{
    notice[0] = '\0';
    *waiting = 0;
    if (len == 0 || len > SPOOL_MAX_PAYLOAD) {
        spool_error(err, "a record of %u bytes does not fit in the spool",
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
        spool_error(err, "cannot open %s: %s", path, strerror(errno));
        close(lock);
        return SPOOL_ERR_IO;
    }
    spool_contents_t c;
    spool_result_t r = spool_load_fd(fd, path, &c, err);
    if (r != SPOOL_OK)
        goto out;
    if (c.good_end < c.file_size) {
        char aside[SPOOL_PATH_SIZE + 64];
        if (!spool_keep_damage(path, &c, aside, err)) {
            r = SPOOL_ERR_IO;
            goto out_contents;
        }
        if (ftruncate(fd, (off_t)c.good_end) != 0) {
            spool_error(err, "cannot truncate %s: %s", path, strerror(errno));
            r = SPOOL_ERR_IO;
            goto out_contents;
        }
        spool_error(notice,
                    "the spool ended with %s; those bytes were moved to %s",
                    c.damage, aside);
    }
    uint8_t header[SPOOL_HEADER_SIZE];
    spool_header_write(header, payload, len);
    if (!write_all_at(fd, header, sizeof(header), (off_t)c.good_end) ||
        !write_all_at(fd, payload, len,
                      (off_t)(c.good_end + SPOOL_HEADER_SIZE))) {
        spool_error(err, "cannot write %s: %s", path, strerror(errno));
        r = SPOOL_ERR_IO;
        goto out_contents;
    }
    if (fsync(fd) != 0 || (created && !spool_sync_parent_dir(path))) {
        spool_error(err, "cannot flush %s to disk: %s", path, strerror(errno));
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

/* Write records [from, n) of c into a new file at tmp, fsync'd. */
static spool_result_t spool_write_copy(const char *tmp,
                                       const spool_contents_t *c, size_t from,
                                       char err[SPOOL_ERROR_TEXT_SIZE])
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd < 0) {
        spool_error(err, "cannot create %s: %s", tmp, strerror(errno));
        return SPOOL_ERR_IO;
    }
    uint64_t start = from < c->n_records ? c->records[from].offset
                                          : c->good_end;
    /* The records are stored whole with their headers: copy the bytes. */
    bool ok = write_all_at(fd, c->data + start,
                           (size_t)(c->good_end - start), 0);
    if (!ok) {
        spool_error(err, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return SPOOL_ERR_IO;
    }
    if (fsync(fd) != 0) {
        spool_error(err, "cannot flush %s to disk: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return SPOOL_ERR_SYNC;
    }
    close(fd);
    return SPOOL_OK;
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
        spool_error(err, "cannot open %s: %s", path, strerror(errno));
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
        spool_error(err, "%s changed while it was being sent; nothing was "
                         "removed from it",
                    path);
        r = SPOOL_ERR_CHANGED;
        goto out;
    }
    if (now.good_end < now.file_size) {
        char aside[SPOOL_PATH_SIZE + 64];
        if (!spool_keep_damage(path, &now, aside, err)) {
            r = SPOOL_ERR_IO;
            goto out;
        }
    }
    if (count == now.n_records) {
        /* Nothing left: remove the spool. */
        if (unlink(path) != 0) {
            spool_error(err, "cannot remove %s: %s", path, strerror(errno));
            r = SPOOL_ERR_IO;
        } else if (!spool_sync_parent_dir(path)) {
            spool_error(err, "cannot flush the directory of %s: %s", path,
                        strerror(errno));
            r = SPOOL_ERR_SYNC;
        }
        goto out;
    }
    char tmp[SPOOL_PATH_SIZE + 32];
    snprintf(tmp, sizeof(tmp), "%s.new-%ld", path, (long)getpid());
    unlink(tmp); /* a leftover of a crashed rewrite by a reused pid */
    r = spool_write_copy(tmp, &now, count, err);
    if (r != SPOOL_OK)
        goto out;
    if (rename(tmp, path) != 0) {
        spool_error(err, "cannot rename %s: %s", tmp, strerror(errno));
        unlink(tmp);
        r = SPOOL_ERR_IO;
        goto out;
    }
    if (!spool_sync_parent_dir(path)) {
        spool_error(err, "cannot flush the directory of %s: %s", path,
                    strerror(errno));
        r = SPOOL_ERR_SYNC;
    }
out:
    spool_contents_free(&now);
    close(lock);
    return r;
}
