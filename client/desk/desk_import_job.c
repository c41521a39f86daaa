/* The desk's import worker; see desk_import_job.h. */
#include "desk_import_job.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"
#include "i18n.h"
#include "import_send.h"
#include "rpc.h"

/* The worker's connection, with the session saved by the desk's login. */
static cli_exit_t worker_connect(void *ctx, rpc_client_t **client)
{
    desk_import_job_t *job = ctx;
    return desk_link_worker_open(job->address, &job->token, client);
}

static void worker_progress(void *ctx, uint64_t done, uint64_t total)
{
    desk_import_job_t *job = ctx;
    atomic_store(&job->total, total);
    atomic_store(&job->done, done);
}

static void *worker_main(void *arg)
{
    desk_import_job_t *job = arg;
    notice_sink_set(desk_notices_sink, &job->notices);
    import_run_options_t o = {.csv_path = job->csv_path,
                              .resume_base = job->resume_base,
                              .errors_path = job->errors_path,
                              .batch_rows = IMPORT_RUN_DEFAULT_BATCH,
                              .patience_s = IMPORT_SEND_DEFAULT_PATIENCE_S,
                              .progress_bar = false,
                              .connect = worker_connect,
                              .on_progress = worker_progress,
                              .ctx = job};
    cli_exit_t rc = import_run(&o, &job->result);
    notice_sink_set(NULL, NULL);
    /* Refusals are an answer like any other: the page lists them. */
    bool ok = job->result.counted &&
              (rc == CLI_EXIT_OK || rc == CLI_EXIT_REJECTED);
    atomic_store(&job->state, ok ? DESK_IMPORT_DONE : DESK_IMPORT_FAILED);
    return NULL;
}

/* The progress file of the uploads named `file_name`: next to the session
 * file (it lives as long as the clerk's work, unlike the upload's folder),
 * "desk-import.NAME", with the name's unsafe characters made '_'. */
static char *resume_base_for(const char *session_path, const char *file_name)
{
    const char *slash = strrchr(session_path, '/');
    int dir_len = slash != NULL ? (int)(slash - session_path) : 1;
    const char *dir = slash != NULL ? session_path : ".";
    char name[128];
    snprintf(name, sizeof(name), "%s", file_name);
    for (char *c = name; *c != '\0'; c++)
        if (*c == '/' || *c == '\\' || (unsigned char)*c < 0x20 ||
            (c == name && *c == '.'))
            *c = '_';
    size_t size = (size_t)dir_len + strlen(name) + sizeof("/desk-import.");
    char *p = malloc(size);
    if (p != NULL)
        snprintf(p, size, "%.*s/desk-import.%s", dir_len, dir, name);
    return p;
}

/* The saved session's token for the worker's own connection. */
static bool job_take_session(desk_import_job_t *job, const desk_link_t *link)
{
    char path[CREDENTIALS_PATH_SIZE];
    if (!credentials_session_path(path) ||
        !desk_link_worker_credentials(link, &job->address, &job->token))
        return false;
    job->resume_base = resume_base_for(path, job->file_name);
    return job->resume_base != NULL;
}

static void job_free_strings(desk_import_job_t *job)
{
    if (job->token != NULL) {
        sodium_memzero(job->token, strlen(job->token));
        free(job->token);
    }
    free(job->address);
    free(job->resume_base);
}

desk_import_job_t *desk_import_job_start(const desk_link_t *link,
                                         const char *data, size_t len,
                                         const char *file_name,
                                         desk_notices_t *notices)
{
    desk_import_job_t *job = calloc(1, sizeof(*job));
    if (job == NULL)
        return NULL;
    const char *tmp = getenv("TMPDIR");
    snprintf(job->dir, sizeof(job->dir), "%s/aixin-desk-import.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    snprintf(job->file_name, sizeof(job->file_name), "%s", file_name);
    bool ok = mkdtemp(job->dir) != NULL;
    if (ok) {
        snprintf(job->csv_path, sizeof(job->csv_path), "%s/upload.csv",
                 job->dir);
        snprintf(job->errors_path, sizeof(job->errors_path),
                 "%s/refused.csv", job->dir);
        int fd = open(job->csv_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                      0600);
        ok = fd >= 0 && write(fd, data, len) == (ssize_t)len;
        if (fd >= 0 && close(fd) != 0)
            ok = false;
    }
    if (!ok) {
        desk_notices_add(notices, NOTICE_ERROR, NULL,
                         _("The file could not be saved for the import: %s"),
                         strerror(errno));
    } else if (!job_take_session(job, link)) {
        desk_notices_add(notices, NOTICE_REJECTED, NULL, "%s",
                         _("not logged in"));
        ok = false;
    } else if (pthread_create(&job->thread, NULL, worker_main, job) != 0) {
        desk_notices_add(notices, NOTICE_ERROR, NULL, "%s",
                         _("The import could not be started."));
        ok = false;
    }
    if (!ok) {
        job_free_strings(job);
        unlink(job->csv_path);
        rmdir(job->dir);
        free(job);
        return NULL;
    }
    return job;
}

void desk_import_job_free(desk_import_job_t *job)
{
    if (job == NULL)
        return;
    pthread_join(job->thread, NULL);
    import_run_result_free(&job->result);
    job_free_strings(job);
    unlink(job->csv_path);
    unlink(job->errors_path);
    rmdir(job->dir);
    free(job);
}
