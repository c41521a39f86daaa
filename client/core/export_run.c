/* The export of one policy year into a file; see export_run.h. */
#include "export_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_file.h"
#include "i18n.h"
#include "progress.h"

#define UTF8_BOM "\xEF\xBB\xBF"

/* Where the records go: the file (a temporary one beside it until the
 * end) or standard output. */
typedef struct export_sink {
    FILE *out;
    char *temp_path; /* owned; NULL for standard output */
    const char *path;
    text_encoding_t encoding;
} export_sink_t;

static cli_exit_t sink_open(export_sink_t *s, const export_options_t *a)
{
    memset(s, 0, sizeof(*s));
    s->encoding = a->encoding;
    if (a->output == NULL || strcmp(a->output, "-") == 0) {
        s->out = stdout;
        return CLI_EXIT_OK;
    }
    s->path = a->output;
    size_t n = strlen(a->output) + 16;
    s->temp_path = malloc(n);
    if (s->temp_path == NULL)
        return cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
    snprintf(s->temp_path, n, "%s.partial", a->output);
    s->out = fopen(s->temp_path, "wb");
    if (s->out == NULL) {
        int saved = errno;
        free(s->temp_path);
        s->temp_path = NULL;
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"),
                         a->output, strerror(saved));
    }
    return CLI_EXIT_OK;
}

/* Write UTF-8 bytes in the sink's encoding. */
static bool sink_write(export_sink_t *s, const char *data, size_t len)
{
    if (len == 0)
        return true;
    if (s->encoding != TEXT_ENCODING_GB18030)
        return fwrite(data, 1, len, s->out) == len;
    char *converted = NULL;
    size_t converted_len = 0;
    if (!text_encoding_from_utf8(s->encoding, data, len, &converted,
                                 &converted_len))
        return false;
    bool ok = fwrite(converted, 1, converted_len, s->out) == converted_len;
    free(converted);
    return ok;
}

/* Finish: on success rename the file into place; else remove it. */
static cli_exit_t sink_close(export_sink_t *s, cli_exit_t rc)
{
    if (s->out == NULL)
        return rc;
    bool ok = rc == CLI_EXIT_OK && fflush(s->out) == 0 && !ferror(s->out);
    int saved = errno;
    if (s->temp_path == NULL) {
        if (rc == CLI_EXIT_OK && !ok)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write the output"));
        return rc;
    }
    if (ok && fsync(fileno(s->out)) != 0) {
        ok = false;
        saved = errno;
    }
    if (fclose(s->out) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(s->temp_path, s->path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        remove(s->temp_path);
        if (rc == CLI_EXIT_OK)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write %s: %s"),
                           s->path, strerror(saved));
    }
    free(s->temp_path);
    s->temp_path = NULL;
    return rc;
}

/* One page from the server. */
static cli_exit_t export_fetch(rpc_client_t *client, const export_options_t *a,
                               int64_t after_id, Aixin__V1__Response **out)
{
    Aixin__V1__ExportRecords body = AIXIN__V1__EXPORT_RECORDS__INIT;
    body.kind = a->kind;
    body.policy_year = a->year;
    body.division_code = (char *)(a->division ? a->division : "");
    body.insurer_code = (char *)(a->insurer ? a->insurer : "");
    body.after_id = after_id;
    body.limit = a->page_size;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.body_case = AIXIN__V1__REQUEST__BODY_EXPORT_RECORDS;
    req.export_records = &body;
    cli_exit_t rc = rpc_client_call(client, &req,
                                    AIXIN__V1__RESPONSE__BODY_EXPORT_PAGE, out);
    if (rc == CLI_EXIT_OK && (*out)->export_page == NULL) {
        aixin__v1__response__free_unpacked(*out, NULL);
        *out = NULL;
        return cli_error(CLI_EXIT_UNAVAILABLE, _("the server sent no records"));
    }
    return rc;
}

/* The page's records (and on the first page the file's head) as UTF-8
 * in `mem`. False when memory runs out. */
