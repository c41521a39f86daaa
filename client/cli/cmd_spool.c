/* aixin spool, aixin sync: the offline spool (spool_offline.h). */
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_connect.h"
#include "connection.h"
#include "i18n.h"
#include "commands.h"
#include "request_check.h"
#include "rpc.h"
#include "spool.h"
#include "spool_answer.h"
#include "spool_journal.h"
#include "spool_offline.h"
#include "spool_summary.h"

static const char spool_help[] = N_(
    "Usage: aixin spool\n"
    "\n"
    "List the changes waiting in the offline spool, oldest first: changes\n"
    "made while the server could not be reached. `aixin sync` sends them.\n"
    "Columns: position, operation, when it was made (ISO 8601 at +08:00),\n"
    "a summary (ID numbers masked) and, in JSON, its idempotency key.\n"
    "\n"
    "The spool is $AIXIN_SPOOL_DIR or ~/.local/share/aixin/spool, one file\n"
    "per server and user.\n"
    "\n"
    "Damaged bytes in the spool (a record cut short or changed on disk)\n"
    "cost that record only: they are named on stderr, are never sent, and\n"
    "are moved to SPOOL.damaged-* files at the next change; the records\n"
    "around them still wait and are sent in order. stderr also says how\n"
    "many changes wait.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  aixin spool\n");

static const char sync_help[] = N_(
    "Usage: aixin sync\n"
    "\n"
    "Send the changes waiting in the offline spool, in the order they were\n"
    "made, each with its original idempotency key, so none is made twice.\n"
    "Prints one line per change: delivered (with what the server made;\n"
    "\"replayed\" when it had been delivered to the same database before),\n"
    "rejected (with the server's reason; the change is dropped from the\n"
    "spool), or no answer because the server is still unavailable (then\n"
    "sync stops and keeps it and everything after it: it may or may not\n"
    "have been made, and sending it again cannot make it twice).\n"
    "\n"
    "Exit status: 0 all delivered (or nothing waiting), 1 some rejected or\n"
    "the login refused, 3 the server is still unavailable.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  aixin sync\n");

#define SPOOL_KEY_HEX_SIZE (2 * RPC_IDEMPOTENCY_KEY_SIZE + 1)

/* --help and nothing else. */
static cli_exit_t parse_no_options(const char *name, const char *help,
                                   int argc, char **argv, bool *done)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *done = false;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c != 'h')
            return cli_report_bad_option(name, argv, c);
        fputs(_(help), stdout);
        *done = true;
        return CLI_EXIT_OK;
    }
    return cli_check_no_operands(name, argc, argv);
}

/* The spool's records, with damage reported plainly. */
static cli_exit_t spool_read(const char *path, spool_contents_t *out)
{
    char err[SPOOL_ERROR_TEXT_SIZE];
    if (spool_load(path, out, err) != SPOOL_OK)
        return cli_error(CLI_EXIT_UNAVAILABLE, "%s", err);
    if (out->damage[0] != '\0')
        cli_warn(_("%s: damaged, not readable and never sent: %s; it is "
                   "moved to %s.damaged-* at the next change; the %zu sound "
                   "changes around it still wait, in order"),
                 path, out->damage, path, out->n_records);
    return CLI_EXIT_OK;
}

/* Damaged bytes set aside earlier (PATH.damaged-*): named, once each. */
static void spool_tell_set_aside(const char *path)
{
    char pattern[SPOOL_PATH_SIZE + 16];
    snprintf(pattern, sizeof(pattern), "%s.damaged-*", path);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++)
        cli_warn(_("damaged bytes set aside earlier (not sent): %s"),
                 g.gl_pathv[i]);
    globfree(&g);
}

static void key_hex(const Aixin__V1__Request *req,
                    char out[SPOOL_KEY_HEX_SIZE])
{
    out[0] = '\0';
    if (req->idempotency_key.len == RPC_IDEMPOTENCY_KEY_SIZE)
        for (size_t i = 0; i < RPC_IDEMPOTENCY_KEY_SIZE; i++)
            snprintf(out + 2 * i, 3, "%02x", req->idempotency_key.data[i]);
}

/* Strings a listing borrows until it is printed. */
typedef struct spool_row_text {
    char summary[SPOOL_SUMMARY_SIZE];
    char key[SPOOL_KEY_HEX_SIZE];
} spool_row_text_t;

