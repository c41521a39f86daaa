/*
 * What every subcommand of the aixin CLI shares: the exit codes, the global
 * options, the dispatch table shape and the helpers that report usage
 * errors and rejected input in one format.
 *
 * Messages go to stderr:
 *   aixin: rejected: CODE: message (field: f)   exit 1
 *   aixin: error: message                       exit 1 or 3
 *   aixin: COMMAND: message + "Try ..." line    exit 2
 */
#ifndef AIXIN_CLIENT_CLI_H
#define AIXIN_CLIENT_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "output.h"

#define CLI_PROGRAM_NAME "aixin"
#define CLI_VERSION "0.1.0"
/* Sent in Hello; the server logs it. */
#define CLI_CLIENT_NAME "aixin/0.1"
#define CLI_DEFAULT_SERVER "127.0.0.1:7460"

/* The process exit status; each value is part of the CLI's contract. */
typedef enum cli_exit {
    CLI_EXIT_OK = 0,          /* done */
    CLI_EXIT_REJECTED = 1,    /* the server or a local check refused it */
    CLI_EXIT_USAGE = 2,       /* bad command line */
    CLI_EXIT_UNAVAILABLE = 3, /* server or network unavailable, or broken */
    CLI_EXIT_COUNT
} cli_exit_t;

/* Global options, parsed before the subcommand. */
typedef struct cli_context {
    const char *server;     /* --server HOST:PORT (borrowed from argv), or NULL */
    output_format_t format; /* --format */
} cli_context_t;

/*
 * A subcommand. argv[0] is the subcommand's own name ("enroll", or "open"
 * under "year"); the handler parses the rest with getopt_long.
 */
typedef cli_exit_t (*cli_handler_fn)(const cli_context_t *ctx, int argc,
                                     char **argv);

typedef struct cli_command {
    const char *name;                  /* as typed on the command line */
    const char *summary;               /* one line for the command list */
    cli_handler_fn run;                /* NULL for a group */
    const struct cli_command *verbs;   /* a group's verbs, NULL-name ended */
} cli_command_t;

/*
 * Run the verb named by argv[1] of group `group` ("household"), with
 * argv[1..] as its argv. Handles a missing or unknown verb and --help.
 */
cli_exit_t cli_dispatch_group(const cli_context_t *ctx, const char *group,
                              const cli_command_t *verbs, int argc,
                              char **argv);

/* Print a group's verbs with their summaries, indented, to stdout. */
void cli_print_verbs(const char *prefix, const cli_command_t *verbs);

/*
 * Prepare getopt_long for a subcommand: rescans from argv[1] and keeps
 * getopt quiet, so that the messages below are the only ones printed.
 */
void cli_getopt_reset(void);

/*
 * Report the option getopt_long just refused (it returned '?' or ':'), for
 * subcommand `command` ("household add-child"). Returns CLI_EXIT_USAGE.
 */
cli_exit_t cli_report_bad_option(const char *command, char **argv, int c);

/* "aixin: COMMAND: message" and a pointer to --help; returns CLI_EXIT_USAGE. */
__attribute__((format(printf, 2, 3))) cli_exit_t
cli_usage_error(const char *command, const char *fmt, ...);

/* Refuse leftover positional arguments; CLI_EXIT_OK when there are none. */
cli_exit_t cli_check_no_operands(const char *command, int argc, char **argv);

/*
 * Input refused by a local check before anything was sent, printed like
 * the server's INVALID_ARGUMENT. `field` is the proto field path or NULL.
 * Returns CLI_EXIT_REJECTED.
 */
__attribute__((format(printf, 2, 3))) cli_exit_t
cli_reject_input(const char *field, const char *fmt, ...);

/* "aixin: error: message"; returns `code`. */
__attribute__((format(printf, 2, 3))) cli_exit_t
cli_error(cli_exit_t code, const char *fmt, ...);

/* "aixin: warning: message". */
__attribute__((format(printf, 1, 2))) void cli_warn(const char *fmt, ...);

/*
 * Parse a decimal integer in [min, max], the whole string, no sign unless
 * min is negative, no spaces. False on anything else.
 */
__attribute__((warn_unused_result)) bool
cli_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
