"""Fixtures of the browser tests: one demo estate and one browser for the module, screenshots."""
import pytest

from browser_harness import Demo, console_errors, make_browser, screenshot_dir


@pytest.fixture(scope="session")
def shots():
    directory = screenshot_dir()
    print(f"\nscreenshots: {directory}")
    return directory


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    process = Demo(tmp_path_factory.mktemp("demo-data"))
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def browser():
    driver = make_browser()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(autouse=True)
def no_script_errors(request):
    """Fails a test whose pages logged script errors."""
    yield
    if "browser" in request.fixturenames:
        driver = request.getfixturevalue("browser")
        errors = console_errors(driver)
        assert not errors, errors
