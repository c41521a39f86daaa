/*
 * The daemon's whole input path on hostile bytes: frame decoder, protobuf
 * unpack into a budgeted arena, wire text walk, request check.
 *
 * Input: byte 0 picks how the rest is cut into feeds (1..32 bytes at a
 * time, or 0xFF: all at once); bytes 1.. are the stream. Besides crashes
 * and sanitizer reports, it checks that the frames handed out are exactly
 * the stream's consecutive frames however the stream was cut, and that a
 * fatal error is reported at the first bad header and nowhere else.
 */
#include "frame.h"
#include "pb_arena.h"
#include "request_check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The daemon's defaults: 1 MiB frames, 4x that for unpacking. */
#define FUZZ_MAX_PAYLOAD FRAME_DEFAULT_MAX_PAYLOAD
#define FUZZ_ARENA_BUDGET (4u * FRAME_DEFAULT_MAX_PAYLOAD)

static void check_request(pb_arena_t *arena, const uint8_t *payload,
                          uint32_t len)
{
    Aixin__V1__Request *req;
    request_problem_t problem;
    request_decode_result_t r =
        request_decode(arena, payload, len, &req, &problem);
    if (memchr(problem.field, 0, sizeof(problem.field)) == NULL ||
        memchr(problem.message, 0, sizeof(problem.message)) == NULL)
        abort();
    switch (r) {
    case REQUEST_DECODE_OK:
        /* a valid request stays valid, and says nothing is wrong */
        if (req == NULL || req->request_id == 0 ||
            problem.code != AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED ||
            !request_check(req, &problem))
            abort();
        if (request_is_mutating(req) &&
            req->idempotency_key.len != REQUEST_IDEMPOTENCY_KEY_SIZE)
            abort();
        break;
    case REQUEST_DECODE_INVALID:
        if (req == NULL || problem.message[0] == '\0' ||
            problem.code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED)
            abort();
        break;
    case REQUEST_DECODE_UNREADABLE:
    case REQUEST_DECODE_TOO_LARGE:
        if (req != NULL)
            abort();
        break;
    default:
        abort();
    }
    if (arena->held > FUZZ_ARENA_BUDGET)
        abort();
    pb_arena_reset(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pb_arena_t arena;
    static int arena_ready;
    if (!arena_ready) {
        pb_arena_init(&arena, FUZZ_ARENA_BUDGET);
        arena_ready = 1;
    }
    if (size == 0)
        return 0;
    size_t chunk = data[0] == 0xFF ? size : 1 + data[0] % 32;
    const uint8_t *stream = data + 1;
    size_t n = size - 1;

    frame_decoder_t d;
    frame_decoder_init(&d, FUZZ_MAX_PAYLOAD);
    size_t fed = 0;      /* bytes of stream fed */
    size_t expect = 0;   /* stream offset of the next frame to come out */
    frame_result_t fatal = FRAME_OK;
    for (;;) {
        size_t k = n - fed < chunk ? n - fed : chunk;
        frame_result_t r = frame_decoder_feed(&d, stream + fed, k);
        fed += k;
        if (r != FRAME_OK) {
            if (!frame_result_is_fatal(r))
                abort();
            fatal = r;
            /* sticky, and nothing more is buffered */
            size_t held = d.len;
            if (frame_decoder_feed(&d, stream, n) != fatal || d.len != held)
                abort();
        }
        const uint8_t *payload;
        uint32_t len;
        while ((r = frame_decoder_next(&d, &payload, &len)) == FRAME_OK) {
            /* exactly the next frame of the stream */
            frame_header_t h;
            if (expect > n || n - expect < FRAME_HEADER_SIZE ||
                frame_header_parse(stream + expect, n - expect,
                                   FUZZ_MAX_PAYLOAD, &h) != FRAME_OK ||
                h.payload_len != len ||
                n - expect - FRAME_HEADER_SIZE < len ||
                memcmp(payload, stream + expect + FRAME_HEADER_SIZE, len) != 0)
                abort();
            expect += FRAME_HEADER_SIZE + len;
            check_request(&arena, payload, len);
        }
        /* once no whole frame is left: the error, or a wish for more */
        if (r != (fatal != FRAME_OK ? fatal : FRAME_NEED_MORE))
            abort();
        if (fatal != FRAME_OK || fed >= n)
            break;
    }
    /* After a fatal error the bad header sits right where the frames
     * stopped; without one, what is left is an incomplete frame. */
    frame_header_t h;
    frame_result_t tail =
        expect <= n ? frame_header_parse(stream + expect, n - expect,
                                         FUZZ_MAX_PAYLOAD, &h)
                    : FRAME_NEED_MORE;
    if (fatal != FRAME_OK) {
        if (tail != fatal)
            abort();
    } else if (tail == FRAME_OK) {
        if (n - expect >= FRAME_HEADER_SIZE + (size_t)h.payload_len)
            abort(); /* a whole frame was left behind */
    } else if (tail != FRAME_NEED_MORE) {
        abort();
    }
    frame_decoder_free(&d);
    return 0;
}
