"""The browser half of it_desk.sh: headless Chromium driven by Selenium.

Run by it_desk.sh with /usr/bin/python3 (Debian's, with python3-selenium),
configured through the environment it exports. Every page it visits is
saved as ARTIFACTS/NN-name.png at 1366x768, and checked for markup leaking
out of names (HOSTILE holds an element with id "pwn": it must never become
an element). Exits non-zero on the first failed check.
"""
import base64
import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ENV = os.environ
ARTIFACTS = ENV["ARTIFACTS"]
shot_number = [0]


def fail(what):
    print("FAIL " + what, flush=True)
    sys.exit(1)


def ok(what):
    print("PASS " + what, flush=True)


def start_browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="desk-chromium.", dir=ENV["IT_TMP"])
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--user-data-dir=" + profile, "--lang=zh-CN",
                 "--window-size=1366,768"):
        opts.add_argument(flag)
    service = Service(executable_path="/usr/bin/chromedriver",
                      log_path=os.path.join(ENV["IT_TMP"], "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_window_size(1366, 768)
    driver.set_page_load_timeout(60)
    return driver


def page_checked(driver, name):
    """Screenshot the page and check that no name became markup."""
    shot_number[0] += 1
    path = os.path.join(ARTIFACTS, "%s-%02d-%s.png" % (sys.argv[1], shot_number[0], name))
    driver.save_screenshot(path)
    if driver.find_elements(By.ID, "pwn"):
        fail("%s: a name became markup" % name)
    if driver.find_elements(By.CSS_SELECTOR, "[src^='http'], [href^='http'], link"):
        fail("%s: the page refers to something outside the desk" % name)
    if driver.execute_script("return document.documentElement.lang") != "zh-CN":
        fail("%s: the page is not marked Chinese" % name)
    ok("%s: no markup from names, nothing from outside (%s)" % (name, path))


def wait(driver, seconds, condition):
    """Wait (bounded) for condition(driver), through page changes."""
    return WebDriverWait(driver, seconds, ignored_exceptions=[WebDriverException]).until(condition)


def body_text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def expect_text(driver, needle, what):
    """Wait (bounded) for the page that a click loads to show `needle`."""
    text = ""
    for _ in range(150):
        try:
            text = body_text(driver)
        except WebDriverException:
            # The page is being replaced by the one a click loads.
            text = ""
        if needle in text:
            ok(what)
            return
        time.sleep(0.1)
    fail("%s: [%s] not on the page:\n%s" % (what, needle, text[:3000]))


def fill(driver, name, value):
    el = driver.find_element(By.NAME, name)
    el.clear()
    el.send_keys(value)
    return el


def click_and_load(driver, id_):
    """Click a submit button and wait for the page it loads (the last
    page's messages must not be taken for the new one's)."""
    before = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, id_).click()

    def gone(_driver):
        try:
            before.is_enabled()
            return False
        except WebDriverException:  # stale, or no longer in the document
            return True
    WebDriverWait(driver, 60).until(gone)


def fill_id(driver, id_, value):
    el = driver.find_element(By.ID, id_)
    el.clear()
    el.send_keys(value)
    return el


def idcheck_of(driver, name):
    el = driver.find_element(By.NAME, name)
    return el.find_element(By.XPATH, "following-sibling::span[contains(@class,'idcheck')]")


def psql(sql):
    return subprocess.run(["psql", "-X", "-A", "-t", "-q", "-d", ENV["IT_CONNINFO"], "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def stop_daemon():
    pid = int(ENV["DAEMON_PID"])
    os.kill(pid, signal.SIGTERM)
    for _ in range(300):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    fail("aixind did not stop")


def start_daemon():
    # The same address as before, since the desk was started with it.  On
    # a busy machine another process may hold the port for a moment (an
    # outgoing connection given it as its ephemeral port): aixind then
    # exits, and is started again until the port is free.
    port = ENV["DAEMON_ARGS"].split()[1].rsplit(":", 1)[1]
    log_path = ENV["DAEMON_LOG"]
    for _attempt in range(10):
        with open(log_path, "a") as log:
            proc = subprocess.Popen([ENV["AIXIND"]] + ENV["DAEMON_ARGS"].split(),
                                    stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        with open(os.path.join(ENV["IT_TMP"], "daemon.pid"), "w") as f:
            f.write(str(proc.pid))
        for _ in range(300):
            out = subprocess.run(["ss", "-Htln", "sport = :" + port],
                                 capture_output=True, text=True).stdout
            if out.strip():
                return
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        if proc.poll() is None:
            break
        time.sleep(1)
    with open(log_path) as log:
        tail = log.read()[-2000:]
    fail("aixind did not listen again; its log ends:\n" + tail)


def clerk(driver):
    # --- log in ---
    driver.get(ENV["DESK_URL"])
    if "/?k=" in driver.current_url:
        fail("the key stayed in the address")
    ok("entered with the one-time key; the key is gone from the address")
    expect_text(driver, "登录", "the login page is in Chinese")
    page_checked(driver, "login")
    fill(driver, "username", "clerk01")
    fill(driver, "password", "wrong-password")
    driver.find_element(By.ID, "login").click()
    expect_text(driver, "拒绝", "a wrong password is refused, in Chinese")
    page_checked(driver, "login-refused")
    fill(driver, "username", "clerk01")
    fill(driver, "password", ENV["CLERK_PASSWORD"])
    driver.find_element(By.ID, "login").click()
    expect_text(driver, "乡镇计生专干", "who: the role in Chinese")
    expect_text(driver, "360821207", "who: the division")
    page_checked(driver, "start")

    # --- register: the live ID check ---
    driver.find_element(By.LINK_TEXT, "登记家庭").click()
    if driver.find_element(By.NAME, "township_code").get_attribute("value") != "360821207":
        fail("the clerk's township is not filled in")
    ok("the clerk's township is filled in")
    Select(driver.find_element(By.NAME, "policy_year")).select_by_value("2025")
    good = ENV["CHILD_ID"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    fill(driver, "children[0].id_number", bad)
    msg = idcheck_of(driver, "children[0].id_number")
    wait(driver, 10, lambda d: "校验" in msg.text)
    if "bad" not in msg.get_attribute("class"):
        fail("the wrong check digit is not marked bad")
    ok("live check: a wrong check digit is refused while typing: " + msg.text)
    page_checked(driver, "register-bad-check-digit")
    fill(driver, "children[0].id_number", ENV["OLD_CHILD_ID"])
    wait(driver, 10, lambda d: "0" in msg.text and "bad" in msg.get_attribute("class"))
    if "2015-01-01" not in msg.text or "10" not in msg.text:
        fail("live check of a child of 10: " + msg.text)
    ok("live check: birth date and age 10 shown, too old: " + msg.text)
    fill(driver, "children[0].id_number", good)
    wait(driver, 10, lambda d: "good" in msg.get_attribute("class"))
    if "2022-03-15" not in msg.text or "女" not in msg.text or "2" not in msg.text:
        fail("live check of a good number: " + msg.text)
    ok("live check: birth date, sex and age of a good number: " + msg.text)

    # The same checks by the desk itself when the form is sent as is
    # (without script: the browser only submits).
    driver.execute_script("document.querySelectorAll('input').forEach(function(i){i.setCustomValidity('')});")
    fill(driver, "certificate_no", "ZY-2025-001")
    Select(driver.find_element(By.NAME, "kind")).select_by_value("two_daughters")
    fill(driver, "guardians[0].id_number", ENV["GUARDIAN_ID"])
    fill(driver, "guardians[0].name", ENV["HOSTILE"])
    fill(driver, "guardians[1].id_number", ENV["GUARDIAN2_ID"])
    fill(driver, "guardians[1].name", "李娜")
    fill(driver, "children[0].id_number", bad)
    fill(driver, "children[0].name", "刘小雨" + ENV["HOSTILE"])
    fill(driver, "children[1].id_number", ENV["OLD_CHILD_ID"])
    fill(driver, "children[1].name", "刘大哥")
    driver.execute_script("document.getElementById('register-form').submit();")
    wait(driver, 20, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice"))
    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field .err") if e.text]
    if not any("校验" in e for e in errors) or not any("0" in e and "6" in e for e in errors):
        fail("the desk did not refuse the check digit and the age: %r" % errors)
    ok("sent without the script's help: the desk refuses both: %r" % errors)
    if driver.find_element(By.NAME, "guardians[0].name").get_attribute("value") != ENV["HOSTILE"]:
        fail("the form lost what was typed")
    ok("the refused form keeps what was typed")
    page_checked(driver, "register-refused-by-desk")
    if psql("SELECT count(*) FROM aixin.households WHERE certificate_no = 'ZY-2025-001'") != "0":
        fail("a refused form registered something")
    ok("nothing registered by the refused form")

    # --- register and enroll ---
    fill(driver, "children[0].id_number", good)
    fill(driver, "children[1].id_number", ENV["CHILD2_ID"])
    fill(driver, "children[1].name", "刘小红")
    driver.find_element(By.ID, "register").click()
    wait(driver, 30, lambda d: d.find_elements(By.ID, "household"))
    expect_text(driver, "2 个子女已参保", "registered and enrolled in one form")
    rows = driver.find_elements(By.CSS_SELECTOR, "#children tr.child")
    if len(rows) != 2:
        fail("the household shows %d children" % len(rows))
    if ENV["HOSTILE"] not in body_text(driver):
        fail("the hostile name is not shown as text")
    ok("the household with its two children; the hostile name shown as text")
    page_checked(driver, "household-registered")
    # Printable: the print style hides the menus and forms.
    pdf = base64.b64decode(driver.print_page())
    with open(os.path.join(ARTIFACTS, "clerk-household.pdf"), "wb") as f:
        f.write(pdf)
    if not pdf.startswith(b"%PDF") or len(pdf) < 10000:
        fail("the household page does not print (%d bytes)" % len(pdf))
    ok("the household page prints: %d bytes of PDF" % len(pdf))

    # --- find ---
    driver.find_element(By.LINK_TEXT, "查找家庭").click()
    page_checked(driver, "find")
    fill(driver, "guardian_id_number", ENV["GUARDIAN2_ID"])
    driver.find_element(By.ID, "find").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "household"))
    expect_text(driver, "ZY-2025-001", "found by the second guardian's ID number")
    if len(driver.find_elements(By.CSS_SELECTOR, "#children tr.policy")) != 2:
        fail("the policies of 2025 are not listed")
    ok("the children's 2025 policies are listed")
    page_checked(driver, "found-by-guardian")
    driver.get(ENV["DESK_ORIGIN"] + "/household/find?child_id_number=" + ENV["CHILD2_ID"])
    wait(driver, 20, lambda d: d.find_elements(By.ID, "child-policies"))
    if len(driver.find_elements(By.CSS_SELECTOR, "#child-policies tr.policy")) != 1:
        fail("found by the child's ID number: not one policy")
    ok("found by a child's ID number (a plain GET, as a tool would)")
    page_checked(driver, "found-by-child")

    # --- import a file with bad rows ---
    driver.find_element(By.LINK_TEXT, "导入参保文件").click()
    page_checked(driver, "import")
    driver.find_element(By.ID, "file").send_keys(ENV["IMPORT_CSV"])
    driver.find_element(By.ID, "import-start").click()
    wait(driver, 120, lambda d: d.find_elements(By.ID, "import-result"))
    counts = {k: driver.find_element(By.ID, k).text for k in
              ("n-records", "n-enrolled", "n-refused", "n-not-done")}
    if counts != {"n-records": "4", "n-enrolled": "2", "n-refused": "2", "n-not-done": "0"}:
        fail("import counts: %r" % counts)
    ok("import: 4 rows, 2 enrolled, 2 refused: %r" % counts)
    lines = [r.find_elements(By.TAG_NAME, "td")[0].text
             for r in driver.find_elements(By.CSS_SELECTOR, "tr.refused-row")]
    if lines != ["3", "5"]:
        fail("refused lines on the page: %r" % lines)
    ok("the refused rows on the page are lines 3 and 5")
    page_checked(driver, "import-result")
    link = driver.find_element(By.ID, "refused-download")
    if link.get_attribute("download") is None:
        fail("the refused rows are not offered as a download")
    csv_text = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(function (r) { return r.text(); }).then(done);",
        link.get_attribute("href"))
    with open(os.path.join(ARTIFACTS, "refused-rows.csv"), "w", encoding="utf-8") as f:
        f.write(csv_text)
    rows = list(csv.reader(io.StringIO(csv_text)))
    if len(rows) != 3 or rows[0][:3] != ["line", "reason", "field"] \
            or [r[0] for r in rows[1:]] != ["3", "5"] \
            or rows[1][rows[0].index("child_id")] != ENV["BAD_IMPORT_CHILD"] \
            or not rows[1][1] or not rows[2][1]:
        fail("the downloaded refused rows: %r" % rows)
    ok("downloaded the refused rows: lines 3 and 5 with reasons and their columns")
    if psql("SELECT count(*) FROM aixin.policies p JOIN aixin.households h ON h.id = p.household_id "
            "WHERE h.certificate_no LIKE 'IMP-%'") != "2":
        fail("the import's policies are not in the database")
    ok("the two good rows are enrolled")

    # --- the same file again: the run of `aixin import enrollments` ---
    # Its progress file (kept with the session) lists the two rows this
    # database acknowledged: they are skipped, not sent; the refused ones
    # are judged again.
    driver.get(ENV["DESK_ORIGIN"] + "/import")
    driver.find_element(By.ID, "file").send_keys(ENV["IMPORT_CSV"])
    # The import page shows the last run's result too: wait for the page
    # the click leads to (a check of the old page while it is replaced may
    # fail in Chromium itself: click_and_load takes that as replaced),
    # then for the new run's result.
    click_and_load(driver, "import-start")
    wait(driver, 120,
         lambda d: d.find_elements(By.ID, "import-result") and d.find_elements(By.ID, "n-not-done"))
    again = {k: driver.find_element(By.ID, k).text for k in
             ("n-records", "n-enrolled", "n-already", "n-skipped", "n-refused",
              "n-refused-here", "n-refused-server", "n-not-done")}
    if again != {"n-records": "4", "n-enrolled": "0", "n-already": "2", "n-skipped": "2",
                 "n-refused": "2", "n-refused-here": "1", "n-refused-server": "1",
                 "n-not-done": "0"}:
        fail("import of the same file again: %r" % again)
    ok("the same file again: 2 skipped as acknowledged, 2 refused again: %r" % again)
    if psql("SELECT count(*) FROM aixin.policies p JOIN aixin.households h ON h.id = p.household_id "
            "WHERE h.certificate_no LIKE 'IMP-%'") != "2":
        fail("importing the file again changed the policies")
    ok("importing the file again enrolled nobody twice")

    # --- a file as Excel saves it: GB18030, Chinese headers ---
    driver.get(ENV["DESK_ORIGIN"] + "/import")
    driver.find_element(By.ID, "file").send_keys(ENV["IMPORT_CSV_GB"])
    click_and_load(driver, "import-start")
    wait(driver, 120,
         lambda d: d.find_elements(By.ID, "import-result") and d.find_elements(By.ID, "n-not-done"))
    counts = {k: driver.find_element(By.ID, k).text for k in
              ("n-records", "n-enrolled", "n-refused", "n-not-done")}
    if counts != {"n-records": "4", "n-enrolled": "2", "n-refused": "2", "n-not-done": "0"}:
        fail("GB18030 import counts: %r" % counts)
    ok("the GB18030 file: 4 rows (empty ones not counted), 2 enrolled, 2 refused")
    columns = [r.find_elements(By.TAG_NAME, "td")[2].text
               for r in driver.find_elements(By.CSS_SELECTOR, "tr.refused-row")]
    if columns != ["子女身份证号", "子女身份证号"]:
        fail("the refused rows' column is not named as the file names it: %r" % columns)
    page_checked(driver, "import-gb18030")
    link = driver.find_element(By.ID, "refused-download")
    got = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(function (r) {"
        "  return r.arrayBuffer().then(function (b) {"
        "    done([r.headers.get('Content-Type'), Array.from(new Uint8Array(b))]); }); });",
        link.get_attribute("href"))
    raw = bytes(got[1])
    with open(os.path.join(ARTIFACTS, "refused-rows-gb18030.csv"), "wb") as f:
        f.write(raw)
    if "gb18030" not in got[0].lower():
        fail("the refused rows of a GB18030 file are sent as %s" % got[0])
    try:
        raw.decode("utf-8")
        fail("the refused rows of a GB18030 file came back in UTF-8")
    except UnicodeDecodeError:
        pass
    rows = list(csv.reader(io.StringIO(raw.decode("gb18030"))))
    header = rows[0] if rows else []
    if "子女身份证号" not in header or [r[0] for r in rows[1:] if r] != ["3", "5"]:
        fail("the GB18030 refused rows: %r" % rows)
    child = header.index("子女身份证号")
    if rows[1][child] != ENV["GB_BAD_CHILD"] or rows[2][child] != ENV["GB_OLD_CHILD"] \
            or not any("\u4e00" <= ch <= "\u9fff" for ch in rows[2][1]):
        fail("the GB18030 refused rows lack their child or a Chinese reason: %r" % rows)
    ok("the refused rows come back in GB18030 with Chinese headers and reasons: %r" % rows[1:])
    if psql("SELECT count(*) FROM aixin.policies p JOIN aixin.households h ON h.id = p.household_id "
            "WHERE h.certificate_no LIKE 'IMG-%'") != "2":
        fail("the GB18030 file's policies are not in the database")
    ok("the GB18030 file's two good rows are enrolled")
    # --- file a claim with its documents ---
    driver.find_element(By.LINK_TEXT, "理赔").click()
    page_checked(driver, "claims-clerk")
    driver.find_element(By.LINK_TEXT, "报案").click()
    fill(driver, "child_id_number", good)
    fill(driver, "policy_year", "2025")
    Select(driver.find_element(By.NAME, "event")).select_by_value("illness")
    fill(driver, "incident_date", "2025-06-01")
    fill(driver, "amount_yuan", "6000.00")
    fill(driver, "documents", "诊断证明\n住院发票")
    fill(driver, "description", "肺炎住院" + ENV["HOSTILE"])
    driver.find_element(By.NAME, "documents_complete").click()
    page_checked(driver, "claim-file")
    driver.find_element(By.ID, "file-claim").click()
    expect_text(driver, "已报案", "the claim is filed")
    if len(driver.find_elements(By.CSS_SELECTOR, "#claim-history tr")) < 2:
        fail("the claim's history has no filing")
    ok("the claim shows its history")
    page_checked(driver, "claim-filed")
    # Documents brought in later.
    fill_id(driver, "more_documents", "户口本复印件\n病历")
    click_and_load(driver, "act-documents")
    expect_text(driver, "已为该理赔补充 2 份材料", "two documents added to the filed claim")
    if psql("SELECT count(*) FROM aixin.claim_documents WHERE name IN ('户口本复印件', '病历')") != "2":
        fail("the added documents are not in the database")
    ok("the added documents are in the database")
    history = driver.find_element(By.ID, "claim-history").text
    if "材料已齐全" not in history or "documents complete" in history or "add_documents" in history:
        fail("the claim's history is not in Chinese: %r" % history)
    ok("the claim's history speaks Chinese")
    page_checked(driver, "claim-documents-added")

    # --- census and ledger ---
    driver.find_element(By.LINK_TEXT, "乡镇摸底").click()
    fill(driver, "policy_year", "2025")
    fill(driver, "eligible_households", "9")
    fill(driver, "note", "村里复核" + ENV["HOSTILE"])
    driver.find_element(By.ID, "census-submit").click()
    expect_text(driver, "已保存", "the census is submitted")
    revisions = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#census-table tr.census")]
    if len(revisions) != 1 or " 9 2 " not in " " + revisions[0] + " ":
        fail("the census shows %r" % revisions)
    ok("the census: 9 eligible households, revision 2")
    page_checked(driver, "census")
    driver.find_element(By.LINK_TEXT, "台账").click()
    year = driver.find_element(By.ID, "d_policy_year")
    year.clear()
    year.send_keys("2025")
    fill(driver, "amount_yuan", "36.00")
    fill(driver, "paid_on", "2025-12-20")
    fill(driver, "reference", "ZY-2025-01")
    driver.find_element(By.ID, "disbursement-submit").click()
    expect_text(driver, "已保存", "the disbursement is recorded")
    rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#ledger-table tr.ledger")]
    if not any("360821207" in r and "36.00" in r for r in rows):
        fail("the ledger does not show the township's 36.00: %r" % rows)
    ok("the ledger shows what the township paid")
    page_checked(driver, "ledger")

    # --- the city cannot be reached: the spool ---
    driver.get(ENV["DESK_ORIGIN"] + "/household/find?guardian_id_number=" + ENV["GUARDIAN_ID"])
    wait(driver, 20, lambda d: d.find_elements(By.ID, "household"))
    stop_daemon()
    ok("aixind stopped")
    row = [r for r in driver.find_elements(By.CSS_SELECTOR, "#children tr.child")
           if good in r.text][0]
    row.find_element(By.NAME, "policy_year").send_keys("2026")
    row.find_element(By.CSS_SELECTOR, "button.enroll").click()
    wait(driver, 60, lambda d: d.find_elements(By.ID, "spool-line"))
    waiting = driver.find_element(By.ID, "spool-waiting").text
    if waiting != "1":
        fail("the spool line says %s waiting" % waiting)
    expect_text(driver, "无法连接", "the spool line says the city cannot be reached")
    ok("the spool line: 1 change waiting")
    page_checked(driver, "offline-spool-line")
    driver.find_element(By.LINK_TEXT, "首页").click()
    if driver.find_element(By.ID, "spool-waiting").text != "1":
        fail("the spool line is not on every page")
    ok("the spool line stays on the next page")
    page_checked(driver, "offline-start")
    driver.get(ENV["DESK_ORIGIN"] + "/report?kind=enrollment&year_from=2025")
    if driver.find_element(By.ID, "spool-waiting").text != "1":
        fail("the spool line is not on the report page while the city is away")
    ok("the spool line is on the report page too")
    page_checked(driver, "offline-report")
    if psql("SELECT count(*) FROM aixin.policies WHERE policy_year = 2026") != "0":
        fail("a policy of 2026 exists while the server was down")
    start_daemon()
    ok("aixind back")
    # A report made while a change still waits carries the line and its
    # button: the change is sent from there.
    driver.get(ENV["DESK_ORIGIN"] + "/report?kind=enrollment&year_from=2025")
    wait(driver, 30, lambda d: d.find_elements(By.ID, "back-to-reports"))
    if driver.find_element(By.ID, "spool-waiting").text != "1":
        fail("a report does not carry the spool line while a change waits")
    ok("a report carries the spool line while a change waits")
    page_checked(driver, "report-spool-line")
    driver.find_element(By.ID, "sync-button").click()
    wait(driver, 60, lambda d: "已送达" in body_text(d))
    expect_text(driver, "1 项已送达", "sent: 1 delivered")
    if driver.find_elements(By.ID, "spool-line"):
        fail("the spool line is still shown after sending")
    ok("the spool line is gone")
    page_checked(driver, "spool-sent")
    if psql("SELECT count(*) FROM aixin.policies WHERE policy_year = 2026") != "1":
        fail("the spooled enrollment is not in the database")
    ok("the spooled enrollment is in the database")

    # --- the administration page is the city's: a clerk is refused ---
    driver.find_element(By.LINK_TEXT, "系统管理").click()
    expect_text(driver, "本页面供市级管理员使用", "the clerk is told the page is the city's")
    fill(driver, "code", "clerkins")
    fill(driver, "name", "不该有")
    driver.find_element(By.ID, "insurer-register").click()
    wait(driver, 20, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice.error"))
    refusal = driver.find_element(By.CSS_SELECTOR, ".notice.error").text
    if not any("\u4e00" <= ch <= "\u9fff" for ch in refusal):
        fail("the clerk's refusal is not in Chinese: %r" % refusal)
    if psql("SELECT count(*) FROM aixin.insurers WHERE code = 'clerkins'") != "0":
        fail("a clerk registered an insurer")
    ok("a clerk's change on the administration page is refused, in Chinese: %s" % refusal)
    page_checked(driver, "admin-refused-clerk")

    # --- log out ---
    driver.find_element(By.ID, "logout").click()
    expect_text(driver, "已退出", "logged out")
    page_checked(driver, "logged-out")


def login(driver, user, password):
    driver.get(ENV["DESK_URL"])
    # The office PC may still hold the last user's session: end it.
    for button in driver.find_elements(By.ID, "logout"):
        button.click()
        expect_text(driver, "已退出", "the last user logged out")
    fill(driver, "username", user)
    fill(driver, "password", password)
    driver.find_element(By.ID, "login").click()
    expect_text(driver, user + " ·", "logged in as " + user)


def password_hash(user):
    return psql("SELECT password_hash FROM aixin.accounts WHERE username = '%s'" % user)


def change_password(driver, user, old, new):
    """The account's own password, changed on the desk: a wrong current
    password and two different new ones are refused in Chinese and change
    nothing; then the change, which keeps this session."""
    before = password_hash(user)
    driver.find_element(By.ID, "password-link").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "password-form"))
    expect_text(driver, "修改密码", "the password page is in Chinese")
    page_checked(driver, "password")
    fill(driver, "old_password", old + "-wrong")
    fill(driver, "new_password", new)
    fill(driver, "new_password_again", new)
    click_and_load(driver, "password-change")
    wait(driver, 20, lambda d: d.find_elements(By.ID, "error-old_password"))
    if "原密码错误" not in driver.find_element(By.ID, "error-old_password").text:
        fail("a wrong current password is not shown at its field: %r" % body_text(driver)[:2000])
    ok("a wrong current password is refused at its field, in Chinese")
    page_checked(driver, "password-wrong")
    fill(driver, "old_password", old)
    fill(driver, "new_password", new)
    fill(driver, "new_password_again", new + "x")
    click_and_load(driver, "password-change")
    wait(driver, 20, lambda d: d.find_elements(By.ID, "error-new_password_again"))
    if "不一致" not in driver.find_element(By.ID, "error-new_password_again").text:
        fail("two different new passwords are not refused: %r" % body_text(driver)[:2000])
    ok("two different new passwords are refused")
    if password_hash(user) != before:
        fail("a refused password change changed the password")
    ok("the refused changes left the password as it was")
    fill(driver, "old_password", old)
    fill(driver, "new_password", new)
    fill(driver, "new_password_again", new)
    click_and_load(driver, "password-change")
    expect_text(driver, "密码已修改", "the password is changed")
    page_checked(driver, "password-changed")
    if password_hash(user) == before:
        fail("the password in the database is the old one")
    if psql("SELECT count(*) FROM aixin.audit_log a JOIN aixin.accounts c ON c.id = a.account_id "
            "WHERE c.username = '%s' AND a.action = 'account.password_change'" % user) != "1":
        fail("the password change is not in the audit log once")
    ok("the new password is stored and the change audited")


def adjuster(driver):
    # The administrator handed out the first password: the adjuster sets
    # one of their own before anything else, and works on in this session.
    new_password = ENV["ADJUSTER_PASSWORD"] + "-mine"
    login(driver, "adjuster01", ENV["ADJUSTER_PASSWORD"])
    if not driver.current_url.endswith("/password"):
        fail("the adjuster, whose password the administrator set, is not sent to "
             "the password page: %s" % driver.current_url)
    expect_text(driver, "管理员设置", "the password page says why it comes first")
    page_checked(driver, "password-first")
    driver.get(ENV["DESK_ORIGIN"] + "/claims")
    expect_text(driver, "请先修改密码", "the claims queue is refused until the password is changed")
    page_checked(driver, "claims-before-password")
    if psql("SELECT password_change_required FROM aixin.accounts WHERE username = 'adjuster01'") != "t":
        fail("the adjuster's password is not marked as set by the administrator")
    change_password(driver, "adjuster01", ENV["ADJUSTER_PASSWORD"], new_password)
    if psql("SELECT password_change_required FROM aixin.accounts WHERE username = 'adjuster01'") != "f":
        fail("the adjuster's own password is still marked as set by the administrator")
    driver.get(ENV["DESK_ORIGIN"] + "/")
    expect_text(driver, "保险理赔员", "who: the adjuster's role in Chinese")
    driver.find_element(By.LINK_TEXT, "理赔").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "claims-queue"))
    claims = driver.find_elements(By.CSS_SELECTOR, "#week tr.claim")
    if len(claims) != 1:
        fail("the queue's 'within 7 days' holds %d claims" % len(claims))
    ok("the queue: the 6,000-yuan claim is due within 7 days")
    page_checked(driver, "adjuster-queue")
    claims[0].find_element(By.TAG_NAME, "a").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "claim"))
    page_checked(driver, "claim")
    driver.find_element(By.ID, "act-review").click()
    expect_text(driver, "审核中", "review started")
    fill(driver, "approved_yuan", "6000.00")
    driver.find_element(By.ID, "act-approve").click()
    expect_text(driver, "已核准", "approved 6,000 yuan")
    page_checked(driver, "claim-approved")
    Select(driver.find_element(By.NAME, "method")).select_by_value("cash")
    driver.find_element(By.ID, "act-pay").click()
    expect_text(driver, "送到家", "paying 6,000 yuan without home delivery is refused")
    if driver.find_element(By.ID, "claim-state").text != "已核准":
        fail("the claim changed although the payment was refused")
    ok("the claim is still approved, not paid")
    page_checked(driver, "claim-pay-refused")
    if psql("SELECT state FROM aixin.claims WHERE amount_claimed_fen = 600000") != "approved":
        fail("the refused payment changed the database")
    Select(driver.find_element(By.NAME, "method")).select_by_value("cash")
    driver.find_element(By.ID, "delivered_home").click()
    driver.find_element(By.ID, "act-pay").click()
    wait(driver, 20, lambda d: d.find_element(By.ID, "claim-state").text == "已赔付")
    ok("paid with home delivery")
    page_checked(driver, "claim-paid")
    fill(driver, "note", "回访：家属满意" + ENV["HOSTILE"])
    driver.find_element(By.ID, "act-visit").click()
    expect_text(driver, "回访：家属满意", "a visit is recorded")
    page_checked(driver, "claim-visited")
    # Only the new password lets the adjuster in again.
    driver.find_element(By.ID, "logout").click()
    expect_text(driver, "已退出", "the adjuster logged out")
    fill(driver, "username", "adjuster01")
    fill(driver, "password", ENV["ADJUSTER_PASSWORD"])
    driver.find_element(By.ID, "login").click()
    expect_text(driver, "拒绝", "the first password no longer logs in")
    fill(driver, "username", "adjuster01")
    fill(driver, "password", new_password)
    driver.find_element(By.ID, "login").click()
    expect_text(driver, "adjuster01 ·", "the adjuster logs in with the password they chose")


