/* Session file and environment credentials; see credentials.h. */
#include "credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client_config.h"
#include "text_check.h"
#include "i18n.h"

/* A session file is three short lines; anything bigger is not ours. */
#define SESSION_FILE_MAX 8192

bool credentials_session_path(char out[CREDENTIALS_PATH_SIZE])
{
    const char *env = getenv("AIXIN_SESSION_FILE");
    if (env != NULL && env[0] != '\0') {
        int n = snprintf(out, CREDENTIALS_PATH_SIZE, "%s", env);
        if (n > 0 && n < CREDENTIALS_PATH_SIZE)
            return true;
        cli_error(CLI_EXIT_USAGE, _("AIXIN_SESSION_FILE is too long"));
        return false;
    }
    char dir[CREDENTIALS_PATH_SIZE];
    if (!client_config_dir(dir, sizeof(dir))) {
        cli_error(CLI_EXIT_USAGE,
                  _("HOME is not set: set AIXIN_SESSION_FILE instead"));
        return false;
    }
    int n = snprintf(out, CREDENTIALS_PATH_SIZE, "%s/session", dir);
    if (n < 0 || n >= CREDENTIALS_PATH_SIZE) {
        cli_error(CLI_EXIT_USAGE, _("HOME is too long"));
        return false;
    }
    return true;
}

void credentials_session_free(session_file_t *s)
{
    free(s->server);
    free(s->username);
    if (s->token != NULL) {
        sodium_memzero(s->token, strlen(s->token));
        free(s->token);
    }
    memset(s, 0, sizeof(*s));
}

/* Parse the file's text (NUL-terminated, modified in place). */
static bool session_parse(const char *path, char *text, session_file_t *out)
{
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *eq = strchr(line, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        char **slot = NULL;
        if (strcmp(line, "server") == 0)
            slot = &out->server;
        else if (strcmp(line, "username") == 0)
            slot = &out->username;
        else if (strcmp(line, "token") == 0)
            slot = &out->token;
        if (slot == NULL)
            continue;
        char *copy = strdup(eq + 1);
        if (copy == NULL) {
            cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
            return false;
        }
        if (*slot != NULL) {
            sodium_memzero(*slot, strlen(*slot));
            free(*slot);
        }
        *slot = copy;
    }
    if (out->server == NULL || out->token == NULL || out->token[0] == '\0' ||
        !text_check_ascii_graph(out->token, strlen(out->token))) {
        cli_error(CLI_EXIT_REJECTED,
                  _("session file %s is damaged: run `aixin login` again"),
                  path);
        return false;
    }
    return true;
}

credentials_result_t credentials_session_load(const char *path,
                                              session_file_t *out)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return CREDENTIALS_MISSING;
        cli_error(CLI_EXIT_REJECTED, _("cannot open session file %s: %s"), path,
                  strerror(errno));
        return CREDENTIALS_ERROR;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        cli_error(CLI_EXIT_REJECTED, _("session file %s is not a regular file"),
                  path);
        return CREDENTIALS_ERROR;
    }
    /* Like ssh with its keys: a token others can read is not a secret. */
    if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        close(fd);
        cli_error(CLI_EXIT_REJECTED,
                  _("session file %s must be owned by you with mode 0600 "
                  "(it is %04o): run `aixin login` again"),
                  path, (unsigned)(st.st_mode & 07777));
        return CREDENTIALS_ERROR;
    }
    char buf[SESSION_FILE_MAX + 1];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, SESSION_FILE_MAX - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            sodium_memzero(buf, len);
            cli_error(CLI_EXIT_REJECTED, _("cannot read session file %s: %s"),
                      path, strerror(saved));
            return CREDENTIALS_ERROR;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == SESSION_FILE_MAX)
            break;
    }
    close(fd);
    buf[len] = '\0';
    if (len >= SESSION_FILE_MAX || memchr(buf, '\0', len) != NULL) {
        sodium_memzero(buf, sizeof(buf));
        cli_error(CLI_EXIT_REJECTED,
                  _("session file %s is damaged: run `aixin login` again"), path);
        return CREDENTIALS_ERROR;
    }
    session_file_t s = {0};
    bool ok = session_parse(path, buf, &s);
    sodium_memzero(buf, sizeof(buf));
    if (!ok) {
        credentials_session_free(&s);
        return CREDENTIALS_ERROR;
    }
    *out = s;
    return CREDENTIALS_OK;
}

/* fsync the directory holding `path`, so a rename or unlink is durable. */
static bool dir_sync(const char *path)
{
    char copy[CREDENTIALS_PATH_SIZE];
    snprintf(copy, sizeof(copy), "%s", path);
    const char *dir = dirname(copy);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

static bool write_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        data += w;
        n -= (size_t)w;
    }
    return true;
}

bool credentials_session_save(const char *path, const session_file_t *s)
{
    if (getenv("AIXIN_SESSION_FILE") == NULL && !client_config_make_dir()) {
        cli_error(CLI_EXIT_UNAVAILABLE,
                  _("cannot create the directory of %s: %s"), path,
                  strerror(errno));
        return false;
    }
    char tmp[CREDENTIALS_PATH_SIZE + 32];
    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
    char text[SESSION_FILE_MAX];
    int len = snprintf(text, sizeof(text),
                       "# aixin session, written by `aixin login`; "
                       "keep it secret\nserver=%s\nusername=%s\ntoken=%s\n",
                       s->server, s->username != NULL ? s->username : "",
                       s->token);
    if (len < 0 || (size_t)len >= sizeof(text)) {
        sodium_memzero(text, sizeof(text));
        cli_error(CLI_EXIT_UNAVAILABLE, _("the session is too large to save"));
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
    if (fd < 0) {
        sodium_memzero(text, sizeof(text));
        cli_error(CLI_EXIT_UNAVAILABLE, _("cannot create %s: %s"), tmp,
                  strerror(errno));
        return false;
    }
    bool ok = write_all(fd, text, (size_t)len) && fsync(fd) == 0;
    int saved = errno;
    sodium_memzero(text, sizeof(text));
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        cli_error(CLI_EXIT_UNAVAILABLE, _("cannot write session file %s: %s"),
                  path, strerror(saved));
        return false;
    }
    if (!dir_sync(path))
        cli_warn(_("could not sync the directory of %s"), path);
    return true;
}

credentials_result_t credentials_session_remove(const char *path)
{
    if (unlink(path) != 0) {
        if (errno == ENOENT)
            return CREDENTIALS_MISSING;
        cli_error(CLI_EXIT_UNAVAILABLE, _("cannot remove session file %s: %s"),
                  path, strerror(errno));
        return CREDENTIALS_ERROR;
    }
    (void)dir_sync(path);
    return CREDENTIALS_OK;
}

credentials_result_t credentials_from_env(rpc_credentials_t *out)
{
    const char *user = getenv("AIXIN_USER");
    const char *password = getenv("AIXIN_PASSWORD");
    if (user == NULL || user[0] == '\0' || password == NULL ||
        password[0] == '\0')
        return CREDENTIALS_MISSING;
    rpc_credentials_t c = {.kind = RPC_AUTH_PASSWORD};
    c.username = strdup(user);
    c.password = strdup(password);
    if (c.username == NULL || c.password == NULL) {
        rpc_credentials_free(&c);
        cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
        return CREDENTIALS_ERROR;
    }
    *out = c;
    return CREDENTIALS_OK;
}
