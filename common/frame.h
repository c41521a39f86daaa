/*
 * Frame layer of the aixin protocol: an 8-byte header, then one protobuf
 * payload. No I/O here: the daemon peeks headers out of its socket buffer,
 * the client, the tests and the fuzzer feed bytes to a frame_decoder.
 *
 *   offset 0  2 bytes  magic "AX" (0x41 0x58)
 *   offset 2  1 byte   frame format version (FRAME_VERSION)
 *   offset 3  1 byte   flags, must be 0 (reserved)
 *   offset 4  4 bytes  payload length, unsigned big-endian
 */
#ifndef AIXIN_FRAME_H
#define AIXIN_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER_SIZE 8
#define FRAME_MAGIC_0 0x41
#define FRAME_MAGIC_1 0x58
#define FRAME_VERSION 1
/* Default and hard ceiling of the payload cap. */
#define FRAME_DEFAULT_MAX_PAYLOAD (1u << 20)
#define FRAME_HARD_MAX_PAYLOAD (64u << 20)

typedef enum frame_result {
    FRAME_OK = 0,        /* a whole frame (or header) is available */
    FRAME_NEED_MORE,     /* not enough bytes yet; feed more */
    FRAME_ERR_MAGIC,     /* first two bytes are not "AX" */
    FRAME_ERR_VERSION,   /* unknown frame format version */
    FRAME_ERR_FLAGS,     /* reserved flag bits set */
    FRAME_ERR_EMPTY,     /* zero-length payload: never a valid message */
    FRAME_ERR_TOO_LARGE, /* payload length above the configured cap */
    FRAME_ERR_NOMEM,     /* the decoder could not grow its buffer */
    FRAME_RESULT_COUNT
} frame_result_t;

typedef struct frame_header {
    uint8_t version;
    uint8_t flags;
    uint32_t payload_len;
} frame_header_t;

/* Short constant English name of a result, for logs and error messages. */
const char *frame_result_name(frame_result_t r);

/* True for the results after which the stream can not be resynchronised. */
bool frame_result_is_fatal(frame_result_t r);

/*
 * Parse and check the header in the first `avail` bytes of `data` against
 * `max_payload`. Returns FRAME_NEED_MORE when avail < FRAME_HEADER_SIZE
 * (but reports a bad magic as soon as the first bytes show it).
 */
__attribute__((warn_unused_result)) frame_result_t
frame_header_parse(const uint8_t *data, size_t avail, uint32_t max_payload,
                   frame_header_t *out);

/* Write a header for a payload of `payload_len` bytes into out[0..7]. */
void frame_header_write(uint8_t out[FRAME_HEADER_SIZE], uint32_t payload_len);

/*
 * Incremental decoder over a byte stream. The buffer holds only bytes that
 * were fed and not yet taken, never room for what a header announces: a
 * length over the cap is refused from the header alone, before its body
 * arrives. A caller that takes every whole frame after each feed holds at
 * most one partial frame (header + max_payload) plus its last feed.
 */
typedef struct frame_decoder {
    uint8_t *buf;         /* owned */
    size_t len;           /* bytes held */
    size_t start;         /* bytes of buf already handed out */
    size_t scan;          /* offset in buf of the first header not yet
                             checked; may lie beyond len while a body is
                             still arriving */
    size_t cap;           /* allocated size of buf */
    uint32_t max_payload; /* cap on a payload length */
    frame_result_t error; /* sticky fatal error, FRAME_OK when none */
} frame_decoder_t;

void frame_decoder_init(frame_decoder_t *d, uint32_t max_payload);
void frame_decoder_free(frame_decoder_t *d);

/*
 * Append bytes and check every frame header they complete. Returns
 * FRAME_OK, or the sticky fatal error as soon as the stream is broken
 * (the caller can stop reading at once). The bad bytes and everything
 * after them are dropped and nothing more is buffered, but the frames
 * wholly received before them are still handed out by
 * frame_decoder_next(), which then returns the error: what a peer's good
 * requests get does not depend on how its bytes were split into reads.
 */
__attribute__((warn_unused_result)) frame_result_t
frame_decoder_feed(frame_decoder_t *d, const uint8_t *data, size_t n);

/*
 * Take the next whole frame. On FRAME_OK, *payload (borrowed, valid until
 * the next feed/free call) and *payload_len describe it. Otherwise returns
 * FRAME_NEED_MORE, or the sticky error once no whole frame is left.
 */
__attribute__((warn_unused_result)) frame_result_t
frame_decoder_next(frame_decoder_t *d, const uint8_t **payload,
                   uint32_t *payload_len);

#endif
