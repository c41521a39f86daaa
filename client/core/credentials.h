/*
 * Where the CLI's credentials come from:
 *   1. AIXIN_USER and AIXIN_PASSWORD: a Login on every invocation;
 *   2. the session file written by `aixin login`: $AIXIN_SESSION_FILE, else
 *      $HOME/.config/aixin/session. Mode 0600, owned by the user; lines
 *      key=value with server (HOST:PORT the token belongs to), username and
 *      token. A file that others can read or write is refused.
 */
#ifndef AIXIN_CLIENT_CREDENTIALS_H
#define AIXIN_CLIENT_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "rpc.h"

#define CREDENTIALS_PATH_SIZE 4096

typedef struct session_file {
    char *server;   /* owned */
    char *username; /* owned */
    char *token;    /* owned, wiped when freed */
} session_file_t;

typedef enum credentials_result {
    CREDENTIALS_OK = 0,   /* done */
    CREDENTIALS_MISSING,  /* there is no session file */
    CREDENTIALS_ERROR,    /* reported on stderr */
    CREDENTIALS_RESULT_COUNT
} credentials_result_t;

/* The session file's path; false (after reporting) without HOME. */
__attribute__((warn_unused_result)) bool
credentials_session_path(char out[CREDENTIALS_PATH_SIZE]);

/* Read and check the session file; *out is filled only on OK. */
__attribute__((warn_unused_result)) credentials_result_t
credentials_session_load(const char *path, session_file_t *out);

/*
 * Replace the session file atomically: a new file (O_EXCL, 0600) next to
 * it, written, fsync'd, renamed over the old one, directory fsync'd.
 * Creates $HOME/.config/aixin (0700) for the default path. False after
 * reporting.
 */
__attribute__((warn_unused_result)) bool
credentials_session_save(const char *path, const session_file_t *s);

/* Remove the session file; MISSING when there was none. */
__attribute__((warn_unused_result)) credentials_result_t
credentials_session_remove(const char *path);

void credentials_session_free(session_file_t *s);

/*
 * Password credentials from AIXIN_USER and AIXIN_PASSWORD: MISSING when
 * either is unset or empty; *out is filled only on OK.
 */
__attribute__((warn_unused_result)) credentials_result_t
credentials_from_env(rpc_credentials_t *out);

#endif
