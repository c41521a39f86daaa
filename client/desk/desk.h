/*
 * aixin desk: the office client as a local web page for the clerks.
 * A loopback-only HTTP server (libevent evhttp) on a port of its own
 * choosing, entered through an address with a one-time key; its pages
 * speak to aixind through the same core as the command line (session
 * file, TLS, idempotency keys, offline spool).
 */
#ifndef AIXIN_DESK_H
#define AIXIN_DESK_H

#include <stdbool.h>

#include "cli.h"

typedef struct desk_options {
    const char *server;    /* --server HOST:PORT or NULL (as the CLI) */
    bool open_browser;     /* try xdg-open / a browser on the address */
    const char *url_file;  /* also write the address here (tests), or NULL */
} desk_options_t;

/* Serve until SIGINT or SIGTERM. Exit code as the CLI's. */
cli_exit_t desk_run(const desk_options_t *opts);

#endif
