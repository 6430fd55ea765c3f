"""Every file the roles write, rendered by the roles' own tasks with the test inventory,
then checked by the tool that will read it: sshd -t, visudo, fail2ban-client -t, ufw (in
a network namespace of the test's own), nginx -t, pgBackRest, systemd-analyze, promtool,
shellcheck. Debian 12's packages, the same versions the host runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.migrate import ROOT
from tests.ansible.render import rendered
from tests.monitoring.tools import run_tool

ROLES = ["base", "ssh", "firewall", "fail2ban", "docker", "certbot", "backups", "monitoring"]


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of every role as they land on the host, under a temporary root."""
    return rendered(ROLES, tmp_path_factory.mktemp("host") / "root", facts=True)


def _sshd(*args: str) -> subprocess.CompletedProcess[str]:
    """sshd wants its privilege separation directory, /run/sshd: it gets one on a /run of
    its own, in a mount namespace the test makes (this machine's /run stays as it is)."""
    command = " ".join(["/usr/sbin/sshd", *args])
    script = f"mount -t tmpfs tmpfs /run && mkdir -m 755 /run/sshd && exec {command}"
    return run_tool("unshare", "--mount", "sh", "-c", script)


def test_sshd_accepts_the_configuration_and_it_means_what_it_says(host: Path) -> None:
    config = host / "etc/ssh/sshd_config"
    assert _sshd("-t", "-f", str(config)).returncode == 0, _sshd("-t", "-f", str(config)).stderr
    connection = "user=courzly-admin,host=admin.example,addr=198.51.100.7"
    effective = _sshd("-T", "-f", str(config), "-C", connection)
    assert effective.returncode == 0, effective.stderr
    settings = dict(line.split(" ", 1) for line in effective.stdout.splitlines() if " " in line)
    assert settings["permitrootlogin"] == "no"
    assert settings["passwordauthentication"] == "no"
    assert settings["kbdinteractiveauthentication"] == "no"
    assert settings["authenticationmethods"] == "publickey"
    assert settings["allowusers"] == "courzly-admin"
    assert settings["maxauthtries"] == "3"
    assert settings["clientaliveinterval"] == "300"
    assert "cbc" not in settings["ciphers"]
    assert "sha1" not in settings["macs"]
    assert settings["kexalgorithms"].startswith("sntrup761x25519-sha512@openssh.com")


def test_sshd_refuses_a_broken_configuration(host: Path, tmp_path: Path) -> None:
    broken = tmp_path / "sshd_config"
    broken.write_text((host / "etc/ssh/sshd_config").read_text() + "Ciphers rot13-ctr\n")
    assert _sshd("-t", "-f", str(broken)).returncode != 0  # the role's validate would stop it


def test_sudoers_passes_visudo(host: Path) -> None:
    checked = run_tool("/usr/sbin/visudo", "-cf", str(host / "etc/sudoers.d/courzly-admin"))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_sysctl_setting_exists_in_the_kernel(host: Path) -> None:
    lines = (host / "etc/sysctl.d/60-courzly.conf").read_text().splitlines()
    settings = dict(
        (key.strip(), value.strip())
        for key, value in (line.split("=", 1) for line in lines if "=" in line and "#" not in line)
    )
    assert settings["net.ipv4.ip_forward"] == "1"  # Docker's networking needs it
    unknown = [key for key in settings if not Path("/proc/sys", *key.split(".")).exists()]
    # Yama is built into Debian 12's kernels (the host's); a test machine may run another.
    assert set(unknown) <= {"kernel.yama.ptrace_scope"}, unknown


