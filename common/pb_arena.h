/*
 * A bump arena behind a ProtobufCAllocator, for unpacking untrusted
 * protobuf. protobuf-c allocates a struct per sub-message and an array per
 * repeated field, so a small payload can ask for many times its size in
 * memory; the arena caps that with a hard byte budget and makes unpack
 * fail (allocation returns NULL) instead of falling back to malloc.
 *
 *   pb_arena_t arena;
 *   pb_arena_init(&arena, 4 * max_frame_bytes);
 *   Aixin__V1__Request *req =
 *       aixin__v1__request__unpack(pb_arena_allocator(&arena), len, data);
 *   ... use req; no free_unpacked ...
 *   pb_arena_reset(&arena);          // before the next frame
 *   pb_arena_free(&arena);           // when the connection goes
 *
 * Not thread-safe: one arena per connection (or per worker).
 */
#ifndef AIXIN_PB_ARENA_H
#define AIXIN_PB_ARENA_H

#include <protobuf-c/protobuf-c.h>

#include <stdbool.h>
#include <stddef.h>

/* First block size; later blocks double, within the budget. */
#define PB_ARENA_FIRST_BLOCK 4096
/* Largest block kept across a reset: an idle connection that once got a
 * big frame should not sit on megabytes. */
#define PB_ARENA_KEEP_MAX (64 * 1024)

struct pb_arena_block;

typedef struct pb_arena {
    ProtobufCAllocator allocator;  /* points back at this arena */
    struct pb_arena_block *blocks; /* owned; newest first */
    size_t budget;    /* most bytes of blocks held at once, headers included */
    size_t held;      /* bytes of blocks held now, headers included */
    size_t requested; /* bytes handed out since the last reset (statistic) */
    bool exhausted;   /* an allocation was refused since the last reset */
} pb_arena_t;

/*
 * Make an empty arena that never holds more than `budget` bytes of memory
 * (block headers and alignment padding count). Allocates nothing yet.
 */
void pb_arena_init(pb_arena_t *a, size_t budget);

/* The allocator to pass to protobuf-c. Borrowed; valid while a lives and
 * is not moved. */
ProtobufCAllocator *pb_arena_allocator(pb_arena_t *a);

/*
 * Allocate `size` bytes aligned for any type, or NULL when that would take
 * the arena over its budget (then `exhausted` is set). A size of 0 gives a
 * valid unique pointer. Memory lives until the next reset or free.
 */
void *pb_arena_alloc(pb_arena_t *a, size_t size);

/* True when an allocation was refused since the last reset: unpack failed
 * because the message was too big for the budget, not because it was
 * malformed. */
bool pb_arena_exhausted(const pb_arena_t *a);

/*
 * Forget every allocation (pointers from before become invalid) and clear
 * `exhausted`. Keeps the newest block for reuse when it is at most
 * PB_ARENA_KEEP_MAX bytes, so a steady stream of ordinary frames does not
 * call malloc; frees everything else.
 */
void pb_arena_reset(pb_arena_t *a);

/* Release all memory. The arena can be used again after pb_arena_init. */
void pb_arena_free(pb_arena_t *a);

#endif
