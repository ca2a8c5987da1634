"""The HTML report: one self-contained file (inline CSS and SVG, nothing fetched) from a ``Report``.

Everything drawn comes from the report's JSON form (``Report.to_dict()``: findings and ``series``),
so a saved run renders later or elsewhere (``nndoctor report run.json -o report.html``). Plots are
matplotlib figures rendered to inline SVG with a fixed hash salt, so the output is deterministic;
matplotlib is imported lazily (the ``html`` extra). Time series are downsampled when the report is
built (``nndoctor.series``) and heatmaps are resampled onto at most ``HEATMAP_COLUMNS`` columns, so the
file stays small for long runs.
"""
from __future__ import annotations

import io
import math
import re
import warnings
from pathlib import Path
from typing import Any, Callable

from nndoctor.findings import SCHEMA, SEVERITIES, Report, severity_rank, trial_summary
from nndoctor.i18n import render, rule_text, translate_saved, where_in, words

HEATMAP_COLUMNS = 300
MAX_HEATMAP_ROWS = 60
MAX_BARS = 40
SEVERITY_COLOR = {"error": "#c62828", "warning": "#ef8f00", "info": "#1e88e5"}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
EXPERIMENTS = ("initial_loss", "batch_mixing", "gradcheck", "overfit", "input_ignored", "labels", "lr_range",
               "regularization", "augmentation")


class MissingMatplotlib(RuntimeError):
    """Raised when the plots are asked for and matplotlib is not installed."""


def _matplotlib():
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingMatplotlib("the HTML report draws its plots with matplotlib, which is not installed: "
                                "pip install 'nndoctor[html]' (or pip install matplotlib)") from exc
    matplotlib.use("Agg", force=False)
    return matplotlib


# ----------------------------------------------------------------------------------------------- helpers

def _num(value: Any) -> float:
    """A plotted number: JSON's None and "nan"/"inf" strings become NaN (a gap)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _xy(points: Any) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for point in points or []:
        if isinstance(point, (list, tuple)) and len(point) >= 2:
            xs.append(_num(point[0]))
            ys.append(_num(point[1]))
    return xs, ys


def _label(text: Any) -> str:
    """User-provided names (modules, parameters) as matplotlib text, never as mathtext."""
    return str(text).replace("$", r"\$")


def _module(param: str) -> str:
    return param.rsplit(".", 1)[0] if "." in param else param


def _finite(values: list[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


class _Plotter:
    """Draws figures to inline SVG strings; one hash salt per figure keeps ids unique and output stable."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.mpl = _matplotlib()
        self.count = 0

    def rc(self, name: str) -> dict[str, Any]:
        return {"svg.hashsalt": f"nndoctor-{name}", "svg.fonttype": "none",
                "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8,
                "xtick.labelsize": 8, "ytick.labelsize": 8, "axes.spines.top": False,
                "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.25, "lines.linewidth": 1.3,
                "svg.image_inline": True}

    def draw(self, name: str, size: tuple[float, float], paint: Callable[[Any], None]) -> str:
        from matplotlib.figure import Figure

        with self.mpl.rc_context(self.rc(name)), warnings.catch_warnings():
            # Text is left to the browser's fonts (svg.fonttype none): CJK glyphs need not be in matplotlib's.
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            fig = Figure(figsize=size, dpi=100, layout="constrained")
            paint(fig)
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        self.count += 1
        svg = buf.getvalue()
        return svg[svg.index("<svg"):]


# ----------------------------------------------------------------------------------------------- plots

