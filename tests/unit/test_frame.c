#include "frame.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MAX 1024u /* payload cap used by these tests */

typedef struct header_case {
    uint8_t bytes[FRAME_HEADER_SIZE];
    size_t avail;
    frame_result_t want;
    uint32_t len; /* when FRAME_OK */
    const char *why;
} header_case_t;

static const header_case_t header_cases[] = {
    {{'A', 'X', 1, 0, 0, 0, 0, 1}, 8, FRAME_OK, 1, "smallest"},
    {{'A', 'X', 1, 0, 0, 0, 4, 0}, 8, FRAME_OK, 1024, "exactly the cap"},
    {{'A', 'X', 1, 0, 0, 0, 4, 1}, 8, FRAME_ERR_TOO_LARGE, 0, "cap + 1"},
    {{'A', 'X', 1, 0, 0xFF, 0xFF, 0xFF, 0xFF}, 8, FRAME_ERR_TOO_LARGE, 0,
     "0xFFFFFFFF"},
    {{'A', 'X', 1, 0, 0x80, 0, 0, 0}, 8, FRAME_ERR_TOO_LARGE, 0,
     "sign bit set"},
    {{'A', 'X', 1, 0, 0, 0, 0, 0}, 8, FRAME_ERR_EMPTY, 0, "length 0"},
    {{'B', 'X', 1, 0, 0, 0, 0, 1}, 8, FRAME_ERR_MAGIC, 0, "bad byte 0"},
    {{'A', 'Y', 1, 0, 0, 0, 0, 1}, 8, FRAME_ERR_MAGIC, 0, "bad byte 1"},
    {{'B', 0, 0, 0, 0, 0, 0, 0}, 1, FRAME_ERR_MAGIC, 0,
     "bad byte 0, seen alone"},
    {{'A', 'Y', 0, 0, 0, 0, 0, 0}, 2, FRAME_ERR_MAGIC, 0,
     "bad byte 1, seen with 2 bytes"},
    {{'x', 'A', 'X', 1, 0, 0, 0, 1}, 8, FRAME_ERR_MAGIC, 0, "shifted"},
    {{'A', 'X', 0, 0, 0, 0, 0, 1}, 8, FRAME_ERR_VERSION, 0, "version 0"},
    {{'A', 'X', 2, 0, 0, 0, 0, 1}, 8, FRAME_ERR_VERSION, 0, "version 2"},
    {{'A', 'X', 2, 0, 0, 0, 0, 0}, 3, FRAME_ERR_VERSION, 0,
     "version seen with 3 bytes"},
    {{'A', 'X', 1, 1, 0, 0, 0, 1}, 8, FRAME_ERR_FLAGS, 0, "flag bit 0"},
    {{'A', 'X', 1, 0x80, 0, 0, 0, 1}, 8, FRAME_ERR_FLAGS, 0, "flag bit 7"},
    {{'A', 'X', 1, 0, 0, 0, 0, 1}, 0, FRAME_NEED_MORE, 0, "nothing yet"},
    {{'A', 'X', 1, 0, 0, 0, 0, 1}, 1, FRAME_NEED_MORE, 0, "1 byte"},
    {{'A', 'X', 1, 0, 0, 0, 0, 1}, 7, FRAME_NEED_MORE, 0, "7 bytes"},
    /* a too-large length is only known once all 4 length bytes are in */
    {{'A', 'X', 1, 0, 0xFF, 0xFF, 0xFF, 0xFF}, 7, FRAME_NEED_MORE, 0,
     "7 bytes of an oversize header"},
};

static void test_header_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]);
         i++) {
        const header_case_t *c = &header_cases[i];
        frame_header_t h = {.payload_len = 0xDEAD};
        frame_result_t r = frame_header_parse(c->bytes, c->avail, MAX, &h);
        if (r != c->want)
            fail_msg("%s: got %s, want %s", c->why, frame_result_name(r),
                     frame_result_name(c->want));
        if (r == FRAME_OK) {
            assert_int_equal(h.payload_len, c->len);
            assert_int_equal(h.version, FRAME_VERSION);
            assert_int_equal(h.flags, 0);
        } else {
            assert_int_equal(h.payload_len, 0xDEAD); /* untouched */
        }
    }
}

