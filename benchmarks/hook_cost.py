"""What an ordinary (unsampled) step pays for the hooks, in paired blocks of one watched run.

overhead.py times whole runs' steady state (sampled steps and live rules included). Here one watch
session swaps its hooks out and in between neighbouring blocks of 64 steps with no sampled steps at
all: off, on, and on with every probe step method a no-op (torch's hook dispatch and the wrappers
only). Wall time, synchronised on a GPU.

    python benchmarks/hook_cost.py [cuda|cpu] [pairs] [cases, comma-separated]
"""
import sys, time, statistics, torch
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent)); sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import overhead, nndoctor
dev = torch.device(sys.argv[1] if len(sys.argv) > 1 else "cuda")
pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 40
B = 64
names = ["_root_called", "_on_loss", "_before_backward", "_after_backward", "_on_step_pre", "_on_step_post"]
for case in (sys.argv[3].split(",") if len(sys.argv) > 3 else ["mlp-digits", "cnn-digits", "transformer-tokens"]):
    torch.manual_seed(0)
    model, X, y, batch = overhead.CASES[case](dev)
    opt, run = overhead.make_loop(model, X, y, batch)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doc:
        p = doc.session.probe
        run(100)
        p.sampler.fixed = p.sampler.k = 10**9
        run(20)
        saved = {n: getattr(p, n) for n in names}
        def noop(*a, **k): return None
        def mode_set(mode):
            p.uninstall()
            for n in names:
                if n in p.__dict__: del p.__dict__[n]
            if mode == "noop":
                for n in names: setattr(p, n, noop)
            if mode != "off":
                p.install(); p._set_sampling_hooks(False)
        times = {"off": [], "on": [], "noop": []}
        for i in range(pairs):
            order = ["off", "on", "noop"] if i % 2 else ["noop", "on", "off"]
            for mode in order:
                mode_set(mode)
                overhead.sync(dev); t0 = time.perf_counter(); run(B, i * B); overhead.sync(dev)
                times[mode].append((time.perf_counter() - t0) / B)
        mode_set("on")
    off = statistics.median(times["off"])
    print(f"{case}: off {off*1e3:.3f} ms/step; on {statistics.median(a/b for a, b in zip(times['on'], times['off'])):.4f}x "
          f"(+{(statistics.median(times['on'])-off)*1e6:.1f} us); noop {statistics.median(a/b for a, b in zip(times['noop'], times['off'])):.4f}x "
          f"(+{(statistics.median(times['noop'])-off)*1e6:.1f} us)", flush=True)
