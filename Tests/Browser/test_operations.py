"""Operating VMs from the web face, in headless Chromium: the VM page's actions, each confirmed after
its dry run and followed to its end; delete with the name typed; the VM table's bulk actions; and
a reader, who is offered none of them."""
import hashlib
import json
import secrets
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_harness import get_json, row_headers, text_of, wait
from integration_harness import Aggregator, Simulator, send_json, write_config

JOB_TIMEOUT = 120


def vm_status(driver):
    found = driver.find_elements(By.CSS_SELECTOR, "#vm-status")
    return found[0].get_attribute("data-status") if found else None


def visible(driver, selector):
    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def vms(base, query):
    status, listing = get_json(base + "/api/v1/vms?" + query)
    assert status == 200, listing
    return listing["items"]


def jobs_of(base, vm):
    status, body = get_json(base + f"/api/v1/jobs?vm_id={vm['id']}&engine={vm['engine']}")
    assert status == 200, body
    return body["jobs"]


def open_vm(browser, base, vm):
    browser.get(base + f"/vms/{vm['engine']}/{vm['id']}")
    wait(browser, lambda d: vm_status(d) == vm["status"], message=f"{vm['name']} shown as {vm['status']}")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-may"), message="permissions read")


def act(browser, action):
    """Presses the action's button, waits for the dry run's plan, and confirms it."""
    browser.find_element(By.CSS_SELECTOR, f'#vm-actions button[data-action="{action}"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#vm-plan li"), message=f"{action} plan")
    assert browser.switch_to.active_element.get_attribute("id") == "vm-confirm-title"
    run = browser.find_element(By.ID, "vm-confirm-run")
    wait(browser, lambda d: run.is_enabled(), message="confirm enabled")
    run.click()


def job_ended(driver):
    """The final state of the job the VM page follows, once it ended."""
    def final(d):
        found = d.find_elements(By.CSS_SELECTOR, "#vm-job-line .job-state")
        state = found[0].get_attribute("data-state") if found else None
        return state if state in ("succeeded", "failed", "interrupted") else None
    return wait(driver, final, timeout=JOB_TIMEOUT, message="job ended")


@pytest.mark.parametrize("engine", ["e15", "pve-lab"])
def test_stop_and_start_a_vm_from_its_page(demo, browser, shots, engine):
    assert engine in demo.engines, demo.engines
    vm = vms(demo.base, f"engine={engine}&status=up&limit=1")[0]
    before = len(jobs_of(demo.base, vm))
    open_vm(browser, demo.base, vm)
    assert visible(browser, "#vm-actions button[data-action]")
    assert vm["name"] in text_of(browser, "#vm-heading")

    # A dry run changes nothing: the plan is read, then cancelled with Escape.
    browser.find_element(By.CSS_SELECTOR, '#vm-actions button[data-action="stop"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#vm-plan li"), message="stop plan")
    assert vm["name"] in text_of(browser, "#vm-plan")
    browser.save_screenshot(str(shots / f"vm-stop-plan-{engine}.png"))
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser, lambda d: not d.find_element(By.ID, "vm-confirm").is_displayed(), message="confirmation closed")
    assert browser.switch_to.active_element.get_attribute("data-action") == "stop"
    assert len(jobs_of(demo.base, vm)) == before
    assert vms(demo.base, f"engine={engine}&name_exact={vm['name']}")[0]["status"] == "up"

    act(browser, "stop")
    assert job_ended(browser) == "succeeded", text_of(browser, "#vm-job-line")
    wait(browser, lambda d: vm_status(d) == "down", message="shown down")
    assert vms(demo.base, f"engine={engine}&name_exact={vm['name']}")[0]["status"] == "down"
    link = browser.find_element(By.ID, "vm-job-link")
    assert "/jobs/" in link.get_attribute("href")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#vm-jobs tbody tr[data-state="succeeded"]'))
    browser.save_screenshot(str(shots / f"vm-stopped-{engine}.png"))

    act(browser, "start")
    assert job_ended(browser) == "succeeded", text_of(browser, "#vm-job-line")
    wait(browser, lambda d: vm_status(d) == "up", message="shown up again")
    actions = [job["action"] for job in jobs_of(demo.base, vm)]
    assert actions.count("stop_vm") == 1 and actions.count("start_vm") == 1, actions
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, '#vm-jobs tbody tr[data-state="succeeded"]')) >= 2)

    # The job's own page: its steps as run, and its plan in the words of an operation.
    wait(browser, lambda d: d.find_elements(By.ID, "vm-job-link"))
    browser.find_element(By.ID, "vm-job-link").click()
    wait(browser, lambda d: "/jobs/" in d.current_url and "succeeded" in text_of(d, "#job-details"), message="job page")
    assert browser.find_elements(By.CSS_SELECTOR, '#job-timeline li.step[data-state="succeeded"]')
    assert "will be done" in browser.execute_script("return document.getElementById('job-plan').textContent")


