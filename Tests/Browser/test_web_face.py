"""The web face as an operator uses it, in headless Chromium against `aggregator demo`."""
import json
import urllib.error
import urllib.request

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_harness import ROOT, SEED_ENGINES, get_json, row_headers, rows, text_of, wait

EXAMPLE = ROOT / "examples" / "create_vm.json"


def engine_state(driver, engine):
    found = driver.find_elements(By.CSS_SELECTOR, f'#engines-table tr[data-engine="{engine}"]')
    return found[0].get_attribute("data-state") if found else None


def table_names(driver, selector="#inventory-table"):
    return row_headers(driver, selector)


def test_overview_shows_every_engine_with_version_counts_and_freshness(demo, browser, shots):
    browser.get(demo.base + "/")
    wait(browser, lambda d: all(engine_state(d, name) == "up" for name in SEED_ENGINES), message="engines up")
    wait(browser, lambda d: "oVirt" in text_of(d, '#engines-table tr[data-engine="e15"]')
         or "4." in text_of(d, '#engines-table tr[data-engine="e15"]'), message="version shown")
    row = browser.find_element(By.CSS_SELECTOR, '#engines-table tr[data-engine="k45"]')
    cells = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
    assert cells[0] == "ovirt"
    assert cells[3] == "40" and cells[4] == "3", cells  # VMs, hosts
    # How the model keeps it current: the last full read, from /api/v1/backends' freshness.
    wait(browser, lambda d: "full read" in text_of(d, '#engines-table tr[data-engine="k45"] td.freshness'),
         message="freshness detail")
    assert browser.find_element(By.ID, "estate-alert").is_displayed() is False
    assert browser.execute_script("return document.documentElement.lang") == "en"
    browser.save_screenshot(str(shots / "overview.png"))

    # curl still gets the JSON index at the same address.
    status, index = get_json(demo.base + "/")
    assert status == 200 and [e["name"] for e in index["engines"]][:6] == SEED_ENGINES


def test_search_a_vm_by_ip_and_follow_it_to_its_host(demo, browser, shots):
    status, listing = get_json(demo.base + "/api/v1/vms?engine=n32&status=up&limit=1")
    vm = listing["items"][0]
    ip = vm["ip_addresses"][0]
    _, found = get_json(demo.base + f"/api/v1/vms?ip={ip}")
    expected = [item["name"] for item in found["items"]]
    assert vm["name"] in expected

    browser.get(demo.base + "/vms")
    wait(browser, lambda d: len(table_names(d)) == 50, message="first page")
    search = browser.find_element(By.ID, "f-q")
    search.send_keys(ip, Keys.ENTER)
    wait(browser, lambda d: table_names(d) == expected, message=f"{vm['name']} found by {ip}")
    assert f"q={ip}" in browser.current_url
    row = next(r for r in rows(browser, "#inventory-table") if "n32" in r.text)
    assert ip in row.text and vm["name"] in row.text
    browser.save_screenshot(str(shots / "vm-search.png"))

    # The address is the search: pasted into a new tab it shows the same answer.
    browser.get(demo.base + f"/vms?q={ip}")
    wait(browser, lambda d: table_names(d) == expected, message="bookmarked search")
    assert browser.find_element(By.ID, "f-q").get_attribute("value") == ip

    # From the VM to its host.
    row = next(r for r in rows(browser, "#inventory-table") if "n32" in r.text)
    row.find_element(By.LINK_TEXT, vm["host"]).click()
    wait(browser, lambda d: "/hosts" in d.current_url and table_names(d) == [vm["host"]], message="host page")
    assert browser.find_element(By.ID, "exact-filter").is_displayed()
    browser.save_screenshot(str(shots / "host.png"))


def test_filters_combine_and_pages_follow_the_cursor(demo, browser):
    browser.get(demo.base + "/vms?engine=e15&status=up&limit=25")
    wait(browser, lambda d: d.find_element(By.ID, "f-engine").get_attribute("value") == "e15"
         and rows(d, "#inventory-table") and "e15" in rows(d, "#inventory-table")[0].text, message="filtered")
    _, expected = get_json(demo.base + "/api/v1/vms?engine=e15&status=up&limit=25")
    wait(browser, lambda d: table_names(d) == [item["name"] for item in expected["items"]], message="first page")
    if expected.get("next_cursor"):
        browser.find_element(By.ID, "page-next").click()
        _, second = get_json(demo.base + f"/api/v1/vms?engine=e15&status=up&limit=25&cursor={expected['next_cursor']}")
        wait(browser, lambda d: table_names(d) == [item["name"] for item in second["items"]], message="second page")
        assert "cursor=" in browser.current_url
        browser.find_element(By.ID, "page-prev").click()
        wait(browser, lambda d: table_names(d) == [item["name"] for item in expected["items"]], message="back")
    # A column header sorts the page, and says so.
    header = browser.find_element(By.CSS_SELECTOR, 'th[data-key="memory_bytes"] button')
    header.click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, 'th[data-key="memory_bytes"]').get_attribute("aria-sort") == "ascending")


