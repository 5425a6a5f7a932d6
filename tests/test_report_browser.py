"""The client report as a browser shows it: headless Chromium (Debian's package) driven by Selenium.

One module-scoped run writes the report of a demo copy in which one survey
comment is an HTML/JavaScript/spreadsheet injection attempt, opens it from
``file://`` and checks what a person would see: the client's name as title,
the chapters as headings reached from the contents, the charts rendered from
``data:`` PNGs, no code, the hostile comment shown as plain text, and a page
that neither logs an error nor asks for anything over the network.

Console errors: none is tolerated, not even Content-Security-Policy refusals.
The hostile comment must reach the page as escaped text, so the policy has
nothing of it to block; a refusal would mean either that the escaping failed
(which the payload test also reports) or that the report itself tries to load
a script, stylesheet, font or image, which is the regression this test is for.

The browser must already be installed; nothing here downloads one (Selenium is
given both paths, so Selenium Manager never runs). Debian 12:
``apt-get install -y chromium chromium-driver fonts-dejavu-core``. Without it
(or without selenium) the module is skipped, unless ``CXKIT_REQUIRE_BROWSER=1``,
which turns the skip into a failure, for CI.

A full-page screenshot and the report are kept in ``$CXKIT_ARTEFACTS`` or, by
default, ``reports/test-artefacts/`` (git-ignored).
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = ("sudo apt-get install -y chromium chromium-driver fonts-dejavu-core "
           "&& .venv/bin/pip install selenium")


def _missing() -> list[str]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    return missing


if _missing():
    _why = f"headless-browser test of the report needs {', '.join(_missing())}; install with: {INSTALL}"
    if os.environ.get("CXKIT_REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail(_why, pytrace=False)
    pytest.skip(_why, allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

import cxlib.cli  # noqa: E402

KIT_ROOT = Path(__file__).resolve().parents[1]
DEMO = KIT_ROOT / "data" / "demo"
ARTEFACTS = Path(os.environ.get("CXKIT_ARTEFACTS") or KIT_ROOT / "reports" / "test-artefacts")
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
# The reading order of the report: the diagnosis first, then the chapters behind it.
CHAPTERS = ("06 · The diagnosis", "01 · Lifecycle stage", "02 · Balanced scorecard", "03 · Customer journey",
            "04 · NPS", "05 · What customers say")
PAYLOAD = ("<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED2'\"> "
           "=cmd|' /C calc'!A0")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--window-size=1280,1000")
# Markup that a browser should have turned into elements, seen as text instead.
MARKUP_AS_TEXT = re.compile(r"</?(?:h[1-6]|p|div|span|table|thead|tbody|tr|th|td|style|img|ul|ol|li|a|em|strong|"
                            r"pre|code|br|hr)(?:\s[^<>]*)?/?>", re.IGNORECASE)
# A CSS rule shown as text, e.g. pandas' ".dataframe tbody tr th { vertical-align: top; }" once its tag is stripped.
CSS_AS_TEXT = re.compile(r"[\w\]):-]\s*\{\s*[a-z-]+\s*:[^{}]*;\s*\}")


@dataclass
class Page:
    """What the browser saw of one report."""

    driver: webdriver.Chrome = field(repr=False)
    report: Path
    url: str
    client_name: str
    planted_in: dict = field(repr=False)
    screenshot: Path
    console: list[dict] = field(default_factory=list, repr=False)
    events: list[dict] = field(default_factory=list, repr=False)


def plant_payload(survey: Path) -> dict:
    """Put PAYLOAD in the comment that notebook 03 prints for its touchpoint; return that row.

    ``cxlib.journey.survey_links`` shows, per touchpoint, the first non-empty
    comment among the answers naming it (with a score), in file order: the
    earliest such row of the whole file is therefore always shown.
    """
    with survey.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    target = next(row for row in rows if (row.get("touchpoint") or "").strip() and row["comment"].strip()
                  and row["nps"].strip())
    target["comment"] = PAYLOAD
    with survey.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return dict(target)


def start_chromium(profile: Path, log: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # A Service with a path makes Selenium skip Selenium Manager: nothing is downloaded.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER), log_output=str(log)),
                              options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(10)
    return driver


def full_page_png(driver: webdriver.Chrome) -> bytes:
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    return base64.b64decode(shot["data"])


def keep_artefacts(*files: Path) -> None:
    """Copy files to ARTEFACTS when that folder can be made; the test never fails for it."""
    try:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        for path in files:
            shutil.copyfile(path, ARTEFACTS / path.name)
    except OSError:
        pass


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Page:
    """The hostile demo's report, opened once in headless Chromium."""
    root = tmp_path_factory.mktemp("browser")
    client = Path(shutil.copytree(DEMO, root / "demo"))
    planted = plant_payload(client / "survey.csv")
    report = cxlib.cli.run(client, root / "out", echo=lambda *_: None)
    with (client / "client.toml").open("rb") as handle:
        name = tomllib.load(handle)["name"]

    driver = start_chromium(root / "profile", root / "chromedriver.log")
    try:
        driver.get("about:blank")
        driver.get_log("browser")       # leave behind whatever the browser did at start-up
        driver.get_log("performance")
        url = report.resolve().as_uri()
        driver.get(url)
        screenshot = root / "report.png"
        screenshot.write_bytes(full_page_png(driver))
        keep_artefacts(screenshot, report)
        # Collected after the full-page capture, which lays out (and so loads) everything.
        console = driver.get_log("browser")
        events = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
        yield Page(driver, report, url, name, planted, screenshot, console, events)
    finally:
        driver.quit()


