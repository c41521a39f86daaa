/*
 * aixin claim: the verbs of the claim group, in three files by who uses
 * them:
 *   cmd_claim.c         file, documents (offices); show, due, history
 *   cmd_claim_decide.c  review, doubt, escalate, approve, reject (adjusters)
 *                       and the option parser of the action verbs
 *   cmd_claim_pay.c     pay, visit (adjusters); supplement (city admin)
 * and the functions they share. Every verb that changes a claim prints the
 * claim as it is afterwards (records_add_claim()).
 *
 * Paper dates (--received-on, --decided-on, --paid-on, --visited-on, and
 * --on, the same date under one name for every action verb) are
 * checked here to be real dates; whether they lie in the future or before
 * the claim was received is judged by the server in Beijing time. Left
 * out, they are sent empty and the server takes its today.
 */
#ifndef AIXIN_CLIENT_CMD_CLAIM_H
#define AIXIN_CLIENT_CMD_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aixin/v1/envelope.pb-c.h"
#include "cli.h"

/* The server's limits (common/request_check_claims.c). Free text: a
 * description, a note, a rejection reason (code points). */
#define CLAIM_TEXT_MAX_CHARS 500
/* The name of one document received, e.g. "hospital invoice". */
#define CLAIM_DOCUMENT_MAX_CHARS 64
/* --document given more often than this is refused. */
#define CLAIM_MAX_DOCUMENTS 20
/* A supplementary payout's voucher or transfer number. */
#define CLAIM_REFERENCE_MAX_CHARS 64

/*
 * --claim N: a usage error when missing, INVALID_ARGUMENT when it is not
 * a positive whole number. `command` is "claim approve".
 */
__attribute__((warn_unused_result)) cli_exit_t
claim_check_id(const char *command, const char *text, int64_t *id);

/* An optional paper date: NULL is fine, otherwise "YYYY-MM-DD". */
__attribute__((warn_unused_result)) cli_exit_t
claim_check_date(const char *text, const char *field);

/*
 * Optional free text (NULL is fine) of min_chars to CLAIM_TEXT_MAX_CHARS
 * characters; `what` names it in the message ("the note").
 */
__attribute__((warn_unused_result)) cli_exit_t
claim_check_text(const char *text, const char *field, const char *what,
                 size_t min_chars);

/*
 * Collects repeated --document NAME options. add() is a usage error past
 * CLAIM_MAX_DOCUMENTS; check() validates each name. The names are
 * borrowed from argv.
 */
typedef struct claim_documents {
    char *names[CLAIM_MAX_DOCUMENTS];
    size_t n_names;
} claim_documents_t;

__attribute__((warn_unused_result)) cli_exit_t
claim_documents_add(claim_documents_t *d, const char *command, char *name);
__attribute__((warn_unused_result)) cli_exit_t
claim_documents_check(const claim_documents_t *d);

/* The options an action verb accepts besides --claim and --help. */
typedef enum claim_option {
    CLAIM_OPT_NOTE = 1u << 0,           /* -n, --note TEXT */
    CLAIM_OPT_DECIDED_ON = 1u << 1,     /* -d, --decided-on YYYY-MM-DD */
    CLAIM_OPT_AMOUNT = 1u << 2,         /* -a, --amount YUAN */
    CLAIM_OPT_REASON = 1u << 3,         /* -r, --reason TEXT */
    CLAIM_OPT_METHOD = 1u << 4,         /* -m, --method METHOD */
    CLAIM_OPT_PAID_ON = 1u << 5,        /* -p, --paid-on YYYY-MM-DD */
    CLAIM_OPT_DELIVERED_HOME = 1u << 6, /* --delivered-home */
    CLAIM_OPT_VISITED_ON = 1u << 7,     /* -v, --visited-on YYYY-MM-DD */
    CLAIM_OPT_REFERENCE = 1u << 8,      /* --reference TEXT */
    CLAIM_OPT_COUNT = 9                 /* number of options above */
} claim_option_t;

/* An action verb's options as typed (borrowed from argv), NULL when not
 * given. */
typedef struct claim_action_args {
    const char *claim;
    const char *note;
    const char *decided_on;
    const char *amount;
    const char *reason;
    const char *method;
    const char *paid_on;
    const char *visited_on;
    const char *reference;
    const char *on;         /* --on: folded into the verb's own date */
    bool delivered_home;
} claim_action_args_t;

/*
 * Parse the options of action verb `command` ("claim approve"): --claim,
 * --help, --on and those in `allowed` (claim_option_t bits); any other is a
 * usage error. After --help (printed from `help`) *help_shown is true
 * and the result CLI_EXIT_OK. Checks nothing but the option syntax.
 */
__attribute__((warn_unused_result)) cli_exit_t
claim_action_parse(const char *command, const char *help, unsigned allowed,
                   int argc, char **argv, claim_action_args_t *a,
                   bool *help_shown);

/* A string field of a request: "" for an option left out. */
char *claim_text_or_empty(const char *text);

/*
 * Connect, send `req` (its body set by the caller), expect a Claim back
 * and print it. Returns the exit code; failures have been reported.
 */
__attribute__((warn_unused_result)) cli_exit_t
claim_send(const cli_context_t *ctx, Aixin__V1__Request *req);

cli_exit_t cmd_claim_review(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_doubt(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_escalate(const cli_context_t *ctx, int argc,
                              char **argv);
cli_exit_t cmd_claim_approve(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_reject(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_pay(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_visit(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_supplement(const cli_context_t *ctx, int argc,
                                char **argv);
/* cmd_claim_audit.c: the post-audit of same-day claims. */
cli_exit_t cmd_claim_audit_sample(const cli_context_t *ctx, int argc,
                                  char **argv);
cli_exit_t cmd_claim_audit_finding(const cli_context_t *ctx, int argc,
                                   char **argv);

/* cmd_claim_pending.c: four eyes on money. */
cli_exit_t cmd_claim_pending(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_confirm(const cli_context_t *ctx, int argc, char **argv);
cli_exit_t cmd_claim_decline(const cli_context_t *ctx, int argc, char **argv);
/* Tell the user (stderr) that claim_id's request did not take effect and
 * waits as pending action pending_id. */
void claim_pending_notice(int64_t claim_id, int64_t pending_id);

#endif
