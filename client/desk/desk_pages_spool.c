/*
 * The send button of the spool line: the changes that waited while the
 * city could not be reached are sent in order with their original keys,
 * as `aixin sync` does (the same spool file, the same sync lock and
 * journal), and the page says what became of each.
 */
#include "desk_pages.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "connection.h"
#include "i18n.h"
#include "request_check.h"
#include "spool.h"
#include "spool_answer.h"
#include "spool_journal.h"
#include "spool_offline.h"
#include "spool_summary.h"

typedef struct sync_count {
    size_t delivered, rejected, waiting;
} sync_count_t;

/* Send the records in order; stop at the first that cannot be sent.
 * Returns how many were answered (a prefix). */
static size_t sync_send(desk_t *d, const spool_contents_t *sc,
                        uint8_t *keys, sync_count_t *count,
                        desk_notices_t *notices)
{
    size_t answered = 0;
    for (; answered < sc->n_records; answered++) {
        int64_t created = 0;
        Aixin__V1__Request *req = NULL;
        if (!spool_offline_decode(&sc->records[answered], &created, &req) ||
            req->idempotency_key.len != RPC_IDEMPOTENCY_KEY_SIZE ||
            spool_answer_expected(req->body_case) ==
                AIXIN__V1__RESPONSE__BODY__NOT_SET) {
            if (req != NULL)
                aixin__v1__request__free_unpacked(req, NULL);
            desk_notices_add(notices, NOTICE_ERROR, NULL,
                             _("Change %zu cannot be read by this version: "
                               "it stays in the spool."),
                             answered + 1);
            break;
        }
        char summary[SPOOL_SUMMARY_SIZE];
        spool_summary_describe(req, summary);
        req->request_id = 0;
        Aixin__V1__Response *resp = NULL;
        size_t before = notices->n;
        cli_exit_t rc = desk_link_call(&d->link, req,
                                       spool_answer_expected(req->body_case),
                                       false, &resp, notices);
        bool stop = false;
        if (rc == CLI_EXIT_OK) {
            memcpy(keys + count->delivered * RPC_IDEMPOTENCY_KEY_SIZE,
                   req->idempotency_key.data, RPC_IDEMPOTENCY_KEY_SIZE);
            count->delivered++;
            aixin__v1__response__free_unpacked(resp, NULL);
        } else if (rc == CLI_EXIT_REJECTED && d->link.logged_in &&
                   d->link.client != NULL &&
                   !rpc_refusal_is_of_session(
                       rpc_client_refusal(d->link.client))) {
            count->rejected++;
            desk_notices_add(notices, NOTICE_REJECTED, NULL,
                             _("Change %zu (%s) was refused by the city and "
                               "removed from the spool."),
                             answered + 1, summary);
        } else {
            /* Keep the reason above, say what stays. */
            (void)before;
            stop = true;
        }
        aixin__v1__request__free_unpacked(req, NULL);
        if (stop)
            break;
    }
    return answered;
}

/* The database the changes were delivered to (HelloOk.identity), as
 * `aixin sync` journals them; "" when the connection is gone. */
static void sync_identity(desk_t *d, char out[CONN_IDENTITY_SIZE])
{
    out[0] = '\0';
    conn_t *conn = NULL;
    bool transient = false;
    char why[RPC_WHY_SIZE];
    if (d->link.client != NULL &&
        rpc_client_connection_try(d->link.client, &conn, &transient, why) ==
            CLI_EXIT_OK &&
        conn != NULL)
        snprintf(out, CONN_IDENTITY_SIZE, "%s", conn_server_identity(conn));
}

static void page_sync(desk_t *d, struct evhttp_request *req)
{
    desk_notices_t notices = {0};
    char path[SPOOL_PATH_SIZE];
    if (!d->link.logged_in || !desk_link_spool_path(&d->link, path,
                                                     sizeof(path))) {
        desk_redirect(req, "/");
        return;
    }
    spool_result_t lr;
    char err[SPOOL_ERROR_TEXT_SIZE];
    int lock = spool_sync_lock(path, &lr, err);
    spool_contents_t sc;
    memset(&sc, 0, sizeof(sc));
    sync_count_t count = {0};
    if (lock < 0) {
        if (lr == SPOOL_ERR_BUSY)
            desk_notices_add(&notices, NOTICE_WARNING, NULL, "%s",
                             _("The spool is being sent already (by `aixin "
                               "sync`?): try again in a moment."));
        else
            desk_notices_add(&notices, NOTICE_INFO, NULL, "%s",
                             _("Nothing waits in the spool."));
    } else if (spool_load(path, &sc, err) != SPOOL_OK) {
        desk_notices_add(&notices, NOTICE_ERROR, NULL, "%s", err);
    } else if (sc.n_records == 0) {
        desk_notices_add(&notices, NOTICE_INFO, NULL, "%s",
                         _("Nothing waits in the spool."));
    } else {
        uint8_t *keys = malloc(sc.n_records * RPC_IDEMPOTENCY_KEY_SIZE);
        size_t answered =
            keys != NULL ? sync_send(d, &sc, keys, &count, &notices) : 0;
        char jerr[SPOOL_ERROR_TEXT_SIZE];
        char identity[CONN_IDENTITY_SIZE];
        sync_identity(d, identity);
        if (keys != NULL &&
            !spool_journal_append(path, keys, count.delivered,
                                  (int64_t)time(NULL), identity, jerr))
            desk_notices_add(&notices, NOTICE_WARNING, NULL, "%s", jerr);
        if (spool_drop_front(path, &sc, answered, err) != SPOOL_OK) {
            desk_notices_add(&notices, NOTICE_ERROR, NULL, "%s", err);
            answered = 0;
        }
        count.waiting = sc.n_records - answered;
        desk_notices_add(&notices,
                         count.waiting == 0 ? NOTICE_INFO : NOTICE_WARNING,
                         NULL,
                         _("Sent: %zu delivered, %zu refused, %zu still "
                           "waiting."),
                         count.delivered, count.rejected, count.waiting);
        free(keys);
    }
    spool_contents_free(&sc);
    if (lock >= 0)
        close(lock);
    desk_page_send(d, req, HTTP_OK, _("Send the waiting changes"),
                   "sync_result.html", NULL, &notices);
}

const desk_route_t desk_spool_routes[] = {
    {"/sync", true, page_sync},
    {NULL, false, NULL},
};
