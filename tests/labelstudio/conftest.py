"""One real Label Studio server for the whole test session, started and stopped here.

Installs Label Studio into .venv-labelstudio on a fresh machine, runs it on a free 127.0.0.1 port with
sqlite under tests/artifacts/ (not in git), and signs up two annotators through the invite link.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from labelstudio_helpers import ARTIFACTS

from samestory.labelstudio import client, server


@pytest.fixture(scope="session")
def ls_server():
    """(credentials, connection) of a fresh server; stopped by its PID at the end of the session."""
    server.install()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # a directory of its own per session and xdist worker: parallel sessions never share a server
    data = Path(tempfile.mkdtemp(prefix="server-", dir=ARTIFACTS))
    cred, pid = server.start(data, server.free_port(), timeout=900, quiet=True)
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
