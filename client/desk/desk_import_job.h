/*
 * An enrollment file imported for the desk, off the HTTP loop: a thread
 * of its own with its own connection reads the file with the core's CSV
 * reader, checks and keys each row (import_row.h) and sends them with
 * import_send_all(), as `aixin import enrollments` does, while the page
 * polls how far it got. The refused rows, with their reasons, are kept
 * for the page and written as CSV for download.
 */
#ifndef AIXIN_DESK_IMPORT_JOB_H
#define AIXIN_DESK_IMPORT_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desk_link.h"
#include "import_row.h"

typedef enum desk_import_state {
    DESK_IMPORT_RUNNING = 0, /* reading, checking or sending */
    DESK_IMPORT_DONE,        /* every row answered (refusals included) */
    DESK_IMPORT_FAILED,      /* stopped: the notices say why */
    DESK_IMPORT_STATE_COUNT
} desk_import_state_t;

typedef struct desk_import_error {
    uint32_t line;                /* of the file */
    size_t record;                /* index of the record */
    char *reason;                 /* owned */
    char field[IMPORT_FIELD_SIZE]; /* the CSV column */
} desk_import_error_t;

typedef struct desk_import_job {
    pthread_t thread;
    char dir[256];            /* owned folder (0700) of the file and errors */
    char csv_path[300];
    char errors_path[300];
    char file_name[128];      /* as the browser named it, for the page */
    char *address;            /* owned */
    char *token;              /* owned, wiped: the saved session's */
    char *username;           /* owned */
    /* Shared with the page while running. */
    _Atomic int state;        /* desk_import_state_t */
    _Atomic uint64_t total;   /* records in the file (0 while reading) */
    _Atomic uint64_t done;    /* records with a final answer */
    /* Written by the worker, read by the page once state is not RUNNING. */
    size_t n_records, n_enrolled, n_replayed, n_bad_local, n_refused,
        n_not_done;
    desk_import_error_t *errors; /* owned, by line */
    size_t n_errors;
    desk_notices_t notices;
} desk_import_job_t;

/*
 * Save `data` to a private folder and start the worker. The session is the
 * link's. NULL (and a message in `notices`) when it cannot start.
 */
desk_import_job_t *desk_import_job_start(const desk_link_t *link,
                                         const char *data, size_t len,
                                         const char *file_name,
                                         desk_notices_t *notices);

/* Wait for the worker, remove the files, free. NULL is fine. */
void desk_import_job_free(desk_import_job_t *job);

#endif
