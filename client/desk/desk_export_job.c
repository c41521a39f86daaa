/* The desk's export worker; see desk_export_job.h. */
#include "desk_export_job.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "rpc.h"

static void worker_progress(void *ctx, uint64_t written, uint64_t total)
{
    desk_export_job_t *job = ctx;
    atomic_store(&job->total, total);
    atomic_store(&job->written, written);
}

static void *worker_main(void *arg)
{
    desk_export_job_t *job = arg;
    notice_sink_set(desk_notices_sink, &job->notices);
    rpc_client_t *client = NULL;
    uint64_t written = 0;
    cli_exit_t rc = desk_link_worker_open(job->address, &job->token, &client);
    if (rc == CLI_EXIT_OK)
        rc = export_run(client, &job->options, &written);
    rpc_client_close(client);
    notice_sink_set(NULL, NULL);
    atomic_store(&job->written, written);
    atomic_store(&job->state,
                 rc == CLI_EXIT_OK ? DESK_EXPORT_DONE : DESK_EXPORT_FAILED);
    return NULL;
}

static void job_free_strings(desk_export_job_t *job)
{
    if (job->token != NULL) {
        sodium_memzero(job->token, strlen(job->token));
        free(job->token);
    }
    free(job->address);
}

desk_export_job_t *desk_export_job_start(const desk_link_t *link,
                                         const export_options_t *o,
                                         desk_notices_t *notices)
{
    desk_export_job_t *job = calloc(1, sizeof(*job));
    if (job == NULL)
        return NULL;
    const char *tmp = getenv("TMPDIR");
    snprintf(job->dir, sizeof(job->dir), "%s/aixin-desk-export.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    bool csv = o->format == EXPORT_FORMAT_CSV;
    snprintf(job->file_name, sizeof(job->file_name), "%s-%d.%s",
             o->kind == AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS
                 ? "claims"
                 : "policies",
             (int)o->year, csv ? "csv" : "json");
    snprintf(job->division, sizeof(job->division), "%s",
             o->division != NULL ? o->division : "");
    snprintf(job->insurer, sizeof(job->insurer), "%s",
             o->insurer != NULL ? o->insurer : "");
    job->options = *o;
    job->options.division = job->division[0] != '\0' ? job->division : NULL;
    job->options.insurer = job->insurer[0] != '\0' ? job->insurer : NULL;
    job->options.progress_bar = false;
    job->options.on_progress = worker_progress;
    job->options.ctx = job;
    bool ok = mkdtemp(job->dir) != NULL;
    if (!ok) {
        desk_notices_add(notices, NOTICE_ERROR, NULL,
                         _("The export could not be started: %s"),
                         strerror(errno));
    } else {
        snprintf(job->path, sizeof(job->path), "%s/%s", job->dir,
                 job->file_name);
        job->options.output = job->path;
        if (!desk_link_worker_credentials(link, &job->address, &job->token)) {
            desk_notices_add(notices, NOTICE_REJECTED, NULL, "%s",
                             _("not logged in"));
            ok = false;
        } else if (pthread_create(&job->thread, NULL, worker_main, job) !=
                   0) {
            desk_notices_add(notices, NOTICE_ERROR, NULL, "%s",
                             _("The export could not be started."));
            ok = false;
        }
        if (!ok)
            rmdir(job->dir);
    }
    if (!ok) {
        job_free_strings(job);
        free(job);
        return NULL;
    }
    return job;
}

void desk_export_job_free(desk_export_job_t *job)
{
    if (job == NULL)
        return;
    pthread_join(job->thread, NULL);
    job_free_strings(job);
    unlink(job->path);
    rmdir(job->dir);
    free(job);
}
