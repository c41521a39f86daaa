/*
 * The progress file of an import, FILE.aixin-progress: the rows of the
 * file that a database acknowledged as done (enrolled, or done before),
 * so that a rerun need not send them again. Text:
 *
 *   aixin-import-progress 2
 *   identity SYSTEM/DATABASE/RESTORE   the database that acknowledged them
 *   user NAME                          the account they were sent as
 *   done KEYHEX LINE                   one line per done row: its
 *   ...                                idempotency key (import_row.h) and,
 *                                      for people, its line in the file
 *
 * A row is known by its key, which depends on its contents, the account
 * and the policy year only: an edited row has another key and is sent
 * again; the order of the lines and the address the server was dialled
 * by do not matter. A rerun skips a row on this file's word only when the
 * server states the same identity (HelloOk.identity: same PostgreSQL
 * cluster, same database, no restore since); under another identity every
 * row is sent again, and the idempotency keys make the rows that are in
 * fact done come back "already done". Rows the server refused are not
 * listed: they are judged again on every run (the database may have
 * changed; they are few), and they do not hold back the rows after them.
 *
 * Lines are appended as answers arrive (flushed, not fsync'd): losing the
 * file, or its last lines in a crash, loses nothing but time. A torn last
 * line is ignored.
 */
#ifndef AIXIN_CLIENT_IMPORT_RESUME_H
#define AIXIN_CLIENT_IMPORT_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "connection.h"
#include "import_row.h"

#define IMPORT_RESUME_PATH_SIZE 4096

typedef struct import_resume {
    char path[IMPORT_RESUME_PATH_SIZE];
    char identity[CONN_IDENTITY_SIZE]; /* of the file read or written */
    uint8_t *keys;   /* owned: n_keys * IMPORT_KEY_SIZE, sorted (loaded) */
    size_t n_keys;
    FILE *out;       /* owned: open for appending after import_resume_start */
    bool failed;     /* a write failed: said once, no more writes */
} import_resume_t;

/* Name the progress file of csv_path; false when the path is too long. */
bool import_resume_init(import_resume_t *r, const char *csv_path);

/* Read the file, if any, written for `username`: its identity and done
 * keys. A missing, foreign or unreadable file is an empty one. */
void import_resume_load(import_resume_t *r, const char *username);

/* True when `key` is listed as done by the file loaded. */
bool import_resume_has(const import_resume_t *r, const uint8_t *key);

/*
 * Start the file afresh for the server of `identity`, listing the n keys
 * of `done` (IMPORT_KEY_SIZE each, their lines in `lines`) already known
 * done there, and keep it open for import_resume_add. False (errno set)
 * when it cannot be written.
 */
bool import_resume_start(import_resume_t *r, const char *identity,
                         const char *username, const uint8_t *done,
                         const uint32_t *lines, size_t n);

/* Append one done row; flushed by import_resume_flush. */
void import_resume_add(import_resume_t *r, const uint8_t *key, uint32_t line);

/* Flush what was appended. False (errno set) once a write has failed. */
bool import_resume_flush(import_resume_t *r);

/* Close the file and free the keys. */
void import_resume_free(import_resume_t *r);

#endif
