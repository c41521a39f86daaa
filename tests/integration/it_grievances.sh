#!/usr/bin/env bash
# Grievances (信访) through the real client, daemon and PostgreSQL.
# Covered: filing by visit, phone and letter about a claim, a child, a
# household (guardian) or a township; the answer deadline from the year's
# grievance_answer_days (15 by default, changed per year); dates received
# in the past making grievances overdue; assign (to an office or to the
# adjuster of the claim's insurer, not to anyone else), answer (on time or
# late), close; typed refusals (closing before answering, answering a
# closed one, a date in the future, a subject outside one's division,
# another township's grievance: refused and audited) that change nothing;
# who sees what (a township clerk its township, a county clerk its county,
# an adjuster its insurer's claims); list filters; show with the history;
# every step in the audit log; the grievances report per division with
# every parent row equal to the sum of its children, re-checked in SQL.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

MAKE_ID=$AIXIN_BIN_DIR/tests/make_id
PW=grievance-password-1
day() { TZ=Asia/Shanghai date -d "$1" +%F; }
TODAY=$(day today)
# Two days ahead: still in the future if Shanghai's midnight passes mid-test.
TOMORROW=$(day '2 days')
D30=$(day '30 days ago')
D20=$(day '20 days ago')
D10=$(day '10 days ago')
D3=$(day '3 days ago')
D2=$(day '2 days ago')
D1=$(day '1 day ago')
YEAR=${D30:0:4}
LAST=${TODAY:0:4}
plus() { TZ=Asia/Shanghai date -d "$1 + $2 days" +%F; }

it_create_db
it_start_daemon