def four_eyes(driver):
    """An approval another adjuster asked for, above the year's threshold:
    listed on the page of actions awaiting confirmation; declining without
    a reason is refused; confirmed, it counts."""
    claim = ENV["FOUR_EYES_CLAIM"]
    login(driver, "adjuster01", ENV["ADJUSTER_PASSWORD"] + "-mine")
    driver.find_element(By.LINK_TEXT, "待确认").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "pending-table"))

    def waiting_rows(d):
        return d.find_elements(By.CSS_SELECTOR, '#pending-table tr.pending[data-state="pending"]')
    rows = waiting_rows(driver)
    if len(rows) != 1 or claim not in rows[0].text or "3,000.00" not in rows[0].text:
        fail("the page does not list the one approval waiting: %r" % [r.text for r in rows])
    ok("the approval of 3,000 yuan waits for a second adjuster")
    page_checked(driver, "pending")
    rows[0].find_element(By.CSS_SELECTOR, "button.pending-decline").click()
    expect_text(driver, "请写明驳回理由", "declining without a reason is refused")
    if psql("SELECT state FROM aixin.pending_actions WHERE claim_id = %s" % claim) != "pending":
        fail("the refused decline changed the pending action")
    rows = waiting_rows(driver)
    rows[0].find_element(By.CSS_SELECTOR, "button.pending-confirm").click()
    expect_text(driver, "已确认", "the second adjuster confirms the approval")
    page_checked(driver, "pending-confirmed")
    if waiting_rows(driver):
        fail("the confirmed action is still listed as waiting")
    ok("nothing waits any more")


