/* The per-thread message sink; see notice.h. */
#include "notice.h"

#include <stdio.h>

/* Long enough for any message of the core (server text is capped at 256). */
#define NOTICE_TEXT_SIZE 1024

static _Thread_local notice_sink_fn sink_fn;
static _Thread_local void *sink_arg;

void notice_sink_set(notice_sink_fn fn, void *arg)
{
    sink_fn = fn;
    sink_arg = arg;
}

bool notice_sink_active(void)
{
    return sink_fn != NULL;
}

bool notice_vemit(notice_kind_t kind, const char *field, const char *fmt,
                  va_list ap)
{
    if (sink_fn == NULL)
        return false;
    char text[NOTICE_TEXT_SIZE];
    vsnprintf(text, sizeof(text), fmt, ap);
    sink_fn(sink_arg, kind, field, text);
    return true;
}

bool notice_emit(notice_kind_t kind, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool taken = notice_vemit(kind, field, fmt, ap);
    va_end(ap);
    return taken;
}