def _loss_plot(p: _Plotter, series: dict, findings: list[dict], w: dict) -> str | None:
    lx, ly = _xy(series.get("loss"))
    ex, ey = _xy(series.get("eval_loss"))
    rx, ry = _xy(series.get("lr"))
    if not _finite(ly) and not _finite(ey):
        return None
    lr_varies = len(set(_finite(ry))) > 1

    def paint(fig):
        if lr_varies:
            ax, ax_lr = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
        else:
            ax, ax_lr = fig.subplots(1, 1), None
        if ly:
            ax.plot(lx, ly, color=PALETTE[0], label=w["train_loss"])
        if _finite(ey):
            ax.plot(ex, ey, color=PALETTE[1], marker="o", markersize=3, label=w["eval_loss"])
        values = [v for v in _finite(ly + ey)]
        if values and min(values) > 0 and max(values) / min(values) > 100:
            ax.set_yscale("log")
        marks = sorted(((_num(f["step"]), f) for f in findings if f.get("step") is not None
                        and not math.isnan(_num(f["step"]))), key=lambda m: m[0])
        xs = _finite(lx + ex) + [m[0] for m in marks]
        near = 0.04 * ((max(xs) - min(xs)) if xs else 1.0)
        placed: list[float] = []
        for step, f in marks:
            color = SEVERITY_COLOR.get(f.get("severity"), "#666")
            ax.axvline(step, color=color, linestyle="--", linewidth=1, alpha=0.8)
            row = sum(1 for other in placed if abs(other - step) <= near)
            placed.append(step)
            ax.annotate(f["code"], xy=(step, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -10 - 11 * row), textcoords="offset points", color=color, fontsize=8,
                        fontweight="bold")
        ax.set_ylabel(w["loss"])
        ax.legend(loc="best", frameon=False)
        if ax_lr is not None:
            ax_lr.plot(rx, ry, color=PALETTE[2])
            ax_lr.set_ylabel(w["learning_rate"])
            ax_lr.set_xlabel(w["opt_step"])
        else:
            ax.set_xlabel(w["opt_step"])

    return p.draw("loss", (9, 4.2 if lr_varies else 3.4), paint)


def _per_layer(series: dict, kind: str) -> dict[str, dict[float, float]]:
    """Parameters grouped by module, one value per step: the norm of the module's gradient (or of its
    update, relative to its weights), from the per-parameter series."""
    per_param = series.get(kind) or {}
    weights = series.get("weight_norm") or {}
    layers: dict[str, dict[float, list[tuple[float, float]]]] = {}
    for name, points in per_param.items():
        w_by_step = dict(zip(*_xy(weights.get(name)))) if kind == "update_ratio" else {}
        for step, value in zip(*_xy(points)):
            if math.isnan(step):
                continue
            wn = w_by_step.get(step, math.nan)
            if kind == "update_ratio":  # update norm = ratio * weight norm
                pair = (value * wn, wn) if not math.isnan(wn) else (math.nan, math.nan)
            else:
                pair = (value, 0.0)
            layers.setdefault(_module(name), {}).setdefault(step, []).append(pair)
    out: dict[str, dict[float, float]] = {}
    for layer, by_step in layers.items():
        row = {}
        for step, pairs in by_step.items():
            num = math.sqrt(sum(a * a for a, _ in pairs))
            if kind == "update_ratio":
                den = math.sqrt(sum(b * b for _, b in pairs))
                row[step] = num / den if den > 0 else math.nan
            else:
                row[step] = num
        out[layer] = row
    return out


def _grid(rows: dict[str, dict[float, float]]) -> tuple[list[str], list[float], list[list[float]]]:
    """Rows resampled on a uniform step grid (the latest sample at or before each column)."""
    steps = sorted({s for row in rows.values() for s in row})
    if not steps:
        return [], [], []
    first, last = steps[0], steps[-1]
    n = max(1, min(HEATMAP_COLUMNS, int(last - first) + 1))
    cols = [first + (last - first) * i / max(n - 1, 1) for i in range(n)]
    names = list(rows)[:MAX_HEATMAP_ROWS]
    matrix = []
    for name in names:
        points = sorted(rows[name].items())
        out, j, current = [], 0, math.nan
        for c in cols:
            while j < len(points) and points[j][0] <= c + 1e-9:
                current = points[j][1]
                j += 1
            out.append(math.log10(current) if current > 0 else math.nan)
        matrix.append(out)
    return names, cols, matrix