as() {
  local user=$1 password=$PW
  shift
  [[ $user != admin ]] || password=$IT_ADMIN_PASSWORD
  AIXIN_USER=$user AIXIN_PASSWORD=$password it_expect_exit "$@"
}
json() { it_psql -v doc="$(it_last_stdout)" <<<"$1"; }
field() {
  local cols=() k
  for k in "$@"; do cols+=("coalesce(d->>'$k', '')"); done
  local IFS=,
  json "SELECT concat_ws('/', ${cols[*]}) FROM (SELECT :'doc'::json AS d) x"
}
# g USER CODE VERB ARGS...: `aixin grievance VERB` as USER, JSON out.
g() {
  local user=$1 code=$2
  shift 2
  as "$user" "$code" "$AIXIN_CLI" --format json grievance "$@"
}
# listed USER ARGS...: the ids `grievance list ARGS` gives USER, sorted.
listed() {
  local user=$1
  shift
  g "$user" 0 list "$@" >/dev/null
  json "SELECT coalesce(string_agg(e->>'id', ',' ORDER BY (e->>'id')::bigint), '')
          FROM json_array_elements(:'doc'::json) e"
}
state_of() { it_psql -c "SELECT status || '/' || coalesce(answered_on::text, '') || '/' ||
                                coalesce(closed_on::text, '')
                           FROM aixin.grievances WHERE id = $1"; }
audited() { it_psql -c "SELECT count(*) FROM aixin.audit_log WHERE action = '$1'"; }
# refused_audited REQUEST: wait (10 s at most) for the refusal's audit row.
refused_audited() {
  local n
  for _ in $(seq 50); do
    n=$(audited "refused.$1")
    (( n > 0 )) && return 0
    sleep 0.2
  done
  it_fail "no audit row for the refused $1"
}
it_log "grievances received in $YEAR..$LAST, today $TODAY"

# --- the programme, accounts, a household with a child, a claim -------------
as admin 0 "$AIXIN_CLI" year open --year "$YEAR" --reference-date "$YEAR-01-01" --premium 30.00 \
  --city-subsidy 2.00 --county-share-range 6.00-20.00 --benefit illness=10000.00
as admin 0 "$AIXIN_CLI" insurer add --code chinalife --name 中国人寿
as admin 0 "$AIXIN_CLI" insurer add --code taikang --name 泰康人寿
as admin 0 "$AIXIN_CLI" terms set --county 360821 --year "$YEAR" --county-share 10.00 \
  --insurer chinalife
for spec in zhiyang:township_clerk:360821207 yongyang:township_clerk:360821101 \
            tengtian:township_clerk:360825105 jian_county:county_clerk:360821; do
  IFS=: read -r user role division <<<"$spec"
  AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username "$user" \
    --role "$role" --division "$division"
done
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username cl_li \
  --role insurer_adjuster --insurer chinalife --division 360800
AIXIN_NEW_PASSWORD=$PW as admin 0 "$AIXIN_CLI" account create --no-password-change --username tk_zhao \
  --role insurer_adjuster --insurer taikang --division 360800

guardian=$("$MAKE_ID" 360821 19900101 310 M)
child=$("$MAKE_ID" 360821 20230301 310 F)
as zhiyang 0 "$AIXIN_CLI" --format json household register --township 360821207 \
  --kind only_child --certificate CL-G-1 --guardian "$guardian:刘大"
household=$(field id)
as zhiyang 0 "$AIXIN_CLI" household add-child --household "$household" --id-number "$child" \
  --name 刘小一
as zhiyang 0 "$AIXIN_CLI" enroll --child "$child" --year "$YEAR"
as zhiyang 0 "$AIXIN_CLI" --format json claim file --child "$child" --year "$YEAR" \
  --event illness --incident-date "$D30" --received-on "$D30" --amount 2000.00
claim=$(field id)

# --- filing -----------------------------------------------------------------
g zhiyang 0 file --channel phone --claim "$claim" --summary 赔款迟迟未到 --received-on "$D20"
g1=$(field id)
it_assert_eq "open/phone/$D20/$(plus "$D20" 15)/true/claim/$claim/chinalife/360821207" \
  "$(field status channel received_on due_on overdue subject_kind subject insurer_code \
     township_code)" \
  "a phone grievance about a claim, received 20 days ago, is due after 15 days and overdue"
g zhiyang 0 file --channel visit --child "$child" --summary 不清楚孩子是否参保 --received-on "$D3"
g2=$(field id)
it_assert_eq "open/$(plus "$D3" 15)/false/child/360821207" \
  "$(field status due_on overdue subject_kind township_code)" \
  "a visit about a child's policy, received 3 days ago, is not overdue"
it_assert_eq "${child:0:6}********${child:14:4}" "$(field subject)" \
  "the child's ID number is shown masked"
g zhiyang 0 file --channel letter --township 360821207 --summary 希望扩大保险范围 \
  --received-on "$D20"
g3=$(field id)
it_assert_eq "none//360821207/true" "$(field subject_kind subject township_code overdue)" \
  "a letter about the programme concerns the township given"
g yongyang 0 file --channel letter --township 360821101 --summary 宣传不到位 --received-on "$D30"
g4=$(field id)
g jian_county 0 file --channel visit --guardian "$guardian" --summary 户籍信息有误 \
  --received-on "$D1"
g5=$(field id)
it_assert_eq "guardian/360821207" "$(field subject_kind township_code)" \
  "a county clerk files about a household of its county, by the guardian's ID"

# Refusals change nothing.
before=$(it_psql -c "SELECT count(*) FROM aixin.grievances")
g zhiyang 1 file --channel email --township 360821207 --summary x
it_assert_contains "$(it_last_stderr)" "channel" "an unknown channel is refused"
g zhiyang 2 file --channel phone --summary 无主题
g zhiyang 2 file --channel phone --claim "$claim" --child "$child" --summary 两个主题
g zhiyang 1 file --channel phone --township 360821207 --summary 明天 --received-on "$TOMORROW"
it_assert_contains "$(it_last_stderr)" "received_on" "a date received in the future is refused"
g zhiyang 1 file --channel phone --township 360821101 --summary 别的乡镇
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" \
  "a township clerk cannot file for another township"
g tengtian 1 file --channel phone --claim "$claim" --summary 别县的理赔
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" \
  "nor about a claim of another county"
g zhiyang 1 file --channel phone --claim 999999 --summary 不存在
it_assert_contains "$(it_last_stderr)" "NOT_FOUND" "a claim that does not exist is named"
g zhiyang 1 file --channel phone --claim "$claim" --township 360821101 --summary 乡镇不符
it_assert_contains "$(it_last_stderr)" "township_code" \
  "a township other than the subject's is refused"
g cl_li 1 file --channel phone --claim "$claim" --summary 保险公司
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "an adjuster does not file grievances"
it_assert_eq "$before" "$(it_psql -c "SELECT count(*) FROM aixin.grievances")" \
  "refused filings left no grievance"

# --- the life cycle ----------------------------------------------------------
g zhiyang 1 close --grievance "$g1" --resolution 已解决
it_assert_contains "$(it_last_stderr)" "CONFLICT" "closing before answering is refused"
it_assert_contains "$(it_last_stderr)" "not answered" "and says why"
g zhiyang 1 assign --grievance "$g1" --to tk_zhao
it_assert_contains "$(it_last_stderr)" "assignee" \
  "another insurer's adjuster cannot be given the grievance"
g zhiyang 1 assign --grievance "$g1" --to yongyang
it_assert_contains "$(it_last_stderr)" "assignee" "nor another township's clerk"
g zhiyang 0 assign --grievance "$g1" --to cl_li
it_assert_eq "assigned/cl_li" "$(field status assigned_to)" \
  "assigned to the adjuster of the claim's insurer"
g tk_zhao 1 answer --grievance "$g1" --answer 不是我们的
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "another insurer cannot answer"
g cl_li 1 answer --grievance "$g1" --answer 已付款 --on "$(plus "$D20" -1)"
it_assert_contains "$(it_last_stderr)" "answered_on" "an answer before the date received is refused"
g cl_li 0 answer --grievance "$g1" --answer 赔款已于昨日到账 --on "$D2"
it_assert_eq "answered/$D2/cl_li/false/false" \
  "$(field status answered_on answered_by answered_on_time overdue)" \
  "answered after the deadline: late, no longer overdue"
g zhiyang 1 answer --grievance "$g1" --answer 再答一次
it_assert_contains "$(it_last_stderr)" "CONFLICT" "a grievance is answered once"
g zhiyang 0 close --grievance "$g1" --resolution 群众满意
it_assert_eq "closed/$TODAY/zhiyang/群众满意" "$(field status closed_on closed_by resolution)" \
  "closed with its resolution"
g zhiyang 1 answer --grievance "$g1" --answer 关闭后再答
it_assert_contains "$(it_last_stderr)" "CONFLICT" "answering a closed grievance is refused"
g zhiyang 1 close --grievance "$g1" --resolution 再关一次
it_assert_contains "$(it_last_stderr)" "already closed" "closing twice is refused"
g zhiyang 1 assign --grievance "$g1" --to zhiyang
it_assert_contains "$(it_last_stderr)" "CONFLICT" "a closed grievance is not assigned again"
it_assert_eq "closed/$D2/$TODAY" "$(state_of "$g1")" "the refusals changed nothing"

g zhiyang 0 answer --grievance "$g2" --answer 已查询，孩子已参保 --on "$D1"
it_assert_eq "answered/true" "$(field status answered_on_time)" \
  "answered without assignment, before the deadline: on time"

g zhiyang 0 show --grievance "$g1"
it_assert_eq "file:open:zhiyang:$D20,assign:assigned:zhiyang:$TODAY,answer:answered:cl_li:$D2,close:closed:zhiyang:$TODAY" \
  "$(json "SELECT string_agg(concat_ws(':', e->>'action', e->>'to_status', e->>'username',
                                        e->>'on_date'), ',' ORDER BY ord)
             FROM json_array_elements(:'doc'::json->'history') WITH ORDINALITY AS t(e, ord)")" \
  "show lists every step with who and the paper date"
as zhiyang 0 "$AIXIN_CLI" grievance show --grievance "$g1"
it_assert_contains "$(it_last_stdout)" "群众满意" "the table shows the history"
it_assert_eq "5|2|1|2|1" \
  "$(it_psql -c "SELECT (SELECT count(*) FROM aixin.audit_log WHERE action = 'grievance.file') || '|' ||
                        (SELECT count(*) FROM aixin.audit_log WHERE action = 'grievance.answer') || '|' ||
                        (SELECT count(*) FROM aixin.audit_log WHERE action = 'grievance.assign') || '|' ||
                        (SELECT count(*) FROM aixin.grievance_events WHERE action = 'answer') || '|' ||
                        (SELECT count(*) FROM aixin.audit_log WHERE action = 'grievance.close')")" \
  "every step is audited and in the history"

# --- scope ---------------------------------------------------------------------
it_assert_eq "$g1,$g2,$g3,$g5" "$(listed zhiyang)" "a township clerk sees its township's grievances"
it_assert_eq "$g4" "$(listed yongyang)" "the other township sees its own"
it_assert_eq "$g1,$g2,$g3,$g4,$g5" "$(listed jian_county)" "the county sees its county's"
it_assert_eq "" "$(listed tengtian)" "another county sees none"
it_assert_eq "$g1" "$(listed cl_li)" "an adjuster sees those about its insurer's claims"
it_assert_eq "" "$(listed tk_zhao)" "another insurer's adjuster sees none"
g zhiyang 1 show --grievance "$g4"
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" \
  "another township's grievance is refused"
refused_audited get_grievance
it_pass "and the refusal is audited"
g zhiyang 1 answer --grievance "$g4" --answer 越权
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "nor may it be answered"
refused_audited answer_grievance
it_assert_eq "open//" "$(state_of "$g4")" "the refused answer changed nothing"
g zhiyang 1 list --division 360821101
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "listing another township is refused"

# --- list filters ----------------------------------------------------------------
it_assert_eq "$g3,$g5" "$(listed zhiyang --status open)" "--status open"
it_assert_eq "$g3,$g4" "$(listed jian_county --overdue)" "--overdue: not answered, past due"
it_assert_eq "$g4" "$(listed jian_county --division 360821101)" "--division"
it_assert_eq "" "$(listed jian_county --year 2001)" "--year"
g zhiyang 1 list --status pending
it_assert_contains "$(it_last_stderr)" "status" "an unknown status is refused"

# --- the report ----------------------------------------------------------------
as admin 0 "$AIXIN_CLI" --format json report grievances --from "$YEAR" --to "$LAST"
row() {
  json "SELECT concat_ws('/', r->>'filed', r->>'answered', r->>'answered_on_time', r->>'open',
                         r->>'open_overdue')
          FROM json_array_elements(:'doc'::json) r WHERE r->>'division' = '$1'"
}
it_assert_eq "5/2/1/4/2" "$(row 360800)" \
  "city: 5 filed, 2 answered, 1 on time, 4 not closed, 2 overdue"
