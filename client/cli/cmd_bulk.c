/* The shared options and run of the office lists' import verbs; see
 * cmd_bulk.h. */
#include "cmd_bulk.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_connect.h"
#include "i18n.h"
#include "rpc.h"

#define BULK_MAX_PATIENCE_S 86400

static cli_exit_t bulk_connect(void *ctx, rpc_client_t **client)
{
    return cli_connect(ctx, client);
}

cli_exit_t cmd_bulk_import(const cli_context_t *ctx, const char *command,
                           const char *help, bulk_kind_t *kind,
                           const cmd_bulk_hooks_t *hooks, int argc,
                           char **argv)
{
    enum { OPT_EXTRA = 256 };
    struct option options[] = {
        {"errors", required_argument, NULL, 'e'},
        {"patience", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {hooks != NULL ? hooks->option : NULL, required_argument, NULL,
         OPT_EXTRA},
        {NULL, 0, NULL, 0},
    };
    const char *errors = NULL;
    unsigned patience_s = BULK_DEFAULT_PATIENCE_S;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":e:p:h", options, NULL)) != -1) {
        int64_t n;
        switch (c) {
        case 'e':
            errors = optarg;
            break;
        case 'p':
            if (!cli_parse_int64(optarg, 1, BULK_MAX_PATIENCE_S, &n))
                return cli_usage_error(command,
                                       _("--patience must be 1-%d seconds, "
                                         "not '%s'"),
                                       BULK_MAX_PATIENCE_S, optarg);
            patience_s = (unsigned)n;
            break;
        case OPT_EXTRA:
            *hooks->value = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(command, argv, c);
        }
    }
    if (optind >= argc)
        return cli_usage_error(command, _("missing FILE.csv"));
    if (optind + 1 < argc)
        return cli_usage_error(command, _("one file at a time, not '%s'"),
                               argv[optind + 1]);
    const char *file = argv[optind];
    char *errors_path = errors != NULL ? strdup(errors)
                                       : bulk_default_errors_path(file);
    if (errors_path == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    cli_exit_t rc = CLI_EXIT_OK;
    if (hooks != NULL && hooks->before != NULL)
        rc = hooks->before(hooks->ctx, file);
    bulk_run_result_t result = {.counted = false};
    if (rc == CLI_EXIT_OK) {
        /* A row not done is sent again by running the file again, under
         * its key: never by the spool, which would send it under a key
         * of its own on another day. */
        rpc_offline_spool_enable(false);
        bulk_run_options_t o = {.csv_path = file,
                                .errors_path = errors_path,
                                .patience_s = patience_s,
                                .quiet_rows = false,
                                .connect = bulk_connect,
                                .connect_ctx = (void *)ctx};
        rc = bulk_run(&o, kind, &result);
        if (result.counted)
            bulk_run_print_summary(&result, errors_path);
    }
    if (hooks != NULL && hooks->after != NULL)
        hooks->after(hooks->ctx, rc, &result);
    free(errors_path);
    return rc;
}
