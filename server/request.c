#include "request.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "conn.h"
#include "frame.h"
#include "log.h"
#include "names.h"
#include "worker.h"

uint64_t request_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void request_free(request_t *req)
{
    if (req == NULL)
        return;
    pb_arena_free(&req->arena);
    free(req->response);
    free(req);
}

static void request_log(const request_t *req, const Aixin__V1__Response *resp)
{
    uint64_t us = request_now_us() - req->started_us;
    uint64_t conn_id = req->conn ? req->conn->id : 0;
    metrics_count_request(&req->worker->metrics, req->name, us,
                          resp->error != NULL ? (int)resp->error->code : 0);
    if (resp->error != NULL) {
        log_info("conn=%" PRIu64 " req=%" PRIu64 " event=request type=%s "
                 "status=%s field=%s us=%" PRIu64,
                 conn_id, req->serial, req->name,
                 names_error_code(resp->error->code),
                 resp->error->field && resp->error->field[0]
                     ? resp->error->field
                     : "-",
                 us);
    } else {
        log_debug("conn=%" PRIu64 " req=%" PRIu64 " event=request type=%s "
                  "status=ok us=%" PRIu64,
                  conn_id, req->serial, req->name, us);
    }
}

void request_reply(request_t *req, Aixin__V1__Response *resp)
{
    resp->request_id = req->request_id;
    request_log(req, resp);
    conn_t *c = req->conn;
    if (c == NULL) {
        /* The connection went away while this ran: nobody to answer. */
        request_free(req);
        return;
    }
    size_t len = aixin__v1__response__get_packed_size(resp);
    req->response = malloc(FRAME_HEADER_SIZE + len);
    if (req->response == NULL) {
        req->state = REQUEST_DONE;
        req->closes_connection = true;
        req->response_len = 0;
        conn_on_request_done(c);
        return;
    }
    frame_header_write(req->response, (uint32_t)len);
    aixin__v1__response__pack(resp, req->response + FRAME_HEADER_SIZE);
    req->response_len = FRAME_HEADER_SIZE + len;
    req->state = REQUEST_DONE;
    conn_on_request_done(c);
}

void request_reply_error(request_t *req, Aixin__V1__ErrorCode code,
                         const char *field, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    Aixin__V1__Error err = AIXIN__V1__ERROR__INIT;
    err.code = code;
    err.message = message;
    err.field = (char *)(field ? field : "");
    err.retryable = code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE ||
                    code == AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN ||
                    code == AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.error = &err;
    request_reply(req, &resp);
}
