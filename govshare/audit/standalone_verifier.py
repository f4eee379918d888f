#!/usr/bin/env python3
"""Standalone verifier of an exported govshare audit log (审计日志独立校验程序).

Usage: python verify_audit.py [DIR] [--key KEY]

DIR holds audit.jsonl (one entry per line: its fields, the canonical text that was hashed, prev_hash and entry_hash)
and seals.jsonl. Each entry's hash must be SM3(previous hash + canonical text), and its fields must be those the
canonical text holds. Only the Python standard library is used (hashlib with SM3, from OpenSSL 3), so an outside
auditor can run it without the platform. The platform's own `govshare audit verify` imports this module: there is
one implementation of the chain rules.

Without --key the seals are checked against the chain (the sealed head must be the entry's hash); with the platform
key the HMAC-SM3 of each seal is checked too.
"""

import hashlib
import hmac
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "FIELDS",
    "FIELD_KINDS",
    "GENESIS_HASH",
    "SEPARATOR",
    "ChainState",
    "VerifyResult",
    "check_chain",
    "check_seals",
    "check_sm3",
    "field_mismatch",
    "hash_canonical",
    "parse_canonical",
    "seal_mac",
    "sm3_hex",
    "verify_rows",
]

# The hashed fields, in this order, with how each is rendered in the canonical text (see the platform's
# canonical.py, which builds that text in SQL); changing either breaks every existing chain.
FIELD_KINDS = (
    ("seq", "int"),
    ("time", "time"),
    ("user_id", "int"),
    ("username", "text"),
    ("department_id", "int"),
    ("department_name", "text"),
    ("system", "text"),
    ("action", "text"),
    ("resource_id", "int"),
    ("resource_code", "text"),
    ("items", "json"),
    ("filter", "json"),
    ("record_count", "int"),
    ("purpose", "text"),
    ("result", "text"),
    ("latency_ms", "int"),
    ("detail", "json"),
)
FIELDS = tuple(name for name, _kind in FIELD_KINDS)
CANONICAL_VERSION = "1"
# Between the fields of the canonical text; never inside one (see the platform's canonical.py).
SEPARATOR = "\x1f"
GENESIS_HASH = "0" * 64


def check_sm3():
    """Fail clearly where the OpenSSL build lacks SM3, instead of somewhere deep in a hash call."""
    try:
        hashlib.new("sm3")
    except ValueError as exc:
        raise RuntimeError("此 Python 的 hashlib（OpenSSL）不支持 SM3 国密杂凑算法，无法写入或校验审计日志") from exc


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def hash_canonical(prev_hash: str, canonical: str) -> str:
    """SM3(previous entry's hash, as bytes, followed by this entry's canonical text in UTF-8)."""
    return hashlib.new("sm3", bytes.fromhex(prev_hash) + canonical.encode()).hexdigest()


def seal_mac(key: bytes, seq: int, head_hash: str) -> str:
    """HMAC-SM3 under the platform key of "seq:head_hash"."""
    return hmac.new(key, f"{seq}:{head_hash}".encode(), "sm3").hexdigest()


def parse_canonical(text: str) -> dict:
    """The fields of a canonical text as values: ints (None when empty), the time as text, text, JSON decoded
    (None when empty). Raises ValueError when the text is not in the canonical form."""
    pieces = text.split(SEPARATOR)
    if len(pieces) != len(FIELD_KINDS) + 2 or pieces[0] != CANONICAL_VERSION or pieces[-1] != "":
        raise ValueError("not a canonical text")
    values = {}
    for (name, kind), piece in zip(FIELD_KINDS, pieces[1:-1], strict=True):
        if kind == "int":
            values[name] = int(piece) if piece else None
        elif kind == "json":
            values[name] = json.loads(piece) if piece else None
        else:
            values[name] = piece
    return values


def _same_time(canonical_time: str, value) -> bool:
    """The canonical time is UTC without an offset; the exported one is ISO 8601 with its offset."""
    try:
        left = datetime.fromisoformat(canonical_time).replace(tzinfo=timezone.utc)  # noqa: UP017 - runs on older Pythons too
        right = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    if right.tzinfo is None:
        right = right.replace(tzinfo=timezone.utc)  # noqa: UP017
    return left == right


def field_mismatch(entry: dict) -> str | None:
    """The first field of an exported entry that differs from its canonical text (what was hashed), or None."""
    try:
        hashed = parse_canonical(entry.get("canonical") or "")
    except ValueError:
        return "canonical"
    for name, kind in FIELD_KINDS:
        value = entry.get(name)
        if kind == "time":
            if not _same_time(hashed[name], value):
                return name
        elif hashed[name] != value or type(hashed[name]) is not type(value):
            return name
    return None


class VerifyResult(NamedTuple):
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None  # altered | inserted | missing | seal_mismatch
    message: str = ""
    pending: int = 0  # entries not chained yet (not an error)


class ChainState(NamedTuple):
    """Where a run of check_chain ended: entries checked, the next expected seq and previous hash, the problem."""

    checked: int
    next_seq: int
    prev_hash: str
    problem: VerifyResult | None


