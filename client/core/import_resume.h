/*
 * The resume file of an import, FILE.aixin-progress: how many records at
 * the start of the file were acknowledged by the server (enrolled, or done
 * before), so that a rerun need not send them again. Text:
 *
 *   aixin-import-progress 1
 *   records K          the first K records (rows after the header)
 *   line L             the line the K-th record starts on, for people
 *   digest HEX         BLAKE2b-256 over the server, the user and the line
 *                      and idempotency key of every good row among them
 *
 * A rerun skips the first K records only when the digest of its own first
 * K records matches: a file edited since, another server or another user
 * gives another digest, and everything is sent again (rows done before
 * then come back "replayed", nothing is done twice). So a stale, foreign
 * or damaged resume file costs time, never correctness. Rows that a local
 * check refuses do not stop the prefix (they are never sent); a row the
 * server refused does, so that it is judged again on every run.
 *
 * The file is replaced atomically (write, rename) and not fsync'd: losing
 * it loses nothing but time.
 */
#ifndef AIXIN_CLIENT_IMPORT_RESUME_H
#define AIXIN_CLIENT_IMPORT_RESUME_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMPORT_RESUME_PATH_SIZE 4096
#define IMPORT_RESUME_DIGEST_SIZE 32

typedef struct import_resume {
    char path[IMPORT_RESUME_PATH_SIZE];
    crypto_generichash_state state; /* over the prefix so far */
    size_t records;                 /* records in the prefix */
    uint32_t line;                  /* line of the last one */
    size_t saved_records;           /* what the file says now */
    int64_t saved_ms;
} import_resume_t;

/* Start an empty prefix for the file at csv_path. False when the path
 * is too long. */
bool import_resume_init(import_resume_t *r, const char *csv_path,
                        const char *server, const char *username);

/* Extend the prefix by one record: `key` is the row's key, NULL for a row
 * refused by a local check. */
void import_resume_add(import_resume_t *r, uint32_t line, const uint8_t *key);

/* The record count the resume file claims and its digest; false when
 * there is no readable file. */
bool import_resume_load(const import_resume_t *r, size_t *records,
                        uint8_t digest[IMPORT_RESUME_DIGEST_SIZE]);

/* The digest of the prefix so far. */
void import_resume_digest(const import_resume_t *r,
                          uint8_t out[IMPORT_RESUME_DIGEST_SIZE]);

/* Write the file when the prefix grew (at most once a second unless
 * `now`). False (errno set) when writing failed. */
bool import_resume_save(import_resume_t *r, bool now);

#endif
