"""Server control without starting one: environment hygiene and a busy port refused up front."""
from __future__ import annotations

import socket

import pytest

from samestory.core.errors import SameStoryError
from samestory.annotate.labelstudio import server


def test_labelstudio_server_env_is_clean(tmp_path, monkeypatch):
    for name in ("USERNAME", "PASSWORD", "PORT", "HOST", "DEBUG", "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK",
                 "LABEL_STUDIO_HOST"):
        monkeypatch.setenv(name, "stray")
    cred = server.Credentials("http://127.0.0.1:1", "admin@x.org", "pw-123456", "t" * 40, "s" * 40)
    env = server.server_env(tmp_path, cred)
    assert not {"USERNAME", "PASSWORD", "PORT", "HOST", "DEBUG", "LABEL_STUDIO_HOST"} & set(env)
    assert env["LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK"] == "true"
    assert env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] == "true"
    assert env["LATEST_VERSION_CHECK"] == "false" and env["COLLECT_ANALYTICS"] == "false"
    assert env["SENTRY_DSN"] == "" and env["FRONTEND_SENTRY_DSN"] == ""
    assert env["LABEL_STUDIO_USER_TOKEN"] == "t" * 40 and env["LABEL_STUDIO_BASE_DATA_DIR"] == str(tmp_path)


def test_labelstudio_server_refuses_busy_port(tmp_path):
    server.install()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(SameStoryError, match=f"port {port} on 127.0.0.1 is busy"):
            server.start(tmp_path, port, timeout=5)
    assert not (tmp_path / "server.pid").exists()


def test_labelstudio_server_stop_when_not_running(tmp_path):
    assert server.stop(tmp_path) is False
