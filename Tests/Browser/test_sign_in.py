"""With `auth.tokens` configured, the pages load without a token and ask for one when the API answers 401."""
import hashlib
import secrets

import pytest
from selenium.webdriver.common.by import By

from browser_harness import get_json, row_headers, text_of, wait
from integration_harness import Aggregator, Simulator, write_config


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    token = "vma_" + secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    config = tmp_path_factory.mktemp("sign-in") / "backends.yaml"
    simulator = Simulator(["e15-test", "k45"], vms=5, hosts=1)
    aggregator = None
    try:
        write_config(config, simulator.urls,
                     extra=f"auth:\n  tokens:\n    - name: browser\n      role: reader\n      sha256: {digest}\n")
        aggregator = Aggregator(config)
        yield aggregator, token
    finally:
        if aggregator:
            aggregator.stop()
        simulator.stop()


def test_the_page_asks_for_a_token_and_uses_it_for_every_api_call(server, browser, shots):
    aggregator, token = server
    assert get_json(aggregator.base + "/api/v1/vms")[0] == 401

    browser.get(aggregator.base + "/vms")
    wait(browser, lambda d: d.find_element(By.ID, "auth").is_displayed(), message="sign-in form")
    assert browser.switch_to.active_element.get_attribute("id") == "auth-token"
    browser.save_screenshot(str(shots / "sign-in.png"))

    field = browser.find_element(By.ID, "auth-token")
    field.send_keys("vma_not-a-token")
    browser.find_element(By.CSS_SELECTOR, "#auth-form button[type=submit]").click()
    wait(browser, lambda d: d.find_element(By.ID, "auth-error").is_displayed(), message="refusal shown")
    assert "not valid" in text_of(browser, "#auth-error")

    field = browser.find_element(By.ID, "auth-token")
    field.clear()
    field.send_keys(token)
    browser.find_element(By.CSS_SELECTOR, "#auth-form button[type=submit]").click()
    wait(browser, lambda d: len(row_headers(d, "#inventory-table")) == 10, message="VMs after sign-in")
    assert not browser.find_element(By.ID, "auth").is_displayed()

    # The token stays for this tab: another page uses it without asking.
    browser.get(aggregator.base + "/")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#engines-table tr[data-engine="k45"][data-state="up"]'))
    assert not browser.find_element(By.ID, "auth").is_displayed()
    # It is never a cookie.
    assert not [c for c in browser.get_cookies() if token in c.get("value", "")]

    browser.find_element(By.ID, "auth-forget").click()
    wait(browser, lambda d: d.find_element(By.ID, "auth").is_displayed(), message="asked again after forgetting")
