/*
 * A year's records exported for the desk, off the HTTP loop: a thread of
 * its own with its own connection runs the core's export_run(), the same
 * export as `aixin export` (a page at a time, the file written beside its
 * name and renamed when complete), into a private folder, while the page
 * polls how far it got. When it is done the file is offered for download;
 * it is removed with the job (the next export, or the desk stopping).
 */
#ifndef AIXIN_DESK_EXPORT_JOB_H
#define AIXIN_DESK_EXPORT_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "desk_link.h"
#include "export_run.h"

typedef enum desk_export_state {
    DESK_EXPORT_RUNNING = 0,
    DESK_EXPORT_DONE,   /* the file is complete */
    DESK_EXPORT_FAILED, /* stopped: the notices say why; no file */
    DESK_EXPORT_STATE_COUNT
} desk_export_state_t;

typedef struct desk_export_job {
    pthread_t thread;
    char dir[256];           /* owned folder (0700) of the file */
    char path[330];          /* the file, once complete */
    char file_name[64];      /* for the download, e.g. policies-2027.csv */
    char division[16];       /* the options' strings, owned here */
    char insurer[40];
    char *address;           /* owned */
    char *token;             /* owned, wiped: the saved session's */
    export_options_t options;
    /* Shared with the page while running. */
    _Atomic int state;       /* desk_export_state_t */
    _Atomic uint64_t written;
    _Atomic uint64_t total;  /* what the server expects; 0 unknown */
    /* Written by the worker, read by the page once state is not RUNNING. */
    desk_notices_t notices;
} desk_export_job_t;

/*
 * Start the export `o` (its output is ignored: the job's folder) with the
 * link's session. NULL (and a message in `notices`) when it cannot start.
 */
desk_export_job_t *desk_export_job_start(const desk_link_t *link,
                                         const export_options_t *o,
                                         desk_notices_t *notices);

/* Wait for the worker and free the job, its file and folder. */
void desk_export_job_free(desk_export_job_t *job);

#endif
