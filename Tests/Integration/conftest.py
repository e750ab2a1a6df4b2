"""Fixtures of the process-level integration tests."""
import pytest

from postgres import PostgresServer


@pytest.fixture
def tmp_config(tmp_path):
    return tmp_path / "backends.yaml"


@pytest.fixture(scope="session")
def postgres_server():
    """The run's PostgreSQL: the one at VMAGG_TEST_DATABASE_URL (scripts/test.sh starts it), else
    one started here for the session and stopped after it."""
    server = PostgresServer.from_environment()
    if server is not None:
        yield server
        return
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_database(postgres_server):
    """A fresh, empty database for one test, dropped after it."""
    database = postgres_server.create_database()
    try:
        yield database
    finally:
        postgres_server.drop_database(database)


@pytest.fixture
def dedicated_postgres():
    """A PostgreSQL server of the test's own, which it may take down and up (see PostgresServer);
    stopped and removed after the test."""
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def vcsim_bin():
    """VMware's vCenter simulator from VCSIM_BIN (scripts/test.sh builds it with scripts/vcsim.sh);
    the tests that need it are skipped, saying why, when it is not set or not a program."""
    from vsphere_harness import vcsim_bin as find

    path, reason = find()
    if path is None:
        pytest.skip(reason)
    return path


@pytest.fixture
def vcsim(vcsim_bin, tmp_path):
    """A vcsim of the test's own (default inventory with the template tmpl-linux), stopped after it."""
    from vsphere_harness import VCSim

    sim = VCSim(vcsim_bin, tmp_path / "vcsim")
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture(scope="module")
def vcsim_module(vcsim_bin, tmp_path_factory):
    """A vcsim shared by the tests of a module that only read it, stopped after the module."""
    from vsphere_harness import VCSim

    sim = VCSim(vcsim_bin, tmp_path_factory.mktemp("vcsim"))
    try:
        yield sim
    finally:
        sim.stop()
