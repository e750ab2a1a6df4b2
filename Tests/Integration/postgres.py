"""Real PostgreSQL for the process tests: Debian's server run by scripts/postgres-local.sh.

A test asks for a fresh database (``PostgresServer.create_database``) on the run's server: the one
at ``VMAGG_TEST_DATABASE_URL`` (scripts/test.sh starts one for the whole run), or one this module
starts with the script when the variable is unset. A test that takes the database down and up
again (an outage) gets a server of its own (``PostgresServer.start``), so the others never see it.
Databases are made and dropped with `psql`, which comes with the server package.
"""
import os
import shutil
import subprocess
import tempfile
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from integration_harness import ROOT

SCRIPT = ROOT / "scripts" / "postgres-local.sh"
DATABASE_URL_VARIABLE = "VMAGG_TEST_DATABASE_URL"
# The variable the aggregators of the tests read the database password from (`password_env`).
PASSWORD_ENV = "VMAGG_DB_PASSWORD"


def psql_binary():
    for candidate in ("/usr/lib/postgresql/15/bin/psql", shutil.which("psql")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("psql is missing: install Debian's postgresql package (scripts/setup-system.sh does)")


@dataclass(frozen=True)
class Database:
    """One database on a server: where it is, and the password its role logs in with."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    name: str

    @classmethod
    def parse(cls, url):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres"):
            raise ValueError(f"not a postgresql:// URL: {parts.scheme}://...")
        return cls(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                   user=urllib.parse.unquote(parts.username or ""),
                   password=urllib.parse.unquote(parts.password or ""), name=parts.path.lstrip("/") or "postgres")

    @property
    def url(self):
        """The URL without the password, as a configuration file carries it (`database.url`)."""
        return f"postgresql://{urllib.parse.quote(self.user)}@{self.host}:{self.port}/{self.name}"

    def config(self, extra=""):
        """The configuration's `database:` section: this URL, the password from ``PASSWORD_ENV``."""
        return (f"database:\n  url: {self.url}\n  password_env: {PASSWORD_ENV}\n  tls: disable\n{extra}")

    def env(self):
        """What an aggregator using ``config()`` needs in its environment."""
        return {PASSWORD_ENV: self.password}

    def named(self, name):
        return Database(self.host, self.port, self.user, self.password, name)

    def psql(self, sql, timeout=60):
        """Runs one statement over TCP, as the role; returns its output (unaligned, tuples only)."""
        out = subprocess.run(
            [psql_binary(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", str(self.port),
             "-U", self.user, "-d", self.name, "-c", sql],
            capture_output=True, text=True, timeout=timeout, env={**os.environ, "PGPASSWORD": self.password,
                                                                   "PGCONNECT_TIMEOUT": "10"})
        if out.returncode != 0:
            raise RuntimeError(f"psql on {self.url} failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout


class PostgresServer:
    """A PostgreSQL server the tests use: one at a given URL, or one started with the script in a
    temporary directory (``start``), which ``stop`` stops and removes. Only a started server can be
    taken ``down`` and brought ``up`` again."""

    def __init__(self, url, directory=None):
        self.database = Database.parse(url)
        self.directory = directory

    @classmethod
    def start(cls):
        # The postgres user must reach the directory (see the script): a fresh one in the system temporary directory.
        directory = Path(tempfile.mkdtemp(prefix="vmagg-pg-"))
        url = cls._script("start", directory).splitlines()[-1]
        return cls(url, directory)

    @classmethod
    def from_environment(cls):
        """The server at ``VMAGG_TEST_DATABASE_URL``, or None when it is unset."""
        url = os.environ.get(DATABASE_URL_VARIABLE)
        return cls(url) if url else None

    @staticmethod
    def _script(command, directory):
        out = subprocess.run(["bash", str(SCRIPT), command, str(directory)], capture_output=True, text=True,
                             timeout=180)
        if out.returncode != 0:
            raise RuntimeError(f"postgres-local.sh {command} failed ({out.returncode}):\n{out.stderr}")
        return out.stdout.strip()

    def _own(self):
        if self.directory is None:
            raise RuntimeError(f"the server at {self.database.url} was not started by the tests")

    def down(self):
        """Stops the server (fast shutdown: sessions are cut), keeping its data: an outage."""
        self._own()
        self._script("down", self.directory)

    def up(self):
        """Starts the server again, on the same port with the same data."""
        self._own()
        self._script("up", self.directory)

    def stop(self):
        if self.directory is not None:
            self._script("stop", self.directory)

    def create_database(self):
        """A new, empty database owned by the server's role (which may create databases)."""
        name = f"vmagg_test_{uuid.uuid4().hex[:12]}"
        self.database.psql(f'CREATE DATABASE "{name}"')
        return self.database.named(name)

    def drop_database(self, database):
        # WITH (FORCE) ends sessions a replica left behind (PostgreSQL 13 and later).
        self.database.psql(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
