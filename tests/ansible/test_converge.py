"""site.yml applied to a fresh Debian 12 chroot through community.general.chroot, twice:
the second run changes nothing. Then the host it made is checked from inside: packages,
files and their permissions, and each configuration passing its own tool there (Debian
12's sshd, nginx, fail2ban, ufw in a network namespace of the test's own, pgBackRest, the
courzly command). courzly_in_chroot keeps services stopped and the kernel untouched."""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from app.migrate import ROOT
from tests.ansible import chroot

ANSIBLE = ROOT / "ansible"
INVENTORY = Path(__file__).parent / "inventory"
RECAP = re.compile(
    r"^courzly-chroot\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M
)


@dataclass(frozen=True)
class Converged:
    root: Path
    first: str
    second: str


def _inventory(directory: Path, root: Path) -> Path:
    directory.mkdir()
    host = {
        "ansible_connection": "community.general.chroot",
        "ansible_host": str(root),
        "ansible_python_interpreter": "/usr/bin/python3",
        "courzly_in_chroot": True,
    }
    hosts = {"courzly": {"hosts": {"courzly-chroot": host}}}
    (directory / "hosts.yml").write_text(yaml.safe_dump(hosts))
    (directory / "group_vars").symlink_to(INVENTORY / "group_vars")
    return directory


def _converge(root: Path, inventory: Path) -> str:
    playbook = Path(sys.executable).parent / "ansible-playbook"
    env = {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}
    ran = chroot.run_with_mounts(
        root, [str(playbook), "-i", str(inventory), str(ANSIBLE / "site.yml")], env=env
    )
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output[-12000:]
    return output


@pytest.fixture(scope="module")
def converged(tmp_path_factory: pytest.TempPathFactory) -> Converged:
    base = tmp_path_factory.mktemp("converge")
    root = chroot.unpack(base / "root")
    inventory = _inventory(base / "inventory", root)
    first = _converge(root, inventory)
    second = _converge(root, inventory)
    return Converged(root, first, second)


def _recap(output: str) -> tuple[int, int, int, int]:
    found = RECAP.search(output)
    assert found, output[-3000:]
    ok, changed, unreachable, failed = map(int, found.groups())
    return ok, changed, unreachable, failed


def test_the_first_run_configures_and_the_second_changes_nothing(converged: Converged) -> None:
    _, changed, _, failed = _recap(converged.first)
    assert failed == 0
    assert changed > 30
    _, changed_again, _, failed_again = _recap(converged.second)
    changes = re.findall(r"^changed: \[courzly-chroot\].*$|^TASK \[(.+)\]", converged.second, re.M)
    assert (changed_again, failed_again) == (0, 0), changes


def test_the_packages_are_installed(converged: Converged) -> None:
    wanted = [
        "openssh-server", "ufw", "fail2ban", "nginx", "certbot", "docker.io", "pgbackrest",
        "postgresql-15", "mtail", "chrony", "unattended-upgrades",
    ]  # fmt: skip
    listed = chroot.inside(converged.root, "dpkg-query", "-W", "-f=${Package} ${Status}\n", *wanted)
    installed = {
        line.split()[0]
        for line in listed.stdout.splitlines()
        if line.endswith("install ok installed")
    }
    assert set(wanted) <= installed, listed.stdout + listed.stderr


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_files_are_where_and_as_private_as_intended(converged: Converged) -> None:
    root = converged.root
    assert _mode(root / "etc/ssh/sshd_config") == "0o600"
    assert _mode(root / "etc/sudoers.d/courzly-admin") == "0o440"
    assert _mode(root / "etc/courzly/courzly.env") == "0o600"
    assert _mode(root / "etc/courzly") == "0o750"
    log_dir = root / "var/log/courzly"
    assert (log_dir.stat().st_uid, _mode(log_dir)) == (10001, "0o750")  # the app's uid writes
    assert re.search(r"^courzly:x:10001:10001:", (root / "etc/passwd").read_text(), re.M)
    keys = (root / "home/courzly-admin/.ssh/authorized_keys").read_text()
    assert keys.strip().endswith("courzly-test")
    shadow = (root / "etc/shadow").read_text()
    assert re.search(r"^courzly-admin:\*:", shadow, re.M)  # no password, not locked
    env = (root / "etc/courzly/courzly.env").read_text()
    for secret in (
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "JWT_SECRET",
        "ENCRYPTION_KEY",
        "BACKUP_CIPHER_PASS",
    ):
        assert re.search(rf"^{secret}=[A-Za-z0-9]{{48}}$", env, re.M), secret
    assert "PUBLIC_URL=https://courzly.test" in env
    assert os.readlink(root / "etc/ssl/courzly/live") == "/etc/ssl/courzly/bootstrap"
    assert (root / "etc/nginx/sites-enabled/courzly.conf").is_symlink()
    assert not (root / "etc/nginx/sites-enabled/default").exists()
    assert not list((root / "etc/postgresql").glob("15/*"))  # no cluster of its own


