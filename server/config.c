#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "install_path.h"
#include "log.h"

/* The source tree's migrations, for a daemon run from its build tree. */
#ifndef AIXIN_DEFAULT_SQL_DIR
#define AIXIN_DEFAULT_SQL_DIR "deploy/sql"
#endif
/* An installed daemon's migrations, relative to its own directory. */
#ifndef AIXIN_INSTALLED_SQL_DIR
#define AIXIN_INSTALLED_SQL_DIR "../share/aixin/sql"
#endif

typedef enum config_type {
    CONFIG_TYPE_STRING,
    CONFIG_TYPE_INT,
    CONFIG_TYPE_BOOL,
    CONFIG_TYPE_COUNT
} config_type_t;

typedef struct config_key {
    const char *name;
    config_type_t type;
    size_t offset;
    size_t size; /* buffer size for strings */
    const char *default_value;
    long min, max; /* for ints */
    bool live;     /* a reload (SIGHUP) applies it; else it needs a restart */
} config_key_t;

#define STR_KEY(n, field, def, live)                                          \
    {n, CONFIG_TYPE_STRING, offsetof(server_config_t, field),                 \
     sizeof(((server_config_t *)0)->field), def, 0, 0, live}
#define INT_KEY(n, field, def, lo, hi, live)                                  \
    {n, CONFIG_TYPE_INT, offsetof(server_config_t, field), sizeof(int), def,  \
     lo, hi, live}
#define BOOL_KEY(n, field, def, live)                                         \
    {n, CONFIG_TYPE_BOOL, offsetof(server_config_t, field), sizeof(bool),     \
     def, 0, 1, live}
#define LIVE true
#define RESTART false

static const config_key_t config_keys[] = {
    STR_KEY("listen", listen, "127.0.0.1:7460", RESTART),
    STR_KEY("admin_listen", admin_listen, "", RESTART),
    STR_KEY("listen_file", listen_file, "", RESTART),
    STR_KEY("admin_listen_file", admin_listen_file, "", RESTART),
    STR_KEY("database", database, "", RESTART),
    STR_KEY("report_database", report_database, "", RESTART),
    STR_KEY("sql_dir", sql_dir, AIXIN_DEFAULT_SQL_DIR, RESTART),
    STR_KEY("log_level", log_level, "info", LIVE),
    STR_KEY("tls_cert_file", tls_cert_file, "", LIVE),
    STR_KEY("tls_key_file", tls_key_file, "", LIVE),
    STR_KEY("tls_client_ca_file", tls_client_ca_file, "", LIVE),
    INT_KEY("threads", threads, "0", 0, 256, RESTART),
    INT_KEY("db_pool_size", db_pool_size, "4", 1, 256, RESTART),
    INT_KEY("db_queue_max", db_queue_max, "16384", 1, 1000000, RESTART),
    /* Brief queries queued on one connection (db_pool.c); 1 = one at a
     * time. Two keep the backend busy while this loop turns the previous
     * answer around, and hold back at most one query behind a slow one. */
    INT_KEY("db_pipeline_depth", db_pipeline_depth, "2", 1, 64, RESTART),
    INT_KEY("db_connect_timeout_ms", db_connect_timeout_ms, "10000", 100,
            600000, RESTART),
    INT_KEY("max_connections", max_connections, "1024", 1, 1000000, LIVE),
    INT_KEY("max_frame_bytes", max_frame_bytes, "1048576", 64,
            (long)FRAME_HARD_MAX_PAYLOAD, RESTART), /* sizes buffers */
    INT_KEY("max_in_flight", max_in_flight, "128", 1, 65536, LIVE),
    INT_KEY("handshake_timeout_ms", handshake_timeout_ms, "10000", 10,
            600000, LIVE),
    INT_KEY("frame_timeout_ms", frame_timeout_ms, "30000", 10, 600000, LIVE),
    INT_KEY("idle_timeout_ms", idle_timeout_ms, "300000", 10, 86400000, LIVE),
    INT_KEY("shutdown_grace_ms", shutdown_grace_ms, "10000", 0, 600000, LIVE),
    INT_KEY("session_ttl_s", session_ttl_s, "43200", 60, 2592000, LIVE),
    INT_KEY("pwhash_threads", pwhash_threads, "2", 1, 64, RESTART),
    INT_KEY("housekeeping_interval_s", housekeeping_interval_s, "3600", 0,
            604800, LIVE),
    INT_KEY("housekeeping_batch", housekeeping_batch, "1000", 1, 100000, LIVE),
    /* A township's client may replay a key after months offline. */
    INT_KEY("idempotency_retention_days", idempotency_retention_days, "730",
            400, 36500, LIVE),
    BOOL_KEY("allow_remote_plain", allow_remote_plain, "false", RESTART),
    /* The door: a reload (SIGHUP) applies them (server_reload() hands the
     * limits to door.c and the hashing pool); connections already open
     * keep the login deadline they were given. */
    INT_KEY("login_timeout_ms", login_timeout_ms, "30000", 10, 600000, LIVE),
    INT_KEY("max_unauthenticated", max_unauthenticated, "256", 1, 1000000, LIVE),
    INT_KEY("max_connections_per_address", max_connections_per_address, "512",
            1, 1000000, LIVE),
    INT_KEY("max_unauthenticated_per_address",
            max_unauthenticated_per_address, "32", 1, 1000000, LIVE),
    INT_KEY("login_delay_after", login_delay_after, "3", 0, 1000, LIVE),
    INT_KEY("login_delay_max_ms", login_delay_max_ms, "30000", 0, 3600000, LIVE),
    INT_KEY("login_lock_after", login_lock_after, "10", 1, 100000, LIVE),
    INT_KEY("login_lock_s", login_lock_s, "900", 1, 86400 * 7, LIVE),
    INT_KEY("login_address_factor", login_address_factor, "5", 1, 1000, LIVE),
    INT_KEY("pwhash_per_address", pwhash_per_address, "2", 1, 1000, LIVE),
    INT_KEY("session_recheck_ms", session_recheck_ms, "5000", 0, 3600000, LIVE),
    INT_KEY("login_failure_delay_ms", login_failure_delay_ms, "250", 0, 10000, LIVE),
    INT_KEY("login_gate_recheck_ms", login_gate_recheck_ms, "5000", 0, 600000, LIVE),
    STR_KEY("serve_role", serve_role, "aixin_serve", RESTART),
    BOOL_KEY("allow_privileged_role", allow_privileged_role, "false", RESTART),
};

