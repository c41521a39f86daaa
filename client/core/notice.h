/*
 * Where the core's messages to the user go. The command line prints them
 * on stderr ("aixin: error: ..."); the desk shows them on the page. A face
 * that wants them installs a sink for its thread; without one the callers
 * print as they always did.
 *
 * The sink is per thread, so the desk's import worker and its HTTP loop
 * never see each other's messages.
 */
#ifndef AIXIN_CLIENT_NOTICE_H
#define AIXIN_CLIENT_NOTICE_H

#include <stdarg.h>
#include <stdbool.h>

typedef enum notice_kind {
    NOTICE_ERROR = 0, /* a failure: unreachable, broken, out of memory */
    NOTICE_REJECTED,  /* the server or a local check refused the input */
    NOTICE_WARNING,   /* worth knowing, nothing failed */
    NOTICE_INFO,      /* what happened: "saved to the spool (2 waiting)" */
    NOTICE_KIND_COUNT
} notice_kind_t;

/*
 * Receives one message: `field` is the protocol field path it is about
 * ("guardians[0].id_number") or NULL; `text` is the message without the
 * "aixin: error: " prefix. Both are borrowed for the call only.
 */
typedef void (*notice_sink_fn)(void *arg, notice_kind_t kind,
                               const char *field, const char *text);

/* Install (fn not NULL) or remove (NULL) this thread's sink. */
void notice_sink_set(notice_sink_fn fn, void *arg);

/* True when this thread has a sink. */
bool notice_sink_active(void);

/*
 * Hand a message to this thread's sink. True when a sink took it; false
 * (nothing done) when there is none, and the caller prints it itself.
 */
__attribute__((format(printf, 3, 0))) bool
notice_vemit(notice_kind_t kind, const char *field, const char *fmt,
             va_list ap);

__attribute__((format(printf, 3, 4))) bool
notice_emit(notice_kind_t kind, const char *field, const char *fmt, ...);

#endif
