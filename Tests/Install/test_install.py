"""scripts/install.sh staged with --destdir, and the systemd units checked with systemd-analyze.

The binary installed is a small wrapper that runs the aggregator under test, so that each test
copies kilobytes rather than the whole binary; the wrapper's text tells two "versions" apart.
"""
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "scripts" / "install.sh"
UNITS = ["aggregator.service", "aggregator-export@.service", "aggregator-export@.timer"]


def _aggregator() -> str:
    if os.environ.get("AGGREGATOR_BIN"):
        return os.environ["AGGREGATOR_BIN"]
    path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()
    return f"{path}/aggregator"


AGGREGATOR = _aggregator()


def wrapper(directory: Path, version: str) -> Path:
    """An executable that runs the aggregator under test; `version` makes its content differ."""
    path = directory / f"aggregator-{version}"
    path.write_text(f"#!/bin/sh\n# version {version}\nexec '{AGGREGATOR}' \"$@\"\n")
    path.chmod(0o755)
    return path


def install(destdir: Path, binary: Path, *extra: str, env=None, check=True) -> subprocess.CompletedProcess:
    # Only what the script needs: a caller's OVIRT_PASSWORD must not leak into it by accident.
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    result = subprocess.run(
        ["bash", str(INSTALL), "--destdir", str(destdir), "--no-build", "--binary", str(binary), *extra],
        capture_output=True, text=True, env={**base, **(env or {})}, timeout=60)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def staged(tmp_path):
    root = tmp_path / "root"
    first = wrapper(tmp_path, "1")
    result = install(root, first)
    return root, first, result


def test_stages_the_tree_with_private_secrets(staged):
    root, first, result = staged
    binary = root / "usr/local/bin/aggregator"
    config = root / "etc/vmaggregator/backends.yaml"
    env_file = root / "etc/vmaggregator/aggregator.env"
    data = root / "var/lib/vmaggregator"

    assert binary.read_bytes() == first.read_bytes() and mode(binary) == 0o755
    assert not (root / "usr/local/bin/aggregator.previous").exists()
    assert mode(root / "etc/vmaggregator") == 0o750
    assert mode(config) == 0o640
    assert mode(env_file) == 0o600
    assert "#OVIRT_PASSWORD=" in env_file.read_text()
    assert mode(data) == 0o750 and mode(data / "export") == 0o750
    for unit in UNITS:
        assert mode(root / "etc/systemd/system" / unit) == 0o644
    assert (root / "usr/local/share/doc/vmaggregator/operations.md").is_file()

    text = config.read_text()
    assert "\ndata_dir: /var/lib/vmaggregator\n" in text
    # Otherwise the shipped configuration, engines and all.
    shipped = (REPO / "backends.yaml").read_text()
    assert all(line in text.splitlines() for line in shipped.splitlines())

    # The script's own check ran, with the (empty) environment file: the password is missing.
    assert "environment variable OVIRT_PASSWORD for engine 'e15-test' is not set" in result.stdout
    assert "Next:" in result.stdout and "aggregator.env" in result.stdout


def test_installed_binary_checks_the_installed_configuration(staged):
    root, _, _ = staged
    binary = root / "usr/local/bin/aggregator"
    config = root / "etc/vmaggregator/backends.yaml"
    result = subprocess.run([str(binary), "check-config", "--config", str(config)], capture_output=True,
                            text=True, env={"OVIRT_PASSWORD": "secret", "PATH": "/usr/bin:/bin"}, timeout=30)
    assert result.returncode == 0, result.stderr
    assert f"{config}: OK, 6 engine(s)" in result.stdout

    # The script checks with the environment file's variables, not with its caller's.
    env_file = root / "etc/vmaggregator/aggregator.env"
    env_file.write_text(env_file.read_text() + "OVIRT_PASSWORD='s3cr$t \"x\"'\n")
    rerun = install(root, binary)
    assert "OK, 6 engine(s)" in rerun.stdout, rerun.stdout
    env_file.write_text("# nothing\n")
    leaked = install(root, binary, env={"OVIRT_PASSWORD": "from-the-caller"})
    assert "OVIRT_PASSWORD for engine 'e15' is not set" in leaked.stdout


def test_second_install_keeps_configuration_secrets_and_previous_binary(staged, tmp_path):
    root, first, _ = staged
    bin_dir = root / "usr/local/bin"
    config = root / "etc/vmaggregator/backends.yaml"
    env_file = root / "etc/vmaggregator/aggregator.env"
    data = root / "var/lib/vmaggregator"
    default_config = config.read_text()

    config.write_text(default_config.replace("port: 6299", "port: 7000"))
    env_file.write_text("OVIRT_PASSWORD=kept\n")
    env_file.chmod(0o644)
    database = data / "jobs.sqlite"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE job (id TEXT PRIMARY KEY)")
        db.execute("INSERT INTO job VALUES ('j1')")
    db.close()

    second = wrapper(tmp_path, "2")
    result = install(root, second)
    assert "port: 7000" in config.read_text()
    assert (config.parent / "backends.yaml.new").read_text() == default_config
    assert "backends.yaml.new" in result.stdout
    assert env_file.read_text() == "OVIRT_PASSWORD=kept\n"
    assert mode(env_file) == 0o600, "an environment file readable by others is narrowed"
    assert (bin_dir / "aggregator").read_bytes() == second.read_bytes()
    assert (bin_dir / "aggregator.previous").read_bytes() == first.read_bytes()
    assert "OK, 6 engine(s)" in result.stdout

    backups = list((data / "backup").iterdir())
    assert len(backups) == 1 and mode(backups[0]) == 0o600 and mode(data / "backup") == 0o700
    with sqlite3.connect(backups[0]) as db:
        assert db.execute("SELECT id FROM job").fetchall() == [("j1",)]
    db.close()

    # The same binary again changes nothing: the rollback copy stays the one before the upgrade.
    again = install(root, second)
    assert "usr/local/bin/aggregator: unchanged" in again.stdout
    assert (bin_dir / "aggregator.previous").read_bytes() == first.read_bytes()
    assert len(list((data / "backup").iterdir())) == 1
    assert "port: 7000" in config.read_text()


