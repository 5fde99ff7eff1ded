"""Install, start, probe and stop a local Label Studio server (sqlite, 127.0.0.1, no calls home).

Label Studio lives in its own venv (`.venv-labelstudio`, its pins clash with ours). Facts that shaped
this module: the preset token only works with LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true; without
--internal-host it binds 0.0.0.0; it reads unprefixed USERNAME/PASSWORD/PORT/HOST/DEBUG too; a busy port
silently becomes port+1; readiness is GET /health; a fresh database needs ~40 s of migrations.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from samestory.core import paths
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_text

LS_VERSION_SPEC = "label-studio>=1.23,<1.24"
VENV = paths.ROOT / ".venv-labelstudio"
DATA_DIR = paths.ROOT / ".labelstudio-data"
DEFAULT_PORT = 8089
STRAY_ENV = ("USERNAME", "PASSWORD", "PORT", "HOST", "DEBUG")
"""Unprefixed names Label Studio also reads; a stray value from the shell would change the server."""


@dataclass(frozen=True)
class Credentials:
    """Admin login and legacy API token of a server; kept in <data dir>/credentials.json (mode 0600)."""

    url: str
    username: str
    password: str
    token: str
    secret_key: str = ""
    """Django SECRET_KEY, kept so that logins survive a restart."""

    def as_dict(self) -> dict:
        return {"url": self.url, "username": self.username, "password": self.password, "token": self.token,
                "secret_key": self.secret_key}


def credentials(data_dir: Path = DATA_DIR, port: int | None = None) -> Credentials:
    """Credentials from SAMESTORY_LS_* env vars, else the data dir's file, else new random ones."""
    f = Path(data_dir) / "credentials.json"
    stored = json.loads(f.read_text()) if f.exists() else {}
    port = port or int(os.environ.get("SAMESTORY_LS_PORT", stored.get("port", DEFAULT_PORT)))
    return Credentials(
        url=f"http://127.0.0.1:{port}",
        username=os.environ.get("SAMESTORY_LS_USERNAME") or stored.get("username") or "admin@samestory.local",
        password=os.environ.get("SAMESTORY_LS_PASSWORD") or stored.get("password") or secrets.token_urlsafe(16),
        token=os.environ.get("SAMESTORY_LS_TOKEN") or stored.get("token") or secrets.token_hex(20),
        secret_key=stored.get("secret_key") or secrets.token_urlsafe(40),
    )


def save_credentials(data_dir: Path, cred: Credentials) -> None:
    f = Path(data_dir) / "credentials.json"
    atomic_write_text(f, json.dumps({**cred.as_dict(), "port": int(cred.url.rsplit(":", 1)[1])}, indent=2) + "\n")
    os.chmod(f, 0o600)


def server_env(data_dir: Path, cred: Credentials) -> dict[str, str]:
    """The server's environment: preset admin and token, sqlite under data_dir, no telemetry or version calls."""
    env = {k: v for k, v in os.environ.items() if k not in STRAY_ENV and not k.startswith(("LABEL_STUDIO_",
                                                                                              "HEARTEX_"))}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_USERNAME": cred.username,
        "LABEL_STUDIO_PASSWORD": cred.password,
        "LABEL_STUDIO_USER_TOKEN": cred.token,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",  # accounts only through the invite link
        "DJANGO_DB": "sqlite",
        "SECRET_KEY": cred.secret_key,
    })
    return env


def install(venv: Path = VENV) -> None:
    """Create the Label Studio venv and install label-studio 1.23.x into it (no-op when present)."""
    import fcntl

    exe = venv / "bin" / "label-studio"
    if exe.exists():
        return
    (venv.parent / ".cache").mkdir(parents=True, exist_ok=True)
    with open(venv.parent / ".cache" / f"{venv.name}.lock", "w") as lock:  # parallel workers install once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if exe.exists():
            return
        print(f"installing {LS_VERSION_SPEC} into {venv} (a few minutes, once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", LS_VERSION_SPEC], check=True)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def _pid_file(data_dir: Path) -> Path:
    return Path(data_dir) / "server.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_pid(data_dir: Path = DATA_DIR) -> int | None:
    f = _pid_file(data_dir)
    if not f.exists():
        return None
    pid = int(f.read_text().strip())
    return pid if _alive(pid) else None