def js(page: Page, script: str, *args):
    return page.driver.execute_script(script, *args)


def test_title_is_the_client_name(page):
    assert page.driver.title == page.client_name == "Motorline Service"
    assert "PWNED" not in js(page, "return document.title")


def test_content_security_policy_is_declared(page):
    policies = js(page, "return [...document.querySelectorAll('meta')]"
                        ".filter(m => (m.httpEquiv || '').toLowerCase() === 'content-security-policy')"
                        ".map(m => m.content)")
    assert policies == [CONTENT_SECURITY_POLICY]


def test_page_holds_no_script_and_nothing_that_loads(page):
    found = js(page, """
        const handlers = [...document.querySelectorAll('*')]
            .filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')))
            .map(e => e.outerHTML.slice(0, 120));
        const loaders = [...document.querySelectorAll(
            'script, iframe, frame, object, embed, base, link[href], meta[http-equiv="refresh" i]')]
            .map(e => e.outerHTML.slice(0, 120));
        return {scripts: document.scripts.length, handlers, loaders};
    """)
    assert found == {"scripts": 0, "handlers": [], "loaders": []}


def test_chapters_are_visible_headings_in_reading_order(page):
    headings = page.driver.find_elements(By.CSS_SELECTOR, "h1")
    tops = []
    for chapter in CHAPTERS:
        matching = [h for h in headings if chapter in h.text]
        assert matching, f"no <h1> shows {chapter!r}; the <h1> texts are {[h.text for h in headings]}"
        assert matching[0].is_displayed()
        tops.append(matching[0].location["y"])
    assert tops == sorted(tops)


def contents_links(page: Page) -> list[dict]:
    """The cover's contents: the links to in-page anchors that are not a heading's own ¶ link."""
    return js(page, """
        return [...document.querySelectorAll('a[href^="#"]:not(.anchor-link)')].map(a => ({
            href: a.getAttribute('href'), text: a.textContent.trim(),
            shown: a.getClientRects().length > 0}));
    """)


def test_contents_lists_every_chapter_in_reading_order(page):
    links = contents_links(page)
    texts = [link["text"] for link in links]
    assert len(links) == len(CHAPTERS), texts
    for chapter, link in zip(CHAPTERS, links):
        assert link["text"].startswith(chapter), texts
        assert link["shown"], link


# The element a fragment link scrolls to: the id as written first, then percent-decoded (HTML's rule;
# nbconvert writes ids such as "05-%C2%B7-The-diagnosis").
TARGET = ("const f = arguments[0].slice(1);"
          "const e = document.getElementById(f) || document.getElementById(decodeURIComponent(f));")


def test_contents_links_lead_to_their_chapters(page):
    driver = page.driver
    try:
        for link in contents_links(page):
            target = js(page, TARGET + "return e && {tag: e.tagName, text: e.textContent};", link["href"])
            assert target, f"{link['text']!r} links to {link['href']}, which no element has as id"
            assert target["tag"] == "H1" and link["text"] in target["text"], target
            driver.find_element(By.CSS_SELECTOR, f'a[href="{link["href"]}"]:not(.anchor-link)').click()
            top, height = js(page, TARGET + "return [e.getBoundingClientRect().top, window.innerHeight];",
                             link["href"])
            assert -2 <= top < height, f"after clicking {link['text']!r} its heading is at {top}px"
    finally:
        js(page, "window.scrollTo(0, 0)")


