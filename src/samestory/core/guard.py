"""Safety rules every command shares: ids and paths from data, versions, bounded JSON, folder replacement,
locks and scratch folders. One place each, so a rule cannot drift between commands.

- `check_id` / `check_relpath`: an id or path read from data is checked before a path is built from it.
- `parse_version`: a dataset version is a semantic version (MAJOR.MINOR.PATCH), nothing else.
- `loads`: JSON with a nesting and size bound (no RecursionError, no unbounded memory).
- `check_replaceable` / `replace_dir`: a command replaces a folder only if every file in it is one it writes.
- `locked`: an exclusive lock taken BEFORE numbering, duplicate checks or a release comparison.
- `scratch_dir`: a temporary folder held by a lock while in use; leftovers of killed runs are swept.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from samestory.core.errors import Problem, SameStoryError

# --- ids and paths read from data ---------------------------------------------------------------------

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}"
ID = re.compile(ID_PATTERN)
"""An id that may become a file or folder name: starts with a letter or digit, then letters, digits, `_`,
`.` or `-`, at most 128 characters. No `/`, no `..` component, no hidden names, no spaces or controls."""
ID_EXPECTED = "letters, digits, '_', '.', '-' (first a letter or digit), at most 128 characters"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def id_problem(value, field: str, file: str, line: int | None = None) -> Problem | None:
    """A Problem when `value` is not a safe id (see ID), else None."""
    if isinstance(value, str) and ID.fullmatch(value) and ".." not in value:
        return None
    return Problem(str(file), f"{field} is not a safe id (it becomes a file name)", line=line, field=field,
                   expected=ID_EXPECTED, found=_short(value))


def check_id(value, field: str, file: str = "command line", line: int | None = None) -> str:
    """`value` if it is a safe id; else a SameStoryError naming file, line and field."""
    p = id_problem(value, field, file, line)
    if p is not None:
        raise SameStoryError(f"{file}{'' if line is None else f':{line}'}: unsafe {field}", [p])
    return value


def relpath_problem(value, field: str, file: str, line: int | None = None, under: str | None = None
                    ) -> Problem | None:
    """A Problem unless `value` is a relative POSIX path of safe ids (optionally starting with `under/`)."""
    expected = (f"a relative path of safe names{f' under {under}/' if under else ''}, e.g. "
                f"{under or 'story'}/raw/doc.txt")
    parts = value.split("/") if isinstance(value, str) else None
    if (not parts or any(id_problem(p, field, file) for p in parts) or "\\" in value
            or (under is not None and (len(parts) < 2 or parts[0] != under))):
        return Problem(str(file), f"{field} is not a safe relative path", line=line, field=field,
                       expected=expected, found=_short(value))
    return None


def safe_join(base: Path, *names: str, field: str = "id", file: str = "data") -> Path:
    """base/names…, refusing any name that is not a safe id (the one place data becomes a path)."""
    for n in names:
        check_id(n, field, file)
    return Path(base).joinpath(*names)


# --- versions -----------------------------------------------------------------------------------------

SEMVER = re.compile(r"(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})")
"""MAJOR.MINOR.PATCH, no leading zeros, no pre-release or build suffix (releases/v<version>.json)."""


def parse_version(value, option: str = "--version") -> str:
    """A dataset version 'MAJOR.MINOR.PATCH' (a leading 'v' is accepted and dropped); else an error."""
    text = value[1:] if isinstance(value, str) and value.startswith("v") else value
    if not isinstance(text, str) or not SEMVER.fullmatch(text):
        raise SameStoryError(f"{option}: not a dataset version", [Problem(
            "command line", "a dataset version is a semantic version", field=option,
            expected="MAJOR.MINOR.PATCH, e.g. 1.0.0", found=_short(value))])
    return text




# --- bounded JSON -------------------------------------------------------------------------------------

MAX_DEPTH = 64
"""Deepest nesting of arrays/objects accepted in any JSON input (ours never exceed 6)."""
MAX_LINE_BYTES = 32 * 1024 * 1024
"""Longest JSONL line (one record) accepted: 32 MiB."""
MAX_FILE_BYTES = 1024 * 1024 * 1024
"""Largest JSON/JSONL file read: 1 GiB."""
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """Deepest bracket nesting of a JSON text, strings ignored (linear; no recursion)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return text.count("[") + text.count("{")
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRINGS.sub("", text)):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def loads(text: str, file: str, line: int | None = None):
    """json.loads with the nesting and size bounds; any failure is a SameStoryError naming file and line."""
    where = f"{file}{'' if line is None else f':{line}'}"
    limit = MAX_LINE_BYTES if line is not None else MAX_FILE_BYTES
    if len(text) > limit:
        raise SameStoryError(f"{where}: too large", [Problem(str(file), "JSON text too large", line=line,
                                                              expected=f"<= {limit} characters",
                                                              found=f"{len(text)} characters")])
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise SameStoryError(f"{where}: JSON nested too deeply", [Problem(
            str(file), "JSON nested too deeply", line=line, expected=f"<= {MAX_DEPTH} levels",
            found=f"{depth} levels")])
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        msg = getattr(exc, "msg", None) or type(exc).__name__
        raise SameStoryError(f"{where}: invalid JSON", [Problem(str(file), f"invalid JSON: {msg}", line=line)])