def fetch_bytes(driver, href):
    """The content type and bytes of a desk download, fetched by the page."""
    got = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(function (r) {"
        "  return r.arrayBuffer().then(function (b) {"
        "    done([r.headers.get('Content-Type'), Array.from(new Uint8Array(b))]); }); });",
        href)
    return got[0], bytes(got[1])


def export_pages(driver):
    """A year's policies as CSV for Excel (GB18030) and its claims as a
    FHIR Bundle, made on the desk and downloaded; a form without its year
    is refused at the field."""
    driver.find_element(By.LINK_TEXT, "导出").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "export-form"))
    page_checked(driver, "export")
    fill(driver, "division_code", "36082")
    click_and_load(driver, "export-start")
    wait(driver, 20, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice.error"))
    for field in ("policy_year", "division_code"):
        if not driver.find_element(By.ID, field).find_elements(
                By.XPATH, "following-sibling::span[@class='err' and normalize-space()]"):
            fail("an export without its year and with a 5-digit division is not "
                 "refused at %s" % field)
    ok("an export without its year and with a 5-digit division is refused at both fields")
    page_checked(driver, "export-refused")
    fill(driver, "division_code", "")
    fill(driver, "policy_year", "2025")
    click_and_load(driver, "export-start")
    wait(driver, 120, lambda d: d.find_elements(By.ID, "export-download"))
    page_checked(driver, "export-done")
    kind, raw = fetch_bytes(driver, driver.find_element(By.ID, "export-download").get_attribute("href"))
    with open(os.path.join(ARTIFACTS, "policies-2025.csv"), "wb") as f:
        f.write(raw)
    if "gb18030" not in kind.lower():
        fail("the CSV for Excel is sent as %s" % kind)
    rows = list(csv.reader(io.StringIO(raw.decode("gb18030"))))
    want = psql("SELECT count(*) FROM aixin.policies WHERE policy_year = 2025")
    if str(len(rows) - 1) != want:
        fail("the export of 2025 has %d policies, the database %s" % (len(rows) - 1, want))
    if not any(ENV["CHILD_ID"] in r for r in rows[1:]):
        fail("the city's export does not hold the child's whole ID number")
    ok("2025's %s policies exported as GB18030 CSV, whole ID numbers for the city" % want)
    Select(driver.find_element(By.NAME, "kind")).select_by_value("claims")
    Select(driver.find_element(By.NAME, "format")).select_by_value("fhir")
    fill(driver, "policy_year", "2025")
    click_and_load(driver, "export-start")
    wait(driver, 120, lambda d: d.find_elements(By.ID, "export-download"))
    kind, raw = fetch_bytes(driver, driver.find_element(By.ID, "export-download").get_attribute("href"))
    with open(os.path.join(ARTIFACTS, "claims-2025.json"), "wb") as f:
        f.write(raw)
    bundle = json.loads(raw.decode("utf-8"))
    claims = [e for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "Claim"]
    want = psql("SELECT count(*) FROM aixin.claims c JOIN aixin.policies p ON p.id = c.policy_id "
                "WHERE p.policy_year = 2025")
    if "fhir" not in kind or bundle.get("resourceType") != "Bundle" or str(len(claims)) != want:
        fail("the FHIR export of 2025's claims: %s, %d claims, the database %s" %
             (kind, len(claims), want))
    ok("2025's %s claims exported as a FHIR Bundle" % want)


def audit_page(driver):
    """The audit log in words, and the check of its hash chain."""
    driver.find_element(By.LINK_TEXT, "审计日志").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "audit-table"))
    fill(driver, "username", "admin")
    click_and_load(driver, "audit-show")
    rows = driver.find_elements(By.CSS_SELECTOR, '#audit-table tr.audit[data-action="account.create"]')
    if not rows or "新建账号" not in rows[0].text:
        fail("the audit log does not show the accounts created, in words")
    if driver.find_elements(By.CSS_SELECTOR, '#audit-table tr.audit:not([data-action]), '
                                             '#audit-table tr.audit td:nth-child(3):empty'):
        fail("an audit row without its action or account")
    ok("the audit log: %d rows of admin, 'account.create' as 新建账号" %
       len(driver.find_elements(By.CSS_SELECTOR, "#audit-table tr.audit")))
    page_checked(driver, "audit")
    # Every action this session's work wrote (about thirty kinds) in words.
    fill(driver, "username", "")
    click_and_load(driver, "audit-show")
    raw = sorted({r.get_attribute("data-action")
                  for r in driver.find_elements(By.CSS_SELECTOR, "#audit-table tr.audit")
                  if r.find_elements(By.TAG_NAME, "td")[3].text == r.get_attribute("data-action")})
    if raw:
        fail("audit actions shown as their codes, without words: %s" % ", ".join(raw))
    kinds = {r.get_attribute("data-action")
             for r in driver.find_elements(By.CSS_SELECTOR, "#audit-table tr.audit")}
    ok("all %d kinds of action in the log are in words" % len(kinds))
    click_and_load(driver, "audit-verify")
    expect_text(driver, "审计日志完整", "the audit log's hash chain is intact")
    page_checked(driver, "audit-verified")


