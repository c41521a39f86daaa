#include "pb_arena.h"

#include "aixin/v1/envelope.pb-c.h"
#include "aixin/v1/registry.pb-c.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_alloc_alignment(void **state)
{
    (void)state;
    pb_arena_t a;
    pb_arena_init(&a, 1 << 20);
    void *prev = NULL;
    for (size_t size = 0; size < 200; size++) {
        void *p = pb_arena_alloc(&a, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        assert_ptr_not_equal(p, prev); /* size 0 still unique */
        memset(p, 0xAB, size);
        prev = p;
    }
    assert_false(pb_arena_exhausted(&a));
    pb_arena_free(&a);
}

static void test_budget(void **state)
{
    (void)state;
    pb_arena_t a;
    pb_arena_init(&a, 10000);
    size_t got = 0;
    while (pb_arena_alloc(&a, 100) != NULL) {
        got += 100;
        assert_true(a.held <= 10000);
    }
    assert_true(pb_arena_exhausted(&a));
    assert_true(got > 5000); /* blocks are not wasted wholesale */
    assert_true(a.held <= 10000);
    /* a request larger than the whole budget */
    assert_null(pb_arena_alloc(&a, 20000));
    assert_null(pb_arena_alloc(&a, SIZE_MAX));
    assert_null(pb_arena_alloc(&a, SIZE_MAX - 8));
    pb_arena_reset(&a);
    assert_false(pb_arena_exhausted(&a));
    assert_non_null(pb_arena_alloc(&a, 100));
    pb_arena_free(&a);

    /* a budget too small for even one block header */
    pb_arena_init(&a, 8);
    assert_null(pb_arena_alloc(&a, 1));
    assert_true(pb_arena_exhausted(&a));
    pb_arena_free(&a);
}

static void test_reset_keeps_small_block(void **state)
{
    (void)state;
    pb_arena_t a;
    pb_arena_init(&a, 1 << 20);
    void *first = pb_arena_alloc(&a, 64);
    assert_non_null(first);
    pb_arena_reset(&a);
    /* the block is reused: same address again, no new malloc */
    assert_ptr_equal(pb_arena_alloc(&a, 64), first);
    assert_int_equal(a.requested, 64);
    /* a big frame's blocks are all given back on reset */
    for (int i = 0; i < 100; i++)
        assert_non_null(pb_arena_alloc(&a, 4000));
    assert_true(a.held > PB_ARENA_KEEP_MAX);
    pb_arena_reset(&a);
    assert_int_equal(a.held, 0);
    assert_null(a.blocks);
    pb_arena_free(&a);
    assert_int_equal(a.held, 0);
    assert_null(a.blocks);
}

/* Pack a household with n guardians. */
static uint8_t *pack_household(size_t n, size_t *len)
{
    Aixin__V1__RegisterHousehold rh = AIXIN__V1__REGISTER_HOUSEHOLD__INIT;
    Aixin__V1__Guardian *gs = calloc(n, sizeof(*gs));
    Aixin__V1__Guardian **gp = calloc(n, sizeof(*gp));
    assert_non_null(gs);
    assert_non_null(gp);
    for (size_t i = 0; i < n; i++) {
        aixin__v1__guardian__init(&gs[i]);
        gs[i].name = "x";
        gp[i] = &gs[i];
    }
    rh.township_code = "360821100";
    rh.n_guardians = n;
    rh.guardians = gp;
    Aixin__V1__Request req = AIXIN__V1__REQUEST__INIT;
    req.request_id = 1;
    req.body_case = AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD;
    req.register_household = &rh;
    *len = aixin__v1__request__get_packed_size(&req);
    uint8_t *buf = malloc(*len);
    assert_non_null(buf);
    assert_int_equal(aixin__v1__request__pack(&req, buf), *len);
    free(gp);
    free(gs);
    return buf;
}

static void test_unpack(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = pack_household(2, &len);
    pb_arena_t a;
    pb_arena_init(&a, 4 * len + 4096);
    for (int round = 0; round < 3; round++) {
        Aixin__V1__Request *req =
            aixin__v1__request__unpack(pb_arena_allocator(&a), len, buf);
        assert_non_null(req);
        assert_int_equal(req->body_case,
                         AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD);
        assert_int_equal(req->register_household->n_guardians, 2);
        assert_string_equal(req->register_household->guardians[1]->name, "x");
        pb_arena_reset(&a);
    }
    pb_arena_free(&a);
    free(buf);
}

/* Thousands of empty sub-messages: a few bytes each on the wire, a struct
 * and a pointer each in memory. The budget stops unpack, not malloc. */
static void test_unpack_over_budget(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = pack_household(20000, &len);
    pb_arena_t a;
    pb_arena_init(&a, 4 * len);
    Aixin__V1__Request *req =
        aixin__v1__request__unpack(pb_arena_allocator(&a), len, buf);
    assert_null(req);
    assert_true(pb_arena_exhausted(&a));
    assert_true(a.held <= 4 * len);
    pb_arena_reset(&a);
    assert_false(pb_arena_exhausted(&a));
    pb_arena_free(&a);

    /* with room enough it unpacks */
    pb_arena_init(&a, 64 * len);
    req = aixin__v1__request__unpack(pb_arena_allocator(&a), len, buf);
    assert_non_null(req);
    assert_int_equal(req->register_household->n_guardians, 20000);
    pb_arena_free(&a);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_alignment),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_reset_keeps_small_block),
        cmocka_unit_test(test_unpack),
        cmocka_unit_test(test_unpack_over_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