def start(data_dir: Path = DATA_DIR, port: int | None = None, venv: Path = VENV, timeout: float = 300.0,
          quiet: bool = False) -> tuple[Credentials, int]:
    """Start the server in the background and wait for /health; return (credentials, pid).

    Refuses a busy port (Label Studio would silently move to port+1) and checks the port in its log.
    """
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    exe = venv / "bin" / "label-studio"
    if not exe.exists():
        raise SameStoryError(f"{exe}: Label Studio is not installed",
                             [Problem(str(exe), "missing; run `make labelstudio` or "
                                                "`scripts/labelstudio.sh install`")])
    pid = running_pid(data_dir)
    cred = credentials(data_dir, port)
    if pid:
        if healthy(cred.url):
            return cred, pid
        raise SameStoryError(f"a server (pid {pid}) for {data_dir} is running but {cred.url}/health fails",
                             [Problem(str(_pid_file(data_dir)), "stop it with `scripts/labelstudio.sh stop`")])
    p = int(cred.url.rsplit(":", 1)[1])
    if not port_free(p):
        raise SameStoryError(f"port {p} on 127.0.0.1 is busy",
                             [Problem(cred.url, "Label Studio would silently move to the next port; free it or "
                                                "set SAMESTORY_LS_PORT")])
    save_credentials(data_dir, cred)
    log = data_dir / "server.log"
    log_start = log.stat().st_size if log.exists() else 0  # earlier runs may have used another port
    cmd = [str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(p),
           "--data-dir", str(data_dir), "--database", str(data_dir / "label_studio.sqlite3"),
           "--username", cred.username, "--password", cred.password, "--user-token", cred.token,
           "--enable-legacy-api-token", "--log-level", "WARNING"]
    with open(log, "ab") as fh:
        proc = subprocess.Popen(cmd, env=server_env(data_dir, cred), stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=data_dir)
    _pid_file(data_dir).write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _pid_file(data_dir).unlink(missing_ok=True)
            tail = log.read_text(errors="replace").splitlines()[-15:]
            raise SameStoryError(f"Label Studio exited with code {proc.returncode} while starting",
                                 [Problem(str(log), "end of the server log:\n    " + "\n    ".join(tail))])
        with open(log, "rb") as fh:
            fh.seek(log_start)
            fresh = fh.read().decode("utf-8", errors="replace")
        moved = re.findall(r"Starting development server at https?://[^:/]+:(\d+)", fresh)
        if moved and any(int(m) not in (p,) for m in moved[-3:]):
            stop(data_dir)
            raise SameStoryError(f"Label Studio moved off port {p}", [Problem(str(log), "port changed", None,
                                                                              "port", str(p), moved[-1])])
        if healthy(cred.url):
            if not quiet:
                print(f"Label Studio ready at {cred.url} (pid {proc.pid}, {time.monotonic() - started:.0f} s)")
            return cred, proc.pid
        time.sleep(1.0)
    stop(data_dir)
    raise SameStoryError(f"Label Studio did not answer {cred.url}/health within {timeout:.0f} s",
                         [Problem(str(log), "server log")])


def stop(data_dir: Path = DATA_DIR, timeout: float = 30.0) -> bool:
    """Stop the server by the PID it was started with (its own process group); True if one was running."""
    pid = running_pid(data_dir)
    f = _pid_file(data_dir)
    if pid is None:
        f.unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.2)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
    f.unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="labelstudio", description="Manage the project's local Label Studio server.")
    ap.add_argument("action", choices=("install", "start", "stop", "status"))
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR, help="sqlite and media (gitignored)")
    ap.add_argument("--port", type=int, help=f"port on 127.0.0.1 (default {DEFAULT_PORT} or SAMESTORY_LS_PORT)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for /health")
    args = ap.parse_args(argv)
    try:
        if args.action == "install":
            install()
            print(f"Label Studio installed in {VENV}")
        elif args.action == "start":
            install()
            cred, pid = start(args.data_dir, args.port, timeout=args.timeout)
            print(f"log in at {cred.url} as {cred.username}; password and API token in "
                  f"{Path(args.data_dir) / 'credentials.json'}; stop with `scripts/labelstudio.sh stop`")
        elif args.action == "stop":
            print("stopped" if stop(args.data_dir) else "not running")
        else:
            pid = running_pid(args.data_dir)
            cred = credentials(args.data_dir)
            ok = pid is not None and healthy(cred.url)
            print(f"{'running' if ok else 'not running'}" + (f" at {cred.url} (pid {pid})" if pid else ""))
            return 0 if ok else 3
    except SameStoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