static bool export_render_page(const export_options_t *a,
                               const Aixin__V1__ExportPage *page, bool first,
                               export_fhir_t *fhir, FILE *mem)
{
    bool ok = true;
    if (a->format == EXPORT_FORMAT_CSV) {
        if (first)
            export_csv_header(a->kind, mem);
        for (size_t i = 0; i < page->n_policies; i++)
            export_csv_policy(page->policies[i], mem);
        for (size_t i = 0; i < page->n_claims; i++)
            export_csv_claim(page->claims[i], mem);
        return true;
    }
    if (first)
        export_fhir_begin(fhir, page, mem);
    for (size_t i = 0; ok && i < page->n_policies; i++)
        ok = export_fhir_policy(fhir, page->policies[i], mem);
    for (size_t i = 0; ok && i < page->n_claims; i++)
        ok = export_fhir_claim(fhir, page->claims[i], mem);
    if (ok && page->done)
        export_fhir_end(fhir, mem);
    return ok;
}

static cli_exit_t export_pages(rpc_client_t *client, const export_options_t *a,
                                export_sink_t *sink, uint64_t *written)
{
    int64_t after = 0;
    bool first = true, done = false;
    export_fhir_t *fhir = NULL;
    progress_t bar = {0};
    uint64_t total = 0;
    cli_exit_t rc = CLI_EXIT_OK;
    *written = 0;
    if (sink->encoding == TEXT_ENCODING_UTF8_BOM &&
        !sink_write(sink, UTF8_BOM, 3))
        return cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write the output"));
    while (!done && rc == CLI_EXIT_OK) {
        Aixin__V1__Response *resp = NULL;
        rc = export_fetch(client, a, after, &resp);
        if (rc != CLI_EXIT_OK)
            break;
        const Aixin__V1__ExportPage *page = resp->export_page;
        size_t n = page->n_policies + page->n_claims;
        if (first) {
            total = page->total > 0 ? (uint64_t)page->total : 0;
            if (a->progress_bar)
                progress_start(&bar, total);
            if (a->format == EXPORT_FORMAT_FHIR &&
                (fhir = export_fhir_new(page->ids_masked)) == NULL)
                rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
        }
        /* A page that neither ends the export nor moves on would repeat
         * for ever. */
        done = page->done || n == 0;
        if (rc == CLI_EXIT_OK && !done && page->next_after_id <= after)
            rc = cli_error(CLI_EXIT_UNAVAILABLE,
                           _("the server's export does not move on"));
        char *data = NULL;
        size_t len = 0;
        FILE *mem = rc == CLI_EXIT_OK ? open_memstream(&data, &len) : NULL;
        if (rc == CLI_EXIT_OK && mem == NULL)
            rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
        if (mem != NULL) {
            /* The last page closes the Bundle even when it is empty. */
            Aixin__V1__ExportPage closing = *page;
            closing.done = done;
            bool rendered = export_render_page(a, &closing, first, fhir, mem);
            bool ok = fclose(mem) == 0 && rendered;
            if (!ok)
                rc = cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
            else if (!sink_write(sink, data, len))
                rc = cli_error(CLI_EXIT_UNAVAILABLE,
                               _("cannot write the export in %s"),
                               text_encoding_name(sink->encoding));
            free(data);
        }
        *written += n;
        after = page->next_after_id;
        first = false;
        if (a->progress_bar)
            progress_update(&bar, *written);
        if (a->on_progress != NULL)
            a->on_progress(a->ctx, *written, total);
        aixin__v1__response__free_unpacked(resp, NULL);
    }
    if (!first && a->progress_bar)
        progress_finish(&bar);
    export_fhir_free(fhir);
    return rc;
}

cli_exit_t export_run(rpc_client_t *client, const export_options_t *o,
                      uint64_t *written)
{
    export_sink_t sink;
    *written = 0;
    cli_exit_t rc = sink_open(&sink, o);
    if (rc == CLI_EXIT_OK)
        rc = export_pages(client, o, &sink, written);
    return sink_close(&sink, rc);
}
