/*
 * Reading passwords and other typed answers: one line from a stream
 * (--password-stdin), or a prompt on the controlling terminal with echo
 * off. The returned strings are owned by the caller and should be freed
 * with secret_free(), which wipes them.
 */
#ifndef AIXIN_CLIENT_SECRET_INPUT_H
#define AIXIN_CLIENT_SECRET_INPUT_H

#include <stdbool.h>
#include <stdio.h>

typedef enum secret_result {
    SECRET_OK = 0,      /* *out holds the line without its newline */
    SECRET_NO_TTY,      /* there is no terminal to prompt on */
    SECRET_EOF,         /* the input ended before a line */
    SECRET_ERROR,       /* read error, interrupt or out of memory */
    SECRET_RESULT_COUNT
} secret_result_t;

/* One line from `in`; "\n" or "\r\n" is stripped. */
__attribute__((warn_unused_result)) secret_result_t
secret_read_line(FILE *in, char **out);

/*
 * Print `prompt` on /dev/tty and read a line from it, without echo when
 * `echo` is false. The terminal settings are restored on every path,
 * Ctrl-C included (which then returns SECRET_ERROR).
 */
__attribute__((warn_unused_result)) secret_result_t
secret_prompt(const char *prompt, bool echo, char **out);

/* Wipe and free; NULL is fine. */
void secret_free(char *s);

#endif