cli_exit_t cmd_spool_list(const cli_context_t *ctx, int argc, char **argv)
{
    bool done;
    cli_exit_t rc = parse_no_options("spool", spool_help, argc, argv, &done);
    if (rc != CLI_EXIT_OK || done)
        return rc;
    char path[SPOOL_PATH_SIZE];
    rc = spool_offline_locate(ctx, path);
    if (rc != CLI_EXIT_OK)
        return rc;
    spool_contents_t sc;
    rc = spool_read(path, &sc);
    if (rc != CLI_EXIT_OK)
        return rc;
    spool_row_text_t *text = calloc(sc.n_records + 1, sizeof(*text));
    Aixin__V1__Request **reqs = calloc(sc.n_records + 1, sizeof(*reqs));
    if (text == NULL || reqs == NULL) {
        free(text);
        free(reqs);
        spool_contents_free(&sc);
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    }
    output_doc_t doc;
    output_doc_init(&doc, true);
    for (size_t i = 0; i < sc.n_records; i++) {
        int64_t created = 0;
        output_record_t *r = output_doc_add_record(&doc);
        output_add_int(&doc, r, "position", "#", (int64_t)i + 1);
        if (!spool_offline_decode(&sc.records[i], &created, &reqs[i])) {
            output_add_text(&doc, r, "operation", _("OPERATION"),
                            _("unreadable"));
            continue;
        }
        spool_summary_describe(reqs[i], text[i].summary);
        key_hex(reqs[i], text[i].key);
        output_add_text(&doc, r, "operation", _("OPERATION"),
                        request_body_name(reqs[i]->body_case));
        output_add_time(&doc, r, "created_at", _("CREATED"), created);
        output_add_text(&doc, r, "summary", _("SUMMARY"), text[i].summary);
        output_add_text(&doc, r, "idempotency_key", NULL, text[i].key);
    }
    if (!output_render(&doc, ctx->format, stdout))
        rc = CLI_EXIT_UNAVAILABLE;
    spool_tell_set_aside(path);
    fprintf(stderr, _("%s: %zu changes waiting in %s\n"), CLI_PROGRAM_NAME,
            sc.n_records, path);
    output_doc_free(&doc);
    for (size_t i = 0; i < sc.n_records; i++)
        if (reqs[i] != NULL)
            aixin__v1__request__free_unpacked(reqs[i], NULL);
    free(reqs);
    free(text);
    spool_contents_free(&sc);
    return rc;
}

typedef enum sync_outcome {
    SYNC_DELIVERED = 0,
    SYNC_REJECTED,    /* the server refused this change: dropped */
    SYNC_STOP,        /* unavailable, session refused, unreadable: kept */
    SYNC_OUTCOME_COUNT
} sync_outcome_t;

typedef struct sync_state {
    rpc_client_t *client;
    const char *path;        /* the spool */
    const spool_journal_t *journal;
    bool journal_ok;         /* appending to the journal works */
    size_t n_delivered;
    size_t n_replayed;
    size_t n_rejected;
    cli_exit_t stop_code; /* why the sync stopped, when it did */
} sync_state_t;

/* The database behind the client's open connection ("" when unknown). */
static void sync_identity(sync_state_t *st, char out[CONN_IDENTITY_SIZE])
{
    out[0] = '\0';
    conn_t *conn = NULL;
    bool transient = false;
    char why[RPC_WHY_SIZE];
    if (rpc_client_connection_try(st->client, &conn, &transient, why) ==
            CLI_EXIT_OK &&
        conn != NULL)
        snprintf(out, CONN_IDENTITY_SIZE, "%s", conn_server_identity(conn));
}

/* Send record `i` and print its outcome. */
static sync_outcome_t sync_one(sync_state_t *st, const spool_record_t *rec,
                               size_t position, size_t remaining)
{
    int64_t created = 0;
    Aixin__V1__Request *req = NULL;
    if (!spool_offline_decode(rec, &created, &req) ||
        req->idempotency_key.len != RPC_IDEMPOTENCY_KEY_SIZE ||
        spool_answer_expected(req->body_case) ==
            AIXIN__V1__RESPONSE__BODY__NOT_SET) {
        if (req != NULL)
            aixin__v1__request__free_unpacked(req, NULL);
        printf(_("#%zu: unreadable by this version of aixin: kept\n"),
               position);
        st->stop_code = CLI_EXIT_REJECTED;
        return SYNC_STOP;
    }
    char summary[SPOOL_SUMMARY_SIZE];
    spool_summary_describe(req, summary);
    const char *op = request_body_name(req->body_case);
    req->request_id = 0;
    Aixin__V1__Response *resp = NULL;
    cli_exit_t rc = rpc_client_call(st->client, req,
                                    spool_answer_expected(req->body_case), &resp);
    sync_outcome_t outcome;
    if (rc == CLI_EXIT_OK) {
        char made[SPOOL_SUMMARY_SIZE];
        spool_summary_result(resp, made);
        char identity[CONN_IDENTITY_SIZE];
        sync_identity(st, identity);
        int64_t before = spool_journal_find(st->journal,
                                            req->idempotency_key.data,
                                            identity);
        /* Journal first, then say it: a sync killed in between leaves a
         * journal that is true for what it delivered. */
        char err[SPOOL_ERROR_TEXT_SIZE];
        if (st->journal_ok &&
            !spool_journal_append(st->path, req->idempotency_key.data, 1,
                                  (int64_t)time(NULL), identity, err)) {
            cli_warn(_("%s (replays will not be named)"), err);
            st->journal_ok = false;
        }
        if (before != 0)
            printf(_("#%zu %s (%s): delivered%s%s (replayed: delivered "
                     "before)\n"),
                   position, op, summary, made[0] != '\0' ? ": " : "", made);
        else
            printf(_("#%zu %s (%s): delivered%s%s\n"), position, op, summary,
                   made[0] != '\0' ? ": " : "", made);
        if (before != 0)
            st->n_replayed++;
        st->n_delivered++;
        aixin__v1__response__free_unpacked(resp, NULL);
        outcome = SYNC_DELIVERED;
    } else if (rc == CLI_EXIT_REJECTED &&
               !rpc_refusal_is_of_session(rpc_client_refusal(st->client))) {
        printf(_("#%zu %s (%s): rejected (reason above); removed from the "
                 "spool\n"),
               position, op, summary);
        st->n_rejected++;
        outcome = SYNC_REJECTED;
    } else {
        printf(_("#%zu %s (%s): no answer; kept in the spool with the %zu "
                 "changes after it, to be sent again with the same key (it "
                 "cannot be made twice)\n"),
               position, op, summary, remaining);
        st->stop_code = rc;
        outcome = SYNC_STOP;
    }
    aixin__v1__request__free_unpacked(req, NULL);
    return outcome;
}