def _fail2ban_config(host: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Debian's fail2ban configuration with the role's files over it; logs the jails read."""
    conf = tmp_path / "fail2ban"
    shutil.copytree("/etc/fail2ban", conf)
    for path in (host / "etc/fail2ban").rglob("*"):
        if path.is_file():
            shutil.copy(path, conf / path.relative_to(host / "etc/fail2ban"))
    logs = tmp_path / "logs"
    logs.mkdir()
    jail = (conf / "jail.d/courzly.local").read_text()
    for real in re.findall(r"^logpath = (\S+)$", jail, re.M):
        jail = jail.replace(real, str(logs / Path(real).name))
        (logs / Path(real).name).touch()
    (conf / "jail.d/courzly.local").write_text(jail)
    return conf, logs


def test_fail2ban_accepts_the_jails(host: Path, tmp_path: Path) -> None:
    conf, _ = _fail2ban_config(host, tmp_path)
    checked = run_tool("fail2ban-client", "--conf", str(conf), "-t")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK: configuration test is successful" in checked.stdout + checked.stderr
    dumped = run_tool("fail2ban-client", "--conf", str(conf), "-d")
    jails = set(re.findall(r"\['add', '([\w-]+)'", dumped.stdout))
    assert {"sshd", "nginx-limit-req", "courzly-nginx-badbots", "courzly-auth"} <= jails
    assert "['set', 'courzly-auth', 'bantime.increment', True]" in dumped.stdout
    assert "ufw" in dumped.stdout  # bans go through the host's firewall


def test_ufw_loads_the_rules_with_docker_held_behind_the_firewall(
    host: Path, tmp_path: Path
) -> None:
    """ufw enabled for real, with the role's after.rules, inside a network namespace made
    for the test: the machine's own firewall is never touched."""
    root = tmp_path / "ufw"
    shutil.copytree("/etc/ufw", root / "etc/ufw")
    shutil.copytree("/etc/default", root / "etc/default", ignore=shutil.ignore_patterns("*-*"))
    shutil.copytree("/lib/ufw", root / "lib/ufw")
    shutil.copy(host / "etc/ufw/after.rules", root / "etc/ufw/after.rules")
    ufw = f"ufw --rootdir={root} --datadir={root}"
    dry = run_tool("sh", "-c", f"{ufw} --dry-run allow 443/tcp")
    assert dry.returncode == 0, dry.stderr
    script = f"{ufw} --force enable && {ufw} allow 443/tcp && iptables -S"
    enabled = run_tool("unshare", "--net", "sh", "-c", script)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    rules = enabled.stdout.splitlines()
    assert "-P INPUT DROP" in rules
    assert "-P FORWARD DROP" in rules
    docker_user = [rule for rule in rules if rule.startswith("-A DOCKER-USER")]
    assert docker_user[0] == "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN"
    assert "-A DOCKER-USER -j ufw-user-forward" in docker_user
    assert docker_user[-1] == "-A DOCKER-USER -j DROP"  # nothing else reaches a container
    assert "-A ufw-user-input -p tcp -m tcp --dport 443 -j ACCEPT" in rules


def test_pgbackrest_reads_its_configuration_without_a_warning(host: Path) -> None:
    config = host / "etc/pgbackrest/pgbackrest.conf"
    shown = run_tool(
        "pgbackrest", f"--config={config}", "--stanza=courzly", "help", "backup", "repo1-s3-bucket"
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "WARN" not in shown.stdout + shown.stderr
    assert "current: courzly-test-backups" in shown.stdout
    text = config.read_text()
    assert "repo1-s3-kms-key-id=arn:aws:kms:eu-west-1:123456789012:key/" in text
    assert "repo1-path=/courzly/pgbackrest" in text
    assert "cipher-pass" not in text


def test_the_backup_timers_pass_systemd_analyze(host: Path, tmp_path: Path) -> None:
    units = host / "etc/systemd/system"
    courzly = Path("/opt/courzly/venv/bin/courzly")
    # The units name the host's command; systemd-analyze wants it to exist, so it looks in
    # a copy with that path moved under the test's root.
    stand_in = tmp_path / "courzly"
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    checked_dir = tmp_path / "units"
    checked_dir.mkdir()
    for unit in units.glob("courzly-backup-*"):
        (checked_dir / unit.name).write_text(unit.read_text().replace(str(courzly), str(stand_in)))
    assert str(courzly) in (units / "courzly-backup-full.service").read_text()
    verified = run_tool("systemd-analyze", "verify", *map(str, sorted(checked_dir.iterdir())))
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.strip() == ""


def test_docker_daemon_rotates_logs_and_keeps_containers_on_restart(host: Path) -> None:
    daemon = json.loads((host / "etc/docker/daemon.json").read_text())
    assert daemon["log-driver"] == "json-file"
    assert daemon["log-opts"] == {"max-size": "10m", "max-file": "5"}
    assert daemon["live-restore"] is True
    assert daemon["no-new-privileges"] is True
    sources = (host / "etc/apt/sources.list.d/docker.sources").read_text()
    assert "Signed-By: /etc/apt/keyrings/docker.asc" in sources
    assert "Suites: bookworm" in sources


def test_the_deploy_hook_passes_shellcheck(host: Path) -> None:
    checked = run_tool("shellcheck", str(host / "usr/local/lib/courzly/certbot-deploy-hook"))
    assert checked.returncode == 0, checked.stdout


def test_the_monitoring_files_installed_pass_promtool(host: Path) -> None:
    prometheus = host / "opt/courzly/monitoring/prometheus"
    checked = run_tool("promtool", "check", "config", str(prometheus / "prometheus.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    installed = sorted(path.name for path in (prometheus / "rules").iterdir())
    assert installed == sorted(
        path.name for path in (ROOT / "monitoring/prometheus/rules").iterdir()
    )
    mtail = (host / "etc/default/mtail").read_text()
    assert "LOGS=/var/log/nginx/access.json.log" in mtail