def _heatmaps_plot(p: _Plotter, series: dict, w: dict) -> str | None:
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    panels = []
    for kind, title in (("grad_norm", w["grad_norm"]), ("update_ratio", w["update_ratio"])):
        names, cols, matrix = _grid(_per_layer(series, kind))
        if names and any(not math.isnan(v) for row in matrix for v in row):
            panels.append((kind, title, names, cols, np.array(matrix, dtype=float)))
    if not panels:
        return None
    n_rows = max(len(p_[2]) for p_ in panels)
    height = 1.0 + len(panels) * (0.9 + 0.22 * min(n_rows, MAX_HEATMAP_ROWS))

    def paint(fig):
        axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
        for ax, (kind, title, names, cols, data) in zip(axes, panels):
            masked = np.ma.masked_invalid(data)
            cmap = p.mpl.colormaps["viridis" if kind == "grad_norm" else "RdBu_r"].with_extremes(bad="#dddddd")
            norm = None
            if kind == "update_ratio" and masked.count():
                lo, hi = float(masked.min()), float(masked.max())
                norm = TwoSlopeNorm(vcenter=-3.0, vmin=min(lo, -4.0), vmax=max(hi, -2.0))
            x0, x1 = cols[0], cols[-1] if cols[-1] > cols[0] else cols[0] + 1
            im = ax.imshow(masked, aspect="auto", interpolation="nearest", cmap=cmap, norm=norm,
                           extent=(x0, x1, len(names) - 0.5, -0.5))
            ax.set_yticks(range(len(names)), [_label(n) for n in names])
            ax.set_title(title, loc="left")
            ax.set_xlabel(w["opt_step"])
            ax.grid(False)
            fig.colorbar(im, ax=ax, pad=0.01, fraction=0.04)

    return p.draw("gradients", (9, height), paint)


def _activation_rows(series: dict) -> list[tuple[str, dict[str, float]]]:
    rows = []
    for module, stats in (series.get("activations") or {}).items():
        means = {}
        for key in ("dead_input_fraction", "saturated_input_fraction", "zero_fraction"):
            values = _finite(_xy(stats.get(key))[1])
            if values:
                means[key] = sum(values) / len(values)
        if means:
            rows.append((module, means))
    return rows[:MAX_BARS]


def _activations_plot(p: _Plotter, series: dict, w: dict) -> str | None:
    import numpy as np

    rows = _activation_rows(series)
    stds = {m: dict(zip(*_xy(s.get("std")))) for m, s in (series.get("activations") or {}).items()
            if _finite(_xy(s.get("std"))[1])}
    if not rows and not stds:
        return None
    names, cols, matrix = _grid(stds)

    def paint(fig):
        panels = (1 if rows else 0) + (1 if names else 0)
        axes = list(fig.subplots(1, panels, squeeze=False)[0])
        if rows:
            ax = axes.pop(0)
            keys = (("dead_input_fraction", w["dead"], "#c62828"), ("saturated_input_fraction", w["saturated"],
                    "#ef8f00"), ("zero_fraction", w["zero_out"], "#607d8b"))
            y = np.arange(len(rows))
            height = 0.8 / len(keys)
            for i, (key, label, color) in enumerate(keys):
                ax.barh(y + (i - 1) * height, [100 * r[1].get(key, 0.0) for r in rows], height=height,
                        color=color, label=label)
            ax.set_yticks(y, [_label(r[0]) for r in rows])
            ax.invert_yaxis()
            ax.set_xlim(0, 100)
            ax.set_xlabel("%")
            ax.legend(loc="lower right", frameon=False)
            ax.grid(axis="y", visible=False)
        if names:
            ax = axes.pop(0)
            data = np.ma.masked_invalid(np.array(matrix, dtype=float))
            cmap = p.mpl.colormaps["magma"].with_extremes(bad="#dddddd")
            x1 = cols[-1] if cols[-1] > cols[0] else cols[0] + 1
            im = ax.imshow(data, aspect="auto", interpolation="nearest", cmap=cmap,
                           extent=(cols[0], x1, len(names) - 0.5, -0.5))
            ax.set_yticks(range(len(names)), [_label(n) for n in names])
            ax.set_title(w["act_std"] + " (log10)", loc="left")
            ax.set_xlabel(w["opt_step"])
            ax.grid(False)
            fig.colorbar(im, ax=ax, pad=0.01, fraction=0.05)

    n = max(len(rows), len(names))
    return p.draw("activations", (9, 1.2 + 0.28 * n), paint)


