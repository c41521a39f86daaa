#!/usr/bin/env bash
# A password an administrator set (account created, or password reset) is
# known to the administrator: until its holder changes it, the city
# answers every request of the account but ChangePassword and Logout with
# PASSWORD_CHANGE_REQUIRED, and work waiting to be sent is kept, not
# dropped:
#  - the clerk logs in and is told to change the password; a read, a write
#    and an import are refused and change nothing;
#  - a change saved to the spool while the city was down is refused on
#    `aixin sync` and stays in the spool; after `aixin password change` it
#    is delivered once;
#  - the session of the change works on; an admin's reset asks again,
#    unless the admin says the holder chose the password
#    (--no-password-change, also on account create).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/enrollments_csv.sh
source "$(dirname "$0")/enrollments_csv.sh"

it_create_db
it_start_daemon

cli() { it_expect_exit "$@"; }
flag() { it_psql -c "SELECT password_change_required FROM aixin.accounts WHERE username = '$1'"; }
MAKE_ID=$AIXIN_BIN_DIR/tests/make_id

cli 0 "$AIXIN_CLI" year open --year 2027 --reference-date 2027-01-01 --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 5.00-20.00

FIRST=first-password-01
AIXIN_NEW_PASSWORD=$FIRST cli 0 "$AIXIN_CLI" account create --username clerk01 \
  --role township_clerk --division 360821100
it_assert_eq t "$(flag clerk01)" "an account the admin created must change its password"
it_assert_eq true "$(it_psql -c "SELECT detail ->> 'password_change_required' FROM aixin.audit_log
  WHERE action = 'account.create' AND target LIKE 'account:%' ORDER BY id DESC LIMIT 1")" \
  "the audit row of the creation says so"

# The clerk: its own session file and spool; the password given where a
# command is to log in with it, else the saved session.
export AIXIN_SPOOL_DIR=$IT_TMP/clerk-spool
as_clerk() { AIXIN_USER=clerk01 AIXIN_SESSION_FILE=$IT_TMP/clerk-session "$@"; }
unset AIXIN_PASSWORD
AIXIN_PASSWORD=$FIRST as_clerk cli 0 "$AIXIN_CLI" --format json login
it_assert_contains "$(it_last_stdout)" '"password_change_required": true' "the session says the password must change"
it_assert_contains "$(it_last_stderr)" "aixin password change" "login tells the clerk what to run"

as_clerk cli 1 "$AIXIN_CLI" year list
it_assert_contains "$(it_last_stderr)" "PASSWORD_CHANGE_REQUIRED" "a read is refused with its own code"
it_assert_contains "$(it_last_stderr)" "aixin password change" "and the refusal says what to run"
guardian=$("$MAKE_ID" 360821 19880101 011 M)
as_clerk cli 1 "$AIXIN_CLI" household register --township 360821100 --kind only_child \
  --certificate PW-1 --guardian "$guardian:刘一"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.households")" "a refused write changes nothing"
[[ -z $(compgen -G "$AIXIN_SPOOL_DIR/*.spool") ]] || it_fail "a refused write went to the spool"
it_pass "a refused write is not kept for later"

csv=$IT_TMP/rows.csv
enrollments_csv 3 "$csv"
as_clerk cli 1 "$AIXIN_CLI" import enrollments "$csv"
it_assert_contains "$(it_last_stderr)" "password" "an import stops at the first refusal and says why"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.policies")" "the import made nothing"

# --- the spool keeps what the city refuses for the session ---------------------
it_stop_daemon
AIXIN_PASSWORD=$FIRST as_clerk cli 3 "$AIXIN_CLI" household register --township 360821100 \
  --kind only_child --certificate PW-2 --guardian "$guardian:刘一"
it_assert_contains "$(it_last_stderr)" "saved to the spool (1 waiting)" "offline: the change waits in the spool"
it_start_daemon
AIXIN_PASSWORD=$FIRST as_clerk cli 1 "$AIXIN_CLI" sync
it_assert_contains "$(it_last_stdout)" "kept in the spool" "sync: the refused change stays in the spool"
it_assert_eq 0 "$(it_psql -c "SELECT count(*) FROM aixin.households")" "and nothing was made"

# --- the clerk chooses a password ------------------------------------------------
OWN=my-own-password-02
AIXIN_PASSWORD=$FIRST AIXIN_NEW_PASSWORD=$OWN as_clerk cli 0 "$AIXIN_CLI" password change
it_assert_eq f "$(flag clerk01)" "the change clears the requirement"
as_clerk cli 1 "$AIXIN_CLI" year list
it_assert_contains "$(it_last_stderr)" "aixin login" "the change ended the other session, which says to log in again"
AIXIN_PASSWORD=$OWN as_clerk cli 0 "$AIXIN_CLI" login
as_clerk cli 0 "$AIXIN_CLI" year list
it_pass "logged in with the password of the clerk's choice, the clerk works"
AIXIN_PASSWORD=$OWN as_clerk cli 0 "$AIXIN_CLI" sync
it_assert_contains "$(it_last_stdout)" "delivered" "sync: the kept change is delivered now"
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.households WHERE certificate_no = 'PW-2'")" \
  "the household of the spool is registered once"
AIXIN_PASSWORD=$OWN as_clerk cli 0 "$AIXIN_CLI" sync
it_assert_eq 1 "$(it_psql -c "SELECT count(*) FROM aixin.households")" "a second sync makes nothing more"

# --- the admin resets: asked again, unless the holder chose it -------------------
AIXIN_PASSWORD=$IT_ADMIN_PASSWORD AIXIN_NEW_PASSWORD=reset-password-03 cli 0 "$AIXIN_CLI" account reset-password clerk01
it_assert_eq t "$(flag clerk01)" "a reset password must be changed again"
AIXIN_PASSWORD=reset-password-03 as_clerk cli 1 "$AIXIN_CLI" year list
it_assert_contains "$(it_last_stderr)" "PASSWORD_CHANGE_REQUIRED" "refused after the reset"
AIXIN_PASSWORD=$IT_ADMIN_PASSWORD AIXIN_NEW_PASSWORD=told-on-the-phone-04 cli 0 "$AIXIN_CLI" account reset-password \
  --no-password-change clerk01
it_assert_eq f "$(flag clerk01)" "reset with --no-password-change: no change asked"
AIXIN_PASSWORD=told-on-the-phone-04 as_clerk cli 0 "$AIXIN_CLI" year list
it_assert_eq t "$(it_psql -c "SELECT (detail ->> 'password_change_required')::boolean = false
  FROM aixin.audit_log WHERE action = 'account.password_reset' ORDER BY id DESC LIMIT 1")" \
  "the audit row of the reset says whether a change is asked"

AIXIN_PASSWORD=$IT_ADMIN_PASSWORD AIXIN_NEW_PASSWORD=chosen-password-05 cli 0 "$AIXIN_CLI" account create --no-password-change \
  --username clerk02 --role township_clerk --division 360821100
it_assert_eq f "$(flag clerk02)" "create with --no-password-change: no change asked"
AIXIN_USER=clerk02 AIXIN_PASSWORD=chosen-password-05 cli 0 "$AIXIN_CLI" year list

it_stop_daemon
