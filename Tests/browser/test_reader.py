#!/usr/bin/env python3
"""Headless Chromium test of the reader page (Public/) against the real Folio server.

  python3 Tests/browser/test_reader.py                 # starts .build/debug/folio itself
  FOLIO_BINARY=path/to/folio python3 Tests/browser/test_reader.py
  python3 Tests/browser/test_reader.py --base-url http://127.0.0.1:8080   # an already running server

Starts `folio serve --port 0` with a temporary database (so the sample content loads), this
repository's Public/ and a configuration pointing at Config/sample-content; drives Debian's
chromium through chromium-driver with Selenium; loads the page, searches "Azerbaijan" from the
keyboard, opens the article, and checks the author's contact card (name, mailto:, tel:, vCard)
and the related list. Saves docs/reader-article.png (desktop) and docs/reader-article-phone.png.
scripts/browser-test installs what is missing and runs this. Exit status 0 when all checks pass.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(REPO, "docs")
QUERY = "Azerbaijan"
ARTICLE = "illegal-elections-in-azerbaijans-karabakh-rejected-by-international-community"
AUTHOR_NAME = "Javid Valiyev"
AUTHOR_EMAIL = "javid.valiyev@aircenter.az"


class Server:
    """The real folio binary on a free loopback port, with its own temporary folder."""

    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="folio-browser-")
        config = os.path.join(self.dir, "folio.json")
        with open(config, "w") as f:
            json.dump({"sample_content": os.path.join(REPO, "Config", "sample-content")}, f)
        self.log_path = os.path.join(self.dir, "output.log")
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
        self.process = subprocess.Popen(
            [binary, "serve", "--config", config, "--database", os.path.join(self.dir, "folio.sqlite"),
             "--port", "0", "--host", "127.0.0.1", "--public", os.path.join(REPO, "Public")],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=self.dir)
        deadline = time.time() + 60
        self.port = None
        while time.time() < deadline and self.process.poll() is None:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", self.output())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        if not self.port:
            self.stop()
            raise RuntimeError("folio did not start:\n" + self.output())
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        output = self.output()
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.process.returncode, output


def find_executable(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"):
        if os.path.basename(path) in names and os.path.exists(path):
            return path
    return None


def make_driver():
    browser = os.environ.get("CHROMIUM") or find_executable("chromium", "chromium-browser", "google-chrome")
    driver_path = os.environ.get("CHROMEDRIVER") or find_executable("chromedriver")
    if not browser or not driver_path:
        raise RuntimeError("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--force-device-scale-factor=1", "--lang=en-GB",
                "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


class Checks:
    def __init__(self):
        self.passed, self.failed = [], []

    def check(self, ok, what):
        (self.passed if ok else self.failed).append(what)
        print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        return ok


def wait(driver, condition, timeout=15):
    return WebDriverWait(driver, timeout).until(condition)


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def full_height_screenshot(driver, path, width, max_height=2400):
    height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    driver.set_window_size(width, min(max(height, 600), max_height))
    time.sleep(0.3)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    driver.save_screenshot(path)


def run(base_url):
    c = Checks()
    driver = make_driver()
    try:
        print(f"reader page at {base_url}/")
        driver.get(base_url + "/")
        # 1. The list of articles, the feeds, the landmarks.
        items = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#article-list > li"))
        c.check(len(items) >= 1, f"article list rendered ({len(items)} items)")
        c.check(driver.find_element(By.ID, "list-title").text == "Latest articles", "list heading")
        for tag in ("header", "main", "footer", "nav"):
            c.check(len(driver.find_elements(By.TAG_NAME, tag)) >= 1, f"landmark <{tag}>")
        c.check(driver.find_element(By.ID, "status").get_attribute("aria-live") == "polite", "status region is aria-live")
        problems = driver.execute_script("""
            const p = [];
            if (!document.documentElement.lang) p.push("html without lang");
            if (document.querySelectorAll("h1").length !== 1) p.push(document.querySelectorAll("h1").length + " h1 elements");
            for (const a of document.querySelectorAll("a, button")) if (!a.textContent.trim() && !a.getAttribute("aria-label")) p.push("unnamed " + a.outerHTML.slice(0, 60));
            for (const i of document.querySelectorAll("input, select, textarea")) if (!i.labels?.length && !i.getAttribute("aria-label")) p.push("unlabelled " + i.id);
            for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) p.push("img without alt");
            const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
            if (new Set(ids).size !== ids.length) p.push("duplicate ids");
            return p;""")
        c.check(not problems, f"basic accessibility: lang, one h1, named links and buttons, labelled inputs {problems}")
        feeds = {a.get_attribute("href").replace(base_url, "") for a in driver.find_elements(By.CSS_SELECTOR, ".feed-links a")}
        c.check({"/feed.json", "/feed.atom", "/feed.rss"} <= feeds, f"feed links {sorted(feeds)}")
        for feed in ("/feed.json", "/feed.atom", "/feed.rss"):
            status, ctype, _ = http_get(base_url + feed)
            c.check(status == 200, f"GET {feed}: {status} {ctype}")
        c.check(http_get(base_url + "/favicon.svg")[0] == 200, "favicon.svg served")

        # 2. Keyboard: Tab reaches the skip link first; "/" focuses the search box; Enter searches.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        first = driver.switch_to.active_element
        c.check("skip-link" in (first.get_attribute("class") or ""), "Tab focuses the skip link first")
        driver.find_element(By.TAG_NAME, "body").send_keys("/")
        active = driver.switch_to.active_element
        c.check(active.get_attribute("id") == "search-input", "'/' focuses the search box")
        active.send_keys(QUERY, Keys.ENTER)
        results = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results > li"))
        c.check(len(results) >= 1, f"search for {QUERY!r}: {len(results)} results")
        c.check("#/search?q=" + QUERY in driver.current_url, "search is in the URL hash")
        marks = driver.find_elements(By.CSS_SELECTOR, "#search-results mark")
        c.check(len(marks) >= 1 and all(m.text.lower().startswith(QUERY.lower()[:5]) for m in marks),
                f"snippets highlight the match ({len(marks)} <mark>)")
        c.check(QUERY.lower() in driver.find_element(By.ID, "status").text.lower(), "status announces the results")

        # 3. Open the article from the results.
        links = driver.find_elements(By.CSS_SELECTOR, "#search-results h2 a")
        target = next((a for a in links if ARTICLE in a.get_attribute("href")), links[0])
        title = target.text
        target.click()
        heading = wait(driver, EC.visibility_of_element_located((By.ID, "article-title")))
        c.check(heading.text == title, f"article opened: {heading.text!r}")
        c.check(driver.execute_script("return document.activeElement.id") == "article-title", "focus moves to the article heading")
        paragraphs = driver.find_elements(By.CSS_SELECTOR, "#article-body p")
        c.check(len(paragraphs) >= 1, f"article body rendered ({len(paragraphs)} paragraphs)")
        c.check(len(driver.find_elements(By.CSS_SELECTOR, "article header time[datetime]")) == 1, "publication date as <time datetime>")
        canonical = driver.find_elements(By.CSS_SELECTOR, ".canonical a")
        c.check(bool(canonical) and canonical[0].get_attribute("href").startswith("http"), "canonical link")

        # 4. The author's contact card.
        card = wait(driver, EC.visibility_of_element_located((By.ID, "author-card")))
        name = card.find_element(By.CSS_SELECTOR, ".card-name").text
        c.check(name == AUTHOR_NAME, f"author card name {name!r}")
        email = card.find_elements(By.CSS_SELECTOR, "a.email")
        c.check(bool(email) and email[0].get_attribute("href") == f"mailto:{AUTHOR_EMAIL}" and email[0].text == AUTHOR_EMAIL,
                f"author e-mail as mailto: ({email[0].text if email else 'missing'})")
        phone = card.find_elements(By.CSS_SELECTOR, "a.phone")
        c.check(bool(phone) and re.fullmatch(r"tel:\+\d{6,15}", phone[0].get_attribute("href") or ""),
                f"author phone as tel: E.164 ({phone[0].get_attribute('href') if phone else 'missing'}, shown {phone[0].text if phone else ''!r})")
        vcf = card.find_elements(By.CSS_SELECTOR, "a[href$='.vcf']")
        c.check(bool(vcf), "vCard link")
        if vcf:
            status, ctype, body = http_get(vcf[0].get_attribute("href"))
            c.check(status == 200 and body.startswith(b"BEGIN:VCARD") and AUTHOR_NAME.encode() in body,
                    f"vCard download: {status} {ctype}")

        # 5. The related list.
        related = driver.find_elements(By.CSS_SELECTOR, "#related-list li a")
        c.check(len(related) >= 1, f"related list rendered ({len(related)} links)")
        c.check(all(ARTICLE not in a.get_attribute("href") for a in related), "related list excludes the article itself")
        c.check(len(driver.find_elements(By.CSS_SELECTOR, "#related-list time")) == len(related), "related items show date and time")

        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE" and "favicon.ico" not in e.get("message", "")]
        c.check(not errors, f"no console errors {[e['message'] for e in errors][:3]}")

        # 6. Screenshots: desktop, then a phone-sized window (no horizontal scrolling).
        full_height_screenshot(driver, os.path.join(DOCS, "reader-article.png"), 1280, max_height=1500)
        print("  screenshot docs/reader-article.png")
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        c.check(overflow <= 0, f"phone width 390 px: no horizontal scrolling (overflow {overflow} px)")
        full_height_screenshot(driver, os.path.join(DOCS, "reader-article-phone.png"), 390, max_height=2400)
        print("  screenshot docs/reader-article-phone.png")

        # 7. Pagination, followed from the keyboard (2 per page over the sample's 4 articles).
        driver.set_window_size(1280, 900)
        driver.get(base_url + "/#/?per_page=2")
        first_page = [a.text for a in wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#article-list h2 a"))]
        older = driver.find_elements(By.CSS_SELECTOR, "nav.pagination a[rel=next]")
        c.check(len(first_page) == 2 and bool(older), f"page 1 of the list with a next link ({len(first_page)} items)")
        if older:
            older[0].send_keys(Keys.ENTER)
            wait(driver, EC.text_to_be_present_in_element((By.ID, "list-title"), "page 2"))
            second_page = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#article-list h2 a")]
            c.check(second_page and not set(second_page) & set(first_page), "Enter on 'Older' shows page 2 with other articles")
            c.check(driver.execute_script("return document.activeElement.id") == "list-title", "focus moves to the page 2 heading")
            c.check("page=2" in driver.current_url, "page number is in the URL hash")

        # 8. The author page and back to the list by keyboard-followable links.
        driver.get(base_url + "/#/authors/javid-valiyev")
        heading = wait(driver, EC.visibility_of_element_located((By.ID, "author-title")))
        c.check(heading.text == AUTHOR_NAME, "author page")
        driver.get(base_url + "/#/articles/no-such-article")
        heading = wait(driver, EC.visibility_of_element_located((By.ID, "error-title")))
        c.check("not found" in heading.text.lower(), f"unknown slug shows {heading.text!r}")
    except TimeoutException as e:
        status = driver.find_elements(By.ID, "status")
        c.check(False, f"timed out waiting: {e.msg or 'element'} (status: {status[0].text if status else 'no page'!r})")
        os.makedirs(DOCS, exist_ok=True)
        driver.save_screenshot(os.path.join(tempfile.gettempdir(), "reader-failure.png"))
        print(f"  failure screenshot in {tempfile.gettempdir()}/reader-failure.png")
    finally:
        driver.quit()
    return c


def main():
    args = sys.argv[1:]
    base_url = args[args.index("--base-url") + 1].rstrip("/") if "--base-url" in args else None
    server = None
    if not base_url:
        binary = os.path.abspath(os.environ.get("FOLIO_BINARY") or os.path.join(REPO, ".build", "debug", "folio"))
        if not os.access(binary, os.X_OK):
            sys.exit(f"test_reader: no folio binary at {binary} (swift build --product folio, or set FOLIO_BINARY)")
        server = Server(binary)
        base_url = server.url
    started = time.time()
    try:
        checks = run(base_url)
    finally:
        if server:
            status, output = server.stop()
            if status != 0:
                print(f"  FAIL folio exited {status} after SIGTERM\n{output[-2000:]}")
                sys.exit(1)
    print(f"{len(checks.passed)} checks passed, {len(checks.failed)} failed in {time.time() - started:.1f} s")
    return 1 if checks.failed else 0


def test_reader():
    """pytest entry point."""
    assert main() == 0


if __name__ == "__main__":
    sys.exit(main())