static void test_header_write(void **state)
{
    (void)state;
    uint8_t b[FRAME_HEADER_SIZE];
    frame_header_write(b, 0x01020304);
    const uint8_t want[FRAME_HEADER_SIZE] = {0x41, 0x58, 1, 0, 1, 2, 3, 4};
    assert_memory_equal(b, want, sizeof(want));
    frame_header_t h;
    assert_int_equal(frame_header_parse(b, sizeof(b), UINT32_MAX, &h),
                     FRAME_OK);
    assert_int_equal(h.payload_len, 0x01020304);
}

static void test_result_names(void **state)
{
    (void)state;
    for (int r = 0; r < FRAME_RESULT_COUNT; r++)
        assert_non_null(frame_result_name((frame_result_t)r));
    assert_string_equal(frame_result_name(FRAME_RESULT_COUNT), "unknown");
    assert_false(frame_result_is_fatal(FRAME_OK));
    assert_false(frame_result_is_fatal(FRAME_NEED_MORE));
    for (int r = FRAME_ERR_MAGIC; r < FRAME_RESULT_COUNT; r++)
        assert_true(frame_result_is_fatal((frame_result_t)r));
}

/* ---- decoder ---- */

/* Three frames of 1, 300 and 17 bytes, back to back. */
static const uint32_t stream_lens[3] = {1, 300, 17};

static size_t make_stream(uint8_t *out)
{
    size_t n = 0;
    for (int f = 0; f < 3; f++) {
        frame_header_write(out + n, stream_lens[f]);
        n += FRAME_HEADER_SIZE;
        for (uint32_t k = 0; k < stream_lens[f]; k++)
            out[n++] = (uint8_t)(f * 64 + k * 7);
    }
    return n;
}

static void check_payload(int f, const uint8_t *p, uint32_t len)
{
    assert_int_equal(len, stream_lens[f]);
    for (uint32_t k = 0; k < len; k++)
        assert_int_equal(p[k], (uint8_t)(f * 64 + k * 7));
}

/* Take every whole frame now available, checking it is the next one. */
static void drain(frame_decoder_t *d, int *next_frame)
{
    const uint8_t *p;
    uint32_t len;
    frame_result_t r;
    while ((r = frame_decoder_next(d, &p, &len)) == FRAME_OK) {
        assert_true(*next_frame < 3);
        check_payload(*next_frame, p, len);
        (*next_frame)++;
    }
    assert_int_equal(r, FRAME_NEED_MORE);
}

static void test_split_everywhere(void **state)
{
    (void)state;
    uint8_t stream[3 * FRAME_HEADER_SIZE + 318];
    size_t n = make_stream(stream);
    assert_int_equal(n, sizeof(stream));
    /* one split point: every offset */
    for (size_t cut = 0; cut <= n; cut++) {
        frame_decoder_t d;
        frame_decoder_init(&d, MAX);
        int next_frame = 0;
        assert_int_equal(frame_decoder_feed(&d, stream, cut), FRAME_OK);
        drain(&d, &next_frame);
        assert_int_equal(frame_decoder_feed(&d, stream + cut, n - cut),
                         FRAME_OK);
        drain(&d, &next_frame);
        assert_int_equal(next_frame, 3);
        frame_decoder_free(&d);
    }
    /* two split points: every pair of offsets */
    for (size_t a = 0; a <= n; a += 3) {
        for (size_t b = a; b <= n; b += 5) {
            frame_decoder_t d;
            frame_decoder_init(&d, MAX);
            int next_frame = 0;
            assert_int_equal(frame_decoder_feed(&d, stream, a), FRAME_OK);
            drain(&d, &next_frame);
            assert_int_equal(frame_decoder_feed(&d, stream + a, b - a),
                             FRAME_OK);
            drain(&d, &next_frame);
            assert_int_equal(frame_decoder_feed(&d, stream + b, n - b),
                             FRAME_OK);
            drain(&d, &next_frame);
            assert_int_equal(next_frame, 3);
            frame_decoder_free(&d);
        }
    }
    /* a byte at a time, taking frames only at the end */
    frame_decoder_t d;
    frame_decoder_init(&d, MAX);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(frame_decoder_feed(&d, stream + i, 1), FRAME_OK);
    int next_frame = 0;
    drain(&d, &next_frame);
    assert_int_equal(next_frame, 3);
    frame_decoder_free(&d);
}

