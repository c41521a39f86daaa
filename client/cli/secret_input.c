/* Reading secrets from a stream or the terminal; see secret_input.h. */
#include "secret_input.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Longer than any password anyone types; a bound on what we hold. */
#define SECRET_LINE_MAX 1024

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
    caught_signal = sig;
}

void secret_free(char *s)
{
    if (s == NULL)
        return;
    sodium_memzero(s, strlen(s));
    free(s);
}

/* Copy buf[0..len) into a new string, dropping a trailing "\r". */
static secret_result_t line_finish(char *buf, size_t len, char **out)
{
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    char *s = malloc(len + 1);
    if (s == NULL)
        return SECRET_ERROR;
    memcpy(s, buf, len);
    s[len] = '\0';
    *out = s;
    return SECRET_OK;
}

secret_result_t secret_read_line(FILE *in, char **out)
{
    char buf[SECRET_LINE_MAX];
    size_t len = 0;
    int ch;
    bool got_any = false;
    while ((ch = getc(in)) != EOF) {
        got_any = true;
        if (ch == '\n')
            break;
        if (len + 1 >= sizeof(buf)) {
            sodium_memzero(buf, sizeof(buf));
            return SECRET_ERROR;
        }
        buf[len++] = (char)ch;
    }
    if (ferror(in)) {
        sodium_memzero(buf, sizeof(buf));
        return SECRET_ERROR;
    }
    if (!got_any)
        return SECRET_EOF;
    secret_result_t r = line_finish(buf, len, out);
    sodium_memzero(buf, sizeof(buf));
    return r;
}

/* Read one line from fd, byte by byte so nothing past it is consumed. */
static secret_result_t tty_read_line(int fd, char **out)
{
    char buf[SECRET_LINE_MAX];
    size_t len = 0;
    secret_result_t r = SECRET_ERROR;
    for (;;) {
        char ch;
        ssize_t n = read(fd, &ch, 1);
        if (n < 0) {
            /* EINTR is a signal we caught: give up rather than retry. */
            break;
        }
        if (n == 0) {
            r = len > 0 ? line_finish(buf, len, out) : SECRET_EOF;
            break;
        }
        if (ch == '\n') {
            r = line_finish(buf, len, out);
            break;
        }
        if (len + 1 >= sizeof(buf))
            break;
        buf[len++] = ch;
    }
    sodium_memzero(buf, sizeof(buf));
    return r;
}

static bool write_text(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

static const int caught_signals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP,
                                     SIGTSTP};
#define N_CAUGHT (sizeof(caught_signals) / sizeof(caught_signals[0]))

secret_result_t secret_prompt(const char *prompt, bool echo, char **out)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return SECRET_NO_TTY;

    /* Without SA_RESTART, so a signal interrupts the read and we can put
     * the terminal back before acting on it. */
    struct sigaction sa, old[N_CAUGHT];
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    caught_signal = 0;
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaction(caught_signals[i], &sa, &old[i]);

    struct termios saved;
    bool restore = false;
    if (!echo && tcgetattr(fd, &saved) == 0) {
        struct termios quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0)
            restore = true;
    }
    secret_result_t r = SECRET_ERROR;
    if (write_text(fd, prompt))
        r = tty_read_line(fd, out);
    if (restore) {
        tcsetattr(fd, TCSAFLUSH, &saved);
        (void)write_text(fd, "\n"); /* the newline the user typed */
    }
    close(fd);
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaction(caught_signals[i], &old[i], NULL);
    if (caught_signal != 0) {
        if (r == SECRET_OK) {
            secret_free(*out);
            *out = NULL;
        }
        /* Now that the terminal is sane again, act on the signal as if
         * we had never caught it. */
        raise(caught_signal);
        return SECRET_ERROR;
    }
    return r;
}
