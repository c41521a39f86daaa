/*
 * One import of an office list (bulk_file.h) as single requests, one per
 * row, in file order: `aixin census import`, `aixin disbursement import`,
 * `aixin account import`.
 *
 *   1. read the file and map its columns (before any login);
 *   2. key every row: the first 16 bytes of BLAKE2b over
 *        kind label 0x1F username 0x1F value of column 1 0x1F ... column n
 *      (the normalised values, in the kind's column order; not the line,
 *      not the server's address), so that the same row of the same
 *      account is the same change however often the file is run: the
 *      server answers a key it has seen with its first answer and changes
 *      nothing. The year is one of the columns. A row repeated word for
 *      word is refused here, naming the first of its copies. A kind may
 *      mix a secret into the key (the generated password of an account:
 *      a second run then meets the account, never a second password);
 *   3. build each row's request and check it with the server's own rules
 *      (request_check); a bad row is refused here;
 *   4. send the rows one after the other (rpc.h: retries under the same
 *      key); while the server is unreachable, the row is sent again
 *      under its key until `patience_s` seconds have passed without an
 *      answer, and then the run stops: that row and the rest are "not
 *      done" (running the same file again is safe);
 *   5. print one line per row (done or refused, with the reason and the
 *      column), write the refused rows to the error file in the input's
 *      encoding (line, reason, field, then the row as read), or remove
 *      that file when nothing was refused, and count every row once.
 */
#ifndef AIXIN_CLIENT_BULK_RUN_H
#define AIXIN_CLIENT_BULK_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/envelope.pb-c.h"
#include "bulk_file.h"
#include "cli.h"
#include "rpc.h"

#define BULK_KEY_SIZE 16
#define BULK_TEXT_SIZE 256
#define BULK_DEFAULT_PATIENCE_S 120

/* What an import kind adds to the run. */
typedef struct bulk_kind {
    const bulk_spec_t *spec;
    const char *key_label;   /* "aixin-census-import-v1" */
    Aixin__V1__Response__BodyCase expect; /* the answer of a done row */
    size_t scratch_size;     /* bytes build() may use for the request */
    /*
     * Fill req's body for record `rec` of f (the request id and key are
     * the run's), using `scratch` (scratch_size bytes, zeroed) for the
     * body's storage. A bad value is refused with cli_reject_input() (or
     * input_check_*) naming the protocol field, and returns its code.
     */
    cli_exit_t (*build)(void *ctx, const bulk_file_t *f, size_t rec,
                        Aixin__V1__Request *req, void *scratch);
    /* Optional: bytes mixed into the key of `rec` after build(). */
    const char *(*key_secret)(void *ctx, size_t rec);
    /*
     * A row is done: say what in `text` (shown after "done: "). False
     * when what must be kept of it could not be (the password file): the
     * run stops there.
     */
    bool (*on_done)(void *ctx, const bulk_file_t *f, size_t rec,
                    const Aixin__V1__Response *resp, char *text,
                    size_t size);
    void *ctx;
} bulk_kind_t;

typedef struct bulk_run_options {
    const char *csv_path;
    const char *errors_path;   /* removed when nothing is refused */
    unsigned patience_s;       /* 1..86400 */
    bool quiet_rows;           /* no line per row (--format json) */
    /* Open the connection once the file is read; the run closes it. */
    cli_exit_t (*connect)(void *ctx, rpc_client_t **client);
    void *connect_ctx;
} bulk_run_options_t;

typedef struct bulk_run_result {
    bool counted;            /* the rows were sent: the counts are true */
    size_t n_records;        /* rows read */
    size_t n_done;           /* done (by this run or an earlier one) */
    size_t n_refused_here;   /* failed the checks here, or repeated */
    size_t n_refused_server; /* refused by the server */
    size_t n_unknown;        /* sent without a final answer: may be done */
    size_t n_unsent;         /* not sent */
    bool errors_written;
} bulk_run_result_t;

/*
 * Run the import. CLI_EXIT_OK when every row is done, CLI_EXIT_REJECTED
 * when some were refused, CLI_EXIT_USAGE for a missing column,
 * CLI_EXIT_UNAVAILABLE when rows stayed undone (server unreachable, a
 * file not written). `kind->spec` is the file's spec. *out counts the
 * rows as far as the run got.
 */
cli_exit_t bulk_run(const bulk_run_options_t *o, const bulk_kind_t *kind,
                    bulk_run_result_t *out);

/* Print the summary of *r to stdout. */
void bulk_run_print_summary(const bulk_run_result_t *r,
                            const char *errors_path);

/* FILE.csv -> FILE.errors.csv (malloc'd; NULL when out of memory). */
char *bulk_default_errors_path(const char *csv);

#endif