def settings_page(driver):
    """2025's settings in words, the approval threshold set by the command
    line shown as yuan; the payout threshold typed wrongly, then set."""
    driver.find_element(By.LINK_TEXT, "年度参数").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "settings-table"))
    fill(driver, "year", "2025")
    click_and_load(driver, "settings-show")
    row = driver.find_element(By.CSS_SELECTOR, '#settings-table tr.setting[data-name="four_eyes_approval_fen"]')
    if row.find_element(By.CSS_SELECTOR, "td.setting-value").text != "1000.00" or "本年度已设置" not in row.text:
        fail("2025's approval threshold is not shown as 1000.00 yuan set for the year: %r" % row.text)
    ok("2025's settings: the approval threshold of 1,000 yuan, set for the year")
    page_checked(driver, "settings")
    Select(driver.find_element(By.NAME, "name")).select_by_value("four_eyes_supplementary_fen")
    fill(driver, "value", "五百")
    click_and_load(driver, "setting-save")
    expect_text(driver, "请输入以元为单位的金额", "a threshold that is no amount is refused")
    if driver.find_element(By.ID, "value").get_attribute("value") != "五百":
        fail("the refused setting form lost what was typed")
    Select(driver.find_element(By.NAME, "name")).select_by_value("four_eyes_supplementary_fen")
    fill(driver, "value", "500")
    click_and_load(driver, "setting-save")
    expect_text(driver, "已保存", "the payout threshold of 2025 is set")
    if psql("SELECT value FROM aixin.year_settings WHERE policy_year = 2025 "
            "AND name = 'four_eyes_supplementary_fen'") != "50000":
        fail("the payout threshold of 2025 is not 500 yuan in the database")
    ok("the payout threshold of 2025 is 500 yuan (50000 fen) in the database")
    page_checked(driver, "settings-saved")