#define CONFIG_KEY_COUNT (sizeof(config_keys) / sizeof(config_keys[0]))

static bool config_apply(server_config_t *c, const config_key_t *k,
                         const char *value, char *err, size_t errlen)
{
    char *field = (char *)c + k->offset;
    switch (k->type) {
    case CONFIG_TYPE_STRING:
        if (strlen(value) >= k->size) {
            snprintf(err, errlen, "%s: value longer than %zu bytes", k->name,
                     k->size - 1);
            return false;
        }
        memcpy(field, value, strlen(value) + 1);
        return true;
    case CONFIG_TYPE_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || v < k->min ||
            v > k->max) {
            snprintf(err, errlen, "%s: expected an integer in %ld..%ld, got '%s'",
                     k->name, k->min, k->max, value);
            return false;
        }
        *(int *)(void *)field = (int)v;
        return true;
    }
    case CONFIG_TYPE_BOOL:
        if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
            strcmp(value, "1") == 0 || strcmp(value, "on") == 0) {
            *(bool *)(void *)field = true;
        } else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
                   strcmp(value, "0") == 0 || strcmp(value, "off") == 0) {
            *(bool *)(void *)field = false;
        } else {
            snprintf(err, errlen, "%s: expected true or false, got '%s'",
                     k->name, value);
            return false;
        }
        return true;
    case CONFIG_TYPE_COUNT:
        break;
    }
    return false;
}

void config_init_defaults(server_config_t *c)
{
    memset(c, 0, sizeof(*c));
    char err[256];
    for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
        bool ok = config_apply(c, &config_keys[i],
                               config_keys[i].default_value, err, sizeof(err));
        (void)ok; /* defaults are valid by construction */
    }
    char installed[CONFIG_STR_MAX];
    if (install_path_near_exe(AIXIN_INSTALLED_SQL_DIR, installed,
                              sizeof(installed)))
        memcpy(c->sql_dir, installed, sizeof(c->sql_dir));
}

