"""The data rules of train/prepare.py, applied again where CLAP and bridge read training data."""
from __future__ import annotations

from .. import data


class Refused(Exception):
    """A rule stops the run: the scripts print one line and exit with status 2."""


def check_trainable_rows(rows: list[dict]) -> None:
    """Refuses reserved evaluation reciters and dev/benchmark clips (cache rows from prepare.py)."""
    for r in rows:
        where = r.get("path") or r.get("id")
        name = data.reserved_name(r.get("reciter"), r.get("path", ""))
        if name:
            raise Refused(f"{where}: {name} is a reserved evaluation reciter and must never be trained on")
        if "/dev/" in str(r.get("path", "")).replace("\\", "/") or r.get("source", "train") not in ("train", "everyayah"):
            raise Refused(f"{where}: dev/benchmark clips must never be trained on")
