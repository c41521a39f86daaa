/* aixind: the city daemon. Options, start-up checks, workers, signals. */
#include <event2/event.h>
#include <event2/thread.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "admin_http.h"
#include "admin_tasks.h"
#include "config.h"
#include "door.h"
#include "log.h"
#include "pwhash_pool.h"
#include "tls_server.h"
#include "worker.h"

#define AIXIND_VERSION "0.1.0"
#define MAX_WORKERS 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aixind [options]\n"
            "       aixind --migrate [options]\n"
            "       aixind --create-admin NAME [options]\n"
            "\n"
            "Serves the aixin protocol, or runs one administrative task.\n"
            "\n"
            "  -c, --config FILE       read settings (key = value) from FILE\n"
            "  -l, --listen HOST:PORT  protocol address (default 127.0.0.1:7460)\n"
            "  -d, --database CONNINFO PostgreSQL conninfo or URL (default:\n"
            "                          DATABASE_URL, else the PG* variables)\n"
            "  -t, --threads N         event loops (default: number of cores)\n"
            "      --log-level LEVEL   debug, info, warn or error\n"
            "  -s, --set KEY=VALUE     any setting of the config file\n"
            "      --sql-dir DIR       migrations folder (for --migrate)\n"
            "      --migrate           apply database migrations and exit\n"
            "      --create-admin NAME create the city administrator if absent\n"
            "                          (password: AIXIN_ADMIN_PASSWORD, else\n"
            "                          generated and printed once) and exit\n"
            "  -h, --help              this text\n"
            "  -V, --version           print the version\n"
            "\n"
            "Settings: listen database sql_dir log_level threads db_pool_size\n"
            "db_queue_max db_connect_timeout_ms max_connections max_frame_bytes\n"
            "admin_listen max_in_flight handshake_timeout_ms frame_timeout_ms idle_timeout_ms\n"
            "shutdown_grace_ms session_ttl_s pwhash_threads allow_remote_plain\n"
            "tls_cert_file tls_key_file tls_client_ca_file\n"
            "login_timeout_ms max_unauthenticated max_connections_per_address\n"
            "max_unauthenticated_per_address login_delay_after login_delay_max_ms\n"
            "login_lock_after login_lock_s login_address_factor pwhash_per_address\n"
            "session_recheck_ms login_failure_delay_ms serve_role\n"
            "allow_privileged_role\n"
            "(see deploy/aixind.conf.sample).\n");
}

typedef enum run_mode { MODE_SERVE, MODE_MIGRATE, MODE_CREATE_ADMIN } run_mode_t;