def test_delete_a_vm_after_typing_its_name(demo, browser, shots):
    vm = vms(demo.base, "engine=e15-test&status=up&limit=1")[0]
    open_vm(browser, demo.base, vm)

    # A running VM: the dry run refuses until the VM may be powered off first.
    browser.find_element(By.CSS_SELECTOR, '#vm-actions button[data-action="delete"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#vm-confirm-errors .banner-danger"), message="refused")
    assert "force" in text_of(browser, "#vm-confirm-errors")
    run = browser.find_element(By.ID, "vm-confirm-run")
    assert not run.is_enabled()
    browser.find_element(By.ID, "vm-force").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#vm-plan li")) == 2, message="stop, then delete")
    assert not browser.find_elements(By.CSS_SELECTOR, "#vm-confirm-errors .banner-danger")

    name = browser.find_element(By.ID, "vm-confirm-name")
    assert name.is_displayed() and not run.is_enabled()
    assert vm["name"] in browser.find_element(By.ID, "vm-confirm-name-label").text
    name.send_keys(vm["name"][:-1])
    assert not run.is_enabled()
    name.send_keys(vm["name"][-1])
    wait(browser, lambda d: run.is_enabled(), message="enabled by the exact name")
    assert vms(demo.base, f"engine=e15-test&name_exact={vm['name']}")[0]["status"] == "up"
    browser.save_screenshot(str(shots / "vm-delete-confirm.png"))
    name.send_keys(Keys.ENTER)

    wait(browser, lambda d: vm_status(d) == "gone", timeout=JOB_TIMEOUT, message="shown deleted")
    assert not vms(demo.base, f"engine=e15-test&name_exact={vm['name']}")
    assert not visible(browser, "#vm-actions button[data-action]")
    deleted = [job for job in jobs_of(demo.base, vm) if job["action"] == "delete_vm"]
    assert [job["state"] for job in deleted] == ["succeeded"]
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#vm-jobs tbody tr[data-state="succeeded"]'))


def test_bulk_stop_of_three_vms_from_the_table(demo, browser, shots):
    up = vms(demo.base, "engine=e15-2&status=up&limit=50")
    browser.get(demo.base + "/vms?engine=e15-2&status=up")
    wait(browser, lambda d: row_headers(d, "#inventory-table") == [vm["name"] for vm in up], message="VMs up")
    wait(browser, lambda d: d.find_element(By.ID, "bulk").is_displayed(), message="bulk actions offered")
    review = browser.find_element(By.ID, "bulk-review")
    assert not review.is_enabled()
    chosen = up[:3]
    for vm in chosen:
        box = browser.find_element(By.CSS_SELECTOR, f'#inventory-table tr[data-id="{vm["id"]}"] input.row-select')
        box.send_keys(Keys.SPACE)  # the keyboard chooses as well as the mouse
    wait(browser, lambda d: "3" in text_of(d, "#bulk-count"))
    browser.find_element(By.CSS_SELECTOR, '#bulk-action option[value="stop"]').click()
    review.click()

    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bulk-plan tbody tr")) == 3, message="dry-run list")
    assert sorted(row_headers(browser, "#bulk-plan")) == sorted(vm["name"] for vm in chosen)
    assert all(v["status"] == "up" for v in vms(demo.base, "engine=e15-2&limit=50") if v["id"] in {c["id"] for c in chosen})
    browser.save_screenshot(str(shots / "bulk-stop-plan.png"))
    browser.find_element(By.ID, "bulk-run").click()

    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, '#bulk-jobs tbody tr[data-state="succeeded"]')) == 3,
         timeout=JOB_TIMEOUT, message="three jobs succeeded")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#bulk-jobs tbody a")]
    assert len(links) == 3 and all("/jobs/" in link for link in links)
    assert "3" in text_of(browser, "#bulk-jobs-summary")
    # The table was read again: the stopped VMs left this search.
    wait(browser, lambda d: row_headers(d, "#inventory-table") == [vm["name"] for vm in up[3:]], message="table read again")
    after = {v["id"]: v["status"] for v in vms(demo.base, "engine=e15-2&limit=50")}
    assert [after[vm["id"]] for vm in chosen] == ["down"] * 3
    assert all(after[vm["id"]] == "up" for vm in up[3:])
    browser.save_screenshot(str(shots / "bulk-stop-jobs.png"))


