#include "admin_tasks.h"

#include <dirent.h>
#include <errno.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_privileges.h"
#include "log.h"
#include "pwhash_pool.h"

#ifndef AIXIN_SCHEMA_VERSION
#error "AIXIN_SCHEMA_VERSION: the newest migration file name, set by CMake"
#endif

/* Arbitrary constant: the advisory lock that serialises migrations. */
#define MIGRATION_LOCK_KEY 74600001

static PGconn *admin_connect(const server_config_t *cfg)
{
    PGconn *pg = PQconnectdb(cfg->database);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "aixind: cannot connect to PostgreSQL: %s",
                PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

static bool exec_ok(PGconn *pg, const char *sql, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "aixind: %s: %s", what, PQerrorMessage(pg));
    PQclear(r);
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, 4096, f);
        len += n;
        if (n < 4096)
            break;
    }
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* Is the migration `version` (file name) recorded already? -1 on error. */
static int migration_applied(PGconn *pg, const char *version)
{
    const char *params[1] = {version};
    PGresult *r = PQexecParams(
        pg, "SELECT 1 FROM public.schema_migrations WHERE version = $1", 1,
        NULL, params, NULL, NULL, 0);
    int out = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        out = PQntuples(r) > 0;
    else
        fprintf(stderr, "aixind: %s", PQerrorMessage(pg));
    PQclear(r);
    return out;
}

static bool migration_apply(PGconn *pg, const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *sql = read_file(path);
    if (sql == NULL) {
        fprintf(stderr, "aixind: cannot read %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = exec_ok(pg, "BEGIN", "begin");
    if (ok) {
        PGresult *r = PQexec(pg, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            fprintf(stderr, "aixind: migration %s failed: %s", name,
                    PQerrorMessage(pg));
            ok = false;
        }
        PQclear(r);
    }
    if (ok) {
        const char *params[1] = {name};
        PGresult *r = PQexecParams(
            pg, "INSERT INTO public.schema_migrations(version) VALUES ($1)", 1,
            NULL, params, NULL, NULL, 0);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "aixind: %s", PQerrorMessage(pg));
        PQclear(r);
    }
    ok = ok && exec_ok(pg, "COMMIT", "commit");
    if (!ok)
        exec_ok(pg, "ROLLBACK", "rollback");
    else
        printf("applied %s\n", name);
    free(sql);
    return ok;
}

bool admin_migrate(const server_config_t *cfg)
{
    DIR *d = opendir(cfg->sql_dir);
    if (d == NULL) {
        fprintf(stderr, "aixind: cannot open migrations folder %s: %s\n",
                cfg->sql_dir, strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof(*names));
            if (nn == NULL) {
                ok = false;
                break;
            }
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            ok = false;
            break;
        }
        n++;
    }
    closedir(d);
    PGconn *pg = ok ? admin_connect(cfg) : NULL;
    ok = ok && pg != NULL;
    if (ok) {
        qsort(names, n, sizeof(*names), compare_names);
        ok = exec_ok(pg, "SET client_min_messages = warning", "settings") &&
             exec_ok(pg,
                     "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
                     " version text PRIMARY KEY,"
                     " applied_at timestamptz NOT NULL DEFAULT now())",
                     "create schema_migrations");
        char lock[96];
        snprintf(lock, sizeof(lock), "SELECT pg_advisory_lock(%d)",
                 MIGRATION_LOCK_KEY);
        ok = ok && exec_ok(pg, lock, "lock");
        size_t applied = 0;
        for (size_t i = 0; ok && i < n; i++) {
            int done = migration_applied(pg, names[i]);
            if (done < 0)
                ok = false;
            else if (!done) {
                ok = migration_apply(pg, cfg->sql_dir, names[i]);
                applied += ok;
            }
        }
        /* Every run, so that functions of every migration are covered. */
        ok = ok && db_privileges_apply(pg, cfg->serve_role);
        if (ok)
            printf("database schema up to date (%zu applied now, %zu in all)\n",
                   applied, n);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (pg)
        PQfinish(pg);
    return ok;
}

bool admin_create_admin(const server_config_t *cfg, const char *username)
{
    const char *env = getenv("AIXIN_ADMIN_PASSWORD");
    char generated[25];
    const char *password = env;
    if (password == NULL || password[0] == '\0') {
        /* 18 random bytes -> 24 base64 characters. */
        unsigned char raw[18];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(generated, sizeof(generated), raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        password = generated;
    } else if (strlen(password) < 10) {
        fprintf(stderr, "aixind: AIXIN_ADMIN_PASSWORD must have at least 10 "
                        "characters\n");
        return false;
    }
    char hash[128];
    if (!pwhash_hash_now(password, hash)) {
        fprintf(stderr, "aixind: could not hash the password\n");
        return false;
    }
    PGconn *pg = admin_connect(cfg);
    if (pg == NULL)
        return false;
    const char *params[2] = {username, hash};
    PGresult *r = PQexecParams(pg, "SELECT aixin.bootstrap_admin($1, $2)", 2,
                               NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (!ok) {
        fprintf(stderr, "aixind: cannot create %s: %s", username,
                PQerrorMessage(pg));
    } else if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
        if (password == generated)
            printf("created city administrator '%s' with password: %s\n"
                   "(shown once; keep it safe)\n",
                   username, generated);
        else
            printf("created city administrator '%s' (password from "
                   "AIXIN_ADMIN_PASSWORD)\n",
                   username);
    } else {
        printf("account '%s' exists; password unchanged\n", username);
    }
    PQclear(r);
    PQfinish(pg);
    sodium_memzero(generated, sizeof(generated));
    return ok;
}

bool admin_check_durability(const server_config_t *cfg)
{
    PGconn *pg = admin_connect(cfg);
    if (pg == NULL)
        return false;
    const char *params[1] = {AIXIN_SCHEMA_VERSION};
    PGresult *r = PQexecParams(
        pg,
        "SELECT current_setting('fsync'), current_setting('synchronous_commit'), "
        "CASE WHEN to_regclass('public.schema_migrations') IS NULL THEN false "
        "ELSE EXISTS (SELECT 1 FROM public.schema_migrations WHERE version = $1) "
        "END",
        1, NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (!ok) {
        fprintf(stderr, "aixind: %s", PQerrorMessage(pg));
    } else {
        const char *fsync_on = PQgetvalue(r, 0, 0);
        const char *sync = PQgetvalue(r, 0, 1);
        /* Every synchronous_commit level but off flushes locally. */
        if (strcmp(fsync_on, "on") != 0 || strcmp(sync, "off") == 0) {
            log_error("event=refuse_start reason=durability fsync=%s "
                      "synchronous_commit=%s",
                      fsync_on, sync);
            ok = false;
        } else if (strcmp(PQgetvalue(r, 0, 2), "t") != 0) {
            log_error("event=refuse_start reason=not_migrated want=%s "
                      "hint=\"run aixind --migrate\"",
                      AIXIN_SCHEMA_VERSION);
            ok = false;
        }
    }
    PQclear(r);
    ok = ok && db_privileges_check_serving(pg, cfg->allow_privileged_role);
    PQfinish(pg);
    return ok;
}
