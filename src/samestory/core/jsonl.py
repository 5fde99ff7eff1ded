"""JSON Lines read/write: strict reading with line numbers, deterministic atomic writing."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

from samestory.core import guard
from samestory.core.errors import Problem, SameStoryError


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, record); invalid UTF-8, invalid or too deep/long JSON or a non-object is an error
    naming the line (bounds in `guard`). Lines are split at \n only, like every JSONL writer: a U+2028 inside
    a string is text, not a line break."""
    path = Path(path)
    try:
        if path.is_dir():
            raise SameStoryError(f"{path}: is a folder", [Problem(str(path), "expected a .jsonl file, found a folder")])
        size = path.stat().st_size
        if size > guard.MAX_FILE_BYTES:
            raise SameStoryError(f"{path}: too large", [Problem(str(path), "JSONL file too large",
                                                                 expected=f"<= {guard.MAX_FILE_BYTES} bytes",
                                                                 found=f"{size} bytes")])
        data = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SameStoryError(f"{path}: not UTF-8", [Problem(str(path), f"not UTF-8 at byte {exc.start}")])
    except OSError as exc:
        raise SameStoryError(f"{path}: cannot read", [Problem(str(path), f"cannot read: {exc.strerror or exc}")])
    for lineno, line in enumerate(data.split("\n"), 1):
        if not line.strip():
            continue
        obj = guard.loads(line, str(path), lineno)
        if not isinstance(obj, dict):
            raise SameStoryError(f"{path}:{lineno}: expected a JSON object",
                                 [Problem(str(path), "expected a JSON object", line=lineno,
                                          found=type(obj).__name__)])
        yield lineno, obj


def dumps(record: Any) -> str:
    """One canonical JSON line: UTF-8, keys in declared order, no trailing spaces."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    atomic_write_bytes(path, "".join(dumps(r) + "\n" for r in records).encode("utf-8"))


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