it_assert_eq "5/2/1/4/2" "$(row 360821)" "all in 吉安县"
it_assert_eq "0/0/0/0/0" "$(row 360825)" "none in 永丰县"
as admin 0 "$AIXIN_CLI" --format json report grievances --from "$YEAR" --to "$LAST" \
  --division 360821
it_assert_eq "4/2/1/3/1" "$(row 360821207)" "the township's own grievances"
it_assert_eq "1/0/0/1/1" "$(row 360821101)" "and the other township's"
as zhiyang 0 "$AIXIN_CLI" report grievances --from "$YEAR" --to "$LAST"
it_assert_contains "$(it_last_stdout)" "360821207" "a township clerk reads its own report"
as zhiyang 1 "$AIXIN_CLI" report grievances --from "$YEAR" --to "$LAST" --division 360821
it_assert_contains "$(it_last_stderr)" "PERMISSION_DENIED" "but not its county's"
as admin 0 "$AIXIN_CLI" --format csv report grievances --from "$YEAR" --to "$LAST"
it_assert_contains "$(it_last_stdout)" "division,name,level,filed,answered,answered_on_time,open,open_overdue" \
  "CSV has the column keys"
as admin 0 "$AIXIN_CLI" report grievances --from "$YEAR" --to "$LAST" --format html \
  --output "$IT_TMP/grievances.html"
