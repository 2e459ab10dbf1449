"""Drives headless Chromium through the collectors' pages of `arrears serve`.

Run by scripts/browser-test.sh, which starts the server. Steps: sign in with the
collector's token, open today's queue, open the first account, log a right-party
conversation, see the account leave the queue, and check the ledger's contact row and
the service's audit entry in the SQLite file. Exits non-zero on the first failure.
"""
import argparse
import os
import sqlite3
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def check(condition, message):
    if not condition:
        print(f"browser test FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--collector", required=True)
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--screenshots", required=True)
    args = ap.parse_args()
    check(args.base.startswith("http://127.0.0.1:"), "the test talks to loopback only")

    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1100"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    try:
        driver.get(args.base + "/")
        check(driver.current_url.endswith("/signin"), f"/ sends a signed-out browser to /signin, got {driver.current_url}")
        driver.find_element(By.ID, "token").send_keys(args.token)
        driver.find_element(By.ID, "signin").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "queue")))
        check(driver.current_url.endswith("/queue"), f"signing in opens the queue, got {driver.current_url}")
        cookie = driver.get_cookie("arrears_session")
        check(cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict",
              f"the session cookie is HttpOnly and SameSite=Strict: {cookie}")
        check(args.collector in driver.find_element(By.ID, "user").text, "the header names the collector")
        rows = driver.find_elements(By.CSS_SELECTOR, "#queue tr.account")
        check(len(rows) > 0, "the queue lists accounts")
        account = rows[0].get_attribute("data-account")
        os.makedirs(args.screenshots, exist_ok=True)
        driver.save_screenshot(os.path.join(args.screenshots, "serve-queue.png"))

        driver.find_element(By.LINK_TEXT, account).click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "account-id")))
        check(driver.find_element(By.ID, "account-id").text == account, "the account page opens")
        check("On today's queue" in driver.find_element(By.ID, "today").text, "the account page shows today's row")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect")) > 0, "the payment history chart is drawn")
        driver.save_screenshot(os.path.join(args.screenshots, "serve-account.png"))

        Select(driver.find_element(By.ID, "channel")).select_by_visible_text("call")
        Select(driver.find_element(By.ID, "outcome")).select_by_visible_text("right_party")
        driver.find_element(By.ID, "log").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "notice")))
        notice = driver.find_element(By.ID, "notice").text
        check("left today's queue" in notice, f"the page says the account left the queue: {notice!r}")
        check("Not on today's queue" in driver.find_element(By.ID, "today").text, "the account page reflects the rule at once")
        check("right_party" in driver.find_element(By.ID, "timeline").text, "the timeline shows the logged contact")

        driver.get(args.base + "/queue")
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "queue")))
        listed = [r.get_attribute("data-account") for r in driver.find_elements(By.CSS_SELECTOR, "#queue tr.account")]
        check(account not in listed, f"{account} is no longer on today's queue")
    finally:
        driver.quit()

    db = sqlite3.connect(args.ledger)
    contact = db.execute(
        "SELECT o.name, k.collector_id FROM contacts c JOIN accounts a USING (account_key) "
        "JOIN outcomes o ON o.code = c.outcome JOIN collectors k USING (collector_key) "
        "WHERE a.account_id = ? AND c.import_id IN (SELECT import_id FROM imports WHERE kind = 'log')", (account,)).fetchall()
    check(contact == [("right_party", args.collector)], f"one ledger row for the logged call, got {contact}")
    audit = db.execute("SELECT actor, action, detail FROM service_audit WHERE account_id = ?", (account,)).fetchall()
    check(len(audit) == 1 and audit[0][0] == args.collector and audit[0][1] == "log_contact"
          and audit[0][2].startswith("call right_party at "), f"one audit entry with who and when, got {audit}")
    print(f"browser test: signed in, queue, account {account}, right-party logged, left the queue, ledger row and audit entry found")


if __name__ == "__main__":
    main()