bool config_set(server_config_t *c, const char *key, const char *value,
                char *err, size_t errlen)
{
    for (size_t i = 0; i < CONFIG_KEY_COUNT; i++)
        if (strcmp(config_keys[i].name, key) == 0)
            return config_apply(c, &config_keys[i], value, err, errlen);
    snprintf(err, errlen, "unknown setting '%s'", key);
    return false;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

bool config_load_file(server_config_t *c, const char *path, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char line[1024];
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *s = trim(line);
        if (*s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
            ok = false;
            break;
        }
        *eq = '\0';
        char *key = trim(s);
        char *value = trim(eq + 1);
        size_t vlen = strlen(value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
            value[vlen - 1] = '\0';
            value++;
        }
        char inner[256];
        if (!config_set(c, key, value, inner, sizeof(inner))) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, inner);
            ok = false;
        }
    }
    fclose(f);
    return ok;
}

int config_keep_restart_keys(server_config_t *next,
                             const server_config_t *cur)
{
    int kept = 0;
    for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
        const config_key_t *k = &config_keys[i];
        if (k->live)
            continue;
        char *dst = (char *)next + k->offset;
        const char *src = (const char *)cur + k->offset;
        if (memcmp(dst, src, k->size) == 0)
            continue;
        /* Strings compare by text: bytes after the NUL may differ. */
        if (k->type == CONFIG_TYPE_STRING && strcmp(dst, src) == 0)
            continue;
        log_warn("event=reload_needs_restart key=%s", k->name);
        memcpy(dst, src, k->size);
        kept++;
    }
    return kept;
}

bool config_split_hostport(const char *s, char *host, size_t hostlen,
                           int *port)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL || colon == s || (size_t)(colon - s) >= hostlen)
        return false;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end != '\0' || end == colon + 1 || p < 0 || p > 65535)
        return false;
    const char *h = s;
    size_t hlen = (size_t)(colon - s);
    /* [v6addr]:port: the brackets are syntax, not part of the host. */
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (int)p;
    return true;
}

bool config_validate(const server_config_t *c, char *err, size_t errlen)
{
    char host[256];
    int port;
    log_level_t level;
    if (!config_split_hostport(c->listen, host, sizeof(host), &port)) {
        snprintf(err, errlen, "listen: expected HOST:PORT, got '%s'", c->listen);
        return false;
    }
    if (c->admin_listen[0] != '\0') {
        if (!config_split_hostport(c->admin_listen, host, sizeof(host), &port)) {
            snprintf(err, errlen, "admin_listen: expected HOST:PORT, got '%s'",
                     c->admin_listen);
            return false;
        }
        if (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "::1") != 0 &&
            !c->allow_remote_plain) {
            snprintf(err, errlen, "admin_listen: the admin port serves plain "
                                  "HTTP and belongs on loopback");
            return false;
        }
        if (!config_split_hostport(c->listen, host, sizeof(host), &port))
            return false;
    }
    if (!log_level_parse(c->log_level, &level)) {
        snprintf(err, errlen, "log_level: expected debug, info, warn or error");
        return false;
    }
    bool tls = c->tls_cert_file[0] != '\0';
    if (tls != (c->tls_key_file[0] != '\0')) {
        snprintf(err, errlen, "tls_cert_file and tls_key_file go together");
        return false;
    }
    if (!tls && c->tls_client_ca_file[0] != '\0') {
        snprintf(err, errlen, "tls_client_ca_file needs tls_cert_file");
        return false;
    }
    bool loopback = strcmp(host, "127.0.0.1") == 0 ||
                    strcmp(host, "::1") == 0 || strcmp(host, "localhost") == 0;
    if (!tls && !loopback && !c->allow_remote_plain) {
        snprintf(err, errlen,
                 "listen: plain TCP on %s is not loopback; personal data must "
                 "not cross a network unencrypted (configure tls_cert_file and "
                 "tls_key_file, or set allow_remote_plain = true only behind "
                 "a TLS terminator)",
                 host);
        return false;
    }
    return true;
}