def _altered(checked, seq, what="内容"):
    return VerifyResult(False, checked, seq, "altered", f"第 {seq} 条：{what}与其杂凑值不符，条目被篡改")


def check_chain(batches, start_seq=1, start_prev=GENESIS_HASH, prev_of=None) -> ChainState:
    """Check batches (iterables) of rows (seq, entry_hash, canonical), in seq order, from start_seq on.

    Each entry's hash must be SM3(previous hash + canonical). On a mismatch, prev_of(seq) (the entry's stored
    prev_hash) tells an altered entry (its own hash does not match its content) from an inserted one (its hash
    matches its content but not the chain). This is the hot loop of verification: keep it lean.
    """
    # Copying a fresh SM3 object and feeding it twice is a quarter faster than hashlib.new over a joined buffer.
    fresh = hashlib.new("sm3").copy
    fromhex = bytes.fromhex
    expected_seq = start_seq
    prev = fromhex(start_prev)
    for rows in batches:
        for seq, stored, canonical in rows:
            if seq != expected_seq:
                checked = expected_seq - start_seq
                if seq < expected_seq:
                    message = f"第 {seq} 条：序号重复或乱序，有条目被插入"
                    problem = VerifyResult(False, checked, seq, "inserted", message)
                else:
                    message = f"第 {expected_seq} 条缺失（下一条为第 {seq} 条），有条目被删除"
                    problem = VerifyResult(False, checked, expected_seq, "missing", message)
                return ChainState(checked, expected_seq, prev.hex(), problem)
            digest = fresh()
            digest.update(prev)
            if canonical is not None:
                digest.update(canonical.encode())
            if canonical is None or digest.hexdigest() != stored:
                checked, prev_hex = expected_seq - start_seq, prev.hex()
                own_prev = prev_of(seq) if prev_of is not None else None
                if (
                    canonical is not None
                    and stored is not None
                    and own_prev is not None
                    and own_prev != prev_hex
                    and hash_canonical(own_prev, canonical) == stored
                ):
                    message = f"第 {seq} 条：未接续上一条的杂凑值，条目被插入或替换"
                    problem = VerifyResult(False, checked, seq, "inserted", message)
                else:
                    problem = _altered(checked, seq)
                return ChainState(checked, expected_seq, prev_hex, problem)
            prev = fromhex(stored)
            expected_seq += 1
    return ChainState(expected_seq - start_seq, expected_seq, prev.hex(), None)


def check_seals(seals, heads, last_seq: int, checked: int, key: bytes | None = None) -> VerifyResult | None:
    """Check seals (dicts with seq, head_hash, mac) against heads ({seq: verified entry_hash}); None when fine."""
    for seal in sorted(seals, key=lambda s: int(s["seq"])):
        seq = int(seal["seq"])
        if seq > last_seq or seq not in heads:
            message = f"封印指向第 {seq} 条，但日志只到第 {last_seq} 条，末尾条目被删除"
            return VerifyResult(False, checked, seq, "missing", message)
        if heads[seq] != seal["head_hash"]:
            return VerifyResult(False, checked, seq, "seal_mismatch", f"第 {seq} 条的杂凑值与封印不符，链被重算")
        if key is not None and not hmac.compare_digest(seal_mac(key, seq, seal["head_hash"]), seal["mac"]):
            return VerifyResult(False, checked, seq, "seal_mismatch", f"第 {seq} 条处的封印签名无效，封印被伪造")
    return None


def verify_rows(entries, seals=(), key: bytes | None = None) -> VerifyResult:
    """Check exported entries (dicts with FIELDS, prev_hash, entry_hash, canonical), in seq order, and the seals.

    Each entry's fields must be those of its canonical text, and the canonical texts must chain. Stops at the first
    problem, naming its seq."""
    check_sm3()
    entries = list(entries)
    prev_hashes = {}
    for entry in entries:
        prev_hashes.setdefault(entry["seq"], entry.get("prev_hash"))
    state = check_chain(
        [[(e["seq"], e.get("entry_hash"), e.get("canonical")) for e in entries]], prev_of=prev_hashes.get
    )
    checked = state.checked
    for position, entry in enumerate(entries[:checked]):
        field = field_mismatch(entry)
        if field is not None:
            return _altered(position, entry["seq"], f"字段 {field} ")
    if state.problem is not None:
        return state.problem
    seal_seqs = {int(s["seq"]) for s in seals}
    heads = {e["seq"]: e["entry_hash"] for e in entries if e["seq"] in seal_seqs}
    problem = check_seals(seals, heads, state.next_seq - 1, checked, key)
    if problem is not None:
        return problem
    return VerifyResult(True, checked, message=f"审计日志完整：已校验 {checked} 条，{len(seals)} 个封印")


def _read_jsonl(path: Path):
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    key = None
    if "--key" in args:
        i = args.index("--key")
        key = args[i + 1].encode()
        del args[i : i + 2]
    folder = Path(args[0]) if args else Path(__file__).resolve().parent
    result = verify_rows(_read_jsonl(folder / "audit.jsonl"), _read_jsonl(folder / "seals.jsonl"), key)
    print(("通过：" if result.ok else "失败：") + result.message)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