def test_the_secrets_survive_a_second_run(converged: Converged) -> None:
    """The second run found every secret and made none anew (the database holds them)."""
    assert "Generate the secrets it lacks" in converged.second
    skipped = converged.second.split("Generate the secrets it lacks")[1].split("TASK")[0]
    assert "changed:" not in skipped


def test_sshd_nginx_and_fail2ban_accept_their_configuration_inside(converged: Converged) -> None:
    for command in (["/usr/sbin/sshd", "-t"], ["nginx", "-t"], ["fail2ban-client", "-t"]):
        checked = chroot.inside(converged.root, *command)
        assert checked.returncode == 0, (command, checked.stdout + checked.stderr)
    sudo = chroot.inside(converged.root, "visudo", "-c")
    assert sudo.returncode == 0, sudo.stdout
    rotation = chroot.inside(converged.root, "logrotate", "--debug", "/etc/logrotate.d/courzly")
    assert rotation.returncode == 0, rotation.stdout + rotation.stderr
    assert "error" not in rotation.stderr.lower(), rotation.stderr


def test_chrony_and_apt_read_the_roles_settings(converged: Converged) -> None:
    chrony = chroot.inside(converged.root, "chronyd", "-p", "-f", "/etc/chrony/chrony.conf")
    assert chrony.returncode == 0, chrony.stdout + chrony.stderr
    assert "server 169.254.169.123 prefer iburst" in chrony.stdout  # the role's drop-in, read
    apt = chroot.inside(converged.root, "apt-config", "dump")
    assert apt.returncode == 0, apt.stderr
    assert 'APT::Periodic::Unattended-Upgrade "1";' in apt.stdout
    assert 'Unattended-Upgrade::Automatic-Reboot "false";' in apt.stdout


def test_ufw_enforces_the_roles_rules_in_a_network_namespace(converged: Converged) -> None:
    script = "ufw --force enable >/dev/null && iptables -S && ip6tables -S"
    enabled = chroot.inside(converged.root, "sh", "-c", script, network=False)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    rules = enabled.stdout
    assert "-P INPUT DROP" in rules
    assert "-A ufw-user-input -p tcp -m tcp --dport 80 -j ACCEPT" in rules
    assert "-A ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT" in rules
    ssh = [line for line in rules.splitlines() if "--dport 22" in line and "user-input" in line]
    assert ssh, rules
    assert all("198.51.100.0/24" in line or "2001:db8::/32" in line for line in ssh)
    assert "-A ufw-user-input -s 172.30.0.0/24 -p tcp -m tcp --dport 3903 -j ACCEPT" in rules
    assert "-A DOCKER-USER -j DROP" in rules


def test_the_backup_tools_and_timers_are_in_place(converged: Converged) -> None:
    root = converged.root
    help_shown = chroot.inside(root, "/opt/courzly/venv/bin/courzly", "backup", "--help")
    assert help_shown.returncode == 0, help_shown.stdout + help_shown.stderr
    assert "drill" in help_shown.stdout
    config = chroot.inside(
        root, "pgbackrest", "--stanza=courzly", "help", "backup", "repo1-s3-bucket"
    )
    assert "current: courzly-test-backups" in config.stdout
    assert "WARN" not in config.stdout + config.stderr
    timers = sorted(
        path.name for path in (root / "etc/systemd/system").glob("courzly-backup-*.timer")
    )
    assert len(timers) == 5
    env = (root / "etc/courzly/courzly.env").read_text()
    assert "BACKUP_PGBACKREST_COMMAND=docker compose --project-directory /opt/courzly" in env


def test_the_host_command_renders_the_same_pgbackrest_configuration(converged: Converged) -> None:
    """`courzly backup config` on the host, from the env file the roles wrote, agrees with
    the file the backups role rendered: one template, one set of settings."""
    settings = [
        line
        for line in (converged.root / "etc/courzly/courzly.env").read_text().splitlines()
        if line.startswith("BACKUP_")
    ]
    written = chroot.inside(
        converged.root,
        "env", *settings,
        "/opt/courzly/venv/bin/courzly", "backup", "config", "--out", "/root/from-the-command.conf",
    )  # fmt: skip
    assert written.returncode == 0, written.stdout + written.stderr
    from_command = (converged.root / "root/from-the-command.conf").read_text()
    assert from_command == (converged.root / "etc/pgbackrest/pgbackrest.conf").read_text()


def test_the_stack_files_and_mtail_are_installed(converged: Converged) -> None:
    root = converged.root
    assert (root / "opt/courzly/docker-compose.yml").read_text() == (
        ROOT / "docker-compose.yml"
    ).read_text()
    assert (root / "opt/courzly/monitoring/prometheus/prometheus.yml").exists()
    assert "LOGS=/var/log/nginx/access.json.log" in (root / "etc/default/mtail").read_text()
    groups = (root / "etc/group").read_text()
    assert re.search(r"^adm:x:\d+:.*\bmtail\b", groups, re.M)  # reads nginx's logs
    daemon = (root / "etc/docker/daemon.json").read_text()
    assert '"live-restore": true' in daemon
