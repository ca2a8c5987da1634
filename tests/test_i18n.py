"""Every rule and every UI string exists in English and Simplified Chinese."""
from __future__ import annotations

import io
import re
import string

import pytest
from rich.console import Console

from nndoctor.catalog import LANGS, RULE_INFO
from nndoctor.catalog_text import CATALOG
from nndoctor.findings import Finding, Report
from nndoctor.i18n import STRINGS, t, words
from nndoctor.report.terminal import LiveSink, render

CJK = re.compile(r"[\u4e00-\u9fff]")
FIELDS = ("summary", "why", "fix", "example", "false_positives")


@pytest.mark.parametrize("entry", CATALOG, ids=[e["code"] for e in CATALOG])
def test_every_rule_has_both_languages(entry):
    for field in FIELDS:
        texts = entry.get(field)
        assert isinstance(texts, dict), f"{entry['code']}: {field} missing"
        for lang in LANGS:
            assert (texts.get(lang) or "").strip(), f"{entry['code']}: {field} has no {lang!r} text"
        if field != "example":  # examples share their code; prose must be translated
            assert CJK.search(texts["zh"]), f"{entry['code']}: {field} 'zh' text is not Chinese"
            assert texts["zh"] != texts["en"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_ui_strings_in_both_languages_with_the_same_placeholders():
    assert set(STRINGS) == set(LANGS)
    assert set(STRINGS["en"]) == set(STRINGS["zh"])
    for key, en in STRINGS["en"].items():
        zh = STRINGS["zh"][key]
        if en:
            assert zh, f"no Chinese for UI string {key!r}"
        assert _fields(en) == _fields(zh), key
    assert t("title", "zh") == "nndoctor 诊断" and t("title", "xx") == t("title", "en")
    assert t("first_seen", "en", step=3) == "first seen at step 3"


def test_explain_in_chinese(cli):
    proc = cli("explain", "D104", "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    info = RULE_INFO["D104"]
    for field in ("summary", "why", "fix"):
        assert info.text(field, "zh") in proc.stdout
    assert "含义" in proc.stdout and "如何修复" in proc.stdout


def _report() -> Report:
    return Report(script="train.py", steps_seen=12, findings=[
        Finding(code="L202", name="softmax-before-crossentropy", severity="error", message="inputs sum to 1",
                where="cross_entropy", step=0, fix=RULE_INFO["L202"].text("fix", "en"))])


@pytest.mark.parametrize("terminal", [True, False])
def test_terminal_summary_in_chinese_shows_zh_texts_beside_the_english_evidence(terminal):
    buf = io.StringIO()
    console = Console(file=buf, width=140, force_terminal=terminal, color_system=None)
    render(_report(), console, "zh", {"HTML": "r.html"})
    out = buf.getvalue()
    assert "nndoctor 诊断" in out and "inputs sum to 1" in out
    flat = re.sub(r"[\s│]+", "", out)
    assert re.sub(r"\s+", "", RULE_INFO["L202"].text("summary", "zh"))[:20] in flat
    assert re.sub(r"\s+", "", RULE_INFO["L202"].text("fix", "zh"))[:20] in flat
    assert ("┃" in out) == terminal  # a table on a terminal, plain lines in logs
    assert "1 个错误" in out and "r.html" in out


def test_live_lines_are_short_and_plain_off_a_terminal():
    buf = io.StringIO()
    sink = LiveSink(Console(file=buf, width=100, force_terminal=False), "en")
    sink("nndoctor: error L202 softmax-before-crossentropy (step 0): " + "x" * 500)
    sink("nndoctor: pre-flight overfit one small batch: loss 2.3 -> 1.4 (0.1 s)")
    sink.close()
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("nndoctor: error L202") and len(lines[0]) <= 200
    assert lines[1].startswith("nndoctor: pre-flight overfit")
    assert "\x1b[" not in buf.getvalue()


def test_live_preflight_progress_on_a_terminal_ends_in_one_line():
    buf = io.StringIO()
    sink = LiveSink(Console(file=buf, width=100, force_terminal=True, color_system=None), "zh")
    sink("nndoctor: pre-flight on a copy of the model (10 parameters, 4 samples)")
    sink("nndoctor: pre-flight loss at initialization: 2.3 (0.00 s)")
    sink("nndoctor: warning G405 weights-diverging: grew")  # closes the progress display first
    sink.close()
    out = buf.getvalue()
    assert "预检:1 个实验" in out and "G405" in out
    assert words("zh")["exp_overfit"] == "过拟合一个小批量"