def _data_plot(p: _Plotter, series: dict, w: dict) -> str | None:
    counts = series.get("class_counts") or {}
    inputs = series.get("inputs") or {}
    mx, my = _xy(inputs.get("mean"))
    sx, sy = _xy(inputs.get("std"))
    has_inputs = bool(_finite(my))
    if not counts and not has_inputs:
        return None

    def paint(fig):
        axes = list(fig.subplots(1, int(bool(counts)) + int(has_inputs), squeeze=False)[0])
        if counts:
            ax = axes.pop(0)
            items = list(counts.items())[:MAX_BARS * 5]
            ax.bar(range(len(items)), [_num(v) for _, v in items], color=PALETTE[0])
            step = max(1, len(items) // 20)
            ax.set_xticks(range(0, len(items), step), [_label(k) for k, _ in items][::step])
            ax.set_title(w["class_counts"], loc="left")
            ax.grid(axis="x", visible=False)
        if has_inputs:
            ax = axes.pop(0)
            ax.plot(mx, my, color=PALETTE[0], label="mean")
            if _finite(sy) and len(sx) == len(mx):
                lo = [m - s for m, s in zip(my, sy)]
                hi = [m + s for m, s in zip(my, sy)]
                ax.fill_between(mx, lo, hi, color=PALETTE[0], alpha=0.2, label="± std")
            ax.set_title(w["inputs"], loc="left")
            ax.set_xlabel(w["opt_step"])
            ax.legend(loc="upper right", frameon=False)

    return p.draw("data", (9, 2.8), paint)


def _samples_plot(p: _Plotter, series: dict) -> str | None:
    """A grid of input samples, when the report holds them: ``series["samples"] = {"images": [...],
    "labels": [...]}`` with each image as nested lists (H x W, C x H x W or H x W x C)."""
    import numpy as np

    samples = series.get("samples") or {}
    images = []
    for raw in (samples.get("images") or [])[:32]:
        try:
            img = np.array(raw, dtype=float)
        except (TypeError, ValueError):
            continue
        if img.ndim == 3 and img.shape[0] in (1, 3) and img.shape[-1] not in (1, 3):
            img = np.moveaxis(img, 0, -1)
        if img.ndim == 3 and img.shape[-1] == 1:
            img = img[..., 0]
        if img.ndim not in (2, 3):
            continue
        lo, hi = np.nanmin(img), np.nanmax(img)
        images.append((img - lo) / (hi - lo) if hi > lo else np.zeros_like(img))
    if not images:
        return None
    labels = list(samples.get("labels") or [])
    cols = min(8, len(images))
    rows = math.ceil(len(images) / cols)

    def paint(fig):
        axes = fig.subplots(rows, cols, squeeze=False)
        for i, ax in enumerate(axes.flat):
            ax.axis("off")
            if i < len(images):
                ax.imshow(images[i], cmap="gray", interpolation="nearest")
                if i < len(labels):
                    ax.set_title(_label(labels[i]), fontsize=8)

    return p.draw("samples", (1.1 * cols, 1.25 * rows), paint)


def _experiment_plots(p: _Plotter, exps: dict, w: dict) -> str | None:
    overfit = exps.get("overfit") or {}
    labels = exps.get("labels") or {}
    lr = exps.get("lr_range") or {}
    panels = [name for name, r, key in (("overfit", overfit, "curve"), ("labels", labels, "curve_true"),
                                        ("lr_range", lr, "curve")) if _finite(_xy(r.get(key))[1])]
    if not panels:
        return None

    def paint(fig):
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for ax, name in zip(axes, panels):
            ax.set_title(w[name], loc="left")
            ax.set_ylabel(w["loss"])
            if name == "overfit":
                ax.plot(*_xy(overfit.get("curve")), color=PALETTE[0])
                ax.set_xlabel(w["opt_step"])
            elif name == "labels":
                ax.plot(*_xy(labels.get("curve_true")), color=PALETTE[0], label=w["true_labels"])
                ax.plot(*_xy(labels.get("curve_permuted")), color=PALETTE[1], linestyle="--",
                        label=w["shuffled_labels"])
                ax.set_xlabel(w["opt_step"])
                ax.legend(loc="upper right", frameon=False)
            else:
                x, y = _xy(lr.get("curve"))
                ax.plot(x, y, color=PALETTE[0])
                ax.set_xscale("log")
                ax.set_xlabel(w["learning_rate"])
                good = lr.get("good_range")
                if isinstance(good, (list, tuple)) and len(good) == 2 and not any(map(math.isnan, map(_num, good))):
                    ax.axvspan(_num(good[0]), _num(good[1]), color=PALETTE[2], alpha=0.12, label=w["good_range"])
                if not math.isnan(_num(lr.get("best_lr"))):
                    ax.axvline(_num(lr["best_lr"]), color=PALETTE[2], linestyle=":", label=w["best_lr"])
                if not math.isnan(_num(lr.get("lr_in_use"))):
                    ax.axvline(_num(lr["lr_in_use"]), color=SEVERITY_COLOR["error"], linestyle="--",
                               label=w["lr_in_use"])
                finite = _finite(y)
                if finite and max(finite) > 3 * min(finite[0:1] or [1]) and min(finite) > 0:
                    ax.set_ylim(top=2 * (finite[0] if finite[0] > 0 else max(finite)))
                ax.legend(loc="lower left", frameon=False)

    return p.draw("experiments", (3.2 * len(panels) + 0.6, 3.0), paint)


def _trial_plot(p: _Plotter, code: str, trial: dict, w: dict) -> str | None:
    """--try-fixes: the unchanged and the remedied run's loss curves on one plot."""
    before, after = _xy(trial.get("curve_before")), _xy(trial.get("curve_after"))
    if not (_finite(before[1]) or _finite(after[1])):
        return None

    def paint(fig):
        ax = fig.subplots()
        ax.plot(*before, color=SEVERITY_COLOR["error"], linestyle="--", label=w["trial_unchanged"])
        ax.plot(*after, color=PALETTE[0], label=w["trial_remedied"])
        ax.set_xlabel(w["opt_step"])
        ax.set_ylabel(_label(render(trial["metric"], p.lang) if trial.get("metric") else w["loss"]))
        finite = _finite(before[1] + after[1])
        if finite and min(finite) > 0 and max(finite) > 100 * min(finite):
            ax.set_yscale("log")
        ax.legend(loc="upper right", frameon=False)

    return p.draw(f"trial-{code}", (5.0, 2.6), paint)


# ----------------------------------------------------------------------------------------------- page

def _evidence_rows(evidence: dict) -> list[tuple[str, str]]:
    rows = []
    for key, value in (evidence or {}).items():
        if isinstance(value, list) and (len(value) > 8 or any(isinstance(v, (list, dict)) for v in value)):
            text = f"[{len(value)} values]"
        elif isinstance(value, dict):
            text = ", ".join(f"{k}={v}" for k, v in list(value.items())[:8]) + (" …" if len(value) > 8 else "")
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        rows.append((str(key), text if len(text) <= 300 else text[:297] + "…"))
    return rows


def _experiment_rows(exps: dict, lang: str) -> list[dict[str, Any]]:
    try:  # the pre-flight module words its own results (English)
        from nndoctor.preflight import LABELS, _summary
    except Exception:  # pragma: no cover - an older or trimmed install
        LABELS, _summary = {}, None
    rows = []
    for name in [n for n in EXPERIMENTS if n in exps] + [n for n in exps if n not in EXPERIMENTS + ("preflight",)]:
        result = exps.get(name)
        if not isinstance(result, dict):
            continue
        if "skipped" in result:
            text, skipped = translate_saved(str(result["skipped"]), lang), True
        else:
            text, skipped = "", False
            if _summary is not None:
                try:
                    text = render(_summary(name, result), lang)
                except Exception:
                    text = ""
            if not text or text == "done":
                text = ", ".join(f"{k}={v}" for k, v in result.items()
                                 if isinstance(v, (int, float, str)) and k not in ("seconds", "cpu_seconds"))[:300]
        title = words(lang).get(f"exp_{name}") or LABELS.get(name, name)
        rows.append({"name": title, "text": text, "skipped": skipped, "seconds": result.get("seconds")})
    return rows


def _trial_rank(trial: Any) -> int:
    """As Report.sorted_findings: remedy tried and helped first, untried next, did not help last."""
    if not isinstance(trial, dict):
        return 1
    return 0 if trial.get("helped") else 2


def _findings(report: dict, lang: str) -> list[dict[str, Any]]:
    out = []
    findings = sorted(report.get("findings") or [],
                      key=lambda f: (-severity_rank(f.get("severity") if f.get("severity") in SEVERITIES
                                                    else "info"), _trial_rank(f.get("trial")), f.get("code", "")))
    for f in findings:
        code = f.get("code", "")
        messages = f.get("messages") or {}
        out.append({**f,
                    "message": messages.get(lang) or f.get("message", ""),
                    "where": where_in(f.get("where") or "", lang),
                    "evidence_is_english": lang != "en" and lang not in messages,
                    "summary": rule_text(code, "summary", lang),
                    "fix_text": rule_text(code, "fix", lang) or f.get("fix", ""),
                    "why": rule_text(code, "why", lang),
                    "evidence_rows": _evidence_rows(f.get("evidence") or {}),
                    "consequence_of": (f.get("evidence") or {}).get("consequence_of"),
                    "trial_text": trial_summary(f["trial"], lang) if isinstance(f.get("trial"), dict) else ""})
    return out


def render_html(report: Report | dict, lang: str = "en") -> str:
    """The whole report as one HTML page (a string)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from nndoctor import __version__

    data = report.to_dict() if isinstance(report, Report) else dict(report)
    notes = (data.get("notes_by_lang") or {}).get(lang)  # the notes in the reader's language when saved so
    data["notes"] = notes if isinstance(notes, list) and len(notes) == len(data.get("notes") or []) \
        else data.get("notes") or []
    series = data.get("series") or {}
    w = words(lang)
    findings = _findings(data, lang)
    plots: dict[str, str | None] = {}
    plot_error = None
    if series:
        try:
            p = _Plotter(lang)
        except MissingMatplotlib as exc:
            plot_error = str(exc)
        else:
            exps = series.get("experiments") or {}
            plots = {"loss": _loss_plot(p, series, data.get("findings") or [], w),
                     "gradients": _heatmaps_plot(p, series, w),
                     "activations": _activations_plot(p, series, w),
                     "data": _data_plot(p, series, w),
                     "samples": _samples_plot(p, {**series, "samples": (data.get("data_summary") or {}).get("samples")
                                                  or series.get("samples")}),
                     "experiments": _experiment_plots(p, exps, w)}
            for f in findings:
                if isinstance(f.get("trial"), dict):
                    f["trial_plot"] = _trial_plot(p, f.get("code", ""), f["trial"], w)
    exps = series.get("experiments") or {}
    tally = {s: sum(1 for f in findings if f.get("severity") == s) for s in SEVERITIES}
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    page = env.get_template("report.html.j2").render(
        lang=lang, w=w, report=data, findings=findings, tally=tally, plots=plots, plot_error=plot_error,
        n_plots=sum(1 for v in plots.values() if v), experiments=_experiment_rows(exps, lang),
        loaders=series.get("loaders") or [], inputs=series.get("inputs") or {},
        data_summary=data.get("data_summary") or {},
        version=data.get("nndoctor") or __version__, schema=data.get("schema", SCHEMA),
        severity_color=SEVERITY_COLOR, has_series=bool(series))
    return re.sub(r"[ \t]+\n", "\n", page)


def write_html(report: Report | dict, path: str | Path, lang: str = "en") -> Path:
    path = Path(path)
    path.write_text(render_html(report, lang), encoding="utf-8")
    return path
