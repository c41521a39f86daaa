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
from selenium.webdriver.support import expected_conditions
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
    log = open(ENV["DAEMON_LOG"], "a")
    proc = subprocess.Popen([ENV["AIXIND"]] + ENV["DAEMON_ARGS"].split(),
                            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    with open(os.path.join(ENV["IT_TMP"], "daemon.pid"), "w") as f:
        f.write(str(proc.pid))
    port = ENV["DAEMON_ARGS"].split()[1].rsplit(":", 1)[1]
    for _ in range(300):
        out = subprocess.run(["ss", "-Htln", "sport = :" + port], capture_output=True, text=True).stdout
        if out.strip():
            return
        time.sleep(0.1)
    fail("aixind did not listen again")


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
    # the click leads to, then for the new run's result.
    before = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "import-start").click()
    WebDriverWait(driver, 60).until(expected_conditions.staleness_of(before))
    WebDriverWait(driver, 120).until(
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
    if psql("SELECT count(*) FROM aixin.policies WHERE policy_year = 2026") != "0":
        fail("a policy of 2026 exists while the server was down")
    start_daemon()
    ok("aixind back")
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


def adjuster(driver):
    login(driver, "adjuster01", ENV["ADJUSTER_PASSWORD"])
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


def admin(driver):
    login(driver, "admin", ENV["ADMIN_PASSWORD"])
    expect_text(driver, "市管理员", "who: the city administrator")
    if not driver.find_elements(By.CSS_SELECTOR,
                                '#alerts tr.alert[data-kind="grievances_overdue"]'):
        fail("the start page does not show the overdue grievance")
    expect_text(driver, "逾期未答复", "the start page's early warning, in Chinese")
    page_checked(driver, "start-alerts")
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


def main():
    ENV["DESK_ORIGIN"] = ENV["DESK_URL"].split("/?", 1)[0]
    driver = start_browser()
    try:
        {"clerk": clerk, "adjuster": adjuster, "admin": admin}[sys.argv[1]](driver)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
