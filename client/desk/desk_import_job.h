/*
 * An enrollment file imported for the desk, off the HTTP loop: a thread
 * of its own with its own connection runs the core's import_run(), the
 * same run as `aixin import enrollments` (rows touching the same person in
 * file order, patience through outages, the database's identity, the
 * progress file, the error file in the input's encoding), while the page
 * polls how far it got. The progress file is kept with the session, named
 * after the file as the browser named it, so that importing the same file
 * again (after an outage, or corrected) skips the rows that database
 * acknowledged. The refused rows, with their reasons, are kept for the
 * page and their file is offered for download.
 */
#ifndef AIXIN_DESK_IMPORT_JOB_H
#define AIXIN_DESK_IMPORT_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desk_link.h"
#include "import_run.h"

typedef enum desk_import_state {
    DESK_IMPORT_RUNNING = 0, /* reading, checking or sending */
    DESK_IMPORT_DONE,        /* every row answered (refusals included) */
    DESK_IMPORT_FAILED,      /* stopped: the notices say why */
    DESK_IMPORT_STATE_COUNT
} desk_import_state_t;

typedef struct desk_import_job {
    pthread_t thread;
    char dir[256];            /* owned folder (0700) of the file and errors */
    char csv_path[300];
    char errors_path[300];
    char *resume_base;        /* owned: the progress file's name, less
                                 ".aixin-progress" (NULL: next to csv_path) */
    char file_name[128];      /* as the browser named it, for the page */
    char *address;            /* owned */
    char *token;              /* owned, wiped: the saved session's */
    /* Shared with the page while running. */
    _Atomic int state;        /* desk_import_state_t */
    _Atomic uint64_t total;   /* records in the file (0 while reading) */
    _Atomic uint64_t done;    /* records with a final answer */
    /* Written by the worker, read by the page once state is not RUNNING:
     * the counts and refused rows (by line) of the run. */
    import_run_result_t result;
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
