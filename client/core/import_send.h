/*
 * Sending import rows to the server: ImportEnrollments batches, up to
 * IMPORT_SEND_PIPELINE of them in flight on one connection (the server
 * answers in order). Rows answered with a retryable error, and every row
 * of the batches in flight when the connection is lost or the batch is
 * answered UNAVAILABLE, are sent again with the same keys, after a
 * backoff (0.2 s doubling to 4 s). The job gives up when the server stays
 * unreachable for IMPORT_SEND_MAX_FAILURES rounds without any answer, or
 * a row has been answered retryably IMPORT_SEND_MAX_ROW_ATTEMPTS times;
 * the rows not done then stay undone (a rerun sends them).
 */
#ifndef AIXIN_CLIENT_IMPORT_SEND_H
#define AIXIN_CLIENT_IMPORT_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/errors.pb-c.h"
#include "cli.h"
#include "import_row.h"
#include "progress.h"
#include "rpc.h"

#define IMPORT_SEND_PIPELINE 4
#define IMPORT_SEND_MAX_FAILURES 8
#define IMPORT_SEND_MAX_ROW_ATTEMPTS 12

typedef enum import_status {
    IMPORT_WAITING = 0, /* not answered yet */
    IMPORT_ENROLLED,    /* enrolled by this run */
    IMPORT_REPLAYED,    /* done before: the server answered the first result */
    IMPORT_SKIPPED,     /* acknowledged in an earlier run (progress file) */
    IMPORT_REFUSED,     /* the server refused it */
    IMPORT_STATUS_COUNT
} import_status_t;

typedef struct import_item {
    import_row_t row;
    size_t record;         /* index of its record in the file */
    uint8_t status;        /* import_status_t */
    uint8_t attempts;      /* retryable answers so far */
} import_item_t;

typedef struct import_job {
    rpc_client_t *client;
    import_item_t *items;  /* the good rows, in file order */
    size_t n_items;
    size_t batch_rows;     /* rows per batch, 1..1000 */
    progress_t *progress;
    uint64_t progress_base; /* items already final before sending */
    /* Called for each refused row (e is the server's error). */
    void (*on_refused)(void *ctx, const import_item_t *item,
                       const Aixin__V1__Error *e);
    /* Called after each answered batch. */
    void (*on_answered)(void *ctx);
    void *ctx;
    size_t n_enrolled, n_replayed, n_refused;
} import_job_t;

/*
 * Send every WAITING item until each has a final answer. CLI_EXIT_OK when
 * all were answered (refusals included); CLI_EXIT_UNAVAILABLE (after
 * reporting) when the job gave up; another code for a final error of the
 * whole request (login refused, say).
 */
cli_exit_t import_send_all(import_job_t *job);

#endif