def test_all_matching_the_search_lists_exactly_those_vms_before_anything_runs(demo, browser):
    matching = vms(demo.base, "engine=n32&status=up&limit=50")
    browser.get(demo.base + "/vms?engine=n32&status=up&limit=25")
    wait(browser, lambda d: d.find_element(By.ID, "bulk").is_displayed(), message="bulk actions offered")
    browser.find_element(By.ID, "bulk-all").click()
    assert all(not box.is_enabled() for box in browser.find_elements(By.CSS_SELECTOR, "input.row-select"))
    browser.find_element(By.CSS_SELECTOR, '#bulk-action option[value="suspend"]').click()
    browser.find_element(By.ID, "bulk-review").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bulk-plan tbody tr")) == len(matching),
         message="every VM matching the search, not only this page")
    assert sorted(row_headers(browser, "#bulk-plan")) == sorted(vm["name"] for vm in matching)
    browser.find_element(By.ID, "bulk-cancel").click()
    assert not browser.find_element(By.ID, "bulk-confirm").is_displayed()
    assert [vm["status"] for vm in vms(demo.base, "engine=n32&status=up&limit=50")] == ["up"] * len(matching)


def serve_with_tokens(tmp_path_factory, roles, extra=""):
    """`aggregator serve` over one ovirt-sim engine with a token for each role; yields it and the tokens."""
    tokens, entries = {}, []
    for role in roles:
        tokens[role] = "vma_" + secrets.token_urlsafe(32)
        digest = hashlib.sha256(tokens[role].encode()).hexdigest()
        entries.append(f"    - name: browser-{role}\n      role: {role}\n      sha256: {digest}")
    directory = tmp_path_factory.mktemp("roles")
    simulator = Simulator(["e15-test"], vms=4, hosts=1)
    aggregator = None
    try:
        write_config(directory / "backends.yaml", simulator.urls,
                     extra=extra + "auth:\n  tokens:\n" + "\n".join(entries) + "\n")
        aggregator = Aggregator(directory / "backends.yaml", extra=["--data-dir", str(directory)])
        yield aggregator, tokens
    finally:
        if aggregator:
            aggregator.stop()
        simulator.stop()


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """A server with a reader's and an operator's token (deletes need admin, the default)."""
    yield from serve_with_tokens(tmp_path_factory, ["reader", "operator"])


@pytest.fixture(scope="module")
def operators_delete(tmp_path_factory):
    """A server whose operators may delete VMs (`operations.delete_role: operator`)."""
    yield from serve_with_tokens(tmp_path_factory, ["operator"], extra="operations:\n  delete_role: operator\n")


def sign_in(browser, base, token):
    browser.get(base + "/health")
    browser.execute_script("sessionStorage.setItem('vmaggregator.token', arguments[0]);", token)


