/* aixin audit show, aixin audit verify: the audit log for city
 * administrators and auditors. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beijing_day.h"
#include "cli_connect.h"
#include "commands.h"
#include "i18n.h"
#include "input_check.h"
#include "output.h"
#include "rpc.h"

static cli_exit_t audit_show(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"division", required_argument, NULL, 'd'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"account", required_argument, NULL, 'a'},
        {"limit", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    Aixin__V1__ListAudit body = AIXIN__V1__LIST_AUDIT__INIT;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":d:f:t:a:n:h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            body.division_code = optarg;
            break;
        case 'f':
        case 't': {
            int64_t at;
            if (!beijing_day_start(optarg, &at))
                return cli_usage_error("audit show",
                                       _("--%s: expected YYYY-MM-DD"),
                                       c == 'f' ? "from" : "to");
            if (c == 'f')
                body.from = at;
            else
                body.to = at + 86400; /* the whole day */
            break;
        }
        case 'a':
            body.username = optarg;
            break;
        case 'n':
            body.limit = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 'h':
            fputs(_("Usage: aixin audit show [--division CODE] [--from DAY]\n"
                    "                        [--to DAY] [--account USER]\n"
                    "                        [--limit N]\n"
                    "\n"
                    "Audit rows, newest first (city administrators and\n"
                    "auditors): who did what, when. Days are YYYY-MM-DD in\n"
                    "Beijing time, --to included.\n"),
                  stdout);
            return CLI_EXIT_OK;
        default:
            return cli_report_bad_option("audit show", argv, c);
        }
    }
    cli_exit_t rc = cli_check_no_operands("audit show", argc, argv);
    if (rc == CLI_EXIT_OK && body.division_code[0] != '\0')
        rc = input_check_division_code(body.division_code, "division_code");
    if (rc != CLI_EXIT_OK)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_LIST_AUDIT;
    req.list_audit = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req, AIXIN__V1__RESPONSE__BODY_AUDIT, &resp);
    if (rc == CLI_EXIT_OK) {
        output_doc_t doc;
        output_doc_init(&doc, true);
        for (size_t i = 0; i < resp->audit->n_entries; i++) {
            const Aixin__V1__AuditEntry *e = resp->audit->entries[i];
            output_record_t *r = output_doc_add_record(&doc);
            output_add_int(&doc, r, "seq", _("seq"), e->seq);
            output_add_time(&doc, r, "at", _("time"), e->at);
            output_add_text_or_null(&doc, r, "username", _("account"), e->username);
            output_add_text(&doc, r, "action", _("action"), e->action);
            output_add_text_or_null(&doc, r, "target", _("target"), e->target);
            output_add_text_or_null(&doc, r, "detail", _("detail"), e->detail);
        }
        if (!output_render(&doc, ctx->format, stdout))
            rc = CLI_EXIT_UNAVAILABLE;
        output_doc_free(&doc);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

static cli_exit_t audit_verify(const cli_context_t *ctx, int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(_("Usage: aixin audit verify\n"
                    "\n"
                    "Walk the audit log's hash chain: each row carries a hash\n"
                    "of itself and of the row before. Exit 0 when intact, 1\n"
                    "naming the first row that was changed or removed.\n"),
                  stdout);
            return CLI_EXIT_OK;
        }
        return cli_report_bad_option("audit verify", argv, c);
    }
    cli_exit_t rc = cli_check_no_operands("audit verify", argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    rpc_client_t *client = NULL;
    rc = cli_connect(ctx, &client);
    if (rc != CLI_EXIT_OK)
        return rc;
    Aixin__V1__VerifyAudit body = AIXIN__V1__VERIFY_AUDIT__INIT;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_VERIFY_AUDIT;
    req.verify_audit = &body;
    Aixin__V1__Response *resp = NULL;
    rc = rpc_client_call(client, &req,
                         AIXIN__V1__RESPONSE__BODY_AUDIT_VERIFICATION, &resp);
    if (rc == CLI_EXIT_OK) {
        const Aixin__V1__AuditVerification *v = resp->audit_verification;
        if (v->intact) {
            printf(_("audit log intact: %lld rows checked\n"),
                   (long long)v->rows_checked);
        } else {
            printf(_("audit log BROKEN at row %lld (seq): %s\n"),
                   (long long)v->first_broken_seq, v->problem);
            rc = CLI_EXIT_REJECTED;
        }
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    rpc_client_close(client);
    return rc;
}

const cli_command_t cmd_audit_verbs[] = {
    {"show", "list audit rows (who did what, when)", audit_show, NULL},
    {"verify", "check the audit log's hash chain", audit_verify, NULL},
    {NULL, NULL, NULL, NULL},
};
