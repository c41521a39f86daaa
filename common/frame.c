#include "frame.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static const char *const result_names[FRAME_RESULT_COUNT] = {
    [FRAME_OK] = "ok",
    [FRAME_NEED_MORE] = "need more bytes",
    [FRAME_ERR_MAGIC] = "bad magic",
    [FRAME_ERR_VERSION] = "unsupported frame version",
    [FRAME_ERR_FLAGS] = "reserved flags set",
    [FRAME_ERR_EMPTY] = "empty payload",
    [FRAME_ERR_TOO_LARGE] = "frame too large",
    [FRAME_ERR_NOMEM] = "out of memory",
};

const char *frame_result_name(frame_result_t r)
{
    if ((unsigned)r >= FRAME_RESULT_COUNT)
        return "unknown";
    return result_names[r];
}

bool frame_result_is_fatal(frame_result_t r)
{
    return r != FRAME_OK && r != FRAME_NEED_MORE;
}

frame_result_t frame_header_parse(const uint8_t *data, size_t avail,
                                  uint32_t max_payload, frame_header_t *out)
{
    /* Judge the magic from the first byte on, so garbage is refused at once
     * rather than after the peer has sent a whole header's worth. */
    if (avail >= 1 && data[0] != FRAME_MAGIC_0)
        return FRAME_ERR_MAGIC;
    if (avail >= 2 && data[1] != FRAME_MAGIC_1)
        return FRAME_ERR_MAGIC;
    if (avail >= 3 && data[2] != FRAME_VERSION)
        return FRAME_ERR_VERSION;
    if (avail >= 4 && data[3] != 0)
        return FRAME_ERR_FLAGS;
    if (avail < FRAME_HEADER_SIZE)
        return FRAME_NEED_MORE;
    uint32_t len = ((uint32_t)data[4] << 24) | ((uint32_t)data[5] << 16) |
                   ((uint32_t)data[6] << 8) | (uint32_t)data[7];
    if (len == 0)
        return FRAME_ERR_EMPTY;
    if (len > max_payload)
        return FRAME_ERR_TOO_LARGE;
    out->version = data[2];
    out->flags = data[3];
    out->payload_len = len;
    return FRAME_OK;
}

void frame_header_write(uint8_t out[FRAME_HEADER_SIZE], uint32_t payload_len)
{
    out[0] = FRAME_MAGIC_0;
    out[1] = FRAME_MAGIC_1;
    out[2] = FRAME_VERSION;
    out[3] = 0;
    out[4] = (uint8_t)(payload_len >> 24);
    out[5] = (uint8_t)(payload_len >> 16);
    out[6] = (uint8_t)(payload_len >> 8);
    out[7] = (uint8_t)payload_len;
}

void frame_decoder_init(frame_decoder_t *d, uint32_t max_payload)
{
    memset(d, 0, sizeof(*d));
    if (max_payload == 0 || max_payload > FRAME_HARD_MAX_PAYLOAD)
        max_payload = FRAME_DEFAULT_MAX_PAYLOAD;
    d->max_payload = max_payload;
    d->error = FRAME_OK;
}

void frame_decoder_free(frame_decoder_t *d)
{
    free(d->buf);
    d->buf = NULL;
    d->len = d->start = d->scan = d->cap = 0;
}

/* Drop the bytes already handed out so the buffer only holds pending data. */
static void decoder_compact(frame_decoder_t *d)
{
    if (d->start == 0)
        return;
    memmove(d->buf, d->buf + d->start, d->len - d->start);
    d->len -= d->start;
    d->scan -= d->start;
    d->start = 0;
}

frame_result_t frame_decoder_feed(frame_decoder_t *d, const uint8_t *data,
                                  size_t n)
{
    if (d->error != FRAME_OK)
        return d->error;
    if (n == 0)
        return FRAME_OK;
    decoder_compact(d);
    /* The buffer grows with the bytes that actually arrived, never with
     * what a header announces, so a lying length costs nothing. */
    if (n > SIZE_MAX - d->len)
        return d->error = FRAME_ERR_NOMEM;
    if (d->len + n > d->cap) {
        size_t ncap = d->cap ? d->cap : 256;
        while (ncap < d->len + n)
            ncap = ncap > SIZE_MAX / 2 ? d->len + n : ncap * 2;
        uint8_t *nb = realloc(d->buf, ncap);
        if (nb == NULL)
            return d->error = FRAME_ERR_NOMEM;
        d->buf = nb;
        d->cap = ncap;
    }
    memcpy(d->buf + d->len, data, n);
    d->len += n;
    /* Check every header now present, so a bad stream is refused as soon
     * as its bytes arrive and not only when the frames before it are
     * taken. Headers already checked are not checked again, so feeding a
     * byte at a time stays linear. */
    size_t off = d->scan;
    while (off < d->len) {
        frame_header_t h;
        frame_result_t r =
            frame_header_parse(d->buf + off, d->len - off, d->max_payload, &h);
        if (frame_result_is_fatal(r)) {
            /* Every frame before off is whole: keep those for
             * frame_decoder_next(), drop the garbage. */
            d->len = off;
            return d->error = r;
        }
        if (r == FRAME_NEED_MORE)
            break;
        off += FRAME_HEADER_SIZE + (size_t)h.payload_len;
    }
    d->scan = off;
    return FRAME_OK;
}

frame_result_t frame_decoder_next(frame_decoder_t *d, const uint8_t **payload,
                                  uint32_t *payload_len)
{
    /* Whole frames received before a fatal error are still handed out;
     * feed() checked their headers and cut the stream after them. (Also
     * keeps buf, which is NULL before the first feed, out of pointer
     * arithmetic until bytes are there.) */
    size_t avail = d->len - d->start;
    if (avail >= FRAME_HEADER_SIZE) {
        frame_header_t h;
        frame_result_t r =
            frame_header_parse(d->buf + d->start, avail, d->max_payload, &h);
        if (r == FRAME_OK &&
            avail - FRAME_HEADER_SIZE >= (size_t)h.payload_len) {
            *payload = d->buf + d->start + FRAME_HEADER_SIZE;
            *payload_len = h.payload_len;
            d->start += FRAME_HEADER_SIZE + (size_t)h.payload_len;
            return FRAME_OK;
        }
        if (frame_result_is_fatal(r) && d->error == FRAME_OK)
            d->error = r;
    }
    return d->error != FRAME_OK ? d->error : FRAME_NEED_MORE;
}
