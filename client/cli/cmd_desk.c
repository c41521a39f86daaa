/* aixin desk: the office client as a local web page (client/desk/). */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "desk.h"
#include "i18n.h"

static const char desk_help[] = N_(
    "Usage: aixin desk [--no-browser]\n"
    "\n"
    "Serve the desk: the office client as a web page in Chinese for the\n"
    "browser of this computer. It listens on 127.0.0.1 only, on a port of\n"
    "its choosing, and prints its address with a one-time key; the first\n"
    "visit with that address gets a cookie, any other request is refused.\n"
    "The desk uses the session of `aixin login` (and logs in and out with\n"
    "it), the same server, TLS settings and offline spool as the other\n"
    "commands. Ctrl+C stops it.\n"
    "\n"
    "Options:\n"
    "  -n, --no-browser       do not open a browser on the address\n"
    "      --url-file FILE    also write the address to FILE\n"
    "  -h, --help             show this help\n"
    "\n"
    "Environment: AIXIN_DESK_TEMPLATES, the folder of the page templates.\n"
    "\n"
    "Example:\n"
    "  aixin desk --no-browser\n");

cli_exit_t cmd_desk(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"no-browser", no_argument, NULL, 'n'},
        {"url-file", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    desk_options_t opts = {.server = ctx->server, .open_browser = true};
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":nu:h", options, NULL)) != -1) {
        switch (c) {
        case 'n':
            opts.open_browser = false;
            break;
        case 'u':
            opts.url_file = optarg;
            break;
        case 'h':
            fputs(_(desk_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option("desk", argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands("desk", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    return desk_run(&opts);
}
