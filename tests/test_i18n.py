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


# --- Finding messages, live lines and pre-flight progress in Chinese -------------------------------
import ast  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from nndoctor.i18n import Text, from_langs, in_langs, tjoin, tr  # noqa: E402
from nndoctor.i18n import render as render_text  # noqa: E402
from nndoctor.messages_zh import ZH  # noqa: E402

PACKAGE = Path(__file__).resolve().parents[1] / "nndoctor"
ZOO_BROKEN = Path(__file__).resolve().parents[1] / "zoo" / "broken"


def _tr_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr":
                calls.append((f"{path.relative_to(PACKAGE.parent)}:{node.lineno}", node))
    return calls


def _spec(template: str) -> list[tuple[str, str, str | None]]:
    """Each placeholder with its format spec and conversion, sorted: must be the same in every language."""
    return sorted({(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)
                   if name is not None})


def test_every_message_template_has_a_chinese_twin_with_the_same_placeholders():
    calls = _tr_calls()
    assert len(calls) > 150  # the rules, pre-flight, probes and notes all speak through tr()
    for where, call in calls:
        assert call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str), \
            f"{where}: tr() needs a literal template (the tests and the translators read it)"
        template = call.args[0].value
        assert template in ZH, f"{where}: no Chinese for {template!r} in nndoctor/messages_zh.py"
        assert _spec(ZH[template]) == _spec(template), f"{where}: placeholders differ for {template!r}"
        assert {k.arg for k in call.keywords} == {name for name, _, _ in _spec(template)}, \
            f"{where}: the parameters passed do not match the placeholders of {template!r}"


def test_every_chinese_template_is_used_and_is_chinese():
    used = {call.args[0].value for _, call in _tr_calls() if call.args and isinstance(call.args[0], ast.Constant)}
    stale = sorted(set(ZH) - used)
    assert not stale, f"Chinese templates no tr() uses any more: {stale}"
    for en, zh in ZH.items():
        if re.search(r"[a-z]{3,} [a-z]{3,}", re.sub(r"`[^`]*`|\{[^}]*\}", "", en)):  # prose, not a code fragment
            assert CJK.search(zh), f"not translated: {en!r}"


def test_text_is_the_english_str_and_renders_every_part_in_the_language_asked():
    part = tr("{loss} without regularization", loss="2.3")
    whole = tr("skipped, {reason}", reason=part) + tr("; also {rest}", rest=tjoin("; ", [part, "x"]))
    assert isinstance(whole, str) and whole == "skipped, 2.3 without regularization; also 2.3 without regularization; x"
    assert whole.render("zh") == "已跳过:去掉正则化为 2.3;另有 去掉正则化为 2.3; x"
    assert render_text("plain", "zh") == "plain" and render_text(whole, "xx") == str(whole)
    number = tr("{p:.1%} of the binary targets are 1", p=0.12345)  # numbers formatted once, alike
    assert "12.3%" in number and "12.3%" in number.render("zh")
    import pickle

    assert pickle.loads(pickle.dumps(whole)).render("zh") == whole.render("zh")
    saved = from_langs(in_langs(whole))
    assert saved == whole and saved.render("zh") == whole.render("zh")


def _english_run(text: str) -> int:
    """The longest run of consecutive plain English words in ``text``, outside `code spans`.

    A word is a whitespace-separated token of letters only (an apostrophe inside, at most one trailing
    punctuation mark); identifiers such as ``zero_grad()``, ``cross_entropy``, ``net.0``, ``lr=0.1`` or numbers are
    not words, and Chinese characters and full-width punctuation separate tokens."""
    longest = run = 0
    for token in re.split(r"[\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+", re.sub(r"`[^`]*`", " ", text)):
        run = run + 1 if re.fullmatch(r"[A-Za-z]+(?:'[a-z]+)?[,.;:!?]?", token) else 0
        longest = max(longest, run)
    return longest


def test_english_run_check_is_fair():
    assert _english_run("损失从 2.3 降到 1.4:请调用 `optimizer.zero_grad()` 和 CrossEntropyLoss") == 1
    assert _english_run("在 net.0 (Linear) 处 reduction='mean' for both") == 2
    assert _english_run("来源:loss computation,the model's outputs are finite") == 4
    assert _english_run("the loss is not finite here") == 6


LIVE_FINDING = re.compile(r"^nndoctor: (\S+) ([A-Z]\d{3}) \S+(?: \[.*?\])?(?: \(.*?\))?: (.*)$")
# Different rule families, live and end-of-run rules, and the pre-flight judges.
ZH_SCRIPTS = ["T501_no_zero_grad", "L202_softmax_layer_then_crossentropyloss", "G401_sgd_lr_too_high",
              "D109_wine_raw_features", "N601_handwritten_bce_log_of_saturated_sigmoid",
              "M309_feature_mask_never_set", "D104_features_and_labels_shuffled_separately",
              "D116_wine_sorted_by_cultivar_tail_split"]


