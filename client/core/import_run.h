/*
 * One import of an enrollment file, start to end, for either face (the
 * command line prints as it goes; the desk runs it in a worker thread and
 * polls the progress):
 *
 *   1. read the file (import_csv.h: UTF-8 or GB18030, English or Chinese
 *      headers);
 *   2. connect, through the face's `connect` (after reading, so that a
 *      file with a missing column is refused before any login);
 *   3. check and key every row (import_row.h); a row repeated word for
 *      word is refused here, naming the first of its copies;
 *   4. skip the rows the progress file lists as acknowledged by the
 *      server's database (import_resume.h), and keep that file current;
 *   5. send the others (import_send.h: rows touching the same child,
 *      household or guardian in file order, patience through outages,
 *      the database's identity from HelloOk);
 *   6. write the refused rows (here and by the server, with their reasons)
 *      to the error file in the input's encoding, or remove that file when
 *      nothing was refused;
 *   7. count every row by its final state (import_run_result_t).
 *
 * Messages (warnings, errors) go through cli_warn()/cli_error(): printed
 * by the command line, or taken by the thread's notice sink (notice.h),
 * which is how the desk shows them.
 */
#ifndef AIXIN_CLIENT_IMPORT_RUN_H
#define AIXIN_CLIENT_IMPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "import_row.h"
#include "rpc.h"
#include "text_encoding.h"

#define IMPORT_RUN_DEFAULT_BATCH 500
#define IMPORT_RUN_MAX_BATCH 1000

typedef struct import_run_options {
    const char *csv_path;     /* the file to import */
    /* The progress file is `resume_base`.aixin-progress; NULL: next to
     * csv_path (csv_path.aixin-progress). */
    const char *resume_base;
    const char *errors_path;  /* the error file (removed when none) */
    size_t batch_rows;        /* 1..IMPORT_RUN_MAX_BATCH */
    unsigned patience_s;      /* import_send.h */
    bool progress_bar;        /* a bar on stderr when it is a terminal */
    /* Open the connection once the file is read; the run closes it. */
    cli_exit_t (*connect)(void *ctx, rpc_client_t **client);
    /* Records with a final state of the file's total (0 while reading):
     * once the file is read, and after each answered batch. May be NULL. */
    void (*on_progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
} import_run_options_t;

/* A refused row: line of the file, reason (translated), CSV column. */
typedef struct import_run_refusal {
    uint32_t line;
    char *reason;                  /* owned */
    char field[IMPORT_FIELD_SIZE];
} import_run_refusal_t;

/* Every row of the file counted once, by its final state. */
typedef struct import_run_result {
    bool counted;              /* the rows were sent: the counts are true */
    size_t n_records;          /* rows read */
    size_t n_enrolled;         /* enrolled by this run */
    size_t n_replayed;         /* answered as done before */
    size_t n_skipped;          /* skipped: acknowledged by this database in
                                  an earlier run (progress file) */
    size_t n_refused_here;     /* failed the checks here, or repeated */
    size_t n_refused_server;   /* refused by the server */
    size_t n_unknown;          /* sent without an answer: may be done */
    size_t n_unsent;           /* not sent */
    text_encoding_t encoding;  /* of the input, and so of the error file */
    bool errors_written;       /* the error file exists */
    import_run_refusal_t *refusals; /* owned, by line */
    size_t n_refusals;
} import_run_result_t;

/*
 * Run the import of o->csv_path. CLI_EXIT_OK when every row is done;
 * CLI_EXIT_REJECTED when some were refused; CLI_EXIT_USAGE for a file
 * without a required column; CLI_EXIT_UNAVAILABLE when the server stayed
 * unreachable (rows not done) or a file could not be written; another
 * code for a final error of the server (each reported). *out is filled as
 * far as the run got; free it with import_run_result_free().
 */
cli_exit_t import_run(const import_run_options_t *o, import_run_result_t *out);

void import_run_result_free(import_run_result_t *r);

#endif