def grievances(driver):
    """The overdue grievance, found, assigned, answered and closed on the
    desk; one received by phone recorded; one about a claim that does not
    exist refused in Chinese, the form kept."""
    driver.find_element(By.LINK_TEXT, "信访").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "grievance-table"))
    driver.find_element(By.ID, "overdue").click()
    click_and_load(driver, "grievance-show")
    rows = driver.find_elements(By.CSS_SELECTOR, "#grievance-table tr.grievance")
    if len(rows) != 1 or "宣传不到位" not in rows[0].text or "超期" not in rows[0].text:
        fail("the overdue list does not hold the one overdue grievance: %r" %
             [r.text for r in rows])
    ok("the overdue grievance is listed, marked overdue")
    page_checked(driver, "grievances-overdue")
    rows[0].find_element(By.TAG_NAME, "a").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "grievance"))
    page_checked(driver, "grievance")
    fill(driver, "assignee", "admin")
    click_and_load(driver, "grievance-assign")
    expect_text(driver, "已保存", "the grievance is assigned")
    if driver.find_element(By.ID, "grievance-assignee").text != "admin":
        fail("the grievance does not show its assignee")
    fill(driver, "text", "已向村民解释政策" + ENV["HOSTILE"])
    click_and_load(driver, "grievance-answer-send")
    expect_text(driver, "已保存", "the grievance is answered")
    fill(driver, "text", "村民满意")
    click_and_load(driver, "grievance-close")
    expect_text(driver, "已保存", "the grievance is closed")
    page_checked(driver, "grievance-closed")
    if psql("SELECT g.status || ' ' || a.username || ' ' || (g.answered_on IS NOT NULL) "
            "FROM aixin.grievances g JOIN aixin.accounts a ON a.id = g.assigned_to "
            "WHERE g.summary = '宣传不到位'") != "closed admin true":
        fail("the grievance is not assigned, answered and closed in the database: %r" %
             psql("SELECT status FROM aixin.grievances WHERE summary = '宣传不到位'"))
    if psql("SELECT string_agg(e.action, ',' ORDER BY e.id) FROM aixin.grievance_events e "
            "JOIN aixin.grievances g ON g.id = e.grievance_id WHERE g.summary = '宣传不到位'") \
            != "file,assign,answer,close":
        fail("the grievance's history is not file, assign, answer, close")
    ok("assigned, answered and closed, each step in its history")
    # Received by phone, about the programme in a township.
    driver.find_element(By.LINK_TEXT, "信访").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "grievance-file-form"))
    Select(driver.find_element(By.NAME, "channel")).select_by_value("phone")
    Select(driver.find_element(By.NAME, "subject_kind")).select_by_value("claim")
    fill(driver, "subject", "999999")
    fill(driver, "summary", "询问理赔进度")
    click_and_load(driver, "grievance-record")
    wait(driver, 20, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice.error"))
    refusal = driver.find_element(By.CSS_SELECTOR, ".notice.error").text
    if driver.find_element(By.ID, "summary").get_attribute("value") != "询问理赔进度":
        fail("the refused grievance form lost what was typed")
    ok("a grievance about a claim that does not exist is refused: %s" % refusal)
    page_checked(driver, "grievance-refused")
    Select(driver.find_element(By.NAME, "subject_kind")).select_by_value("none")
    fill(driver, "subject", "")
    fill(driver, "township_code", "360821207")
    click_and_load(driver, "grievance-record")
    expect_text(driver, "已登记", "a grievance received by phone is recorded")
    if psql("SELECT channel || ' ' || subject_kind || ' ' || township_code || ' ' || status "
            "FROM aixin.grievances WHERE summary = '询问理赔进度'") != "phone none 360821207 open":
        fail("the grievance received by phone is not in the database once")
    ok("the grievance received by phone is in the database, open")
    page_checked(driver, "grievance-recorded")


def admin(driver):
    login(driver, "admin", ENV["ADMIN_PASSWORD"])
    expect_text(driver, "市管理员", "who: the city administrator")
    if not driver.find_elements(By.CSS_SELECTOR,
                                '#alerts tr.alert[data-kind="grievances_overdue"]'):
        fail("the start page does not show the overdue grievance")
    expect_text(driver, "逾期未答复", "the start page's early warning, in Chinese")
    page_checked(driver, "start-alerts")
    grievances(driver)
    for kind in ("enrollment", "funding", "claims", "service", "insurers", "assessment"):
        driver.find_element(By.LINK_TEXT, "报表").click()
        wait(driver, 20, lambda d: d.find_elements(By.ID, "report-form"))
        Select(driver.find_element(By.NAME, "kind")).select_by_value(kind)
        fill(driver, "year_from", "2025")
        fill(driver, "year_to", "2026")
        driver.find_element(By.ID, "report-open").click()
        wait(driver, 30, lambda d: d.find_elements(By.ID, "back-to-reports"))
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        if not charts:
            fail("report %s: no chart" % kind)
        if not driver.find_elements(By.CSS_SELECTOR, "table.figures"):
            fail("report %s: no table of figures" % kind)
        expect_text(driver, "吉安市", "report %s: the city's name" % kind)
        ok("report %s: %d charts and the figures" % (kind, len(charts)))
        page_checked(driver, "report-" + kind)
        driver.find_element(By.ID, "back-to-reports").click()
    admin_pages(driver)


def admin_pages(driver):
    """The city's administration page: years, insurers, county terms,
    accounts, and a supplementary payout with the year's cap."""
    driver.find_element(By.LINK_TEXT, "系统管理").click()
    wait(driver, 20, lambda d: d.find_elements(By.ID, "years-table"))
    page_checked(driver, "admin")
    # Open 2027.
    for name, value in (("year", "2027"), ("reference_date", "2027-01-01"),
                        ("premium_yuan", "30.00"), ("city_subsidy_yuan", "2.00"),
                        ("county_share_min_yuan", "6.00"), ("county_share_max_yuan", "20.00")):
        fill(driver, name, value)
    click_and_load(driver, "year-open")
    expect_text(driver, "已保存", "2027 opened")
    if psql("SELECT premium_fen FROM aixin.policy_years WHERE year = 2027") != "3000":
        fail("2027 is not open with a premium of 30 yuan")
    ok("2027 is open")
    # A refusal in Chinese: the county share range upside down.
    for name, value in (("year", "2028"), ("reference_date", "2028-01-01"),
                        ("premium_yuan", "30.00"), ("city_subsidy_yuan", "2.00"),
                        ("county_share_min_yuan", "20.00"), ("county_share_max_yuan", "6.00")):
        fill(driver, name, value)
    click_and_load(driver, "year-open")
    wait(driver, 20, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice.error"))
    refusal = driver.find_element(By.CSS_SELECTOR, ".notice.error").text
    if "县级分担" not in refusal:
        fail("the refused year is not explained in Chinese: %r" % refusal)
    if driver.find_element(By.ID, "year").get_attribute("value") != "2028":
        fail("the refused form lost what was typed")
    ok("a year with its range upside down is refused in Chinese: %s" % refusal)
    page_checked(driver, "admin-year-refused")
    # An insurer, the terms of a county, an account.
    fill(driver, "code", "picc")
    fill(driver, "name", "中国人保" + ENV["HOSTILE"])
    click_and_load(driver, "insurer-register")
    expect_text(driver, "已保存", "insurer registered")
    fill(driver, "county_code", "360821")
    fill(driver, "policy_year", "2027")
    fill(driver, "county_share_yuan", "10.00")
    fill(driver, "insurer_code", "picc")
    click_and_load(driver, "terms-set")
    expect_text(driver, "已保存", "county terms set")
    if psql("SELECT county_share_fen || ' ' || i.code FROM aixin.county_terms t "
            "JOIN aixin.insurers i ON i.id = t.insurer_id "
            "WHERE t.county_code = '360821' AND t.policy_year = 2027") != "1000 picc":
        fail("the county terms of 2027 are not in the database")
    ok("the insurer and the county terms are in the database")
    driver.get(ENV["DESK_ORIGIN"] + "/admin?terms_year=2027")
    if not [r for r in driver.find_elements(By.CSS_SELECTOR, "#terms-table tr.terms") if "360821" in r.text]:
        fail("the county terms of 2027 are not listed")
    page_checked(driver, "admin-terms")
    fill_id(driver, "new_username", "clerk99")
    fill_id(driver, "new_password", "clerk99-password")
    Select(driver.find_element(By.NAME, "role")).select_by_value("township_clerk")
    fill(driver, "division_code", "360821207")
    click_and_load(driver, "account-create")
    expect_text(driver, "已保存", "account created")
    fill_id(driver, "account_username", "clerk99")
    fill_id(driver, "reset_password", "clerk99-password-2")
    click_and_load(driver, "account-reset")
    expect_text(driver, "已保存", "password reset")
    fill_id(driver, "account_username", "clerk99")
    click_and_load(driver, "account-unlock")
    expect_text(driver, "已保存", "account unlocked")
    fill_id(driver, "account_username", "clerk99")
    click_and_load(driver, "account-disable")
    expect_text(driver, "已保存", "account disabled")
    if psql("SELECT role || ' ' || division_code || ' ' || disabled FROM aixin.accounts "
            "WHERE username = 'clerk99'") != "township_clerk 360821207 true":
        fail("the account clerk99 is not created and disabled: %r" % psql(
            "SELECT role || ' ' || division_code || ' ' || disabled FROM aixin.accounts "
            "WHERE username = 'clerk99'"))
    ok("an account created, its password reset, unlocked and disabled")
    if psql("SELECT password_change_required FROM aixin.accounts WHERE username = 'clerk99'") != "t":
        fail("clerk99, whose password the administrator set, need not change it")
    ok("clerk99 must change the password the administrator set")
    page_checked(driver, "admin-accounts")
    # The cap of 2025 on supplementary payouts: 100 yuan per claim.
    fill(driver, "year", "2025")
    fill(driver, "supplementary_cap_per_claim_yuan", "100.00")
    click_and_load(driver, "year-update")
    expect_text(driver, "已保存", "the cap of 2025 set")
    if psql("SELECT supplementary_cap_per_claim_fen || ' ' || premium_fen FROM aixin.policy_years "
            "WHERE year = 2025") != "10000 3000":
        fail("the cap of 2025 is not 100 yuan, or the premium changed")
    ok("2025: a cap of 100 yuan per claim, the frozen terms unchanged")
    claim = psql("SELECT id FROM aixin.claims WHERE amount_claimed_fen = 600000")
    driver.get(ENV["DESK_ORIGIN"] + "/claim?claim_id=" + claim)
    fill_id(driver, "supp_amount_yuan", "150.00")
    fill_id(driver, "supp_reference", "SUPP-1")
    click_and_load(driver, "act-supplementary")
    wait(driver, 20, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice.error"))
    refusal = driver.find_element(By.CSS_SELECTOR, ".notice.error").text
    if "上限" not in refusal:
        fail("the payout over the cap is not refused in Chinese: %r" % refusal)
    ok("150 yuan over the cap of 100 is refused: %s" % refusal)
    page_checked(driver, "supplementary-refused")
    fill_id(driver, "supp_amount_yuan", "80.00")
    fill_id(driver, "supp_reference", "SUPP-2")
    click_and_load(driver, "act-supplementary")
    expect_text(driver, "追加赔付已登记", "80 yuan recorded")
    if driver.find_element(By.ID, "claim-supplementary").text != "80.00":
        fail("the claim shows supplementary payouts of %s" %
             driver.find_element(By.ID, "claim-supplementary").text)
    if psql("SELECT sum(amount_fen) FROM aixin.supplementary_payouts") != "8000":
        fail("the supplementary payouts in the database are not 80 yuan")
    ok("a supplementary payout of 80 yuan within the cap is recorded")
    page_checked(driver, "supplementary-recorded")
    export_pages(driver)
    audit_page(driver)
    settings_page(driver)


def main():
    ENV["DESK_ORIGIN"] = ENV["DESK_URL"].split("/?", 1)[0]
    driver = start_browser()
    try:
        {"clerk": clerk, "adjuster": adjuster, "four_eyes": four_eyes,
         "admin": admin}[sys.argv[1]](driver)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
