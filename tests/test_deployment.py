"""The deployment examples in ``deploy/`` hold together: nginx passes websockets on (the upgrade
headers) and the forwarded headers in every location, connects from an address the settings'
``FORWARDED_ALLOW_IPS`` trusts, and sends to the port the systemd unit serves; the settings file
is valid; the compose file runs several workers on a shared bus."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import yaml

from scoreboard.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def locations(conf: str) -> dict[str, str]:
    """Each ``location PATH { ... }`` block's body, by path (the example nests no blocks in them)."""
    return dict(re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", conf))


def directives(body: str, name: str) -> list[str]:
    return [value.strip() for value in re.findall(rf"^\s*{name}\s+([^;]+);", body, re.M)]


def env_file() -> dict[str, str]:
    lines = (DEPLOY / "scoreboard.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_nginx_passes_websockets_and_the_forwarded_headers() -> None:
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    found = locations(conf)
    assert set(found) == {"/", "/ws/"}
    ws = found["/ws/"]
    assert directives(ws, "proxy_http_version") == ["1.1"]
    headers = {h.split(None, 1)[0]: h.split(None, 1)[1] for h in directives(ws, "proxy_set_header")}
    assert headers["Upgrade"] == "$http_upgrade" and headers["Connection"] == "$connection_upgrade"
    assert re.search(r"map \$http_upgrade \$connection_upgrade \{\s*default upgrade;", conf)
    for path, body in found.items():  # a location with any proxy_set_header inherits none
        headers = {h.split(None, 1)[0]: h.split(None, 1)[1] for h in directives(body, "proxy_set_header")}
        assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for", path
        assert headers["X-Forwarded-Proto"] == "$scheme", path
        assert headers["Host"] == "$host", path
        assert directives(body, "proxy_pass") == ["http://scoreboard"], path


def test_the_settings_trust_the_address_nginx_connects_from() -> None:
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    [bind] = directives(conf, "proxy_bind")
    given = env_file()["FORWARDED_ALLOW_IPS"]
    trusted = Settings.from_env(env_file=None, forwarded_allow_ips=given).forwarded_allow_ips
    assert trusted and "*" not in trusted
    assert any(ipaddress.ip_address(bind) in ipaddress.ip_network(n, strict=False) for n in trusted.split(","))
    assert env_file()["HTTPS"] == "1"  # nginx serves HTTPS: cookies only over HTTPS


def test_nginx_sends_to_the_port_the_unit_serves() -> None:
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream scoreboard \{([^}]*)\}", conf)
    assert upstream is not None
    ports = {server.split()[0].rsplit(":", 1)[1] for server in directives(upstream[1], "server")}
    unit = (DEPLOY / "scoreboard.service").read_text(encoding="utf-8")
    serve = re.search(r"^ExecStart=.*scoreboard serve (.*)$", unit, re.M)
    assert serve is not None and ports == {re.search(r"--port (\d+)", serve[1])[1]}  # type: ignore[index]
    assert "--host 0.0.0.0" in serve[1] and "--workers" in serve[1]
    assert "EnvironmentFile=/etc/scoreboard/scoreboard.env" in unit


def test_the_compose_file_runs_workers_on_a_shared_bus() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    app = compose["services"]["scoreboard"]
    assert app["environment"]["BROADCAST_URL"] == "redis://redis:6379/0"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "--workers 2" in app["command"]
    assert {"postgres", "redis"} <= set(compose["services"])
