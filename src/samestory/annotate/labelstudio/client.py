"""The thin network layer over label-studio-sdk 2.x: connect, turn transport failures into clear errors.

Every failure a user can meet (server not running, wrong token, a timeout, a refused request) becomes a
`SameStoryError` that says what happened and what to do.
"""
from __future__ import annotations

import contextlib
import html
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx

from samestory.core.errors import Problem, SameStoryError
from samestory.annotate.labelstudio import server

START_HINT = "start it with `make labelstudio` (or `scripts/labelstudio.sh start`)"


@dataclass(frozen=True)
class Connection:
    """Where the server is and the API token to use."""

    url: str
    token: str
    timeout: float = 60.0


def resolve(url: str | None = None, token: str | None = None, timeout: float = 60.0,
            data_dir: Path = server.DATA_DIR) -> Connection:
    """Arguments first, then LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY, then the local server's credentials."""
    cred_file = Path(data_dir) / "credentials.json"
    stored = server.credentials(data_dir) if cred_file.exists() else None
    url = url or os.environ.get("LABEL_STUDIO_URL") or (stored.url if stored else None)
    token = token or os.environ.get("LABEL_STUDIO_API_KEY") or (stored.token if stored else None)
    if not url or not token:
        raise SameStoryError("no Label Studio server configured",
                             [Problem(str(cred_file), f"no credentials; {START_HINT}, or pass --url and --token "
                                                      "(or set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY)")])
    return Connection(url.rstrip("/"), token, timeout)


@contextlib.contextmanager
def api_errors(conn: Connection, doing: str) -> Iterator[None]:
    """Translate SDK and transport exceptions raised while `doing` into user-facing errors."""
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.TimeoutException as exc:
        raise SameStoryError(f"Label Studio at {conn.url} did not answer within {conn.timeout:.0f} s while {doing}",
                             [Problem(conn.url, f"timeout ({type(exc).__name__}); is the server overloaded or "
                                                "stuck? retry with a larger --timeout")]) from None
    except httpx.TransportError as exc:
        raise SameStoryError(f"Label Studio is not running at {conn.url} ({type(exc).__name__})",
                             [Problem(conn.url, START_HINT)]) from None
    except ApiError as exc:
        body = exc.body if isinstance(exc.body, (str, dict)) else str(exc.body)
        if exc.status_code == 401:
            raise SameStoryError(f"Label Studio at {conn.url} refused the API token (401) while {doing}",
                                 [Problem(conn.url, "wrong token; use the token from .labelstudio-data/"
                                                    "credentials.json or your account page (legacy token), and "
                                                    "start the server with LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="
                                                    "true")]) from None
        detail = body.get("validation_errors") or body.get("detail") if isinstance(body, dict) else body
        raise SameStoryError(f"Label Studio refused a request while {doing} (HTTP {exc.status_code})",
                             [Problem(conn.url, str(detail)[:2000])]) from None


def connect(conn: Connection):
    """A LabelStudio client after checking /health and the token; clear errors otherwise."""
    from label_studio_sdk import LabelStudio

    with api_errors(conn, "checking the server"):
        r = httpx.get(f"{conn.url}/health", timeout=conn.timeout)
        if r.status_code != 200:
            raise SameStoryError(f"{conn.url}/health answered {r.status_code}", [Problem(conn.url, START_HINT)])
    client = LabelStudio(base_url=conn.url, api_key=conn.token, timeout=conn.timeout, max_retries=0)
    with api_errors(conn, "checking the API token"):
        client.users.whoami()
    return client


def add_annotator(conn: Connection, email: str, password: str) -> str:
    """Sign an annotator up through the organization's invite link (as the web page does); return the
    annotator's legacy API token. An existing account just logs in."""
    admin = {"Authorization": f"Token {conn.token}"}
    with api_errors(conn, f"adding annotator {email}"):
        invite = httpx.get(f"{conn.url}/api/invite", headers=admin, timeout=conn.timeout)
        if invite.status_code == 401:
            raise SameStoryError(f"Label Studio at {conn.url} refused the API token (401)",
                                 [Problem(conn.url, "wrong token")])
        invite.raise_for_status()
        org_token = invite.json()["token"]
        with httpx.Client(base_url=conn.url, timeout=conn.timeout, follow_redirects=False) as s:
            page = f"/user/signup/?token={org_token}"
            s.get(page)
            r = s.post(page, data={"csrfmiddlewaretoken": s.cookies.get("csrftoken"), "email": email,
                                   "password": password}, headers={"Referer": conn.url + page})
            if r.status_code != 302:  # already signed up (or refused): log in instead
                s.get("/user/login/")
                r = s.post("/user/login/", data={"csrfmiddlewaretoken": s.cookies.get("csrftoken"),
                                                 "email": email, "password": password},
                           headers={"Referer": conn.url + "/user/login/"})
                if r.status_code != 302:
                    msgs = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', r.text)
                    raise SameStoryError(f"could not sign up or log in {email}",
                                         [Problem(conn.url, "; ".join(html.unescape(m.strip()) for m in msgs) or
                                                  f"HTTP {r.status_code}")])
            tok = s.get("/api/current-user/token")
            tok.raise_for_status()
            return tok.json()["token"]


def wait_export(client, conn: Connection, project_id: int, export_id: int, poll: float = 0.5) -> None:
    """Wait until an export snapshot is completed (or fail clearly)."""
    deadline = time.monotonic() + conn.timeout
    while True:
        with api_errors(conn, "waiting for an export"):
            status = client.projects.exports.get(project_id, export_id).status
        if status == "completed":
            return
        if status == "failed":
            raise SameStoryError(f"Label Studio export {export_id} of project {project_id} failed",
                                 [Problem(conn.url, "see the server log")])
        if time.monotonic() > deadline:
            raise SameStoryError(f"Label Studio export {export_id} not ready within {conn.timeout:.0f} s",
                                 [Problem(conn.url, "timeout; retry with a larger --timeout")])
        time.sleep(poll)
