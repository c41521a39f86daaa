/* aixind: the city daemon. Options, start-up checks, workers, signals. */
#include <event2/event.h>
#include <event2/thread.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "admin_http.h"
#include "admin_tasks.h"
#include "bound_addr.h"
#include "config.h"
#include "domain_gauges.h"
#include "housekeeping.h"
#include "login_gate.h"
#include "login_gate_audit.h"
#include "door.h"
#include "log.h"
#include "pwhash_pool.h"
#include "service_notify.h"
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
            "  -l, --listen HOST:PORT  protocol address (default 127.0.0.1:7460;\n"
            "                          port 0: any free port)\n"
            "      --listen-file FILE  write the address bound to FILE once\n"
            "                          listening (also: admin_listen_file)\n"
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
            "admin_listen listen_file admin_listen_file max_in_flight\n"
            "handshake_timeout_ms frame_timeout_ms idle_timeout_ms\n"
            "shutdown_grace_ms session_ttl_s pwhash_threads allow_remote_plain\n"
            "housekeeping_interval_s housekeeping_batch idempotency_retention_days\n"
            "tls_cert_file tls_key_file tls_client_ca_file report_database\n"
            "login_timeout_ms max_unauthenticated max_connections_per_address\n"
            "max_unauthenticated_per_address login_delay_after login_delay_max_ms\n"
            "login_lock_after login_lock_s login_address_factor pwhash_per_address\n"
            "session_recheck_ms login_failure_delay_ms login_gate_recheck_ms\n"
            "serve_role\n"
            "allow_privileged_role\n"
            "(see deploy/aixind.conf.sample).\n");
}

typedef enum run_mode { MODE_SERVE, MODE_MIGRATE, MODE_CREATE_ADMIN } run_mode_t;

/* Flags win over the file, the file over the environment's defaults.
 * Leaves argv as it was, so that a reload can parse it again; false with
 * the reason in err. */
