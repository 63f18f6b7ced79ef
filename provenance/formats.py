"""Hash-list files in the ThreatExchange formats (python-threatexchange 1.2, `threatexchange` CLI).

One signal per line, `<signal type> <signal>`, the shape `threatexchange hash`
prints, with the signal types' own serialisations:

- `pdq <64 hex>`: a PDQ hash;
- `md5 <32 hex>`: an MD5 of the file's bytes;
- `vpdq <json>`: a vPDQ hash, the JSON list of `"<pdq hex>,<quality>,<timestamp>"`
  strings that threatexchange's `vpdq_to_json` writes.

A line may end with a tab and a note (kept as the entry's note). Blank lines
and lines starting with `#` are skipped. Parsing never touches the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from provenance.hashing import bits_to_hex, hex_to_bits

_MD5 = re.compile(r"^[0-9a-f]{32}$")


class FormatError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class Signal:
    signal_type: str
    value: str  # canonical text: lower-case hex, or the vPDQ JSON
    pdq_bits: str | None = None
    frames: tuple[str, ...] = ()
    note: str = ""


def vpdq_json(frames: list[str], qualities: list[int] | None = None) -> str:
    qualities = qualities or [100] * len(frames)
    return json.dumps(
        [
            f"{bits_to_hex(b)},{q},{float(i):.3f}"
            for i, (b, q) in enumerate(zip(frames, qualities, strict=True))
        ]
    )


def _vpdq(raw: str, line: int) -> Signal:
    try:
        items = json.loads(raw)
        frames = tuple(hex_to_bits(str(item).split(",")[0]) for item in items)
    except (ValueError, TypeError) as exc:
        raise FormatError(line, f"not a vPDQ JSON list ({exc})") from None
    if not frames:
        raise FormatError(line, "an empty vPDQ hash")
    return Signal("vpdq", vpdq_json(list(frames)), frames=frames)


def parse_line(text: str, line: int) -> Signal | None:
    text = text.strip("\r\n")
    if not text.strip() or text.lstrip().startswith("#"):
        return None
    body, _, note = text.partition("\t")
    kind, _, raw = body.strip().partition(" ")
    kind, raw = kind.lower(), raw.strip()
    if kind == "pdq":
        try:
            bits = hex_to_bits(raw)
        except ValueError as exc:
            raise FormatError(line, str(exc)) from None
        return Signal("pdq", raw.lower(), pdq_bits=bits, note=note.strip())
    if kind == "md5":
        if not _MD5.match(raw.lower()):
            raise FormatError(line, "an MD5 is 32 hexadecimal characters")
        return Signal("md5", raw.lower(), note=note.strip())
    if kind == "vpdq":
        signal = _vpdq(raw, line)
        return Signal(signal.signal_type, signal.value, frames=signal.frames, note=note.strip())
    raise FormatError(line, f"unknown signal type {kind!r} (pdq, vpdq, md5)")


def parse(text: str) -> list[Signal]:
    """Every signal of a file; the first bad line raises `FormatError` (nothing is half-imported)."""
    signals = []
    for number, raw in enumerate(text.splitlines(), start=1):
        signal = parse_line(raw, number)
        if signal is not None:
            signals.append(signal)
    return signals


def dump(signals: list[tuple[str, str, str]]) -> str:
    """(signal type, value, note) rows as a file `parse` reads back."""
    out = []
    for signal_type, value, note in signals:
        clean = note.replace("\t", " ").replace("\n", " ")
        out.append(f"{signal_type} {value}" + (f"\t{clean}" if clean else ""))
    return "\n".join(out) + ("\n" if out else "")