static void test_two_frames_one_feed(void **state)
{
    (void)state;
    uint8_t buf[2 * FRAME_HEADER_SIZE + 5];
    frame_header_write(buf, 2);
    memcpy(buf + 8, "hi", 2);
    frame_header_write(buf + 10, 3);
    memcpy(buf + 18, "abc", 3);
    frame_decoder_t d;
    frame_decoder_init(&d, MAX);
    assert_int_equal(frame_decoder_feed(&d, buf, sizeof(buf)), FRAME_OK);
    const uint8_t *p;
    uint32_t len;
    assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_OK);
    assert_int_equal(len, 2);
    assert_memory_equal(p, "hi", 2);
    assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(p, "abc", 3);
    assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_NEED_MORE);
    frame_decoder_free(&d);
}

/*
 * A good frame then garbage: the error is reported as soon as the garbage
 * arrives, the good frame is still handed out, and the outcome is the same
 * however the bytes were split.
 */
static void test_garbage_after_frame(void **state)
{
    (void)state;
    uint8_t buf[FRAME_HEADER_SIZE + 4 + 6];
    frame_header_write(buf, 4);
    memcpy(buf + 8, "good", 4);
    memcpy(buf + 12, "GARBAG", 6);
    for (size_t cut = 0; cut <= sizeof(buf); cut++) {
        frame_decoder_t d;
        frame_decoder_init(&d, MAX);
        frame_result_t r1 = frame_decoder_feed(&d, buf, cut);
        frame_result_t r2 = frame_decoder_feed(&d, buf + cut, sizeof(buf) - cut);
        assert_int_equal(cut > 12 ? r1 : r2, FRAME_ERR_MAGIC);
        if (cut > 12)
            assert_int_equal(r2, FRAME_ERR_MAGIC); /* sticky */
        const uint8_t *p;
        uint32_t len;
        assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_OK);
        assert_int_equal(len, 4);
        assert_memory_equal(p, "good", 4);
        assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_ERR_MAGIC);
        assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_ERR_MAGIC);
        frame_decoder_free(&d);
    }
}

static void test_garbage_first(void **state)
{
    (void)state;
    frame_decoder_t d;
    frame_decoder_init(&d, MAX);
    const uint8_t *p;
    uint32_t len;
    /* next() before any feed */
    assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_NEED_MORE);
    /* refused on its first byte: an HTTP client, say */
    assert_int_equal(frame_decoder_feed(&d, (const uint8_t *)"G", 1),
                     FRAME_ERR_MAGIC);
    assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_ERR_MAGIC);
    frame_decoder_free(&d);
}

static void test_oversize(void **state)
{
    (void)state;
    static const uint32_t lens[] = {MAX + 1, 0x00100000u + 1, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        frame_decoder_t d;
        frame_decoder_init(&d, MAX);
        uint8_t h[FRAME_HEADER_SIZE];
        frame_header_write(h, lens[i]);
        /* header bytes one at a time: refused on the last length byte,
         * before any of the body arrives */
        for (size_t k = 0; k < FRAME_HEADER_SIZE - 1; k++)
            assert_int_equal(frame_decoder_feed(&d, h + k, 1), FRAME_OK);
        assert_int_equal(frame_decoder_feed(&d, h + 7, 1),
                         FRAME_ERR_TOO_LARGE);
        /* the buffer only ever grew with the 8 bytes fed */
        assert_true(d.cap <= 256);
        /* the body is not buffered: sticky error */
        uint8_t body[512];
        memset(body, 0, sizeof(body));
        assert_int_equal(frame_decoder_feed(&d, body, sizeof(body)),
                         FRAME_ERR_TOO_LARGE);
        assert_true(d.cap <= 256);
        const uint8_t *p;
        uint32_t len;
        assert_int_equal(frame_decoder_next(&d, &p, &len),
                         FRAME_ERR_TOO_LARGE);
        frame_decoder_free(&d);
    }
}

/* A length under the cap but not yet sent: the buffer grows with what
 * arrives, not with what the header announces. */