@pytest.mark.parametrize("name", ZH_SCRIPTS)
def test_a_chinese_run_speaks_chinese_from_the_first_line_to_the_json(name, cli, tmp_path):
    out = tmp_path / "run.json"
    proc = cli("run", "--lang", "zh", "--json", str(out), str(ZOO_BROKEN / f"{name}.py"))
    assert proc.returncode == 1, proc.stderr[-2000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    codes = {f["code"] for f in data["findings"]}
    assert name.split("_")[0] in codes
    for f in data["findings"]:
        zh, en = f["messages"]["zh"], f["messages"]["en"]
        assert f["message"] == zh and zh != en, f["code"]
        assert CJK.search(zh), f"{f['code']}: {zh}"
        assert _english_run(zh) < 4, f"{f['code']} has English left: {zh}"
        assert re.sub(r"\s+", "", zh)[:40] in re.sub(r"\s+", "", proc.stderr), f"{f['code']} not in the summary"
        assert f["fix"] == RULE_INFO[f["code"]].text("fix", "zh")
    lines = proc.stderr.splitlines()
    assert not [line for line in lines if re.match(r"nndoctor: (error|warning|info) [A-Z]\d{3}|nndoctor: pre-flight",
                                                  line)], "English live lines"
    live = [m for m in map(LIVE_FINDING.match, lines) if m and m.group(1) in ("错误", "警告", "提示")]
    assert live, proc.stderr[-2000:]
    for match in live:
        assert CJK.search(match.group(3)) and _english_run(match.group(3)) < 4, match.group(0)
    progress = [line for line in lines if line.startswith("nndoctor: 预检")]
    assert len(progress) >= 5, proc.stderr[-2000:]  # the opening line and one per experiment
    assert all(_english_run(line) < 4 for line in progress), progress
    for note in data.get("notes_by_lang", {}).get("zh", []):
        assert _english_run(note) < 4, note


def test_a_saved_run_renders_again_in_either_language(cli, tmp_path):
    out = tmp_path / "run.json"
    proc = cli("run", "--quiet", "--json", str(out), str(ZOO_BROKEN / "L202_softmax_layer_then_crossentropyloss.py"))
    assert out.exists(), proc.stderr[-2000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    l202 = next(f for f in data["findings"] if f["code"] == "L202")
    assert l202["message"] == l202["messages"]["en"]  # an English run: message in English, both kept
    flat = lambda s: re.sub(r"[\s│]+", "", s)  # noqa: E731
    zh = cli("report", str(out), "--lang", "zh")
    assert zh.returncode == 0, zh.stderr
    assert flat(l202["messages"]["zh"])[:40] in flat(zh.stdout) and l202["messages"]["en"][:40] not in zh.stdout
    en = cli("report", str(out), "--lang", "en")
    assert flat(l202["messages"]["en"])[:40] in flat(en.stdout)
    # A report saved before messages were translated still reads (its English message is shown).
    for f in data["findings"]:
        del f["messages"]
    out.write_text(json.dumps(data), encoding="utf-8")
    old = cli("report", str(out), "--lang", "zh")
    assert old.returncode == 0 and flat(l202["message"])[:40] in flat(old.stdout)


def test_html_in_chinese_shows_the_chinese_message_and_notes():
    from nndoctor.report.html import render_html

    message = tr("cross_entropy received probabilities in {n_probs} of {n_calls} sampled calls: every row is "
                 "non-negative and sums to 1 (inputs in [{input_min}, {input_max}]); it expects raw logits and "
                 "applies log_softmax itself", n_probs=3, n_calls=3, input_min="0.01", input_max="0.2")
    finding = Finding(code="L202", name="softmax-before-crossentropy", severity="error", message=str(message),
                      messages=in_langs(message), fix=RULE_INFO["L202"].text("fix", "en"))
    report = Report(script="train.py", findings=[finding], notes=[tr("no optimizer")])
    saved = json.loads(report.to_json())
    html = render_html(saved, "zh")
    assert message.render("zh") in html and str(message) not in html
    assert "没有优化器" in html and "no optimizer" not in html
    assert str(message) in render_html(saved, "en")
    assert isinstance(Report.from_dict(saved).notes[0], Text)


def test_locations_are_translated_and_identifiers_kept():
    from nndoctor.i18n import where_in

    assert where_in("training loss", "zh") == "训练损失"
    assert where_in("cross_entropy input (model output)", "zh") == "cross_entropy 输入 (模型输出)"
    assert where_in("cross_entropy at step 0", "zh") == "cross_entropy 第 0 步"
    assert where_in("TensorDataset of the training DataLoader", "zh") == "训练 DataLoader 的 TensorDataset"
    # Identifiers stay: a method call, a hyper-parameter, module paths.
    assert where_in("optimizer.step()", "zh") == "optimizer.step()"
    assert where_in("Adam weight_decay", "zh") == "Adam weight_decay"
    assert where_in("input.weight, fc2.target_proj", "zh") == "input.weight, fc2.target_proj"
    assert where_in("training loss", "en") == "training loss"
