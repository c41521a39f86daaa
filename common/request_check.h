/*
 * Checks on a Request from the wire, done once, before any handler or
 * database sees it. protobuf-c accepts any enum number and any bytes in a
 * string (and cuts a string at its first NUL), so an unpacked message is
 * only well-typed, not valid; these functions make it valid the way a
 * strict parser would, and name the field at fault.
 *
 * Field paths are relative to the request body: "guardians[1].id_number",
 * "birth_date". The envelope's own fields are "request_id",
 * "idempotency_key" and "body" (no body set).
 *
 * What is checked here is what can be judged from the request alone. Rules
 * that need the database or the clock (the division exists, the caller's
 * scope, the policy year is open, the child's age) are the server's.
 */
#ifndef AIXIN_REQUEST_CHECK_H
#define AIXIN_REQUEST_CHECK_H

#include "pb_arena.h"

#include "aixin/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REQUEST_IDEMPOTENCY_KEY_SIZE 16
#define REQUEST_FIELD_SIZE 64
#define REQUEST_MESSAGE_SIZE 160

/* Limits, shared with the client so it can refuse bad input early. */
#define REQUEST_NAME_MAX_CHARS 64        /* person names, code points */
#define REQUEST_CLIENT_NAME_MAX_CHARS 64 /* Hello.client_name, may be empty */
#define REQUEST_USERNAME_MIN 3           /* bytes of [a-z0-9_.-] */
#define REQUEST_USERNAME_MAX 32
#define REQUEST_PASSWORD_MIN_CHARS 10    /* new passwords, code points */
#define REQUEST_PASSWORD_MAX_BYTES 128
#define REQUEST_TOKEN_MAX 128            /* printable ASCII */
#define REQUEST_CERTIFICATE_MAX 32       /* printable ASCII, no spaces */
#define REQUEST_POLICY_YEAR_MIN 2000
#define REQUEST_POLICY_YEAR_MAX 2100
#define REQUEST_PREMIUM_FEN_MAX 100000000 /* 1,000,000.00 yuan */
#define REQUEST_GUARDIANS_MAX 2
/* ExportRecords.limit: records per page (0: the default). */
#define REQUEST_EXPORT_LIMIT_MAX 1000
#define REQUEST_EXPORT_LIMIT_DEFAULT 500

typedef struct request_problem {
    /* AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED when there is none;
     * INVALID_ARGUMENT for a bad field; BAD_FRAME or FRAME_TOO_LARGE from
     * request_decode() for a payload that is not a readable Request. */
    Aixin__V1__ErrorCode code;
    char field[REQUEST_FIELD_SIZE];     /* path, "" when not about a field */
    char message[REQUEST_MESSAGE_SIZE]; /* English, for Error.message */
} request_problem_t;

/*
 * Check every field of an unpacked (or hand-built) request. Returns true
 * when it is valid; otherwise false with *problem describing the first
 * fault found, in field order. *problem is always written (cleared on
 * success). NULL pointers in a hand-built message read as empty strings;
 * a NULL body or guardian is a fault. Does not see NUL bytes inside
 * strings: request_check_wire_text() does, on the raw payload.
 */
__attribute__((warn_unused_result)) bool
request_check(const Aixin__V1__Request *req, request_problem_t *problem);

/*
 * Walk the raw payload of a Request (one that unpacked) and check that
 * every string field, at any depth, is text_check_utf8() text over its
 * full wire length, so a NUL or a control byte that unpack would hide or
 * pass on is refused. Returns false with *problem (INVALID_ARGUMENT and the
 * field path) on the first bad string, or BAD_FRAME when the bytes do not
 * parse as protobuf.
 */
__attribute__((warn_unused_result)) bool
request_check_wire_text(const uint8_t *data, size_t len,
                        request_problem_t *problem);

typedef enum request_decode_result {
    REQUEST_DECODE_OK = 0,     /* *out is a valid request */
    REQUEST_DECODE_INVALID,    /* *out is set (echo its request_id) but a
                                  field is wrong: answer *problem */
    REQUEST_DECODE_UNREADABLE, /* not a Request: BAD_FRAME, close */
    REQUEST_DECODE_TOO_LARGE,  /* unpack needs more than the arena budget:
                                  FRAME_TOO_LARGE, close */
    REQUEST_DECODE_RESULT_COUNT
} request_decode_result_t;

/*
 * The whole path from a frame payload to a checked request: unpack with
 * the arena's allocator, request_check_wire_text(), request_check().
 * *out is NULL for UNREADABLE and TOO_LARGE. The request lives in the
 * arena: the caller resets the arena when done with it (never calls
 * free_unpacked). *problem is always written.
 */
__attribute__((warn_unused_result)) request_decode_result_t
request_decode(pb_arena_t *arena, const uint8_t *data, size_t len,
               Aixin__V1__Request **out, request_problem_t *problem);

/* True for the bodies that change data and so need an idempotency key in
 * the envelope (the list lives in request_check.c; ImportEnrollments is
 * not among them: its rows carry their own keys). */
bool request_body_is_mutating(Aixin__V1__Request__BodyCase body);

/* request_body_is_mutating() of req's body; false for NULL. */
bool request_is_mutating(const Aixin__V1__Request *req);

/* Constant snake_case name of a body case for logs ("register_household"),
 * "none" when not set, "unknown" for other numbers. */
const char *request_body_name(Aixin__V1__Request__BodyCase body);

#endif
