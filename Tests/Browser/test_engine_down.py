"""An engine that stops answering is marked down, on every page, while the others still show."""
import pytest
from selenium.webdriver.common.by import By

from browser_harness import SEED_ENGINES, Demo, rows, text_of, wait


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    process = Demo(tmp_path_factory.mktemp("demo-down"))
    try:
        yield process
    finally:
        process.stop()


def state(driver, engine):
    found = driver.find_elements(By.CSS_SELECTOR, f'#engines-table tr[data-engine="{engine}"]')
    return found[0].get_attribute("data-state") if found else None


def test_a_stopped_engine_is_marked_down_and_the_rest_still_show(demo, browser, shots):
    browser.get(demo.base + "/")
    wait(browser, lambda d: all(state(d, name) == "up" for name in SEED_ENGINES), message="all up first")

    demo.fail_engine("k45")
    wait(browser, lambda d: state(d, "k45") == "down", message="k45 marked down")
    others = [name for name in SEED_ENGINES if name != "k45"]
    assert all(state(browser, name) == "up" for name in others)
    alert = browser.find_element(By.ID, "estate-alert")
    assert alert.is_displayed() and "k45" in alert.text
    row = text_of(browser, '#engines-table tr[data-engine="k45"]')
    assert "503" in row or "Service Unavailable" in row or "unavailable" in row.lower(), row
    browser.save_screenshot(str(shots / "engine-down.png"))

    # The VM table still lists every engine's VMs and says k45's are its last known data.
    browser.get(demo.base + "/vms?limit=200")
    wait(browser, lambda d: "k45" in text_of(d, "#engine-warnings"), message="listing warning")
    wait(browser, lambda d: len(rows(d, "#inventory-table")) == 200)
    assert browser.find_element(By.ID, "estate-alert").is_displayed()
    browser.save_screenshot(str(shots / "vms-engine-down.png"))