it_assert_contains "$(cat "$IT_TMP/grievances.html")" "</html>" "HTML page written"

# Parent = sum of children, and the figures against the table itself.
admin_id=$(it_psql -c "SELECT id FROM aixin.accounts WHERE username = 'admin'")
it_assert_eq 0 "$(it_psql -c "
  WITH roots(code) AS (SELECT '360800' UNION ALL SELECT code FROM aixin.divisions WHERE level = 'county'),
  r AS (SELECT x.code AS root, g.* FROM roots x
          CROSS JOIN LATERAL aixin.report_grievances($admin_id, $YEAR, $LAST, x.code) g)
  SELECT count(*) FROM r p
   WHERE p.division = p.root
     AND ROW(p.filed, p.answered, p.answered_on_time, p.open, p.open_overdue)::text IS DISTINCT FROM
         (SELECT ROW(sum(c.filed), sum(c.answered), sum(c.answered_on_time), sum(c.open),
                     sum(c.open_overdue))::text
            FROM r c WHERE c.root = p.root AND c.division <> p.root)")" \
  "every parent row is the sum of its children"
it_assert_eq "5|2|1|4|2" "$(it_psql -c "
  SELECT count(*) || '|' || count(answered_on) || '|' || count(*) FILTER (WHERE answered_on <= due_on)
         || '|' || count(*) FILTER (WHERE status <> 'closed') || '|'
         || count(*) FILTER (WHERE answered_on IS NULL AND due_on < aixin.local_today())
    FROM aixin.grievances")" "the city row matches the grievances themselves"

# --- the deadline is the year's setting -------------------------------------------
LC_ALL=zh_CN.UTF-8 LANGUAGE= as admin 0 "$AIXIN_CLI" year settings --year "$YEAR"
it_assert_contains "$(it_last_stdout)" "信访件自收到之日起的答复期限" \
  "the setting is described in Chinese"
as admin 0 "$AIXIN_CLI" year set --year "$YEAR" grievance_answer_days 10
g zhiyang 0 file --channel phone --township 360821207 --summary 十天期限 --received-on "$D30"
it_assert_eq "$(plus "$D30" 10)" "$(field due_on)" \
  "a year that sets 10 days gives grievances received in it 10 days"
if [[ $YEAR != "$LAST" ]]; then
  it_log "the other year keeps the default"
fi
g zhiyang 0 file --channel phone --township 360821207 --summary 今天收到
it_assert_eq "$TODAY" "$(field received_on)" "the date received defaults to today"
if it_psql -c "UPDATE aixin.grievances SET summary = 'changed' WHERE id = $g1" 2>/dev/null; then
  it_fail "a closed grievance was changed by hand"
fi
if it_psql -c "DELETE FROM aixin.grievance_events WHERE grievance_id = $g1" 2>/dev/null; then
  it_fail "the history lost a row"
fi
it_pass "the database keeps closed grievances and the history as they are"