def test_no_markup_shows_as_text(page):
    text = page.driver.find_element(By.TAG_NAME, "body").text.replace(PAYLOAD, "")
    shown = MARKUP_AS_TEXT.findall(text)
    assert not shown, f"{len(shown)} tags are shown as text, e.g. {shown[:6]}"
    rules = [match.group(0) for match in CSS_AS_TEXT.finditer(text)]
    assert not rules, f"{len(rules)} CSS rules are shown as text, e.g. {rules[:3]}"


def test_charts_are_embedded_pngs_that_render(page):
    images = js(page, """
        return [...document.images].map(i => ({
            src: i.getAttribute('src').slice(0, 40), complete: i.complete,
            natural: [i.naturalWidth, i.naturalHeight],
            shown: [i.getBoundingClientRect().width, i.getBoundingClientRect().height]}));
    """)
    pngs = [image for image in images if image["src"].startswith("data:image/png;base64,")]
    assert len(pngs) >= 5, images
    assert pngs == images, "every image is an embedded PNG"
    for image in pngs:
        assert image["complete"] and min(image["natural"]) > 0 and min(image["shown"]) > 0, image


def test_no_code_reaches_the_client(page):
    assert js(page, "return document.querySelectorAll('.jp-CodeCell .jp-InputArea').length") == 0
    assert js(page, "return document.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt').length") == 0


def test_hostile_comment_is_shown_as_text(page):
    text = page.driver.find_element(By.TAG_NAME, "body").text
    assert PAYLOAD in text, (f"the comment of {page.planted_in['response_id']} "
                             f"({page.planted_in['touchpoint']}) is not shown as text")
    holders = js(page, """
        return [...document.querySelectorAll('body *')]
            .filter(e => e.children.length === 0 && e.textContent.includes("document.title='PWNED'"))
            .map(e => e.tagName);
    """)
    assert holders, "the payload is in no element's text"
    assert js(page, "return document.querySelectorAll('img:not([src^=\"data:\"]), [onerror]').length") == 0
    assert "&lt;script&gt;document.title=" in page.report.read_text(encoding="utf-8")


def test_console_has_no_errors(page):
    severe = [entry for entry in page.console if entry["level"] == "SEVERE"]
    assert not severe, "\n".join(f"{e['source']}: {e['message']}" for e in severe)


def requested_urls(events: list[dict]) -> list[str]:
    """Every URL the page asked for or navigated to, including requests that the CSP blocked."""
    urls = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            urls.append(params["request"]["url"])
        elif method in ("Network.webSocketCreated", "Page.frameRequestedNavigation", "Page.frameStartedNavigating",
                        "Page.navigatedWithinDocument"):
            urls.append(params["url"])
        elif method == "Page.frameNavigated":
            urls.append(params["frame"]["url"])
    return urls


def test_no_network_requests(page):
    urls = requested_urls(page.events)
    this_page = unquote(page.url)
    assert this_page in [unquote(urldefrag(url).url) for url in urls], "the performance log saw the page load"
    others = sorted({url[:120] for url in urls if not url.startswith("data:")
                     and unquote(urldefrag(url).url) != this_page})
    assert not others, f"the report asked for {others}"


def test_full_page_screenshot_is_saved(page):
    png = page.screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    viewport = js(page, "return window.innerHeight")
    assert width > 0 and height > 2 * viewport, (width, height, viewport)


def test_content_security_policy_is_enforced(page):
    """The browser itself refuses a non-data image and an inline script (kept last: it adds, then removes, both)."""
    outcome = page.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const seen = [];
        document.addEventListener('securitypolicyviolation', e => seen.push(e.effectiveDirective));
        const image = document.createElement('img');
        const script = document.createElement('script');
        script.textContent = 'window.cxkitProbe = true;';
        image.onload = image.onerror = () => setTimeout(() => {
            image.remove(); script.remove();
            done({violations: seen.sort(), scriptRan: window.cxkitProbe === true});
        }, 100);
        document.body.append(script);
        image.src = 'cxkit-csp-probe.png';  // a file beside the report, which does not exist
        document.body.append(image);
    """)
    assert outcome == {"violations": ["img-src", "script-src-elem"], "scriptRan": False}
