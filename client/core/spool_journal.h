/*
 * The delivery journal next to a spool (PATH.journal): the idempotency
 * key of every record `aixin sync` delivered, with when, and which
 * database answered it. Only used to say "(replayed)" when a record is
 * sent again (a sync killed between an answer and the spool's rewrite, a
 * spool restored from a copy): the server makes sure nothing is done
 * twice; the journal only explains it. A key delivered to another database
 * (another identity: replaced, restored) is not called a replay.
 *
 * Each key is appended (fsync'd) as soon as its answer arrives, so a sync
 * killed half-way leaves the journal true for what it delivered.
 *
 * Fixed entries of 32 bytes: [16-byte key][u64 unix seconds, big-endian]
 * [8 bytes of BLAKE2b over the server's identity text]. A torn last entry
 * is ignored and cut off at the next append.
 */
#ifndef AIXIN_CLIENT_SPOOL_JOURNAL_H
#define AIXIN_CLIENT_SPOOL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spool.h"

/* Entries older than this are dropped at the next append: the server
 * keeps idempotency keys at least 400 days, not longer for sure. */
#define SPOOL_JOURNAL_RETENTION_S (400 * 86400)

#define SPOOL_JOURNAL_KEY_SIZE 16
#define SPOOL_JOURNAL_IDENTITY_SIZE 8
#define SPOOL_JOURNAL_ENTRY_SIZE 32

typedef struct spool_journal {
    uint8_t *entries; /* owned, n * SPOOL_JOURNAL_ENTRY_SIZE, sorted by key */
    size_t n;
} spool_journal_t;

/* Read the journal of the spool at spool_path (missing: empty). */
__attribute__((warn_unused_result)) bool
spool_journal_load(const char *spool_path, spool_journal_t *out,
                   char err[SPOOL_ERROR_TEXT_SIZE]);

void spool_journal_free(spool_journal_t *j);

/* When `key` was first delivered to the database of `identity` (unix
 * seconds), or 0 when it was not (or the identity is ""). */
int64_t spool_journal_find(const spool_journal_t *j, const uint8_t *key,
                           const char *identity);

/* Append n keys (n * 16 bytes) delivered at `now` to the database of
 * `identity`, fsync'd; entries older than SPOOL_JOURNAL_RETENTION_S are
 * pruned first. */
__attribute__((warn_unused_result)) bool
spool_journal_append(const char *spool_path, const uint8_t *keys, size_t n,
                     int64_t now, const char *identity,
                     char err[SPOOL_ERROR_TEXT_SIZE]);

#endif
