/* Option parsing and message helpers shared by the subcommands. */
#include "cli.h"
#include "error_text.h"
#include "i18n.h"
#include "notice.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_command_t *verbs_find(const cli_command_t *verbs,
                                       const char *name)
{
    for (const cli_command_t *v = verbs; v->name != NULL; v++)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

void cli_print_verbs(const char *prefix, const cli_command_t *verbs)
{
    for (const cli_command_t *v = verbs; v->name != NULL; v++) {
        char name[64];
        if (prefix != NULL)
            snprintf(name, sizeof(name), "%s %s", prefix, v->name);
        else
            snprintf(name, sizeof(name), "%s", v->name);
        printf("  %-22s %s\n", name, _(v->summary));
    }
}

cli_exit_t cli_dispatch_group(const cli_context_t *ctx, const char *group,
                              const cli_command_t *verbs, int argc,
                              char **argv)
{
    if (argc < 2) {
        fprintf(stderr, _("%s: %s: missing command; one of:\n"),
                CLI_PROGRAM_NAME, group);
        for (const cli_command_t *v = verbs; v->name != NULL; v++)
            fprintf(stderr, "  %s %s %s\n", CLI_PROGRAM_NAME, group, v->name);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf(_("Usage: %s %s COMMAND [options]\n\nCommands:\n"),
               CLI_PROGRAM_NAME, group);
        cli_print_verbs(group, verbs);
        printf(_("\nRun '%s %s COMMAND --help' for a command's options.\n"),
               CLI_PROGRAM_NAME, group);
        return CLI_EXIT_OK;
    }
    const cli_command_t *v = verbs_find(verbs, argv[1]);
    if (v == NULL)
        return cli_usage_error(group, _("unknown command '%s'"), argv[1]);
    return v->run(ctx, argc - 1, argv + 1);
}

void cli_getopt_reset(void)
{
    /* 0 rather than 1: glibc then also forgets the state of the previous
     * scan (the global options were parsed with another optstring). */
    optind = 0;
    opterr = 0;
}

cli_exit_t cli_report_bad_option(const char *command, char **argv, int c)
{
    /* optind has moved past the offending word, which getopt_long leaves
     * in argv[optind - 1] (possibly with "=value" attached). */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    if (c == ':')
        return cli_usage_error(command, _("option '%s' needs a value"), word);
    if (optopt != 0 && optopt != '?')
        return cli_usage_error(command, _("unknown option '-%c'"), optopt);
    return cli_usage_error(command, _("unknown option '%s'"), word);
}

cli_exit_t cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, _("%s: %s: "), CLI_PROGRAM_NAME, command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, _("\nTry '%s %s --help'.\n"), CLI_PROGRAM_NAME, command);
    return CLI_EXIT_USAGE;
}

cli_exit_t cli_check_no_operands(const char *command, int argc, char **argv)
{
    if (optind < argc)
        return cli_usage_error(command, _("unexpected argument '%s'"),
                               argv[optind]);
    return CLI_EXIT_OK;
}

cli_exit_t cli_reject_input(const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool taken = notice_vemit(NOTICE_REJECTED, field, fmt, ap);
    va_end(ap);
    if (taken)
        return CLI_EXIT_REJECTED;
    fprintf(stderr, _("%s: rejected: %s [INVALID_ARGUMENT]: "),
            CLI_PROGRAM_NAME,
            error_text_reason(AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    char where[160];
    error_text_where(field, where, sizeof(where));
    if (where[0] != '\0')
        fprintf(stderr, _(" (%s)"), where);
    fputc('\n', stderr);
    return CLI_EXIT_REJECTED;
}

cli_exit_t cli_error(cli_exit_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool taken = notice_vemit(code == CLI_EXIT_REJECTED ? NOTICE_REJECTED
                                                        : NOTICE_ERROR,
                              NULL, fmt, ap);
    va_end(ap);
    if (taken)
        return code;
    fprintf(stderr, _("%s: error: "), CLI_PROGRAM_NAME);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool taken = notice_vemit(NOTICE_WARNING, NULL, fmt, ap);
    va_end(ap);
    if (taken)
        return;
    fprintf(stderr, _("%s: warning: "), CLI_PROGRAM_NAME);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

bool cli_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (s == NULL || s[0] == '\0')
        return false;
    /* strtoll skips leading spaces and accepts '+': refuse both here. */
    if (!(s[0] >= '0' && s[0] <= '9') && !(s[0] == '-' && min < 0))
        return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return false;
    if (v < min || v > max)
        return false;
    *out = (int64_t)v;
    return true;
}
