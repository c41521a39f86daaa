/*
 * One policy year's records for a partner's systems, written to a file:
 * the server answers a page at a time (ExportRecords), and each page is
 * written before the next is asked for, so a year of any size needs one
 * page of memory here and on the server. A file is written next to its
 * name ("NAME.partial") and renamed over it at the end, so a failed export
 * leaves no half file behind. `aixin export` and the desk's export page
 * both run it.
 */
#ifndef AIXIN_CLIENT_EXPORT_RUN_H
#define AIXIN_CLIENT_EXPORT_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "aixin/v1/exports.pb-c.h"
#include "cli.h"
#include "rpc.h"
#include "text_encoding.h"

typedef enum export_format {
    EXPORT_FORMAT_CSV = 0,
    EXPORT_FORMAT_FHIR,
    EXPORT_FORMAT_COUNT
} export_format_t;

typedef struct export_options {
    Aixin__V1__ExportKind kind;
    int32_t year;
    const char *division; /* NULL: the caller's */
    const char *insurer;  /* NULL: every insurer in scope */
    export_format_t format;
    const char *output;   /* NULL or "-": standard output */
    text_encoding_t encoding;
    uint32_t page_size;   /* records asked for at a time */
    bool progress_bar;    /* a bar on a terminal (progress.h) */
    /* After each page: records written, and the total the server
     * expects (0: unknown). May be NULL. */
    void (*on_progress)(void *ctx, uint64_t written, uint64_t total);
    void *ctx;
} export_options_t;

/* Run the export: the records of o->kind for o->year into o->output (NULL
 * or "-": standard output) as o->format in o->encoding. *written: the
 * records written. Messages go through cli_error() (notice.h). */
cli_exit_t export_run(rpc_client_t *client, const export_options_t *o,
                      uint64_t *written);

#endif
