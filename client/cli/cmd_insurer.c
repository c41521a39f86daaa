/* aixin insurer add, insurer list. */
#include <getopt.h>
#include <stdio.h>

#include "cli_connect.h"
#include "commands.h"
#include "input_check.h"
#include "records.h"
#include "rpc.h"
#include "i18n.h"

#define INSURER_ADD "insurer add"
#define INSURER_LIST "insurer list"
#define INSURER_NAME_MAX_CHARS 64

static const char *const insurer_add_help =
    N_("Usage: aixin insurer add --code CODE --name NAME\n"
    "\n"
    "Register an insurer that counties can contract (city administrators\n"
    "only). Prints the insurer: id, code, name, when it was registered.\n"
    "\n"
    "Options:\n"
    "  -c, --code CODE   a short stable handle, 2-32 of a-z 0-9 _ -,\n"
    "                    used by `aixin terms set --insurer`\n"
    "  -n, --name NAME   the insurer's name, 1-64 characters\n"
    "  -h, --help        show this help\n"
    "\n"
    "Example:\n"
    "  aixin insurer add --code chinalife --name 中国人寿\n");

static const char *const insurer_list_help =
    N_("Usage: aixin insurer list\n"
    "\n"
    "List the insurers: id, code, name, when registered.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  aixin --format json insurer list\n");

static cli_exit_t insurer_add(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"code", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *code = NULL;
    const char *name = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":c:n:h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            code = optarg;
            break;
        case 'n':
            name = optarg;
            break;
        case 'h':
            fputs(_(insurer_add_help), stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option(INSURER_ADD, argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands(INSURER_ADD, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (code == NULL)
        return cli_usage_error(INSURER_ADD, _("missing --code"));
    if (name == NULL)
        return cli_usage_error(INSURER_ADD, _("missing --name"));
    rc = input_check_insurer_code(code, "code");
    if (rc == CLI_EXIT_OK)
        rc = input_check_text(name, "name", _("the name"), 1,
                              INSURER_NAME_MAX_CHARS);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__RegisterInsurer body = AIXIN__V1__REGISTER_INSURER__INIT;
    body.code = (char *)code;
    body.name = (char *)name;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_REGISTER_INSURER;
    req.register_insurer = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_INSURER,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, false);
        records_add_insurer(&doc, output_doc_add_record(&doc), resp->insurer);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t insurer_list(const cli_context_t *ctx, int argc,
                               char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(_(insurer_list_help), stdout);
            return CLI_EXIT_OK;
        }
        return cli_report_bad_option(INSURER_LIST, argv, c);
    }
    cli_exit_t rc = cli_check_no_operands(INSURER_LIST, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;

    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__ListInsurers body = AIXIN__V1__LIST_INSURERS__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_INSURERS;
    req.list_insurers = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_INSURERS,
                         &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__InsurerList *list = resp->insurers;
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < list->n_insurers; i++)
            records_add_insurer(&doc, output_doc_add_record(&doc),
                                list->insurers[i]);
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_insurer_verbs[] = {
    {"add", N_("register an insurer (city admin)"), insurer_add, NULL},
    {"list", N_("list the insurers"), insurer_list, NULL},
    {NULL, NULL, NULL, NULL},
};
