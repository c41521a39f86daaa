/*
 * Sending import rows to the server: ImportEnrollments batches, up to
 * IMPORT_SEND_PIPELINE of them in flight on one connection.
 *
 * Order. A file behaves as if its rows were applied one after the other:
 * two rows that touch the same child, household (certificate number) or
 * guardian (import_row.h) are never in flight at the same time, in one
 * batch or in two; the later one waits until the earlier one has its
 * final answer (and so does every row that shares something with a row
 * that waits). Rows that share nothing travel in parallel. The server
 * runs the rows of a batch concurrently, so this is what keeps the first
 * row for a child the one that wins.
 *
 * Outages. Rows answered with a retryable error, and rows of batches in
 * flight when the connection is lost, are sent again with the same keys
 * after a backoff (0.2 s doubling to 2 s). The job gives up only when no
 * row has had a final answer for `patience_s` seconds; stale "retry"
 * answers of batches sent during an outage cost nothing once rows are
 * answered again. While it waits it says so ("retrying").
 *
 * Identity. Each connection's HelloOk states the database behind the
 * server (conn_server_identity). A connection that states none is not
 * used (its database may be unreachable). When it differs from
 * job->identity (the database of the rows skipped on a progress file's
 * word, or the one that answered earlier in this run), every row with a
 * final answer is made WAITING again and sent again: nothing counts as
 * done unless this database said so.
 */
#ifndef AIXIN_CLIENT_IMPORT_SEND_H
#define AIXIN_CLIENT_IMPORT_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/errors.pb-c.h"
#include "cli.h"
#include "connection.h"
#include "import_row.h"
#include "progress.h"
#include "rpc.h"

#define IMPORT_SEND_PIPELINE 4
#define IMPORT_SEND_DEFAULT_PATIENCE_S 120

typedef enum import_status {
    IMPORT_WAITING = 0, /* no final answer (yet) */
    IMPORT_ENROLLED,    /* enrolled by this run */
    IMPORT_REPLAYED,    /* done before: the server answered the first result */
    IMPORT_SKIPPED,     /* done on the progress file's word (same database) */
    IMPORT_REFUSED,     /* the server refused it */
    IMPORT_DUPLICATE,   /* the same row as an earlier line: refused here */
    IMPORT_STATUS_COUNT
} import_status_t;

typedef struct import_item {
    import_row_t row;
    size_t record;         /* index of its record in the file */
    uint8_t status;        /* import_status_t */
    bool in_flight;        /* in a batch not answered yet */
    bool sent;             /* sent at least once: its outcome may be known
                              to the server even when not to us */
    bool given_up;         /* answered "retry" for longer than the patience */
    bool remembered;       /* listed in the progress file (the caller's) */
    int64_t retry_since_ms; /* first retryable answer in a row, 0: none */
    char *refusal;         /* owned: "CODE: message" when REFUSED */
    char refusal_field[IMPORT_FIELD_SIZE];
    bool child_elsewhere;  /* REFUSED: the child is in another household */
} import_item_t;

typedef struct import_job {
    rpc_client_t *client;
    import_item_t *items;  /* the good rows, in file order */
    size_t n_items;
    size_t batch_rows;     /* rows per batch, 1..1000 */
    unsigned patience_s;   /* give up after this long without an answer */
    /* In: the database the SKIPPED rows were done by ("" when none).
     * Out: the database that gave the final answers. */
    char identity[CONN_IDENTITY_SIZE];
    progress_t *progress;
    uint64_t progress_base; /* records final before sending (refused here) */
    /* The database of the first connection is known, or another one is
     * now answering (changed: every item was made WAITING again). */
    void (*on_identity)(void *ctx, const char *identity, bool changed);
    /* Called after each answered batch. */
    void (*on_answered)(void *ctx);
    void *ctx;
} import_job_t;

/*
 * Send every WAITING item until each has a final answer. CLI_EXIT_OK when
 * all were answered (refusals included); CLI_EXIT_UNAVAILABLE (after
 * reporting) when the patience ran out with rows not done; another code
 * for a final error of the whole request (login refused, say).
 */
cli_exit_t import_send_all(import_job_t *job);

/* Free the refusal texts of the items (not the rows). */
void import_items_clear(import_item_t *items, size_t n);

#endif