def read_json(path: Path, what: str = "JSON file"):
    """A whole JSON file (UTF-8, bounded); a missing, unreadable or malformed file is a SameStoryError."""
    path = Path(path)
    try:
        if path.is_dir():
            raise SameStoryError(f"{path}: is a folder", [Problem(str(path), f"expected a {what}, found a folder")])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SameStoryError(f"{path}: too large", [Problem(str(path), f"{what} too large",
                                                                 expected=f"<= {MAX_FILE_BYTES} bytes",
                                                                 found=f"{size} bytes")])
        data = path.read_bytes()
    except OSError as exc:
        raise SameStoryError(f"{path}: cannot read", [Problem(str(path), f"cannot read the {what}: "
                                                              f"{exc.strerror or exc}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SameStoryError(f"{path}: not UTF-8", [Problem(str(path), f"not UTF-8 at byte {exc.start}")]) from None
    if not text.strip():
        raise SameStoryError(f"{path}: empty file", [Problem(str(path), f"empty file, expected a {what}",
                                                             found="0 JSON values")])
    return loads(text, str(path))


# --- folders a command replaces -----------------------------------------------------------------------

def check_folder_path(folder: Path, option: str = "--out") -> None:
    """Refuse, before any work, a folder path where a file stands (the folder itself or one of its parents)."""
    folder = Path(folder)
    bad = next((q for q in (folder, *folder.parents) if q.exists() and not q.is_dir()), None)
    if bad is not None:
        raise SameStoryError(f"{option} {folder}: {bad} is a file, not a folder",
                             [Problem(str(bad), "expected a folder", field=option, found="a file")])


def check_replaceable(target: Path, owns: Callable[[str], bool] | Iterable[str], command: str,
                      option: str = "--out") -> None:
    """Refuse to replace `target` unless it is absent, or a folder whose every file `command` writes
    (`owns(relative posix path)`, or membership in a set of names). Nothing user-owned is ever lost."""
    target = Path(target)
    if not target.exists() and not target.is_symlink():
        return
    if target.is_symlink() or not target.is_dir():
        raise SameStoryError(f"{target}: not a folder {command} wrote", [Problem(
            str(target), f"{option} must be a new folder or one {command} wrote", field=option,
            expected="a folder", found="a symlink" if target.is_symlink() else "a file")])
    if not callable(owns):
        names = set(owns)
        owns = names.__contains__
    foreign: list[str] = []
    for dirpath, dirnames, filenames in os.walk(target):  # stops early: `--out /` must not walk the disk
        rel = Path(dirpath).relative_to(target)
        for n in sorted(filenames) + sorted(d for d in dirnames if (Path(dirpath) / d).is_symlink()):
            if not owns((rel / n).as_posix()):
                foreign.append((rel / n).as_posix())
        if not filenames and not dirnames and rel != Path("."):
            foreign.append(rel.as_posix() + "/")  # an empty folder of the user's
        dirnames[:] = sorted(d for d in dirnames if not (Path(dirpath) / d).is_symlink())
        if len(foreign) > 20:
            break
    if foreign:
        raise SameStoryError(
            f"{target}: holds files {command} did not write; refusing to replace it (choose another {option})",
            [Problem(str(target / n), f"not written by {command}", field=option) for n in foreign[:20]]
            + ([Problem(str(target), "... and more", field=option)] if len(foreign) > 20 else []))


def replace_dir(new: Path, target: Path, owns, command: str, option: str = "--out") -> None:
    """Swap the finished folder `new` (built beside `target`) into place, after `check_replaceable`. The old
    folder goes to a locked trash folder first, so a kill at any point leaves either version whole."""
    new, target = Path(new), Path(target)
    check_replaceable(target, owns, command, option)
    if not target.exists():
        os.replace(new, target)
        return
    with scratch_dir(target.parent, target.name, kind=OLD) as trash:
        os.replace(target, trash / "old")
        try:
            os.replace(new, target)
        except BaseException:
            os.replace(trash / "old", target)
            raise


# --- locks and scratch folders ------------------------------------------------------------------------

LOCK_TIMEOUT = 600.0
"""Seconds a command waits for another one holding the same lock before giving up with a message."""


@contextmanager
def locked(folder: Path, what: str, timeout: float | None = None,
           holder: str = "another samestory command") -> Iterator[None]:
    """An exclusive advisory lock on an existing folder (flock on the folder itself: no lock file to leave
    behind; released by the kernel when the process dies)."""
    folder = Path(folder)
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise SameStoryError(f"{folder}: {holder} is {what}; try again when it ends",
                                         [Problem(str(folder), "locked by another process",
                                                  expected=f"the lock within {timeout:.0f} s")]) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def _try_lock(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        os.close(fd)
        return None


def sweep(parent: Path, prefix: str) -> list[Path]:
    """Remove scratch folders `parent/<prefix>*` left by killed runs (no live process holds their lock)."""
    removed = []
    parent = Path(parent)
    if not parent.is_dir():
        return removed
    for p in sorted(parent.glob(f"{glob_escape(prefix)}*")):
        if not p.is_dir() or p.is_symlink():
            continue
        fd = _try_lock(p)
        if fd is None:
            continue  # in use by a running command
        try:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
        finally:
            os.close(fd)
    return removed


def glob_escape(text: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", text)


SCRATCH = "-samestory-tmp-"
OLD = "-samestory-old-"
"""Scratch and trash folders are named `.<name>-samestory-tmp-XXXX` / `.<name>-samestory-old-XXXX`: a name no
user folder has, so sweeping them can never delete something of the user's (and git ignores them)."""


@contextmanager
def scratch_dir(parent: Path, name: str, mode: int | None = None, kind: str = SCRATCH) -> Iterator[Path]:
    """A temporary folder `parent/.<name>-samestory-tmp-XXXX`, locked while in use and removed afterwards
    (unless it was renamed into place); stale ones from killed runs are swept first."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{name}{kind}"
    sweep(parent, prefix)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    if mode is not None:
        tmp.chmod(mode)
    fd = os.open(tmp, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield tmp
    finally:
        try:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        finally:
            os.close(fd)


# --- names shown to people ----------------------------------------------------------------------------

MAX_NAME = 100
"""Longest system or display name accepted (characters)."""
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Characters that reorder displayed text (Trojan-Source style spoofing); never allowed in a name."""


def name_problem(value, field: str, file: str, line: int | None = None, limit: int = MAX_NAME) -> Problem | None:
    """A Problem unless `value` is a one-line printable name of 1-limit characters without bidi controls."""
    expected = f"1-{limit} printable characters, no line breaks, control or bidi-override characters"
    if not isinstance(value, str) or not value.strip():
        return Problem(str(file), "name missing or empty", line=line, field=field, expected=expected,
                       found=_short(value))
    bad = sorted({f"U+{ord(c):04X}" for c in value if c in BIDI_CONTROLS or not c.isprintable()})
    if bad:
        return Problem(str(file), "name holds control or bidi-override characters", line=line, field=field,
                       expected=expected, found=", ".join(bad[:5]))
    if len(value) > limit or value != value.strip():
        return Problem(str(file), "name too long or with edge spaces", line=line, field=field, expected=expected,
                       found=f"{len(value)} characters: {_short(value[:40])}")
    return None