/* Deliver the records of sc in order; the answered ones are a prefix. */
static size_t sync_deliver(sync_state_t *st, const spool_contents_t *sc)
{
    size_t answered = 0;
    for (; answered < sc->n_records; answered++) {
        sync_outcome_t o = sync_one(st, &sc->records[answered], answered + 1,
                                    sc->n_records - answered - 1);
        if (o == SYNC_STOP)
            break;
        fflush(stdout);
    }
    return answered;
}

/* Connect, deliver, then remove what was answered. */
static cli_exit_t sync_run(const cli_context_t *ctx, const char *path,
                           const spool_contents_t *sc)
{
    char err[SPOOL_ERROR_TEXT_SIZE];
    spool_journal_t journal;
    bool journal_ok = spool_journal_load(path, &journal, err);
    if (!journal_ok) {
        cli_warn(_("%s (replays will not be named)"), err);
        memset(&journal, 0, sizeof(journal));
    }
    sync_state_t st = {.path = path,
                       .journal = &journal,
                       .journal_ok = journal_ok,
                       .stop_code = CLI_EXIT_OK};
    cli_exit_t rc = cli_connect(ctx, &st.client);
    size_t answered = 0;
    if (rc == CLI_EXIT_OK) {
        answered = sync_deliver(&st, sc);
        rc = st.stop_code;
    }
    rpc_client_close(st.client);
    spool_result_t r = spool_drop_front(path, sc, answered, err);
    if (r != SPOOL_OK) {
        /* The answered records stay and are sent again next time: the
         * server answers them again without doing them twice. */
        rc = cli_error(CLI_EXIT_UNAVAILABLE, "%s", err);
    }
    size_t waiting = sc->n_records - (r == SPOOL_OK ? answered : 0);
    printf(_("sync: %zu delivered (%zu of them replays), %zu rejected, %zu "
             "still waiting\n"),
           st.n_delivered, st.n_replayed, st.n_rejected, waiting);
    if (rc == CLI_EXIT_OK && st.n_rejected > 0)
        rc = CLI_EXIT_REJECTED;
    spool_journal_free(&journal);
    return rc;
}

cli_exit_t cmd_spool_sync(const cli_context_t *ctx, int argc, char **argv)
{
    bool done;
    cli_exit_t rc = parse_no_options("sync", sync_help, argc, argv, &done);
    if (rc != CLI_EXIT_OK || done)
        return rc;
    char path[SPOOL_PATH_SIZE];
    rc = spool_offline_locate(ctx, path);
    if (rc != CLI_EXIT_OK)
        return rc;
    spool_result_t lr;
    char err[SPOOL_ERROR_TEXT_SIZE];
    int lock = spool_sync_lock(path, &lr, err);
    if (lock < 0) {
        if (lr == SPOOL_ERR_IO && access(path, F_OK) != 0) {
            printf("%s", _("sync: nothing waiting\n"));
            return CLI_EXIT_OK; /* no spool directory yet */
        }
        return cli_error(lr == SPOOL_ERR_BUSY ? CLI_EXIT_USAGE
                                              : CLI_EXIT_UNAVAILABLE,
                         "%s", err);
    }
    spool_contents_t sc;
    rc = spool_read(path, &sc);
    if (rc == CLI_EXIT_OK) {
        if (sc.n_records == 0)
            printf("%s", _("sync: nothing waiting\n"));
        else
            rc = sync_run(ctx, path, &sc);
        spool_contents_free(&sc);
    }
    close(lock);
    return rc;
}
