/* The configuration file; see client_config.h. */
#include "client_config.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONFIG_PATH_SIZE 4096
#define CONFIG_LINE_MAX 1024

typedef struct config_key {
    const char *name;
    size_t offset; /* of the char * in client_config_t */
} config_key_t;

static const config_key_t config_keys[] = {
    {"server", offsetof(client_config_t, server)},
    {"user", offsetof(client_config_t, user)},
};

bool client_config_dir(char *out, size_t size)
{
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == '\0')
        return false;
    int n = snprintf(out, size, "%s/.config/aixin", home);
    return n > 0 && (size_t)n < size;
}

bool client_config_make_dir(void)
{
    char dir[CONFIG_PATH_SIZE];
    if (!client_config_dir(dir, sizeof(dir))) {
        errno = ENOENT;
        return false;
    }
    /* dir ends in "/.config/aixin": create the parent first. */
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return false;
    *slash = '/';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return false;
    return true;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
                     s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* One line; false (after reporting) when it is malformed. */
static bool config_apply_line(client_config_t *cfg, const char *path,
                              unsigned lineno, char *line)
{
    char *s = trim(line);
    if (s[0] == '\0' || s[0] == '#')
        return true;
    char *eq = strchr(s, '=');
    if (eq == NULL) {
        cli_error(CLI_EXIT_USAGE, _("%s:%u: expected key=value"), path, lineno);
        return false;
    }
    *eq = '\0';
    char *key = trim(s);
    char *value = trim(eq + 1);
    for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++) {
        if (strcmp(key, config_keys[i].name) != 0)
            continue;
        char **slot = (char **)((char *)cfg + config_keys[i].offset);
        char *copy = strdup(value);
        if (copy == NULL) {
            cli_error(CLI_EXIT_UNAVAILABLE, _("out of memory"));
            return false;
        }
        free(*slot);
        *slot = copy;
        return true;
    }
    /* Newer versions may add keys: tolerate them, but say so. */
    cli_warn(_("%s:%u: unknown key '%s' ignored"), path, lineno, key);
    return true;
}

cli_exit_t client_config_load(client_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    char path[CONFIG_PATH_SIZE];
    const char *env = getenv("AIXIN_CONFIG");
    if (env != NULL && env[0] != '\0') {
        snprintf(path, sizeof(path), "%s", env);
    } else {
        char dir[CONFIG_PATH_SIZE];
        if (!client_config_dir(dir, sizeof(dir)))
            return CLI_EXIT_OK;
        int n = snprintf(path, sizeof(path), "%s/config", dir);
        if (n < 0 || (size_t)n >= sizeof(path))
            return CLI_EXIT_OK;
    }
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        if (errno == ENOENT)
            return CLI_EXIT_OK;
        return cli_error(CLI_EXIT_USAGE, _("cannot read %s: %s"), path,
                         strerror(errno));
    }
    char line[CONFIG_LINE_MAX];
    unsigned lineno = 0;
    cli_exit_t rc = CLI_EXIT_OK;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            rc = cli_error(CLI_EXIT_USAGE, _("%s:%u: line too long"), path,
                           lineno);
            break;
        }
        if (!config_apply_line(cfg, path, lineno, line)) {
            rc = CLI_EXIT_USAGE;
            break;
        }
    }
    if (rc == CLI_EXIT_OK && ferror(f))
        rc = cli_error(CLI_EXIT_USAGE, _("cannot read %s"), path);
    fclose(f);
    if (rc != CLI_EXIT_OK)
        client_config_free(cfg);
    return rc;
}

void client_config_free(client_config_t *cfg)
{
    free(cfg->server);
    free(cfg->user);
    cfg->server = cfg->user = NULL;
}
