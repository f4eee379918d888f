#!/usr/bin/env python3
"""Standalone verifier of an exported govshare audit log (审计日志独立校验程序).

Usage: python verify_audit.py [DIR] [--key KEY]

DIR holds audit.jsonl (one entry per line, with prev_hash and entry_hash) and seals.jsonl. Only the Python standard
library is used (hashlib with SM3, from OpenSSL 3), so an outside auditor can run it without the platform. The
platform's own `govshare audit verify` imports this module: there is one implementation of the chain rules.

Without --key the seals are checked against the chain (the sealed head must be the entry's hash); with the platform
key the HMAC-SM3 of each seal is checked too.
"""

import hashlib
import hmac
import json
import sys
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "FIELDS",
    "GENESIS_HASH",
    "VerifyResult",
    "canonical_bytes",
    "check_sm3",
    "entry_hash",
    "seal_mac",
    "sm3_hex",
    "verify_rows",
]

# The hashed fields, in this order; changing it (or the JSON options below) breaks every existing chain.
FIELDS = (
    "seq",
    "time",
    "user_id",
    "username",
    "department_id",
    "department_name",
    "system",
    "action",
    "resource_id",
    "resource_code",
    "items",
    "filter",
    "record_count",
    "purpose",
    "result",
    "latency_ms",
    "detail",
)
GENESIS_HASH = "0" * 64


def check_sm3():
    """Fail clearly where the OpenSSL build lacks SM3, instead of somewhere deep in a hash call."""
    try:
        hashlib.new("sm3")
    except ValueError as exc:
        raise RuntimeError("此 Python 的 hashlib（OpenSSL）不支持 SM3 国密杂凑算法，无法写入或校验审计日志") from exc


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def canonical_bytes(values) -> bytes:
    """The entry's values in FIELDS order as compact JSON (nested keys sorted), UTF-8: the bytes that are hashed."""
    return _dumps(list(values)).encode()


def entry_hash(prev_hash: str, values) -> str:
    """SM3(previous entry's hash, as bytes, followed by this entry's canonical bytes)."""
    return hashlib.new("sm3", bytes.fromhex(prev_hash) + _dumps(list(values)).encode()).hexdigest()


def seal_mac(key: bytes, seq: int, head_hash: str) -> str:
    """HMAC-SM3 under the platform key of "seq:head_hash"."""
    return hmac.new(key, f"{seq}:{head_hash}".encode(), "sm3").hexdigest()


class VerifyResult(NamedTuple):
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None  # altered | inserted | missing | seal_mismatch
    message: str = ""


def verify_rows(rows, seals=(), key: bytes | None = None) -> VerifyResult:
    """Check the chain of `rows` — tuples (*FIELDS values, prev_hash, entry_hash) in seq order — and the seals,
    dicts with seq, head_hash, mac. Stops at the first problem, naming its seq."""
    check_sm3()
    new = hashlib.new
    fromhex = bytes.fromhex
    dumps = _dumps
    seal_seqs = {int(s["seq"]) for s in seals}
    heads = {}
    expected_seq = 1
    expected_prev = GENESIS_HASH
    checked = 0
    for row in rows:
        seq = row[0]
        prev, stored = row[-2], row[-1]
        if seq != expected_seq:
            if seq < expected_seq:
                return VerifyResult(False, checked, seq, "inserted", f"第 {seq} 条：序号重复或乱序，有条目被插入")
            message = f"第 {expected_seq} 条缺失（下一条为第 {seq} 条），有条目被删除"
            return VerifyResult(False, checked, expected_seq, "missing", message)
        if stored is None or new("sm3", fromhex(prev) + dumps(row[:-2]).encode()).hexdigest() != stored:
            return VerifyResult(False, checked, seq, "altered", f"第 {seq} 条：内容与其杂凑值不符，条目被篡改")
        if prev != expected_prev:
            return VerifyResult(False, checked, seq, "inserted", f"第 {seq} 条：未接续上一条的杂凑值，条目被插入或替换")
        if seq in seal_seqs:
            heads[seq] = stored
        expected_prev = stored
        expected_seq += 1
        checked += 1
    for seal in sorted(seals, key=lambda s: int(s["seq"])):
        seq = int(seal["seq"])
        if seq not in heads:
            message = f"封印指向第 {seq} 条，但日志只到第 {expected_seq - 1} 条，末尾条目被删除"
            return VerifyResult(False, checked, seq, "missing", message)
        if heads[seq] != seal["head_hash"]:
            return VerifyResult(False, checked, seq, "seal_mismatch", f"第 {seq} 条的杂凑值与封印不符，链被重算")
        if key is not None and not hmac.compare_digest(seal_mac(key, seq, seal["head_hash"]), seal["mac"]):
            return VerifyResult(False, checked, seq, "seal_mismatch", f"第 {seq} 条处的封印签名无效，封印被伪造")
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
    entries = _read_jsonl(folder / "audit.jsonl")
    rows = (tuple(e[f] for f in FIELDS) + (e["prev_hash"], e["entry_hash"]) for e in entries)
    result = verify_rows(rows, _read_jsonl(folder / "seals.jsonl"), key)
    print(("通过：" if result.ok else "失败：") + result.message)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
