/*
 * aixind settings: one table row per key (config.c), read from an optional
 * key = value file, then overridden by command-line flags and validated.
 * A struct is never changed once in use: a reload (SIGHUP) builds a new one
 * and swaps it in whole.
 */
#ifndef AIXIN_CONFIG_H
#define AIXIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_STR_MAX 512

typedef struct server_config {
    char listen[CONFIG_STR_MAX];   /* host:port for the protocol */
    char admin_listen[CONFIG_STR_MAX]; /* host:port for HTTP; "" = off */
    /* Files that receive the address actually bound (port 0 = any free
     * one), written once listening: tests and supervisors read them
     * instead of guessing a free port. "" = none. */
    char listen_file[CONFIG_STR_MAX];
    char admin_listen_file[CONFIG_STR_MAX];
    char database[CONFIG_STR_MAX]; /* libpq conninfo; empty = PG* env */
    /* Reports only: a conninfo that may reach a standby
     * (target_session_attrs=prefer-standby); empty = `database`. */
    char report_database[CONFIG_STR_MAX];
    char sql_dir[CONFIG_STR_MAX];  /* migrations, for --migrate */
    char log_level[16];
    char tls_cert_file[CONFIG_STR_MAX];      /* PEM chain; set = TLS only */
    char tls_key_file[CONFIG_STR_MAX];       /* PEM private key */
    char tls_client_ca_file[CONFIG_STR_MAX]; /* set = ask for client certs */
    int threads;              /* event loops; 0 = number of cores */
    int db_pool_size;         /* PostgreSQL connections per event loop */
    int db_queue_max;         /* queued queries per loop before refusing */
    int db_pipeline_depth;    /* queries in flight per connection, at most */
    int db_connect_timeout_ms;
    int max_connections;      /* client connections, all loops together */
    int max_frame_bytes;      /* payload cap */
    int max_in_flight;        /* pipelined requests per connection */
    int handshake_timeout_ms; /* accept until Hello */
    int frame_timeout_ms;     /* first byte of a frame until its last */
    int idle_timeout_ms;      /* no request and nothing in flight */
    int shutdown_grace_ms;    /* SIGTERM: time to finish in-flight work */
    int session_ttl_s;        /* login token lifetime */
    int pwhash_threads;       /* threads hashing passwords (argon2id) */
    int housekeeping_interval_s;    /* purge pass period; 0 = no purge */
    int housekeeping_batch;         /* rows per purge transaction */
    int idempotency_retention_days; /* keys kept at least this (>= 400) */
    bool allow_remote_plain;  /* accept plain TCP on a non-loopback address */
    /* The door (door.h): strangers, deadlines, password guessing. */
    int login_timeout_ms;     /* accept until logged in */
    int max_unauthenticated;  /* connections not logged in, all loops */
    int max_connections_per_address;
    int max_unauthenticated_per_address;
    int login_delay_after;    /* failures of an account before delays */
    int login_delay_max_ms;   /* the longest delay between attempts */
    int login_lock_after;     /* failures that lock the account */
    int login_lock_s;         /* how long a lock lasts */
    int login_address_factor; /* an address may fail this many times more */
    int pwhash_per_address;   /* password hashes queued per address */
    int session_recheck_ms;   /* a session is re-read at least this often */
    int login_failure_delay_ms; /* a refused login is answered this late */
    int login_gate_recheck_ms; /* the daemon repeats a throttle at most this
                                * long before asking the database again */
    char serve_role[64];      /* --migrate grants EXECUTE to this role */
    bool allow_privileged_role; /* serve as superuser or schema owner */
} server_config_t;

/* Defaults for every key. */
void config_init_defaults(server_config_t *c);

/* Set one key from text; false with a message in err on bad key or value. */
bool config_set(server_config_t *c, const char *key, const char *value,
                char *err, size_t errlen);

/* Read a key = value file ('#' comments). False with err on any problem. */
bool config_load_file(server_config_t *c, const char *path, char *err,
                      size_t errlen);

/* Cross-key checks after everything is set. */
bool config_validate(const server_config_t *c, char *err, size_t errlen);

/* After a reload: put back in NEXT the value CUR has for every key that
 * only a restart can change (listen, database, threads, ...), logging
 * each one that differed; returns how many. */
int config_keep_restart_keys(server_config_t *next,
                             const server_config_t *cur);

/* Split "host:port" (port 0..65535; 0 = any free port); false when
 * malformed. */
bool config_split_hostport(const char *s, char *host, size_t hostlen,
                           int *port);

#endif