def test_create_from_the_seed_example_and_follow_the_job(demo, browser, shots):
    browser.get(demo.base + "/create")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#create-endpoint option")) > 1, message="endpoints")
    browser.find_element(By.ID, "create-file").send_keys(str(EXAMPLE))
    wait(browser, lambda d: "test_vm_11" in d.find_element(By.ID, "create-text").get_attribute("value"), message="loaded")
    assert "/ovirt/create_vm" in text_of(browser, "#create-detected")
    browser.find_element(By.ID, "create-check").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#create-plan .plan-item[data-target="test_vm_11"]'), message="plan")
    plan = text_of(browser, "#create-plan")
    assert "e15-test" in plan and "2921-redvt-eqp-test-e15" in plan
    assert browser.find_elements(By.CSS_SELECTOR, "#create-plan li.step-create")
    browser.save_screenshot(str(shots / "create-plan.png"))

    submit = browser.find_element(By.ID, "create-submit")
    assert submit.is_enabled()
    submit.click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#create-jobs tr[data-state="succeeded"]'),
         timeout=120, message="job succeeded")
    assert "1" in text_of(browser, "#create-jobs-summary")

    browser.find_element(By.CSS_SELECTOR, "#create-jobs tbody a").click()
    wait(browser, lambda d: "/jobs/" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#job-timeline li.step"))
    wait(browser, lambda d: "succeeded" in text_of(d, "#job-details"))
    steps = browser.find_elements(By.CSS_SELECTOR, "#job-timeline li.step")
    assert all(step.get_attribute("data-state") in ("succeeded", "skipped") for step in steps)
    assert browser.find_elements(By.CSS_SELECTOR, "#job-timeline time")
    assert browser.find_elements(By.CSS_SELECTOR, "#job-timeline dl.engine-ids code")
    browser.execute_script("document.getElementById('timeline-title').scrollIntoView()")
    browser.save_screenshot(str(shots / "job-timeline.png"))

    # The new VM is in the table, found by the address the file gave it.
    browser.get(demo.base + "/vms?q=10.105.249.51")
    wait(browser, lambda d: table_names(d) == ["test_vm_11"], timeout=30, message="new VM listed")

    # And the jobs list, filtered by its address, shows the job.
    browser.get(demo.base + "/jobs?state=succeeded")
    wait(browser, lambda d: any("test_vm_11" in row.text for row in rows(d, "#jobs-table")))
    assert browser.find_element(By.ID, "j-state").get_attribute("value") == "succeeded"


def broken_example():
    """The seed's example with two mistakes: a negative core count and a missing comma."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('"cores": 2,', '"cores": -2,', 1)
    return text


def test_a_broken_file_shows_each_problem_at_its_line_and_column(demo, browser, shots):
    browser.get(demo.base + "/create")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#create-endpoint option")) > 1)

    for text in [broken_example(), EXAMPLE.read_text(encoding="utf-8").replace('"os": "RedOS 8",', '"os": "RedOS 8"', 1)]:
        request = urllib.request.Request(demo.base + "/ovirt/create_vm?dry_run=true", data=text.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=30)
            raise AssertionError("the API accepted a broken file")
        except urllib.error.HTTPError as error:
            assert error.code == 422
            issue = json.loads(error.read())["issues"][0]
        area = browser.find_element(By.ID, "create-text")
        area.clear()
        browser.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", area, text)
        browser.find_element(By.ID, "create-check").click()
        expected = f"Line {issue['line']}, column {issue['column']}"
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#create-issues li.issue")
             and expected in text_of(d, "#create-issues"), message=expected)
        assert not browser.find_element(By.ID, "create-submit").is_enabled()
        assert issue["message"] in text_of(browser, "#create-issues")
        # The position is a button that puts the cursor there.
        browser.find_element(By.CSS_SELECTOR, "#create-issues .issue-position").click()
        assert browser.switch_to.active_element.get_attribute("id") == "create-text"
        lines_before = browser.execute_script(
            "const a = arguments[0]; return a.value.slice(0, a.selectionStart).split('\\n').length;", area)
        assert lines_before == issue["line"]
    browser.save_screenshot(str(shots / "broken-file.png"))


def test_language_follows_the_switch_and_is_remembered(demo, browser, shots):
    browser.get(demo.base + "/jobs")
    browser.find_element(By.CSS_SELECTOR, '[data-lang-switch="ru"]').click()
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "ru")
    assert "lang=" not in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, 'nav a[aria-current="page"]').text == "Задания"
    browser.get(demo.base + "/")
    assert browser.execute_script("return document.documentElement.lang") == "ru"
    wait(browser, lambda d: "работает" in text_of(d, '#engines-table tr[data-engine="e15"]'), message="Russian statuses")
    browser.save_screenshot(str(shots / "overview-ru.png"))
    browser.find_element(By.CSS_SELECTOR, '[data-lang-switch="en"]').click()
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "en")


def test_every_control_is_labelled_and_the_keyboard_reaches_the_content(demo, browser):
    for path in ["/", "/vms", "/hosts", "/clusters", "/jobs", "/create"]:
        browser.get(demo.base + path)
        unlabelled = browser.execute_script("""
            return [...document.querySelectorAll('input, select, textarea, button')]
              .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                       && !e.textContent.trim())
              .map((e) => e.outerHTML);""")
        assert not unlabelled, (path, unlabelled)
        assert browser.find_elements(By.CSS_SELECTOR, "main h1")
    browser.get(demo.base + "/vms")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.get_attribute("class") == "skip-link"
    skip.send_keys(Keys.ENTER)
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "main")
