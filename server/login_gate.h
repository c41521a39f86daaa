/*
 * The login gate: the daemon's own memory of how long a name and a source
 * address must wait before their next login attempt, as the database last
 * said (aixin.login_check, aixin.login_failure). An attempt inside that
 * time is refused here, with no database call and no password hash; it is
 * counted, and the counts are written to the audit log as one row per
 * name and address now and then (login_gate_take_summary()).
 *
 * The database stays the judge: the gate only repeats its answer, for at
 * most `recheck_ms` (login_gate_recheck_ms), so that an account unlocked
 * through another daemon is let in again within that time. Shared by the
 * workers; every call takes the gate's lock briefly.
 */
#ifndef AIXIN_LOGIN_GATE_H
#define AIXIN_LOGIN_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct login_gate login_gate_t;

login_gate_t *login_gate_new(void);
void login_gate_free(login_gate_t *g);

/* The database's word for one name and one address: how long each must
 * still wait (0: not at all) and whether that is a lock. Kept for at most
 * recheck_ms (0: not kept). */
void login_gate_note(login_gate_t *g, const char *username,
                     const char *address, int64_t account_wait_ms,
                     bool account_locked, int64_t address_wait_ms,
                     bool address_locked, int recheck_ms);

/* Must this attempt wait? True with *wait_ms and *locked set, and the
 * attempt counted for the next summary. */
bool login_gate_check(login_gate_t *g, const char *username,
                      const char *address, int64_t *wait_ms, bool *locked);

/* An administrator unlocked the name (or gave it a new password) through
 * this daemon: forget what the gate kept for it. */
void login_gate_forget(login_gate_t *g, const char *username);

/* The refused attempts counted since the last call, as the JSON array
 * aixin.login_throttled_summaries() takes ([{"username", "address",
 * "attempts", "locked", "first_at", "last_at"}], times in unix ms), and
 * forgets them; NULL when there are none (or out of memory: then they
 * are logged). The caller frees it. */
char *login_gate_take_summary(login_gate_t *g);

/* The name as the audit log shows it (aixin.login_name): the account
 * alphabet, else "(unusable name)". */
const char *login_gate_name(const char *username);

#endif
