"""One real Label Studio server for the whole test session, started and stopped here.

Installs Label Studio into .venv-labelstudio on a fresh machine, runs it on a free 127.0.0.1 port with
sqlite under tests/artifacts/ (not in git), and signs up two annotators through the invite link. The
first session keeps a copy of the freshly migrated database in .cache/ so later sessions skip migrating.
"""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from tests.helpers.labelstudio_helpers import ARTIFACTS

from samestory.core import paths
from samestory.annotate.labelstudio import client, server


def _template_dir() -> Path:
    """Cache of a freshly migrated database (saves the ~40 s of migrations), per Label Studio version."""
    dist = sorted((server.VENV / "lib").glob("python*/site-packages/label_studio-*.dist-info"))
    version = dist[-1].name.split("-")[1].removesuffix(".dist") if dist else "unknown"
    return paths.ROOT / ".cache" / f"labelstudio-test-template-{version}"


def _save_template(data: Path, template: Path) -> None:
    """Consistent copy (sqlite backup API) of the just-migrated database and its credentials."""
    tmp = Path(tempfile.mkdtemp(prefix=".template-", dir=template.parent))
    src = sqlite3.connect(data / "label_studio.sqlite3")
    dst = sqlite3.connect(tmp / "label_studio.sqlite3")
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    shutil.copy2(data / "credentials.json", tmp / "credentials.json")
    try:
        tmp.rename(template)
    except OSError:  # another session saved one first
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def ls_server():
    """(credentials, connection) of a fresh server; stopped by its PID at the end of the session."""
    server.install()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # a directory of its own per session and xdist worker: parallel sessions never share a server
    data = Path(tempfile.mkdtemp(prefix="server-", dir=ARTIFACTS))
    template = _template_dir()
    template.parent.mkdir(parents=True, exist_ok=True)
    from_template = (template / "label_studio.sqlite3").exists()
    if from_template:
        for name in ("label_studio.sqlite3", "credentials.json"):
            shutil.copy2(template / name, data / name)
    cred, pid = server.start(data, server.free_port(), timeout=900, quiet=True)
    if not from_template:
        _save_template(data, template)
    try:
        yield cred, client.Connection(cred.url, cred.token, 60.0)
    finally:
        server.stop(data)
        assert not server._alive(pid)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def annotators(ls_server):
    """email -> API token of two annotator accounts (alice, bob)."""
    _, conn = ls_server
    return {email: client.add_annotator(conn, email, f"{email.split('@')[0]}-pass-2025")
            for email in ("alice@example.org", "bob@example.org")}