static void test_lying_length(void **state)
{
    (void)state;
    frame_decoder_t d;
    frame_decoder_init(&d, FRAME_DEFAULT_MAX_PAYLOAD);
    uint8_t h[FRAME_HEADER_SIZE];
    frame_header_write(h, FRAME_DEFAULT_MAX_PAYLOAD);
    assert_int_equal(frame_decoder_feed(&d, h, sizeof(h)), FRAME_OK);
    uint8_t chunk[100] = {0};
    assert_int_equal(frame_decoder_feed(&d, chunk, sizeof(chunk)), FRAME_OK);
    assert_true(d.cap <= 256);
    const uint8_t *p;
    uint32_t len;
    assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_NEED_MORE);
    frame_decoder_free(&d);
}

static void test_empty_and_bad_frames(void **state)
{
    (void)state;
    static const struct {
        uint8_t bytes[FRAME_HEADER_SIZE];
        frame_result_t want;
    } cases[] = {
        {{'A', 'X', 1, 0, 0, 0, 0, 0}, FRAME_ERR_EMPTY},
        {{'A', 'X', 9, 0, 0, 0, 0, 1}, FRAME_ERR_VERSION},
        {{'A', 'X', 1, 4, 0, 0, 0, 1}, FRAME_ERR_FLAGS},
        {{'A', 'Z', 1, 0, 0, 0, 0, 1}, FRAME_ERR_MAGIC},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        frame_decoder_t d;
        frame_decoder_init(&d, MAX);
        assert_int_equal(frame_decoder_feed(&d, cases[i].bytes, 8),
                         cases[i].want);
        const uint8_t *p;
        uint32_t len;
        assert_int_equal(frame_decoder_next(&d, &p, &len), cases[i].want);
        /* sticky, and nothing more is buffered */
        size_t held = d.len;
        assert_int_equal(frame_decoder_feed(&d, cases[i].bytes, 8),
                         cases[i].want);
        assert_int_equal(d.len, held);
        frame_decoder_free(&d);
    }
}

static void test_init_caps(void **state)
{
    (void)state;
    frame_decoder_t d;
    frame_decoder_init(&d, 0);
    assert_int_equal(d.max_payload, FRAME_DEFAULT_MAX_PAYLOAD);
    frame_decoder_free(&d);
    frame_decoder_init(&d, FRAME_HARD_MAX_PAYLOAD + 1);
    assert_int_equal(d.max_payload, FRAME_DEFAULT_MAX_PAYLOAD);
    frame_decoder_free(&d);
    frame_decoder_init(&d, 10);
    assert_int_equal(d.max_payload, 10);
    /* free twice is harmless, and feeding nothing is fine */
    assert_int_equal(frame_decoder_feed(&d, NULL, 0), FRAME_OK);
    frame_decoder_free(&d);
    frame_decoder_free(&d);
}

/* Many frames fed in one go, taken in a loop: the payload pointer of each
 * stays valid until the next feed. */
static void test_many_frames(void **state)
{
    (void)state;
    enum { N = 1000 };
    size_t size = N * (FRAME_HEADER_SIZE + 3);
    uint8_t *buf = test_malloc(size);
    for (int i = 0; i < N; i++) {
        uint8_t *f = buf + (size_t)i * (FRAME_HEADER_SIZE + 3);
        frame_header_write(f, 3);
        f[8] = (uint8_t)i;
        f[9] = (uint8_t)(i >> 8);
        f[10] = 0x5A;
    }
    frame_decoder_t d;
    frame_decoder_init(&d, MAX);
    assert_int_equal(frame_decoder_feed(&d, buf, size), FRAME_OK);
    const uint8_t *p;
    uint32_t len;
    for (int i = 0; i < N; i++) {
        assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_OK);
        assert_int_equal(len, 3);
        assert_int_equal(p[0] | (p[1] << 8), i);
        assert_int_equal(p[2], 0x5A);
    }
    assert_int_equal(frame_decoder_next(&d, &p, &len), FRAME_NEED_MORE);
    frame_decoder_free(&d);
    test_free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_parse),
        cmocka_unit_test(test_header_write),
        cmocka_unit_test(test_result_names),
        cmocka_unit_test(test_split_everywhere),
        cmocka_unit_test(test_two_frames_one_feed),
        cmocka_unit_test(test_garbage_after_frame),
        cmocka_unit_test(test_garbage_first),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_lying_length),
        cmocka_unit_test(test_empty_and_bad_frames),
        cmocka_unit_test(test_init_caps),
        cmocka_unit_test(test_many_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