/* Flags win over the file, the file over the environment's defaults. */
static bool parse_options(int argc, char **argv, server_config_t *cfg,
                          run_mode_t *mode, const char **admin_name)
{
    enum { OPT_LOG_LEVEL = 256, OPT_SQL_DIR, OPT_MIGRATE, OPT_CREATE_ADMIN };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"database", required_argument, NULL, 'd'},
        {"threads", required_argument, NULL, 't'},
        {"set", required_argument, NULL, 's'},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"sql-dir", required_argument, NULL, OPT_SQL_DIR},
        {"migrate", no_argument, NULL, OPT_MIGRATE},
        {"create-admin", required_argument, NULL, OPT_CREATE_ADMIN},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    char err[512];
    const char *env_db = getenv("DATABASE_URL");
    if (env_db != NULL && !config_set(cfg, "database", env_db, err, sizeof(err))) {
        fprintf(stderr, "aixind: DATABASE_URL: %s\n", err);
        return false;
    }
    /* First pass: only --config, so that the other flags override it. */
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "c:l:d:t:s:hV", opts, NULL)) != -1) {
        if (c == 'c' && !config_load_file(cfg, optarg, err, sizeof(err))) {
            fprintf(stderr, "aixind: %s\n", err);
            return false;
        }
    }
    optind = 1;
    opterr = 1;
    while ((c = getopt_long(argc, argv, "c:l:d:t:s:hV", opts, NULL)) != -1) {
        const char *key = NULL;
        char *value = optarg;
        switch (c) {
        case 'c':
            continue;
        case 'l':
            key = "listen";
            break;
        case 'd':
            key = "database";
            break;
        case 't':
            key = "threads";
            break;
        case OPT_LOG_LEVEL:
            key = "log_level";
            break;
        case OPT_SQL_DIR:
            key = "sql_dir";
            break;
        case 's': {
            char *eq = strchr(optarg, '=');
            if (eq == NULL) {
                fprintf(stderr, "aixind: --set expects KEY=VALUE\n");
                return false;
            }
            *eq = '\0';
            key = optarg;
            value = eq + 1;
            break;
        }
        case OPT_MIGRATE:
            *mode = MODE_MIGRATE;
            continue;
        case OPT_CREATE_ADMIN:
            *mode = MODE_CREATE_ADMIN;
            *admin_name = optarg;
            continue;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            printf("aixind %s\n", AIXIND_VERSION);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
        if (!config_set(cfg, key, value, err, sizeof(err))) {
            fprintf(stderr, "aixind: %s\n", err);
            return false;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "aixind: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        exit(2);
    }
    if (!config_validate(cfg, err, sizeof(err))) {
        fprintf(stderr, "aixind: %s\n", err);
        return false;
    }
    return true;
}

static bool resolve_listen(const char *listen, struct sockaddr_storage *ss,
                           int *sslen)
{
    char host[256];
    int port;
    if (!config_split_hostport(listen, host, sizeof(host), &port))
        return false;
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    char numeric[300];
    if (strchr(host, ':') != NULL && host[0] != '[')
        snprintf(numeric, sizeof(numeric), "[%s]:%d", host, port);
    else
        snprintf(numeric, sizeof(numeric), "%s:%d", host, port);
    *sslen = (int)sizeof(*ss);
    return evutil_parse_sockaddr_port(numeric, (struct sockaddr *)ss, sslen) == 0;
}

typedef struct server {
    server_shared_t shared;
    struct event_base *main_base; /* borrowed: signals, acceptor, admin HTTP */
    acceptor_t *acceptor;         /* owned */
    worker_t workers[MAX_WORKERS];
    int nworkers;
} server_t;

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    server_t *s = arg;
    log_info("event=shutdown signal=%d", (int)sig);
    /* No new connections from here on. */
    acceptor_stop(s->acceptor);
    s->acceptor = NULL;
    for (int i = 0; i < s->nworkers; i++)
        worker_request_stop(&s->workers[i]);
    /* The main loop (signals, admin HTTP) ends; the workers finish their
     * in-flight work on their own and are joined. */
    event_base_loopexit(s->main_base, NULL);
}

