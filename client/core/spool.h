/*
 * The offline spool file: requests waiting for a server that could not be
 * reached, kept in the order they were made. An append-only sequence of
 * records, each
 *
 *   offset 0   u32  magic 0x41585331 ("AXS1"), big-endian
 *          4   u32  payload length, big-endian, 1..SPOOL_MAX_PAYLOAD
 *          8   u32  CRC-32C (crc32c.h) of the payload, big-endian
 *         12   ...  payload (what it holds is the caller's: see
 *                   spool_offline.h)
 *
 * Durability: a record is written and fsync'd (and, when the append
 * created the file, the directory too) before spool_append() returns OK;
 * only then may the user be told it is saved. A failed fsync is reported
 * as SPOOL_ERR_SYNC and nothing may be claimed saved.
 *
 * Damage: a record that is not whole and sound (bad magic, a length out
 * of range, fewer bytes than the header announces, a CRC mismatch) costs
 * that record only. Reading resynchronises on the next sound record (a
 * valid header whose CRC matches its payload) and goes on; the bytes in
 * between are one damaged region, reported in `damaged` and not sent. A
 * damaged tail (a write cut short by a crash or a full disk) is the same
 * case at the end of the file. The next append or rewrite removes the
 * damaged regions from the spool, after copying each one's bytes to
 * PATH.damaged-UNIXTIME-PID-OFFSET (fsync'd) so that nothing is destroyed
 * unseen; the sound records, before and after, stay in order.
 *
 * Removal: spool_drop_front() rewrites the spool without its first
 * records: a new file next to it, fsync'd, renamed over the spool, the
 * directory fsync'd. A crash leaves the old spool or the new one, never a
 * mix. (Records removed are ones the server has answered; if the crash
 * lands between the answer and the rewrite, they are sent again, with
 * their original idempotency keys, and the server answers them again
 * without doing them twice.)
 *
 * Concurrency: PATH.lock is flock()ed, shared to read and exclusive to
 * append or rewrite, so several aixin processes may use one spool.
 * spool_sync_lock() takes PATH.sync, held by one `aixin sync` at a time.
 */
#ifndef AIXIN_CLIENT_SPOOL_H
#define AIXIN_CLIENT_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPOOL_RECORD_MAGIC 0x41585331u
#define SPOOL_HEADER_SIZE 12u
#define SPOOL_MAX_PAYLOAD (1u << 20)
#define SPOOL_PATH_SIZE 4096
#define SPOOL_ERROR_TEXT_SIZE 512
#define SPOOL_DAMAGE_TEXT_SIZE 256

typedef enum spool_result {
    SPOOL_OK = 0,
    SPOOL_ERR_IO,      /* open, read, write, rename failed; err says why */
    SPOOL_ERR_SYNC,    /* fsync failed: the data may not be on disk */
    SPOOL_ERR_NOMEM,   /* out of memory */
    SPOOL_ERR_BUSY,    /* spool_sync_lock(): another sync holds it */
    SPOOL_ERR_CHANGED, /* spool_drop_front(): the front is not what was read */
    SPOOL_RESULT_COUNT
} spool_result_t;

typedef struct spool_record {
    uint64_t offset;        /* where the record starts in the file */
    const uint8_t *payload; /* points into spool_contents_t.data */
    uint32_t len;
} spool_record_t;

/* Bytes of the file that are not a sound record. */
typedef struct spool_damage {
    uint64_t offset;
    uint64_t len;
    const char *why;          /* static text: what was wrong at offset */
} spool_damage_t;

/* What spool_load() read. Free with spool_contents_free(). */
typedef struct spool_contents {
    uint8_t *data;            /* owned: the file's bytes */
    uint64_t file_size;
    spool_record_t *records;  /* owned array, in file order */
    size_t n_records;
    spool_damage_t *damaged;  /* owned array, in file order */
    size_t n_damaged;
    /* The damaged regions in words ("512 bytes at offset 128 (a record
     * whose checksum does not match)"); "" when there are none. */
    char damage[SPOOL_DAMAGE_TEXT_SIZE];
} spool_contents_t;

/*
 * Read the spool at `path` (a missing file is an empty spool). On OK
 * *out holds the sound records and the damage report, if any.
 */
__attribute__((warn_unused_result)) spool_result_t
spool_load(const char *path, spool_contents_t *out,
           char err[SPOOL_ERROR_TEXT_SIZE]);

void spool_contents_free(spool_contents_t *c);

/*
 * Append one record durably (creating the spool when needed). On OK
 * *waiting is the number of records in the spool now, and `notice` (when
 * not "") tells about damaged regions that were set aside first.
 */
__attribute__((warn_unused_result)) spool_result_t
spool_append(const char *path, const uint8_t *payload, uint32_t len,
             size_t *waiting, char notice[SPOOL_ERROR_TEXT_SIZE],
             char err[SPOOL_ERROR_TEXT_SIZE]);

/*
 * Remove the first `count` records, which must be byte for byte the first
 * `count` of `seen` (an earlier spool_load()); records appended since are
 * kept after the others. A spool left empty is removed.
 */
__attribute__((warn_unused_result)) spool_result_t
spool_drop_front(const char *path, const spool_contents_t *seen, size_t count,
                 char err[SPOOL_ERROR_TEXT_SIZE]);

/*
 * Take the sync lock of the spool at `path` without waiting: a file
 * descriptor to close when done, or -1 with SPOOL_ERR_BUSY or
 * SPOOL_ERR_IO in *result.
 */
int spool_sync_lock(const char *path, spool_result_t *result,
                    char err[SPOOL_ERROR_TEXT_SIZE]);

/* fsync the directory that holds `path`; false with errno set. */
bool spool_sync_parent_dir(const char *path);

#endif
