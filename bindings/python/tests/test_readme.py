"""Runs the Python code blocks of bindings/python/README.md, so that the README stays true.

Every block fenced as ```python runs, in the order of the README, in one shared namespace (like
a notebook: a block may use the names an earlier block defined), with a temporary directory as
the working directory (a block that writes a file, such as `Crm.open("firma.crm")`, writes it
there). A block that is not meant to run takes another fence language (```sh, ```text).

A failure names the README's line: each block is compiled with the README as its file name and
its own line numbers.
"""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>.*)$")


def code_blocks(text, language):
    """The blocks of `text` fenced with `language` (the first word of the info string), as
    (first line number of the code, code) pairs, in order."""
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group("fence"), m.group("info").strip()
        start = i + 1
        j = start
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        if j == len(lines):
            raise AssertionError(f"README.md:{i + 1}: the code fence is never closed")
        words = info.split()
        if words and words[0] == language:
            indent = len(m.group("indent"))
            body = "\n".join(line[indent:] for line in lines[start:j])
            blocks.append((start + 1, body))
        i = j + 1
    return blocks


BLOCKS = code_blocks(README.read_text(encoding="utf-8"), "python")


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 10, f"{README}: expected the Use section and the Tour, found {len(BLOCKS)} blocks"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__readme__"}
    for line, code in BLOCKS:
        # Leading newlines so that the traceback's line numbers are the README's.
        compiled = compile("\n" * (line - 1) + code, str(README), "exec")
        try:
            exec(compiled, namespace)
        except Exception as e:  # noqa: BLE001 - re-raised with the block's place
            raise AssertionError(f"the block at README.md:{line} failed: {type(e).__name__}: {e}") from e