def first_vm(base, token):
    request = urllib.request.Request(base + "/api/v1/vms?limit=1", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["items"][0]


def test_a_reader_is_offered_no_action(signed, browser, shots):
    aggregator, tokens = signed
    vm = first_vm(aggregator.base, tokens["reader"])
    sign_in(browser, aggregator.base, tokens["reader"])
    open_vm(browser, aggregator.base, vm)
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-may") == "none"
    assert not visible(browser, "#vm-actions button")
    browser.save_screenshot(str(shots / "vm-reader.png"))

    browser.get(aggregator.base + "/vms")
    wait(browser, lambda d: row_headers(d, "#inventory-table"), message="VMs listed")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-may"), message="permissions read")
    assert not browser.find_element(By.ID, "bulk").is_displayed()
    assert not browser.find_elements(By.CSS_SELECTOR, "input.row-select, #select-page")


def test_an_operator_is_offered_power_actions_but_not_delete(signed, browser):
    aggregator, tokens = signed
    vm = first_vm(aggregator.base, tokens["operator"])
    sign_in(browser, aggregator.base, tokens["operator"])
    open_vm(browser, aggregator.base, vm)
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-may") == "operate"
    shown = [b.get_attribute("data-action") for b in visible(browser, "#vm-actions button[data-action]")]
    assert shown == ["start", "stop", "shutdown", "reboot", "suspend"]

    browser.get(aggregator.base + "/vms")
    wait(browser, lambda d: d.find_element(By.ID, "bulk").is_displayed(), message="bulk actions offered")
    offered = browser.execute_script(
        "return [...document.querySelectorAll('#bulk-action option')].filter((o) => !o.disabled).map((o) => o.value);")
    assert offered == ["start", "stop", "shutdown", "reboot", "suspend"]
    assert browser.find_elements(By.CSS_SELECTOR, "input.row-select")


def test_the_vm_page_is_labelled_translated_and_reached_by_keyboard(demo, browser):
    vm = vms(demo.base, "engine=n32-2&status=up&limit=1")[0]
    open_vm(browser, demo.base, vm)
    unlabelled = browser.execute_script("""
        return [...document.querySelectorAll('input, select, textarea, button')]
          .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                   && !e.textContent.trim())
          .map((e) => e.outerHTML);""")
    assert not unlabelled, unlabelled
    # Tab from the heading's link reaches the first action.
    browser.find_element(By.CSS_SELECTOR, 'main a[href="/vms"]').send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    while focused.get_attribute("data-action") is None:
        focused.send_keys(Keys.TAB)
        focused = browser.switch_to.active_element
    assert focused.get_attribute("data-action") == "start"
    focused.send_keys(Keys.ENTER)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#vm-plan li"), message="start plan by keyboard")
    # Starting a VM that is up is a step with nothing to do, and the plan says so.
    assert "already so, skipped" in text_of(browser, "#vm-plan")
    browser.find_element(By.ID, "vm-confirm-cancel").send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("data-action") == "start"

    browser.get(demo.base + f"/vms/{vm['engine']}/{vm['id']}?lang=ru")
    wait(browser, lambda d: vm_status(d) == "up")
    wait(browser, lambda d: d.find_element(By.ID, "vm-actions").is_displayed(), message="actions")
    assert browser.find_element(By.CSS_SELECTOR, '#vm-actions button[data-action="stop"]').text == "Выключить питание"
    assert "работает" in text_of(browser, "#vm-details")
    browser.get(demo.base + f"/vms/{vm['engine']}/{vm['id']}?lang=en")
    wait(browser, lambda d: vm_status(d) == "up")


def test_a_bulk_delete_asks_for_the_number_of_vms(demo, browser):
    down = vms(demo.base, "engine=n32-2&status=down&limit=2")
    if len(down) < 2:
        for vm in vms(demo.base, "engine=n32-2&status=up&limit=50")[-2:]:
            assert send_json(demo.base + f"/api/v1/vms/n32-2/{vm['id']}/stop?wait=60")[0] == 200
        down = vms(demo.base, "engine=n32-2&status=down&limit=2")
    browser.get(demo.base + "/vms?engine=n32-2&status=down&limit=25")
    wait(browser, lambda d: d.find_element(By.ID, "bulk").is_displayed(), message="bulk actions offered")
    for vm in down:
        browser.find_element(By.CSS_SELECTOR, f'#inventory-table tr[data-id="{vm["id"]}"] input.row-select').click()
    browser.find_element(By.CSS_SELECTOR, '#bulk-action option[value="delete"]').click()
    browser.find_element(By.ID, "bulk-review").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#bulk-plan tbody tr")) == 2, message="dry-run list")
    run = browser.find_element(By.ID, "bulk-run")
    typed = browser.find_element(By.ID, "bulk-typed")
    assert not run.is_enabled() and "2" in browser.find_element(By.ID, "bulk-typed-label").text
    typed.send_keys("3")
    assert not run.is_enabled()
    typed.clear()
    typed.send_keys("2")
    wait(browser, lambda d: run.is_enabled())
    run.click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, '#bulk-jobs tbody tr[data-state="succeeded"]')) == 2,
         timeout=JOB_TIMEOUT, message="two deletes succeeded")
    wait(browser, lambda d: not set(row_headers(d, "#inventory-table")) & {vm["name"] for vm in down}, message="table read again")
    left = {vm["id"] for vm in vms(demo.base, "engine=n32-2&limit=200")}
    assert not left & {vm["id"] for vm in down}


def test_an_operator_is_offered_delete_where_the_configuration_allows_it(operators_delete, browser):
    aggregator, tokens = operators_delete
    vm = first_vm(aggregator.base, tokens["operator"])
    sign_in(browser, aggregator.base, tokens["operator"])
    open_vm(browser, aggregator.base, vm)
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-may") == "operate delete"
    shown = [b.get_attribute("data-action") for b in visible(browser, "#vm-actions button[data-action]")]
    assert shown == ["start", "stop", "shutdown", "reboot", "suspend", "delete"]