def test_refuses_contradictory_options(tmp_path):
    def run(*args):
        return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True, timeout=30)

    result = run("--destdir", str(tmp_path), "--no-build")
    assert result.returncode == 1 and "--no-build needs --binary" in result.stderr
    result = run("--destdir", str(tmp_path), "--binary", AGGREGATOR, "--enable")
    assert result.returncode == 1 and "--enable" in result.stderr
    result = run("--destdir", str(tmp_path), "--binary", AGGREGATOR, "--data-dir", "relative/dir")
    assert result.returncode == 1 and "not an absolute path" in result.stderr
    result = run("--destdir", str(tmp_path), "--binary", str(tmp_path / "missing"))
    assert result.returncode == 1 and "not an executable file" in result.stderr
    assert not (tmp_path / "usr").exists()


def test_no_systemd_installs_no_units(tmp_path):
    root = tmp_path / "root"
    result = install(root, wrapper(tmp_path, "1"), "--no-systemd")
    assert not (root / "etc/systemd").exists()
    assert (root / "usr/local/bin/aggregator").is_file()
    assert "serve --config /etc/vmaggregator/backends.yaml" in result.stdout


# --- systemd units -----------------------------------------------------------------------------

SYSTEM_UNITS = Path("/usr/lib/systemd/system")


def verify_root(tmp_path: Path, *install_args: str) -> Path:
    """A staged root systemd-analyze can verify offline: the units, the binary, systemd's own units."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (Debian package 'systemd'; scripts/setup-system.sh installs it)")
    if not (SYSTEM_UNITS / "sysinit.target").exists():
        pytest.skip(f"{SYSTEM_UNITS} holds no systemd units to verify against")
    root = tmp_path / "root"
    install(root, wrapper(tmp_path, "1"), *install_args)
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    return root


def analyze(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", *args, f"--root={root}"], capture_output=True, text=True,
                          timeout=60, cwd=root)


def test_units_verify(tmp_path):
    root = verify_root(tmp_path)
    result = analyze(root, "verify", "--man=no", "--generators=no",
                     "aggregator.service", "aggregator-export@vms.service", "aggregator-export@vms.timer")
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr

    # verify does catch a missing binary (and would catch a misspelt setting, printed as a warning).
    (root / "usr/local/bin/aggregator").unlink()
    result = analyze(root, "verify", "--man=no", "--generators=no", "aggregator.service")
    assert result.returncode != 0 and "/usr/local/bin/aggregator" in result.stderr


def test_units_follow_the_install_paths(tmp_path):
    root = verify_root(tmp_path, "--prefix", "/opt/vma", "--config-dir", "/etc/vma", "--data-dir", "/srv/vma")
    service = (root / "etc/systemd/system/aggregator.service").read_text()
    assert ("ExecStart=/opt/vma/bin/aggregator serve --config /etc/vma/backends.yaml --data-dir /srv/vma"
            in service)
    assert "EnvironmentFile=-/etc/vma/aggregator.env" in service
    assert "ReadWritePaths=/srv/vma\n" in service and "StateDirectory" not in service
    export = (root / "etc/systemd/system/aggregator-export@.service").read_text()
    assert "--output /srv/vma/export/%i.json" in export and "ReadWritePaths=/srv/vma/export\n" in export
    assert "/var/lib/vmaggregator" not in service + export and "/usr/local" not in service + export
    assert "data_dir: /srv/vma\n" in (root / "etc/vma/backends.yaml").read_text()
    result = analyze(root, "verify", "--man=no", "--generators=no", "aggregator.service",
                     "aggregator-export@hosts.service")
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_units_are_hardened(tmp_path):
    root = verify_root(tmp_path)
    # Exposure in tenths: 20 is "2.0", well within systemd's "OK" band.
    probe = analyze(root, "security", "--offline=yes", "--threshold=20", "aggregator.service",
                    "aggregator-export@vms.service")
    if "--offline" in probe.stderr and "unrecognized" in probe.stderr:
        pytest.skip("this systemd-analyze cannot review unit files offline")
    assert probe.returncode == 0, probe.stdout[-2000:] + probe.stderr
    service = (root / "etc/systemd/system/aggregator.service").read_text()
    for setting in ["User=vmaggregator", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n",
                    "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                    "StateDirectory=vmaggregator", "KillSignal=SIGTERM", "LimitNOFILE=65536"]:
        assert setting in service, setting
