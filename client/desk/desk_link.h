/*
 * The desk's way to aixind: the server address, the saved session (the
 * same file `aixin login` writes, so the desk and the command line are
 * logged in together and share one offline spool), one rpc client kept
 * open between pages, and the messages the core produced while a page
 * was being answered (notice.h), to be shown on that page.
 */
#ifndef AIXIN_DESK_LINK_H
#define AIXIN_DESK_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "aixin/v1/envelope.pb-c.h"
#include "cli.h"
#include "notice.h"
#include "rpc.h"

#define DESK_NOTICES_MAX 16
#define DESK_NOTICE_TEXT_SIZE 512
#define DESK_FIELD_SIZE 64
#define DESK_TEXT_SIZE 64

typedef struct desk_notice {
    notice_kind_t kind;
    char field[DESK_FIELD_SIZE];       /* protocol field path or "" */
    char text[DESK_NOTICE_TEXT_SIZE];  /* already translated or server text */
} desk_notice_t;

/* The messages of one page. */
typedef struct desk_notices {
    desk_notice_t items[DESK_NOTICES_MAX];
    size_t n;
    bool spooled; /* a change was saved to the offline spool */
} desk_notices_t;

/* Add a message (dropped when the list is full). */
__attribute__((format(printf, 4, 5))) void
desk_notices_add(desk_notices_t *n, notice_kind_t kind, const char *field,
                 const char *fmt, ...);

/* A notice sink (notice.h) that adds each message to the desk_notices_t
 * `arg`: for a worker thread, or the core's input checks on a page. */
void desk_notices_sink(void *arg, notice_kind_t kind, const char *field,
                       const char *text);

/* The first message about `field`, or NULL. */
const desk_notice_t *desk_notices_for(const desk_notices_t *n,
                                      const char *field);

typedef struct desk_link {
    char *address;          /* owned: HOST:PORT of aixind */
    bool explicit_address;  /* --server / AIXIN_SERVER was given */
    rpc_client_t *client;   /* owned; NULL until needed */
    bool logged_in;         /* a session for `address` is saved */
    bool offline;           /* the last attempt could not reach it */
    /* The password was set by an administrator: the city refuses all but
     * the password page until it is changed. */
    bool password_change_required;
    char username[DESK_TEXT_SIZE];
    Aixin__V1__Role role;
    char division_code[DESK_TEXT_SIZE];
} desk_link_t;

/* Pick the address (as the CLI does) and read the saved session. */
__attribute__((warn_unused_result)) cli_exit_t
desk_link_init(desk_link_t *l, const char *server_flag);
void desk_link_free(desk_link_t *l);

/*
 * Log in with a password, save the session file as `aixin login` does.
 * Messages go to `notices`. CLI_EXIT_OK when logged in.
 */
cli_exit_t desk_link_login(desk_link_t *l, const char *username,
                           const char *password, desk_notices_t *notices);

/* End the session on the server (when reachable) and remove the file. */
void desk_link_logout(desk_link_t *l, desk_notices_t *notices);

/*
 * One call as rpc_client_call(), connecting first when needed. With
 * `spool`, a change that cannot be delivered waits in the offline spool
 * (notices->spooled then). Messages go to `notices`.
 */
__attribute__((warn_unused_result)) cli_exit_t
desk_link_call(desk_link_t *l, Aixin__V1__Request *req,
               Aixin__V1__Response__BodyCase expect, bool spool,
               Aixin__V1__Response **out, desk_notices_t *notices);

/* The open client for the spool's sync, connecting when needed. */
__attribute__((warn_unused_result)) cli_exit_t
desk_link_client(desk_link_t *l, rpc_client_t **out, desk_notices_t *notices);

/*
 * For a worker thread with a connection of its own (an import, an
 * export): the server's address and the saved session's token, both
 * owned by the caller (the token to be wiped and freed). False when there
 * is no saved session or memory runs out.
 */
bool desk_link_worker_credentials(const desk_link_t *l, char **address,
                                  char **token);

/* Open the worker's connection with the token (moved: *token is NULL
 * after, wiped and freed). */
cli_exit_t desk_link_worker_open(const char *address, char **token,
                                 rpc_client_t **client);

/* The spool file of this user and server into out; false when none. */
bool desk_link_spool_path(const desk_link_t *l, char *out, size_t size);

/* Changes waiting in the spool (0 when there is no spool). */
size_t desk_link_spool_count(const desk_link_t *l);

#endif