static bool parse_options(int argc, char **argv, server_config_t *cfg,
                          run_mode_t *mode, const char **admin_name,
                          char *err, size_t errlen)
{
    enum {
        OPT_LOG_LEVEL = 256,
        OPT_SQL_DIR,
        OPT_MIGRATE,
        OPT_CREATE_ADMIN,
        OPT_LISTEN_FILE
    };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"database", required_argument, NULL, 'd'},
        {"threads", required_argument, NULL, 't'},
        {"set", required_argument, NULL, 's'},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"sql-dir", required_argument, NULL, OPT_SQL_DIR},
        {"listen-file", required_argument, NULL, OPT_LISTEN_FILE},
        {"migrate", no_argument, NULL, OPT_MIGRATE},
        {"create-admin", required_argument, NULL, OPT_CREATE_ADMIN},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    char inner[512];
    const char *env_db = getenv("DATABASE_URL");
    if (env_db != NULL &&
        !config_set(cfg, "database", env_db, inner, sizeof(inner))) {
        snprintf(err, errlen, "DATABASE_URL: %s", inner);
        return false;
    }
    /* First pass: only --config, so that the other flags override it. */
    int c;
    optind = 0; /* glibc: start afresh (a reload parses argv again) */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "c:l:d:t:s:hV", opts, NULL)) != -1) {
        if (c == 'c' && !config_load_file(cfg, optarg, err, errlen))
            return false;
    }
    optind = 0;
    opterr = 1;
    while ((c = getopt_long(argc, argv, "c:l:d:t:s:hV", opts, NULL)) != -1) {
        const char *key = NULL;
        const char *value = optarg;
        char set_key[64];
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
        case OPT_LISTEN_FILE:
            key = "listen_file";
            break;
        case 's': {
            const char *eq = strchr(optarg, '=');
            if (eq == NULL || (size_t)(eq - optarg) >= sizeof(set_key)) {
                snprintf(err, errlen, "--set expects KEY=VALUE");
                return false;
            }
            memcpy(set_key, optarg, (size_t)(eq - optarg));
            set_key[eq - optarg] = '\0';
            key = set_key;
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
        if (!config_set(cfg, key, value, err, errlen))
            return false;
    }
    if (optind < argc) {
        fprintf(stderr, "aixind: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        exit(2);
    }
    return config_validate(cfg, err, errlen);
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
    /* The address alone: libevent refuses port 0 ("any free port"), so
     * the port is set afterwards. */
    *sslen = (int)sizeof(*ss);
    if (evutil_parse_sockaddr_port(host, (struct sockaddr *)ss, sslen) != 0)
        return false;
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
    else if (ss->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
    else
        return false;
    return true;
}

typedef struct server {
    server_shared_t shared;
    struct event_base *main_base; /* borrowed: signals, acceptor, admin HTTP */
    acceptor_t *acceptor;         /* owned */
    worker_t workers[MAX_WORKERS];
    int nworkers;
    int argc;                     /* the command line, parsed again */
    char **argv;                  /* borrowed                       */
    const server_config_t *initial_config; /* borrowed (main's)    */
    struct retired *retired;      /* owned: what reloads replaced   */
} server_t;

/* The door's limits as a configuration sets them. */
static door_limits_t door_limits_of(const server_config_t *cfg)
{
    door_limits_t limits = {cfg->max_connections, cfg->max_unauthenticated,
                            cfg->max_connections_per_address,
                            cfg->max_unauthenticated_per_address};
    return limits;
}

/* A configuration or TLS context a reload replaced. Workers may still
 * hold a pointer they read a moment ago (and open TLS connections keep
 * their own reference), so nothing is freed before the daemon exits;
 * reloads are rare, the cost is a few kilobytes each. */
typedef struct retired {
    struct retired *next;
    server_config_t *config; /* owned, or NULL */
    SSL_CTX *tls;            /* owned, or NULL */
} retired_t;

static void server_retire(server_t *s, const server_config_t *config,
                          SSL_CTX *tls)
{
    retired_t *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        log_error("event=reload_retire_failed reason=out_of_memory");
        return; /* leaked rather than freed while in use */
    }
    if (config != s->initial_config)
        r->config = (server_config_t *)config;
    r->tls = tls;
    r->next = s->retired;
    s->retired = r;
}

static void server_free_retired(server_t *s)
{
    const server_config_t *cur = atomic_load(&s->shared.config);
    if (cur != s->initial_config)
        free((server_config_t *)cur);
    while (s->retired != NULL) {
        retired_t *r = s->retired;
        s->retired = r->next;
        free(r->config);
        SSL_CTX_free(r->tls);
        free(r);
    }
}

/* SIGHUP: read the command line and the config file again and apply what
 * can change live (log level, limits, timeouts, TLS certificate, key and
 * client CA: new connections get the new context, open ones keep theirs).
 * Keys that need a restart keep their old value, with a warning. Any
 * error keeps the old configuration whole. */
static void server_reload(server_t *s)
{
    service_notify_reloading();
    const server_config_t *cur = atomic_load(&s->shared.config);
    server_config_t *next = malloc(sizeof(*next));
    if (next == NULL) {
        log_error("event=reload_failed reason=out_of_memory");
        service_notify_ready("serving; last reload failed");
        return;
    }
    config_init_defaults(next);
    run_mode_t mode = MODE_SERVE;
    const char *admin_name = NULL;
    char err[1024];
    if (!parse_options(s->argc, s->argv, next, &mode, &admin_name, err,
                       sizeof(err))) {
        log_error("event=reload_failed reason=config detail=\"%s\" "
                  "action=kept_previous",
                  err);
        free(next);
        service_notify_ready("serving; last reload failed");
        return;
    }
    int kept = config_keep_restart_keys(next, cur);
    bool tls_was = cur->tls_cert_file[0] != '\0';
    bool tls_now = next->tls_cert_file[0] != '\0';
    if (tls_was != tls_now) {
        /* Turning TLS on or off changes what every client must do. */
        log_warn("event=reload_needs_restart key=tls_cert_file "
                 "reason=tls_%s_needs_restart",
                 tls_now ? "on" : "off");
        memcpy(next->tls_cert_file, cur->tls_cert_file, sizeof(next->tls_cert_file));
        memcpy(next->tls_key_file, cur->tls_key_file, sizeof(next->tls_key_file));
        memcpy(next->tls_client_ca_file, cur->tls_client_ca_file,
               sizeof(next->tls_client_ca_file));
        kept++;
    }
    SSL_CTX *tls = NULL;
    if (tls_was) {
        /* Always read the files again: rotation usually keeps the names. */
        tls = tls_server_context_new(next);
        if (tls == NULL) {
            log_error("event=reload_failed reason=tls cert=\"%s\" "
                      "action=kept_previous",
                      next->tls_cert_file);
            free(next);
            service_notify_ready("serving; last reload failed");
            return;
        }
    }
    log_level_t level = LOG_LEVEL_INFO;
    (void)log_level_parse(next->log_level, &level); /* validated */
    atomic_store(&s->shared.config, next);
    /* The door and the hashing pool keep copies of their limits. */
    door_limits_t limits = door_limits_of(next);
    door_set_limits(s->shared.door, &limits);
    pwhash_pool_set_per_key_max(s->shared.pwhash, next->pwhash_per_address);
    SSL_CTX *old_tls = tls ? atomic_exchange(&s->shared.tls, tls) : NULL;
    server_retire(s, cur, old_tls);
    log_min_level = level;
    log_info("event=reloaded log_level=%s tls=%s restart_keys_kept=%d "
             "max_unauthenticated=%d max_unauthenticated_per_address=%d "
             "max_connections_per_address=%d login_timeout_ms=%d",
             next->log_level, tls ? "renewed" : "off", kept,
             next->max_unauthenticated, next->max_unauthenticated_per_address,
             next->max_connections_per_address, next->login_timeout_ms);
    service_notify_ready("serving");
}

static void on_reload_signal(evutil_socket_t sig, short what, void *arg)
{
    server_t *s = arg;
    log_info("event=reload signal=%d", (int)sig);
    server_reload(s);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    server_t *s = arg;
    log_info("event=shutdown signal=%d", (int)sig);
    service_notify_stopping();
    /* No new connections from here on. */
    acceptor_stop(s->acceptor);
    s->acceptor = NULL;
    for (int i = 0; i < s->nworkers; i++)
        worker_request_stop(&s->workers[i]);
    /* The main loop (signals, admin HTTP) ends; the workers finish their
     * in-flight work on their own and are joined. */
    event_base_loopexit(s->main_base, NULL);
}

static int serve(const server_config_t *cfg, int argc, char **argv)
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
    s.initial_config = cfg;
    s.argc = argc;
    s.argv = argv;
    s.shared.next_conn_id = 1;
    s.shared.next_request_serial = 1;
    if (cfg->tls_cert_file[0] != '\0') {
        s.shared.tls = tls_server_context_new(cfg);
        if (s.shared.tls == NULL)
            return 1;
    }
    s.shared.pwhash = pwhash_pool_new(cfg->pwhash_threads, 256,
                                      cfg->pwhash_per_address);
    door_limits_t limits = door_limits_of(cfg);
    s.shared.door = door_new(&limits);
    s.shared.login_gate = login_gate_new();
    if (s.shared.pwhash == NULL || s.shared.door == NULL ||
        s.shared.login_gate == NULL) {
        pwhash_pool_free(s.shared.pwhash);
        door_free(s.shared.door);
        login_gate_free(s.shared.login_gate);
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
    struct event *sigterm = NULL, *sigint = NULL, *sighup = NULL;
    admin_http_t *admin = NULL;
    service_watchdog_t *watchdog = NULL;
    db_timer_t *housekeeping = NULL, *gauges = NULL;
    login_gate_audit_t *gate_audit = NULL;
    if (rc == 0 && main_base != NULL) {
        sigterm = evsignal_new(main_base, SIGTERM, on_signal, &s);
        sigint = evsignal_new(main_base, SIGINT, on_signal, &s);
        sighup = evsignal_new(main_base, SIGHUP, on_reload_signal, &s);
        evsignal_add(sigterm, NULL);
        evsignal_add(sigint, NULL);
        evsignal_add(sighup, NULL);
        s.main_base = main_base;
        if (cfg->admin_listen[0] != '\0') {
            admin = admin_http_start(main_base, cfg->admin_listen, s.workers,
                                     s.nworkers, &s.shared);
            if (admin == NULL)
                rc = 1;
        }
        /* Upkeep on the first worker's loop, off the request path. */
        if (rc == 0) {
            housekeeping = housekeeping_start(&s.workers[0]);
            gauges = domain_gauges_start(&s.workers[0]);
            gate_audit = login_gate_audit_start(&s.workers[0]);
            if (gate_audit == NULL)
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
        char bound[CONFIG_STR_MAX];
        if (rc == 0 &&
            !bound_addr_format(acceptor_fd(s.acceptor), bound, sizeof(bound)))
            snprintf(bound, sizeof(bound), "%s", cfg->listen);
        if (rc == 0 && cfg->listen_file[0] != '\0' &&
            !bound_addr_write_file(cfg->listen_file, bound)) {
            rc = 1;
            for (int i = 0; i < started; i++)
                worker_request_stop(&s.workers[i]);
        }
        if (rc == 0) {
            log_info("event=listening addr=%s tls=%s client_certs=%s "
                     "workers=%d db_pool=%d version=%s",
                     bound, s.shared.tls ? "on" : "off",
                     cfg->tls_client_ca_file[0] ? "verified" : "off",
                     s.nworkers, cfg->db_pool_size, AIXIND_VERSION);
            char status[CONFIG_STR_MAX + 32];
            snprintf(status, sizeof(status), "serving on %s", bound);
            service_notify_ready(status);
            watchdog = service_watchdog_start(main_base, s.workers, s.nworkers);
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
    service_watchdog_stop(watchdog);
    /* The hashing threads first: one may still be finishing a job for a
     * waiter that worker_destroy() frees. */
    pwhash_pool_free(s.shared.pwhash);
    db_timer_stop(housekeeping); /* before the loop and pool they use go */
    db_timer_stop(gauges);
    login_gate_audit_stop(gate_audit);
    for (int i = 0; i < s.nworkers; i++)
        worker_destroy(&s.workers[i]);
    door_free(s.shared.door);
    login_gate_free(s.shared.login_gate);
    SSL_CTX_free(s.shared.tls);
    server_free_retired(&s);
    if (sighup)
        event_free(sighup);
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
    char err[1024];
    if (!parse_options(argc, argv, &cfg, &mode, &admin_name, err, sizeof(err))) {
        fprintf(stderr, "aixind: %s\n", err);
        return 2;
    }
    log_level_t level = LOG_LEVEL_INFO;
    (void)log_level_parse(cfg.log_level, &level);
    log_min_level = level;
    switch (mode) {
    case MODE_MIGRATE:
        printf("migrations from %s\n", cfg.sql_dir);
        return admin_migrate(&cfg) ? 0 : 1;
    case MODE_CREATE_ADMIN:
        return admin_create_admin(&cfg, admin_name) ? 0 : 1;
    case MODE_SERVE:
        break;
    }
    return serve(&cfg, argc, argv);
}
