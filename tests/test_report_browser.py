"""The client report as a browser shows it: headless Chromium (Debian's package) driven by Selenium.

Three pages are opened from ``file://``: the demo's report (English) with an
injection attempt in a survey comment, the Volga bank's (Russian), and the
demo with the hostile-string corpus (``tests/fixtures/hostile``) in every
field a client controls, with its Content-Security-Policy removed: nothing
may depend on the policy alone. What a person would see is checked: the
client's name as title, the summary first, the chapters as headings reached
from the contents, numbers right-aligned and text left-aligned (computed
style), charts rendered from ``data:`` PNGs, no code, hostile text shown as
text, and a page that neither logs an error nor asks for anything over the
network. Screenshots of each page and of each summary are kept for a person
to look at.

The browser must already be installed; nothing here downloads one (Selenium is
given both paths, so Selenium Manager never runs). Debian 12:
``apt-get install -y chromium chromium-driver fonts-dejavu-core``. Without it
(or without selenium) the module is skipped, unless ``CXKIT_REQUIRE_BROWSER=1``,
which turns the skip into a failure, for CI.

Screenshots and reports are kept in ``$CXKIT_ARTEFACTS`` or, by default,
``reports/test-artefacts/`` (git-ignored).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
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

import sys  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

import cxlib  # noqa: E402
from cxlib.chapters import CHAPTERS  # noqa: E402
from cxlib.diagnosis import diagnose  # noqa: E402
from cxlib.report import write_report  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support.hostile import plant  # noqa: E402

KIT_ROOT = Path(__file__).resolve().parents[1]
DEMO = KIT_ROOT / "data" / "demo"
ARTEFACTS = Path(os.environ.get("CXKIT_ARTEFACTS") or KIT_ROOT / "reports" / "test-artefacts")
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
VOLGA = KIT_ROOT / "data" / "cases" / "volga_bank"
# The reading order of the report after the summary.
CHAPTER_IDS = tuple(f"chapter-{key}" for key in CHAPTERS)
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

    key: str
    report: Path
    url: str
    client_name: str
    language: str
    screenshot: Path
    summary_shot: Path
    console: list[dict] = field(default_factory=list, repr=False)
    events: list[dict] = field(default_factory=list, repr=False)


def label_a_channel_with_the_payload(folder: Path) -> None:
    """The demo's phone channel is labelled PAYLOAD in client.toml: every chapter naming channels shows it."""
    toml = folder / "client.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"\n[labels]\nphone = {json.dumps(PAYLOAD)}\n",
                    encoding="utf-8")


def without_policy(report: Path) -> Path:
    """The same page with its Content-Security-Policy removed, as a careless copy or another viewer would show it."""
    page = report.read_text(encoding="utf-8")
    stripped = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    assert stripped != page
    bare = report.with_name("report-without-policy.html")
    bare.write_text(stripped, encoding="utf-8")
    return bare


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