static int serve(const server_config_t *cfg)
{
    if (!admin_check_durability(cfg))
        return 1;
    struct sockaddr_storage ss;
    int sslen;
    if (!resolve_listen(cfg->listen, &ss, &sslen)) {
        fprintf(stderr, "aixind: cannot parse listen address %s (use a numeric "
                        "address)\n",
                cfg->listen);
        return 1;
    }
    static server_t s;
    memset(&s, 0, sizeof(s));
    s.shared.config = cfg;
    s.shared.next_conn_id = 1;
    s.shared.next_request_serial = 1;
    if (cfg->tls_cert_file[0] != '\0') {
        s.shared.tls = tls_server_context_new(cfg);
        if (s.shared.tls == NULL)
            return 1;
    }
    s.shared.pwhash = pwhash_pool_new(cfg->pwhash_threads, 256,
                                      cfg->pwhash_per_address);
    door_limits_t limits = {cfg->max_connections, cfg->max_unauthenticated,
                            cfg->max_connections_per_address,
                            cfg->max_unauthenticated_per_address};
    s.shared.door = door_new(&limits);
    if (s.shared.pwhash == NULL || s.shared.door == NULL) {
        pwhash_pool_free(s.shared.pwhash);
        door_free(s.shared.door);
        SSL_CTX_free(s.shared.tls);
        return 1;
    }
    int n = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > MAX_WORKERS)
        n = MAX_WORKERS;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (!worker_init(&s.workers[i], i, &s.shared)) {
            s.nworkers = i + 1;
            rc = 1;
            break;
        }
        s.nworkers = i + 1;
    }
    struct event_base *main_base = rc == 0 ? event_base_new() : NULL;
    struct event *sigterm = NULL, *sigint = NULL;
    admin_http_t *admin = NULL;
    if (rc == 0 && main_base != NULL) {
        sigterm = evsignal_new(main_base, SIGTERM, on_signal, &s);
        sigint = evsignal_new(main_base, SIGINT, on_signal, &s);
        evsignal_add(sigterm, NULL);
        evsignal_add(sigint, NULL);
        s.main_base = main_base;
        if (cfg->admin_listen[0] != '\0') {
            admin = admin_http_start(main_base, cfg->admin_listen, s.workers,
                                     s.nworkers, &s.shared);
            if (admin == NULL)
                rc = 1;
        }
        int started = 0;
        for (int i = 0; rc == 0 && i < s.nworkers; i++)
            started += worker_start(&s.workers[i]);
        if (rc == 0) {
            s.acceptor = acceptor_start(main_base, (struct sockaddr *)&ss, sslen,
                                        s.workers, s.nworkers, &s.shared);
            if (s.acceptor == NULL) {
                rc = 1;
                for (int i = 0; i < started; i++)
                    worker_request_stop(&s.workers[i]);
            }
        }
        if (rc == 0) {
            log_info("event=listening addr=%s tls=%s client_certs=%s "
                     "workers=%d db_pool=%d version=%s",
                     cfg->listen, s.shared.tls ? "on" : "off",
                     cfg->tls_client_ca_file[0] ? "verified" : "off",
                     s.nworkers, cfg->db_pool_size, AIXIND_VERSION);
            event_base_dispatch(main_base);
        }
        for (int i = 0; i < started; i++)
            worker_join(&s.workers[i]);
        log_info("event=stopped");
    } else {
        rc = 1;
    }
    acceptor_stop(s.acceptor);
    admin_http_stop(admin);
    /* The hashing threads first: one may still be finishing a job for a
     * waiter that worker_destroy() frees. */
    pwhash_pool_free(s.shared.pwhash);
    for (int i = 0; i < s.nworkers; i++)
        worker_destroy(&s.workers[i]);
    door_free(s.shared.door);
    SSL_CTX_free(s.shared.tls);
    if (sigterm)
        event_free(sigterm);
    if (sigint)
        event_free(sigint);
    if (main_base)
        event_base_free(main_base);
    return rc;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) {
        fprintf(stderr, "aixind: libsodium failed to initialise\n");
        return 1;
    }
    if (evthread_use_pthreads() != 0) {
        fprintf(stderr, "aixind: libevent threads unavailable\n");
        return 1;
    }
    static server_config_t cfg;
    config_init_defaults(&cfg);
    run_mode_t mode = MODE_SERVE;
    const char *admin_name = NULL;
    if (!parse_options(argc, argv, &cfg, &mode, &admin_name))
        return 2;
    log_level_t level = LOG_LEVEL_INFO;
    (void)log_level_parse(cfg.log_level, &level);
    log_min_level = level;
    switch (mode) {
    case MODE_MIGRATE:
        return admin_migrate(&cfg) ? 0 : 1;
    case MODE_CREATE_ADMIN:
        return admin_create_admin(&cfg, admin_name) ? 0 : 1;
    case MODE_SERVE:
        break;
    }
    return serve(&cfg);
}
