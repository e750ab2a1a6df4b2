"""Browser-test harness: `aggregator demo` as a process, and headless Chromium driven by selenium."""
import json
import os
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Integration"))
from integration_harness import ROOT, get_json, wait_until  # noqa: E402,F401 (re-exported)
from integration_harness import Demo as DemoProcess  # noqa: E402

SEED_ENGINES = ["e15-test", "e15", "e15-2", "n32", "n32-2", "k45"]
WAIT = float(os.environ.get("VMA_BROWSER_WAIT", "60"))


class Demo(DemoProcess):
    """`aggregator demo` with the repository's backends.yaml: simulated engines and the API over them."""

    def __init__(self, data_dir, vms=40, hosts=3, ready_timeout=300):
        super().__init__(["--config", str(ROOT / "backends.yaml"), "--data-dir", str(data_dir), "--vms", str(vms),
                          "--hosts", str(hosts)], timeout=ready_timeout)
        assert all(name in self.engines for name in SEED_ENGINES), self.output()

    def engine_admin(self, engine):
        """The simulator's admin root of one engine: `http://127.0.0.1:PORT/__sim`."""
        url = self.engines[engine]
        return url[: url.index("/ovirt-engine")] + "/__sim"

    def fail_engine(self, engine):
        """Makes every API request to `engine` fail with 503, as an engine that is down behind its proxy."""
        rule = {"method": "*", "path": "/ovirt-engine/*", "status": 503, "count": 0,
                "reason": "Service Unavailable", "detail": "engine stopped by the test"}
        request = urllib.request.Request(self.engine_admin(engine) + "/faults", data=json.dumps(rule).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201


def screenshot_dir():
    path = os.environ.get("VMA_SCREENSHOT_DIR")
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        return Path(path)
    return Path(tempfile.mkdtemp(prefix="vma-screenshots-"))


def make_browser(language="en-US,en"):
    """Headless Chromium from the system packages, with the given Accept-Language."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium") or "/usr/bin/chromium"
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--disable-gpu")
    options.add_argument("--window-size=1440,1000")
    options.add_argument("--no-first-run")
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER_BIN") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(WAIT)
    return driver


def wait(driver, condition, timeout=WAIT, message=""):
    """Waits for `condition(driver)`; elements the page replaced meanwhile are read again."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=[StaleElementReferenceException]).until(condition, message)


def row_headers(driver, selector):
    """The row header texts of a table's body, read in one step (the page redraws tables as data arrives)."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' tbody tr > th')].map((th) => th.textContent.trim());",
        selector)


def text_of(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector).text


def rows(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, f"{selector} tbody tr")


def console_errors(driver):
    """Script errors and CSP violations the pages logged since the last call (answers such as a 422
    are the API's, shown by the page, and not counted)."""
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
            and "Failed to load resource" not in entry["message"]]
