#include "pb_arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct pb_arena_block {
    struct pb_arena_block *next;
    size_t size; /* bytes of data[] */
    size_t used; /* bytes of data[] handed out */
    max_align_t data[];
};

#define BLOCK_HEADER offsetof(struct pb_arena_block, data)
#define ALIGN alignof(max_align_t)

static void *arena_alloc_cb(void *allocator_data, size_t size)
{
    return pb_arena_alloc(allocator_data, size);
}

/* Memory is given back all at once by reset; protobuf-c's frees of
 * temporary and partial structures are no-ops. */
static void arena_free_cb(void *allocator_data, void *pointer)
{
    (void)allocator_data;
    (void)pointer;
}

void pb_arena_init(pb_arena_t *a, size_t budget)
{
    a->allocator.alloc = arena_alloc_cb;
    a->allocator.free = arena_free_cb;
    a->allocator.allocator_data = a;
    a->blocks = NULL;
    a->budget = budget;
    a->held = 0;
    a->requested = 0;
    a->exhausted = false;
}

ProtobufCAllocator *pb_arena_allocator(pb_arena_t *a)
{
    return &a->allocator;
}

/* size rounded up to ALIGN, or 0 on overflow. */
static size_t round_up(size_t size)
{
    if (size > SIZE_MAX - (ALIGN - 1))
        return 0;
    return (size + ALIGN - 1) & ~(ALIGN - 1);
}

void *pb_arena_alloc(pb_arena_t *a, size_t size)
{
    size_t need = round_up(size == 0 ? 1 : size);
    if (need == 0) {
        a->exhausted = true;
        return NULL;
    }
    struct pb_arena_block *b = a->blocks;
    if (b == NULL || b->size - b->used < need) {
        /* A new block: double the previous one, at least the request,
         * never past what is left of the budget. */
        size_t left = a->budget > a->held ? a->budget - a->held : 0;
        if (left <= BLOCK_HEADER || left - BLOCK_HEADER < need) {
            a->exhausted = true;
            return NULL;
        }
        size_t size_data = b ? b->size * 2 : PB_ARENA_FIRST_BLOCK;
        if (b && size_data < b->size)
            size_data = b->size; /* doubling wrapped: unreachable within
                                     any budget, but keep it sane */
        if (size_data < need)
            size_data = need;
        if (size_data > left - BLOCK_HEADER)
            size_data = (left - BLOCK_HEADER) & ~(ALIGN - 1);
        struct pb_arena_block *nb = malloc(BLOCK_HEADER + size_data);
        if (nb == NULL) {
            a->exhausted = true;
            return NULL;
        }
        nb->next = b;
        nb->size = size_data;
        nb->used = 0;
        a->blocks = nb;
        a->held += BLOCK_HEADER + size_data;
        b = nb;
    }
    void *p = (unsigned char *)b->data + b->used;
    b->used += need;
    a->requested += need;
    return p;
}

bool pb_arena_exhausted(const pb_arena_t *a)
{
    return a->exhausted;
}

static void free_blocks(struct pb_arena_block *b)
{
    while (b != NULL) {
        struct pb_arena_block *next = b->next;
        free(b);
        b = next;
    }
}

void pb_arena_reset(pb_arena_t *a)
{
    struct pb_arena_block *keep = a->blocks;
    if (keep != NULL && keep->size <= PB_ARENA_KEEP_MAX) {
        free_blocks(keep->next);
        keep->next = NULL;
        keep->used = 0;
        a->held = BLOCK_HEADER + keep->size;
    } else {
        free_blocks(keep);
        a->blocks = NULL;
        a->held = 0;
    }
    a->requested = 0;
    a->exhausted = false;
}

void pb_arena_free(pb_arena_t *a)
{
    free_blocks(a->blocks);
    a->blocks = NULL;
    a->held = 0;
    a->requested = 0;
    a->exhausted = false;
}