def laid_out(driver: webdriver.Chrome, timeout: float = 30) -> None:
    """Wait until the page is loaded and has a width: on a loaded machine a capture right after loading can see a
    page not yet laid out ("Cannot take screenshot with 0 width")."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && document.body !== null"
        " && document.body.getBoundingClientRect().width > 0"
        " && document.getElementById('summary').getBoundingClientRect().width > 0"))


def captured(take, attempts: int = 4) -> bytes:
    """A screenshot, tried again after a pause when Chromium answers that the page has no width yet."""
    import time

    from selenium.common.exceptions import WebDriverException

    for attempt in range(attempts):
        try:
            return take()
        except WebDriverException as error:
            if "0 width" not in str(error) or attempt + 1 == attempts:
                raise
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")


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


def write_reports(root: Path) -> dict[str, Path]:
    demo = Path(shutil.copytree(DEMO, root / "demo"))
    label_a_channel_with_the_payload(demo)
    folders = {"demo": demo, "volga_bank": VOLGA}
    plant(DEMO, root / "hostile")
    folders["hostile"] = root / "hostile"
    reports = {}
    for key, folder in folders.items():
        client = cxlib.load_client(folder)
        (root / f"{key}-out").mkdir()
        reports[key] = write_report(client, diagnose(client), root / f"{key}-out" / "report.html", pdf=False)
    reports["hostile"] = without_policy(reports["hostile"])
    return reports


def visit(driver: webdriver.Chrome, key: str, report: Path, root: Path) -> Page:
    driver.get("about:blank")
    driver.get_log("browser")       # leave behind whatever came before
    driver.get_log("performance")
    url = report.resolve().as_uri()
    driver.get(url)
    laid_out(driver)
    screenshot = root / f"report-{key}.png"
    screenshot.write_bytes(captured(lambda: full_page_png(driver)))
    summary_shot = root / f"summary-{key}.png"
    summary_shot.write_bytes(captured(lambda: driver.find_element(By.ID, "summary").screenshot_as_png))
    keep_artefacts(screenshot, summary_shot)
    console = driver.get_log("browser")  # after the full-page capture, which lays out (and so loads) everything
    events = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    name = driver.execute_script("return document.querySelector('.cx-cover h1').textContent")
    language = driver.execute_script("return document.documentElement.lang")
    return Page(key, report, url, name, language, screenshot, summary_shot, console, events)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    reports = write_reports(root)
    driver = start_chromium(root / "profile", root / "chromedriver.log")
    try:
        yield driver, reports, root
    finally:
        driver.quit()


@pytest.fixture(scope="module", params=["demo", "volga_bank", "hostile"])
def page(request, browser) -> Page:
    driver, reports, root = browser
    return visit(driver, request.param, reports[request.param], root)


@pytest.fixture
def driver(browser, page):  # the page fixture has just loaded its report in this driver
    return browser[0]


def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def test_title_is_the_client_name(page, driver):
    assert driver.title == page.client_name
    if page.key == "demo":
        assert page.client_name == "Motorline Service" and page.language == "en"
    if page.key == "volga_bank":
        assert page.client_name == "Волжский сберегательный банк" and page.language == "ru"
    assert js(driver, "return document.title") == page.client_name  # no script of the client's text ran


def test_content_security_policy_is_declared(page, driver):
    policies = js(driver, "return [...document.querySelectorAll('meta')]"
                          ".filter(m => (m.httpEquiv || '').toLowerCase() === 'content-security-policy')"
                          ".map(m => m.content)")
    assert policies == ([] if page.key == "hostile" else [CONTENT_SECURITY_POLICY])


def test_page_holds_no_script_and_nothing_that_loads(page, driver):
    found = js(driver, """
        const handlers = [...document.querySelectorAll('*')]
            .filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')))
            .map(e => e.outerHTML.slice(0, 120));
        const loaders = [...document.querySelectorAll(
            'script, iframe, frame, object, embed, base, link[href], form, svg, math, ' +
            'meta[http-equiv="refresh" i], img:not([src^="data:image/png;base64,"])')]
            .map(e => e.outerHTML.slice(0, 120));
        return {scripts: document.scripts.length, handlers, loaders};
    """)
    assert found == {"scripts": 0, "handlers": [], "loaders": []}


def test_summary_then_chapters_as_visible_headings_in_reading_order(page, driver):
    tops = [js(driver, "return document.getElementById('summary').getBoundingClientRect().top")]
    for chapter in CHAPTER_IDS:
        heading = driver.find_element(By.CSS_SELECTOR, f"#{chapter} > h2")
        assert heading.is_displayed() and heading.text.strip()
        tops.append(heading.location["y"])
    assert tops == sorted(tops)


def test_contents_links_lead_to_their_chapters(page, driver):
    links = js(driver, "return [...document.querySelectorAll('.cx-contents a')].map(a => ["
                       "a.getAttribute('href'), a.textContent.trim()])")
    assert [href for href, _ in links] == [f"#{chapter}" for chapter in CHAPTER_IDS]
    try:
        for href, text in links:
            driver.find_element(By.CSS_SELECTOR, f'.cx-contents a[href="{href}"]').click()
            top, height, heading = js(driver, "const e = document.getElementById(arguments[0]);"
                                              "return [e.getBoundingClientRect().top, window.innerHeight,"
                                              " e.querySelector('h2').textContent];", href[1:])
            assert -2 <= top < height and text in heading, (text, top, heading)
    finally:
        js(driver, "window.scrollTo(0, 0)")


def test_numbers_right_text_left(page, driver):
    """Computed style, as the reader sees it: numeric cells right-aligned, every other cell and paragraph left."""
    cells = js(driver, """
        return [...document.querySelectorAll('table.cx-table th, table.cx-table td')].map(c => [
            c.classList.contains('cx-num'), getComputedStyle(c).textAlign,
            c.tagName === 'TD' ? c.textContent.trim() : '']);
    """)
    assert cells, "the chapters hold tables"
    wrong = [(numeric, align, text[:30]) for numeric, align, text in cells
             if align != ("right" if numeric else "left") and not (not numeric and align == "start")]
    assert not wrong, wrong[:5]
    numeric_text = [text for numeric, _, text in cells if numeric and text not in ("", "–")]
    assert numeric_text and all(re.search(r"\d", text) for text in numeric_text[:200])
    prose = js(driver, "return [...document.querySelectorAll('p, li')].map(p => getComputedStyle(p).textAlign)")
    assert set(prose) <= {"left", "start"}, set(prose)


def test_no_markup_shows_as_text(page, driver):
    text = driver.find_element(By.TAG_NAME, "body").text
    if page.key != "hostile":  # the corpus is markup shown as text on purpose
        text = text.replace(PAYLOAD, "")
        shown = MARKUP_AS_TEXT.findall(text)
        assert not shown, f"{len(shown)} tags are shown as text, e.g. {shown[:6]}"
    rules = [match.group(0) for match in CSS_AS_TEXT.finditer(text)]
    assert not rules, f"{len(rules)} CSS rules are shown as text, e.g. {rules[:3]}"


def test_charts_are_embedded_pngs_that_render(page, driver):
    images = js(driver, """
        return [...document.images].map(i => ({
            src: i.getAttribute('src').slice(0, 40), complete: i.complete, alt: i.alt,
            natural: [i.naturalWidth, i.naturalHeight],
            shown: [i.getBoundingClientRect().width, i.getBoundingClientRect().height]}));
    """)
    pngs = [image for image in images if image["src"].startswith("data:image/png;base64,")]
    assert len(pngs) >= 5, images
    assert pngs == images, "every image is an embedded PNG"
    for image in pngs:
        assert image["complete"] and min(image["natural"]) > 0 and min(image["shown"]) > 0, image
        assert image["alt"].strip(), "each chart says in words what it shows"


def test_hostile_text_is_shown_as_text(page, driver):
    text = driver.find_element(By.TAG_NAME, "body").text
    if page.key == "demo":
        assert PAYLOAD in text, "the phone channel's label is shown, as text"
    if page.key == "hostile":
        assert "<script>document.title='PWNED'</script>" in text
    assert js(driver, "return document.querySelectorAll('img:not([src^=\"data:\"]), [onerror], [onload]').length") == 0


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


def test_screenshots_are_saved(page):
    for shot in (page.screenshot, page.summary_shot):
        png = shot.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = (int.from_bytes(page.screenshot.read_bytes()[i:i + 4], "big") for i in (16, 20))
    assert width > 0 and height > 2000, (width, height)


def test_content_security_policy_is_enforced(page, driver):
    """The browser itself refuses a non-data image and an inline script (it adds, then removes, both)."""
    if page.key == "hostile":
        pytest.skip("this copy has no policy on purpose")
    outcome = driver.execute_async_script("""
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
