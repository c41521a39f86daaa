"""The browser half of it_desk_renew.sh: the policy years page and a
renewal tried, then confirmed, by a township clerk in headless Chromium.

Run with /usr/bin/python3 (Debian's, with python3-selenium). Screenshots
go to ARTIFACTS. Exits non-zero on the first failed check.
"""
import os
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ENV = os.environ
shots = [0]


def fail(what):
    print("FAIL " + what, flush=True)
    sys.exit(1)


def ok(what):
    print("PASS " + what, flush=True)


def shot(driver, name):
    shots[0] += 1
    driver.save_screenshot(os.path.join(ENV["ARTIFACTS"], "%02d-%s.png" % (shots[0], name)))


def body_text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def expect_text(driver, needle, what):
    """Wait (bounded) for the page a click loads to show `needle`."""
    text = ""
    for _ in range(300):
        try:
            text = body_text(driver)
        except WebDriverException:
            text = ""
        if needle in text:
            ok(what)
            return
        time.sleep(0.1)
    fail("%s: [%s] not on the page:\n%s" % (what, needle, text[:3000]))


def cell(driver, element_id):
    for _ in range(300):
        try:
            return driver.find_element(By.ID, element_id).text.strip()
        except WebDriverException:
            time.sleep(0.1)
    fail("no #" + element_id)


def psql(sql):
    return subprocess.run(["psql", "-X", "-A", "-t", "-q", "-d", ENV["IT_CONNINFO"], "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def fill(driver, name, value):
    el = driver.find_element(By.NAME, name)
    el.clear()
    el.send_keys(value)


def main():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="desk-chromium.", dir=ENV["IT_TMP"])
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--user-data-dir=" + profile, "--lang=zh-CN",
                 "--window-size=1366,768"):
        opts.add_argument(flag)
    service = Service(executable_path="/usr/bin/chromedriver",
                      log_path=os.path.join(ENV["IT_TMP"], "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(60)
    try:
        origin = ENV["DESK_URL"].split("/?", 1)[0]
        driver.get(ENV["DESK_URL"])
        fill(driver, "username", "clerk01")
        fill(driver, "password", ENV["CLERK_PASSWORD"])
        driver.find_element(By.ID, "login").click()
        expect_text(driver, "clerk01 ·", "logged in")

        # The years page: 2024 closed, 2025 and 2026 open.
        driver.find_element(By.LINK_TEXT, "保单年度").click()
        expect_text(driver, "已结账，数据已定", "the years page says a year is closed")
        rows = {r.get_attribute("data-year"): r.get_attribute("data-closed")
                for r in driver.find_elements(By.CSS_SELECTOR, "tr.year")}
        if rows != {"2024": "true", "2025": "false", "2026": "false"}:
            fail("years and closed flags: %r" % rows)
        ok("2024 closed, 2025 and 2026 open")
        shot(driver, "years")

        # Renewal: a trial first.
        driver.get(origin + "/renew")
        expect_text(driver, "试运行", "the renewal page")
        fill(driver, "from_year", "2025")
        fill(driver, "to_year", "2026")
        driver.find_element(By.ID, "renew-try").click()
        expect_text(driver, "试运行：续保将会如何", "the trial's answer")
        got = [cell(driver, i) for i in ("renew-children", "renew-renewed", "renew-already",
                                         "renew-aged-out", "renew-refused")]
        if got != ["3", "2", "0", "1", "0"]:
            fail("trial counts: %r" % got)
        ok("trial: 3 children, 2 would be renewed, 1 aged out")
        if ENV["AGED_OUT_ID"] not in body_text(driver):
            fail("the aged-out child is not listed")
        ok("the aged-out child is listed")
        if psql("SELECT count(*) FROM aixin.policies WHERE policy_year = 2026") != "0":
            fail("the trial enrolled someone")
        ok("the trial enrolled nobody")
        shot(driver, "renew-trial")

        # Confirm.
        driver.find_element(By.ID, "renew-confirm").click()
        expect_text(driver, "已保存", "the renewal is saved")
        if cell(driver, "renew-renewed") != "2":
            fail("renewed: %s" % cell(driver, "renew-renewed"))
        ok("two children renewed")
        if driver.find_elements(By.ID, "renew-confirm"):
            fail("a confirm button after the renewal itself")
        shot(driver, "renew-done")

        # A second trial: nothing left to renew, no confirm button.
        driver.get(origin + "/renew")
        expect_text(driver, "试运行", "the renewal page again")
        fill(driver, "from_year", "2025")
        fill(driver, "to_year", "2026")
        driver.find_element(By.ID, "renew-try").click()
        expect_text(driver, "试运行：续保将会如何", "the second trial's answer")
        if [cell(driver, "renew-renewed"), cell(driver, "renew-already")] != ["0", "2"]:
            fail("second trial: %s renewed, %s already" % (cell(driver, "renew-renewed"),
                                                           cell(driver, "renew-already")))
        if driver.find_elements(By.ID, "renew-confirm"):
            fail("a confirm button with nobody to renew")
        ok("a second trial: both already renewed, nothing to confirm")
        shot(driver, "renew-again")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
