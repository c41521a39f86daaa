/* aixin divisions. */
#include <getopt.h>
#include <stdio.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

static const char *const divisions_help =
    N_("Usage: aixin divisions [--root CODE]\n"
    "\n"
    "List the divisions under CODE (itself included), depth first by code:\n"
    "code, name, level (city, county, township) and parent code. In table\n"
    "format names are indented by level. Without --root, your own\n"
    "division.\n"
    "\n"
    "Options:\n"
    "  -r, --root CODE   a division code (6 or 9 digits)\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin divisions --root 360821\n");

cli_exit_t cmd_divisions_list(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"root", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *root = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":r:h", options, NULL)) != -1) {
        switch (c) {
        case 'r':
            root = optarg;
            break;
        case 'h':
            fputs(_(divisions_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option("divisions", argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands("divisions", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (root != NULL) {
        rc = input_check_division_code(root, "root_code");
        if (rc != CLI_EXIT_OK)
            return rc;
    }

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__ListDivisions body = AIXIN__V1__LIST_DIVISIONS__INIT;
    if (root != NULL)
        body.root_code = (char *)root;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_DIVISIONS;
    req.list_divisions = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_DIVISIONS,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__DivisionList *list = resp->divisions;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_divisions; i++)
            records_add_division(&doc, output_doc_add_record(&doc),
                                 list->divisions[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}
