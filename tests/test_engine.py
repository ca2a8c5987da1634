"""The engine's promises: a crashing rule or probe never breaks the run; no global residue."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules import module as module_mod
from torch.optim import optimizer as optim_mod

import nndoctor
from nndoctor.rules.base import Hit, load_rules


def _train(model, steps=30, softmax=False):
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
    for i in range(steps):
        idx = torch.randint(0, 256, (32,))
        out = model(X[idx])
        loss = F.cross_entropy(out.softmax(1) if softmax else out, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return opt


def _watched_fit(model, opt, X, y, steps, *, before_step=None, **settings):
    """Cross-entropy on random batches of 32 under watch (no live output, no pre-flight); the report."""
    with nndoctor.watch(model, opt, live=False, preflight=False, **settings) as doctor:
        for _ in range(steps):
            if before_step is not None:
                before_step()
            idx = torch.randint(0, len(X), (32,))
            loss = F.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return doctor.report()


def _global_state():
    return (dict(module_mod._global_forward_hooks), dict(module_mod._global_forward_pre_hooks),
            dict(optim_mod._global_optimizer_pre_hooks), dict(optim_mod._global_optimizer_post_hooks),
            F.cross_entropy, F.mse_loss, torch.Tensor.backward, torch.autograd.backward,
            torch.optim.Optimizer.zero_grad, nn.Module.zero_grad, nn.Module.__call__, torch.utils.data.DataLoader.__iter__,
            "__call__" in vars(nn.Sequential))  # (the watched model's class: its calls are wrapped, then unwrapped)


def test_watch_leaves_no_global_residue_even_when_the_body_raises():
    before = _global_state()
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    try:
        with nndoctor.watch(model, live=False):
            _train(model, steps=3)
            raise KeyError("user bug")
    except KeyError:
        pass
    assert _global_state() == before


def test_watched_models_still_save_script_compile_and_copy(tmp_path):
    """Root calls are seen through a wrapper of the model class's __call__: nothing is stored on the user's
    model, so pickling, TorchScript, torch.compile(fullgraph=True) and deepcopy work as without nndoctor."""
    import copy

    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    x = torch.randn(4, 8)
    with nndoctor.watch(model, live=False, preflight=False) as doctor:
        _train(model, steps=5)
        torch.save(model, tmp_path / "model.pt")
        assert torch.equal(torch.jit.script(model)(x), model(x))
        assert torch.equal(torch.compile(model, backend="eager", fullgraph=True)(x), model(x))
        assert torch.equal(copy.deepcopy(model)(x), model(x))
        calls = doctor.session.engine.signals.root_calls
        model(x)
        assert doctor.session.engine.signals.root_calls == calls + 1
    loaded = torch.load(tmp_path / "model.pt", weights_only=False)
    assert torch.equal(loaded(x), model(x))
    assert not model._forward_pre_hooks and not model._forward_hooks


def test_a_crashing_rule_becomes_an_internal_error_and_training_goes_on(monkeypatch):
    spec = load_rules()["L202"]  # (registered on import: alone, this test runs before any watch)

    def broken(ctx):
        raise ZeroDivisionError("rule bug")

    monkeypatch.setattr(spec, "check", broken)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    with nndoctor.watch(model, live=False) as doctor:
        _train(model, steps=40, softmax=True)
    report = doctor.report()
    assert report.steps_seen == 40
    assert [e.component for e in report.internal_errors] == ["rule L202"]
    assert "ZeroDivisionError" in report.internal_errors[0].error
    assert "L202" not in report.codes()


def test_watch_finds_softmax_before_cross_entropy_and_reports_json_ready():
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    with nndoctor.watch(model, live=False) as doctor:
        _train(model, steps=40, softmax=True)
        doctor.log(val_loss=1.0)
    report = doctor.report()
    assert "L202" in report.codes()
    data = report.to_dict()
    assert data["schema"] == 1 and data["steps_seen"] == 40
    assert nndoctor.Report.from_dict(data).codes() == report.codes()


def test_watch_rejects_a_model_without_parameters():
    import pytest

    with pytest.raises(ValueError, match="no parameters"):
        with nndoctor.watch(nn.ReLU()):
            pass


def test_hooks_hold_no_tensors_after_steps():
    import gc
    import weakref

    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    refs = []
    with nndoctor.watch(model, opt, live=False):
        for _ in range(30):
            x = torch.randn(32, 8)
            refs.append(weakref.ref(x))
            loss = F.cross_entropy(model(x), torch.randint(0, 3, (32,)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            del x, loss
        gc.collect()
        alive = sum(r() is not None for r in refs)
    assert alive == 0
    assert Hit  # the rule API stays importable without torch state


def _engine_with(monkeypatch, code, check):
    from nndoctor.engine import Engine
    from nndoctor.rules.base import LIVE, RuleSpec

    engine = Engine()
    engine.live_sink = None
    monkeypatch.setattr(engine, "rules", {code: RuleSpec(code, check, LIVE)})
    return engine


def test_a_revisable_live_finding_is_judged_again_at_the_end(monkeypatch):
    from nndoctor.i18n import tr
    from nndoctor.rules.base import END, LIVE

    answers = {LIVE: [Hit("half the units are dead", revisable=True)],
               END: [Hit("they came back", severity="info", evidence={"recovered": True})]}
    engine = _engine_with(monkeypatch, "M306", lambda ctx: answers[END if ctx.final else LIVE])
    engine.evaluate(LIVE)
    assert engine.findings["M306"].severity == "warning"
    engine.evaluate(END)
    finding = engine.findings["M306"]
    assert finding.severity == "info" and finding.message == "they came back" and finding.evidence["recovered"]
    # The rule finds nothing at the end: what it saw is kept, as info, saying so.
    answers[END] = []
    answers[LIVE] = [Hit(tr("the lr"), revisable=True)]  # a translatable message keeps its translations
    engine = _engine_with(monkeypatch, "M306", lambda ctx: answers[END if ctx.final else LIVE])
    engine.evaluate(LIVE)
    engine.evaluate(END)
    finding = engine.findings["M306"]
    assert finding.severity == "info" and "no longer at the end" in finding.message
    assert finding.messages["zh"].startswith("学习率") and "结束" in finding.messages["zh"]
    # Not revisable: the LIVE finding stands whatever the end says.
    answers[LIVE] = [Hit("half the units are dead")]
    engine = _engine_with(monkeypatch, "M306", lambda ctx: answers[END if ctx.final else LIVE])
    engine.evaluate(LIVE)
    engine.evaluate(END)
    assert engine.findings["M306"].severity == "warning"


def test_consequences_name_the_root_cause_and_rank_below_it():
    from nndoctor.engine import Engine

    engine = Engine()
    engine.live_sink = None
    engine.add("D109", Hit("raw dollars"))
    engine.add("M306", Hit("dead units"))
    engine.add("G406", Hit("stuck loss"))
    findings = {f.code: f for f in engine.report().findings}
    assert findings["D109"].severity == "warning"
    assert findings["M306"].severity == "info" and findings["M306"].evidence["consequence_of"] == ["D109"]
    # dead units -> stuck loss, but the inputs are the root of both
    assert findings["G406"].severity == "info" and findings["G406"].evidence["consequence_of"] == ["D109"]
    # A hit can name what it explains beyond the engine's table (all-zero init: blocked gradients).
    engine = Engine()
    engine.live_sink = None
    engine.add("M303", Hit("graph cut?"))
    engine.add("M305", Hit("all weights zero", explains=("M303",)))
    findings = {f.code: f for f in engine.report().findings}
    assert findings["M303"].severity == "info" and findings["M303"].evidence["consequence_of"] == ["M305"]
    assert "M303" in [f.code for f in engine.report().sorted_findings()][1:]


def test_shuffled_batches_with_infinite_entries_are_not_one_repeated_batch():
    # log(0) in a feature column: every batch's sums are -inf alike, yet the batches differ (D102, not D103).
    torch.manual_seed(0)
    X, y = torch.randn(512, 8), torch.randint(0, 3, (512,))
    X[::3, 0] = float("-inf")
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=32, shuffle=True)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(3):
            for xb, yb in loader:
                loss = F.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
    codes = doctor.report().codes("warning")
    assert "D102" in codes and "D103" not in codes, codes


def test_a_squeezed_sigmoid_output_is_still_the_output_activation():
    # forward returns self.net(x).squeeze(-1): a view of the Sigmoid's output, not a new computation.
    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid())

        def forward(self, x):
            return self.net(x).squeeze(-1)

    torch.manual_seed(0)
    X = torch.randn(256, 4)
    y = X @ torch.tensor([1.0, -2.0, 0.5, 1.5])
    y = (y - y.mean()) / y.std()  # standardized: half the targets below 0, out of a Sigmoid's reach
    model = Head()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(40):
            idx = torch.randperm(256)[:32]
            loss = F.mse_loss(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    assert doctor.session.engine.signals.output_activation[1] == "Sigmoid"
    assert "L209" in doctor.report().codes("warning")


def test_layers_kept_in_a_plain_list_are_reported_and_registered_aliases_are_not():
    class ListNet(nn.Module):
        def __init__(self, registered: bool):
            super().__init__()
            self.stem = nn.Linear(8, 16)
            self.block = nn.Linear(16, 16)
            # A plain list of new layers is a bug; a list of aliases of registered layers is not.
            self.layers = [self.block] if registered else [nn.Linear(16, 16), nn.Linear(16, 16)]
            self.head = nn.Linear(16, 3)

        def forward(self, x):
            h = torch.relu(self.stem(x))
            for layer in self.layers:
                h = h + torch.relu(layer(h))
            return self.head(h)

    for registered in (False, True):
        torch.manual_seed(0)
        model = ListNet(registered)
        with nndoctor.watch(model, live=False, preflight=False) as doctor:
            _train(model, steps=30)
        m302 = [f for f in doctor.report().findings if f.code == "M302"]
        if registered:
            assert not m302, m302
        else:
            assert m302 and m302[0].severity == "warning" and "layers[0], layers[1]" in m302[0].message, m302


def test_sampling_period_keeps_sampled_steps_within_their_budget():
    from nndoctor.probes.torch_probe import _Sampler

    sampler = _Sampler(full_steps=20, every=None, budget=0.01)
    sampled, ordinary = [], 0
    for step in range(2100):  # the first 20 all sampled; 1 ms a step, 5 ms a sampled one
        is_sampled = step < 20 or step % sampler.k == 0  # as the probe decides it, before the step
        if is_sampled and ordinary:  # as the probe reads its clock: the ordinary steps since, in one
            sampler.observe(step - 1, 0.001 * ordinary, False, count=ordinary)
            ordinary = 0
        if is_sampled:
            sampler.observe(step, 0.005, True)
            sampled += [step] if step >= 20 else []
        else:
            ordinary += 1
        if step == 33:
            assert abs(sampler.base - 0.001) < 1e-12 and abs(sampler.extra - 0.004) < 1e-12
    assert sampler.k == 512  # 4 ms every k steps within 1% of 1 ms a step: k >= 400, a power of two
    # ... reached through the powers of two: a run stopped at any step has a sample past its middle.
    assert sampled == [32, 64, 128, 256, 512, 1024, 1536, 2048]
    fixed = _Sampler(full_steps=20, every=5, budget=0.01)
    for step in range(40):
        fixed.observe(step, 0.001, step < 20)
    assert fixed.k == 5


def test_live_rules_run_on_the_first_steps_then_within_their_share_of_wall_time(monkeypatch):
    from nndoctor.engine import FIRST_STEPS, LIVE_EVERY_S, Engine

    engine, ran = Engine(), []
    monkeypatch.setattr(engine, "evaluate", lambda stage: ran.append(engine.signals.steps))
    for steps in range(1, 3001):
        engine.signals.steps = steps
        engine.on_step_end(steps, 0.001)  # an ordinary step takes 1 ms
    assert ran[:FIRST_STEPS] == list(range(1, FIRST_STEPS + 1))
    later = ran[FIRST_STEPS:]
    # LIVE_EVERY_S at 1 ms a step: 500 steps apart, counted in steps, no clock read per step.
    assert later and all(b - a >= LIVE_EVERY_S / 0.001 for a, b in zip(ran[FIRST_STEPS - 1:], later))
    assert len(later) >= 3000 // 600

    limited, calls = Engine(), []
    limited.step_limit = 700  # a session's max_steps: the probe's inline test must let the call through there
    monkeypatch.setattr(limited, "evaluate", lambda stage: calls.append(limited.signals.steps))
    for steps in range(1, 701):
        limited.signals.steps = steps
        if steps >= limited.next_live_step:
            limited.on_step_end(steps, 0.001)
    assert calls[-1] == 700


def test_losses_held_back_on_ordinary_steps_reach_the_rules_in_step_order():
    """On a CPU, ordinary steps' losses wait in a plain list: every evaluation (live or final), each
    sampled step and the end hand them in, in order, with nothing lost."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    X, y = torch.randn(256, 8), torch.randint(0, 2, (256,))
    seen_by_rules = []
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        engine = doctor.session.engine
        evaluate = engine.evaluate
        engine.evaluate = lambda stage: (evaluate(stage), seen_by_rules.append(
            (engine.signals.steps, [s for s, _ in engine.signals.losses])))
        for i in range(300):
            loss = F.cross_entropy(model(X[i % 4 * 64:][:64]), y[i % 4 * 64:][:64])
            opt.zero_grad()
            loss.backward()
            opt.step()
    for steps, loss_steps in seen_by_rules:
        assert loss_steps == list(range(steps)), (steps, loss_steps[-5:])
    assert [s for s, _ in engine.signals.losses] == list(range(300))


def _restarts(rebuild_optimizer: bool, steps: int = 90):
    """Three restarts of a small classifier, each with a fresh model; the optimizer rebuilt for it, or
    kept from the model built before the loop (which never runs)."""
    torch.manual_seed(0)
    X = torch.randn(256, 8)
    y = (X[:, 0] > 0).long()
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
        if rebuild_optimizer:
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(steps // 3):
            idx = torch.randint(0, 256, (32,))
            loss = F.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()


def test_an_optimizer_holding_none_of_the_running_models_parameters_is_m302_not_t502():
    with nndoctor.watch(live=False, preflight=False, sample_every=1) as doctor:
        _restarts(rebuild_optimizer=False)
    found = {f.code: f for f in doctor.report().findings}
    assert "M302" in found and found["M302"].severity == "error", sorted(found)
    assert found["M302"].evidence["models_not_in_optimizer"][0] == "Sequential"
    assert "T502" not in found  # its steps do find no gradient, but not because step() comes first
    with nndoctor.watch(live=False, preflight=False, sample_every=1) as doctor:
        _restarts(rebuild_optimizer=True)
    assert not {"M302", "T502"} & set(doctor.report().codes())


def test_a_gan_whose_optimizers_each_hold_one_model_is_not_m302():
    torch.manual_seed(0)
    gen, disc = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)), nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    opt_g, opt_d = torch.optim.Adam(gen.parameters(), 1e-3), torch.optim.Adam(disc.parameters(), 1e-3)
    with nndoctor.watch(live=False, preflight=False, sample_every=1) as doctor:
        for _ in range(40):
            real, z = torch.randn(32, 2) + 3, torch.randn(32, 4)
            fake = gen(z)
            d_loss = F.binary_cross_entropy_with_logits(disc(real), torch.ones(32, 1)) + \
                F.binary_cross_entropy_with_logits(disc(fake.detach()), torch.zeros(32, 1))
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = F.binary_cross_entropy_with_logits(disc(fake), torch.ones(32, 1))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
    stats = doctor.session.engine.signals.step_stats
    assert stats and not any(s.foreign_models for s in stats)
    assert "M302" not in doctor.report().codes()


def test_a_second_training_phase_with_its_own_optimizer_counts_its_own_steps():
    """Pre-training with one optimizer, then a probe trained with another (counting from 0 again):
    every step of both phases is a step of the run, with its own loss."""
    torch.manual_seed(0)
    encoder, probe = nn.Sequential(nn.Linear(8, 16), nn.ReLU()), nn.Linear(16, 3)
    X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
    with nndoctor.watch(live=False, preflight=False) as doctor:
        opt = torch.optim.Adam(encoder.parameters(), 1e-3)
        for _ in range(30):
            loss = F.mse_loss(encoder(X[:32]), torch.zeros(32, 16))
            opt.zero_grad()
            loss.backward()
            opt.step()
        opt_probe = torch.optim.SGD(probe.parameters(), 0.1)
        for _ in range(40):
            loss = F.cross_entropy(probe(encoder(X[:32]).detach()), y[:32])
            opt_probe.zero_grad()
            loss.backward()
            opt_probe.step()
    sig = doctor.session.engine.signals
    # The probe's first step joins the encoder's last one (the probe stepping twice in a row is what
    # tells a new phase from a GAN's second player); every later one is a step of its own.
    assert sig.steps == 69
    assert [s for s, _ in sig.losses] == list(range(31)) + list(range(30, 69))


def _regression_loop(order: str, steps: int = 40):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    X = torch.randn(256, 8)
    y = X[:, :1] * 2
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for i in range(steps):
            idx = torch.randint(0, 256, (32,))
            loss = F.mse_loss(model(X[idx]), y[idx])
            if order == "leaf":  # a loss rebuilt from its value: no graph back to the model
                loss = torch.tensor(loss.item(), requires_grad=True)
            if order == "zero_between":
                loss.backward()
                opt.zero_grad()
            else:
                opt.zero_grad()
                loss.backward()
            opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_a_loss_rebuilt_from_a_number_is_m303_and_zero_grad_between_backward_and_step_is_t502():
    found = _regression_loop("leaf")
    assert "M303" in found and found["M303"].severity == "error", sorted(found)
    assert found["M303"].evidence["leaf_losses"] >= 20 and "T502" not in found
    found = _regression_loop("zero_between")
    assert "T502" in found and "between backward() and step()" in found["T502"].message, sorted(found)
    assert not {"M303", "T502"} & set(_regression_loop("plain"))


def test_a_generator_seeded_again_every_step_repeats_the_batch_d103():
    """torch.manual_seed inside the batch sampler: the same random indices, so the same batch, every step
    (token ids, no DataLoader and no slice of a larger tensor to show that more data exists)."""
    torch.manual_seed(0)
    tokens, labels = torch.randint(0, 50, (2000, 12)), torch.randint(0, 2, (2000,))
    model = nn.Sequential(nn.Embedding(50, 16), nn.Flatten(), nn.Linear(12 * 16, 2))
    opt = torch.optim.Adam(model.parameters(), 1e-3)

    def train(reseed: bool):
        report = _watched_fit(model, opt, tokens, labels, 60,
                              before_step=(lambda: torch.manual_seed(1234)) if reseed else None)
        return {f.code: f for f in report.findings}

    found = train(reseed=True)
    assert "D103" in found and found["D103"].evidence["reseeded"] == "torch.manual_seed(1234)", sorted(found)
    assert "D103" not in train(reseed=False)


def test_a_functional_dropout_left_on_in_eval_mode_is_t504():
    class Net(nn.Module):
        def __init__(self, follow_mode: bool):
            super().__init__()
            self.fc1, self.fc2, self.follow_mode = nn.Linear(8, 32), nn.Linear(32, 2), follow_mode

        def forward(self, x):
            h = torch.relu(self.fc1(x))
            h = F.dropout(h, 0.5, training=self.training) if self.follow_mode else F.dropout(h, 0.5)
            return self.fc2(h)

    def run(follow_mode: bool):
        torch.manual_seed(0)
        model = Net(follow_mode)
        X, y = torch.randn(256, 8), torch.randint(0, 2, (256,))
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
            for epoch in range(3):
                model.train()
                for i in range(0, 256, 32):
                    loss = F.cross_entropy(model(X[i:i + 32]), y[i:i + 32])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                model.eval()
                with torch.no_grad():
                    F.cross_entropy(model(X), y)
                    # alpha_dropout's default is training=False: passed on as given, not counted.
                    assert torch.equal(F.alpha_dropout(X, 0.5), X)
        return {f.code: f for f in doctor.report().findings}

    found = run(follow_mode=False)
    assert "T504" in found and found["T504"].evidence["eval_forwards_with_dropout"] == 3, sorted(found)
    assert "T504" not in run(follow_mode=True)


def test_class_counts_keep_one_task_a_contrastive_pretraining_does_not_skew_the_probe():
    """NT-Xent-style targets (arange over 2 x batch "classes") before a 4-class probe: the class counts
    the data rules judge are the probe's, which are balanced."""
    torch.manual_seed(0)
    enc, head = nn.Linear(8, 16), nn.Linear(16, 4)
    X, y = torch.randn(256, 8), torch.arange(256) % 4
    with nndoctor.watch(live=False, preflight=False, sample_every=1) as doctor:
        opt = torch.optim.Adam(enc.parameters(), 1e-3)
        for _ in range(20):
            z = F.normalize(enc(X[:64]), dim=1)
            loss = F.cross_entropy(z @ z.t(), torch.arange(64))
            opt.zero_grad()
            loss.backward()
            opt.step()
        opt = torch.optim.Adam(head.parameters(), 1e-2)
        for _ in range(60):
            loss = F.cross_entropy(head(enc(X).detach()), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    sig = doctor.session.engine.signals
    assert sorted(sig.class_counts) == [0, 1, 2, 3] and len(set(sig.class_counts.values())) == 1
    assert "D107" not in doctor.report().codes()


def test_units_initialised_to_one_constant_stay_identical_m305():
    def run(constant: bool):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3))
        if constant:
            for m in model:
                if isinstance(m, nn.Linear):
                    nn.init.constant_(m.weight, 0.01)
                    nn.init.zeros_(m.bias)
        X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        return {f.code: f for f in _watched_fit(model, opt, X, y, 80).findings}

    found = run(constant=True)
    assert "M305" in found and set(found["M305"].evidence["identical_units"]) == {"0", "2"}, sorted(found)
    assert "M305" not in run(constant=False)


def test_rows_standardized_instead_of_columns_is_d109():
    """Per-sample standardization of tabular features on different scales (breast cancer: areas in the
    thousands) leaves each feature a small variation on its own offset; per-column standardization,
    one-hot columns beside standardized ones, and per-sample normalized time series stay silent."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    raw, y = torch.tensor(data.data, dtype=torch.float32), torch.tensor(data.target)

    def codes(X):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(X.shape[1], 16), nn.ReLU(), nn.Linear(16, 2))
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        return _watched_fit(model, opt, X, y, 30, sample_every=1).codes()

    rows = (raw - raw.mean(1, keepdim=True)) / raw.std(1, keepdim=True)
    columns = (raw - raw.mean(0)) / raw.std(0)
    one_hot = F.one_hot(torch.arange(len(raw)) % 5, 5).float()
    steps = torch.linspace(0, 6.28, 30)
    series = torch.sin(steps * (1 + torch.rand(len(raw), 1))) * (1 + 10 * torch.rand(len(raw), 1))
    series = (series - series.mean(1, keepdim=True)) / series.std(1, keepdim=True)
    assert "D109" in codes(rows)
    assert "D109" not in codes(columns)
    assert "D109" not in codes(torch.cat([columns[:, :10], one_hot], 1))
    assert "D109" not in codes(series)


def test_model_called_only_inside_torch_func_transforms_is_not_touched():
    """MAML with torch.func: the model runs inside grad and vmap only. Tensors there are wrappers that must
    not escape: the probe keeps none, and the optimizer's steps are still counted."""
    from torch.func import functional_call, grad, vmap

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), 1e-3)

    def task_loss(params, x, y):
        return ((functional_call(model, params, (x,)) - y) ** 2).mean()

    def adapted(params, xs, ys):
        g = grad(task_loss)(params, xs, ys)
        return task_loss({k: params[k] - 0.01 * g[k] for k in params}, xs, ys)

    with nndoctor.watch(model, opt, live=False, preflight=True) as doctor:
        for step in range(40):
            x = torch.rand(4, 10, 1) * 6 - 3
            y = torch.rand(4, 1, 1) * torch.sin(x + torch.rand(4, 1, 1))
            loss = vmap(adapted, in_dims=(None, 0, 0))(dict(model.named_parameters()), x, y).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    report = doctor.report()
    assert not report.internal_errors, report.internal_errors
    assert report.steps_seen == 40 and not {"D101", "T502"} & report.codes()


def test_a_loss_taken_outside_no_grad_on_outputs_computed_inside_it_is_a_validation_loss():
    """out = model(X) under no_grad, then crit(out, y) after the block: the loss has no graph, so it is an
    evaluation loss (the validation curve), not a training loss call, on sampled and ordinary steps alike."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
    crit = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0]))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(10):
            for i in range(0, 256, 32):
                loss = crit(model(X[i:i + 32]), y[i:i + 32])
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                out = model(X[:64])
            crit(out, y[:64]).item()
    doctor.report()
    sig = doctor.session.engine.signals
    assert len(sig.eval_losses) == 10
    assert all(c.input.shape[0] == 32 for c in sig.loss_calls)


def test_a_validation_loss_summed_over_the_set_is_on_the_training_loss_scale():
    """evaluate() sums cross_entropy(..., reduction="sum") (ignoring padding) and divides by the set's size
    afterwards: the validation curve nndoctor keeps is per scored target, as the training loss is."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
    y_val = y[:100].clone()
    y_val[::4] = -100  # padding: not scored
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(3):
            for i in range(0, 256, 32):
                loss = F.cross_entropy(model(X[i:i + 32]), y[i:i + 32])
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                out = model(X[:100])
                F.cross_entropy(out, y_val, reduction="sum")
                mean = F.cross_entropy(out, y_val).item()
                F.mse_loss(out, torch.zeros_like(out), reduction="sum")
                mse = F.mse_loss(out, torch.zeros_like(out)).item()
    doctor.report()
    values = [v for _, v in doctor.session.engine.signals.eval_losses]
    assert len(values) == 12
    for k in range(3):
        summed_ce, ce, summed_mse, _ = values[4 * k:4 * k + 4]
        assert summed_ce == pytest.approx(ce, rel=1e-5) and summed_mse == pytest.approx(values[4 * k + 3], rel=1e-5)
    assert values[-3] == pytest.approx(mean, rel=1e-5) and values[-1] == pytest.approx(mse, rel=1e-5)


def test_binary_training_batches_get_the_auc_of_their_outputs():
    import copy

    from sklearn.metrics import roc_auc_score

    torch.manual_seed(0)
    X = torch.randn(256, 6)
    y = (X[:, 0] + 0.5 * torch.randn(256) > 0.3).float()
    model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1))
    first = copy.deepcopy(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for i in range(0, 256, 64):
            loss = F.binary_cross_entropy_with_logits(model(X[i:i + 64]).squeeze(1), y[i:i + 64],
                                                      pos_weight=torch.tensor(2.0))
            opt.zero_grad()
            loss.backward()
            opt.step()
    doctor.report()
    call = doctor.session.engine.signals.loss_calls[0]
    expected = roc_auc_score(y[:64].numpy(), first(X[:64]).squeeze(1).detach().numpy())
    assert call.binary_auc == pytest.approx(expected, abs=1e-6)


def _seq2seq_findings(decoder_in_optimizer: bool, perceptual: bool = False) -> dict:
    """A GRU encoder and a decoder fed its state (teacher forcing), one optimizer per network as in the
    PyTorch seq2seq tutorial; or a fixed feature network judging the decoder's output (a perceptual loss)."""
    torch.manual_seed(0)
    src, tgt = torch.randint(0, 12, (256, 6)), torch.randint(0, 12, (256, 5))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.gru = nn.Embedding(12, 16), nn.GRU(16, 16, batch_first=True)

        def forward(self, x):
            return self.gru(self.emb(x))[1]

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.gru, self.out = nn.Embedding(12, 16), nn.GRU(16, 16, batch_first=True), nn.Linear(16, 12)

        def forward(self, x, h):
            y, h = self.gru(self.emb(x), h)
            return self.out(y[:, -1]), h

    encoder, decoder, judge = Encoder(), Decoder(), nn.Linear(12, 4)
    enc_opt = torch.optim.Adam(encoder.parameters(), lr=1e-2)
    dec_opt = torch.optim.Adam((decoder if decoder_in_optimizer else encoder).parameters(), lr=1e-2)
    with nndoctor.watch(encoder, enc_opt, live=False, preflight=False) as doctor:
        for epoch in range(3):
            for i in range(0, 256, 32):
                enc_opt.zero_grad()
                dec_opt.zero_grad()
                h, dec_in, loss = encoder(src[i:i + 32]), torch.zeros(32, 1, dtype=torch.long), 0.0
                for t in range(5):
                    logits, h = decoder(dec_in, h)
                    loss = loss + (F.mse_loss(judge(logits), judge(F.one_hot(tgt[i:i + 32, t], 12).float()))
                                   if perceptual else F.cross_entropy(logits, tgt[i:i + 32, t]))
                    dec_in = tgt[i:i + 32, t:t + 1]
                loss.backward()
                enc_opt.step()
                dec_opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_a_decoder_left_out_of_every_optimizer_is_m302():
    found = _seq2seq_findings(decoder_in_optimizer=False)
    assert "M302" in found and found["M302"].evidence["model"] == "Decoder", sorted(found)
    assert "M302" not in _seq2seq_findings(decoder_in_optimizer=True)
    # A fixed network scoring the decoder's output against its own view of the targets, left with
    # requires_grad on and in no optimizer: it judges, it is not trained.
    assert "M302" not in _seq2seq_findings(decoder_in_optimizer=True, perceptual=True)


class _TinyVAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.1))
        self.mu, self.logvar = nn.Linear(32, 4), nn.Linear(32, 4)
        self.dec = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 16))

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        return self.dec(mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)), mu, logvar


def _vae_fit(kl_per_sample: bool, watched: bool):
    """A VAE whose KL is written by hand: summed over the batch (the bug) or per sample. Its weights."""
    torch.manual_seed(0)
    X = (torch.rand(256, 16) > 0.5).float()
    model = _TinyVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    doctor = nndoctor.watch(model, opt, live=False, preflight=False) if watched else None
    if doctor is not None:
        doctor.__enter__()
    for step in range(70):
        xb = X[torch.randint(0, 256, (64,))]
        logits, mu, logvar = model(xb)
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        loss = F.binary_cross_entropy_with_logits(logits, xb) + (kl / len(xb) / 16 if kl_per_sample else kl)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if doctor is not None:
        doctor.__exit__(None, None, None)
    return [p.detach().clone() for p in model.parameters()], doctor


def test_a_hand_written_kl_summed_over_the_batch_drowns_the_reconstruction_by_gradient_l205():
    weights, doctor = _vae_fit(kl_per_sample=False, watched=True)
    hits = [f for f in doctor.report().findings if f.code == "L205"]
    assert hits and hits[0].evidence["dominant"] == "hand-written", doctor.report().findings
    assert hits[0].evidence["ratio"] > 100
    # the extra backward passes that weigh the terms leave training as it was
    plain, _ = _vae_fit(kl_per_sample=False, watched=False)
    assert all(torch.equal(a, b) for a, b in zip(weights, plain))
    _, doctor = _vae_fit(kl_per_sample=True, watched=True)
    assert not [f for f in doctor.report().findings if f.code == "L205"]


class _SeqFirstTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb, self.gru, self.out = nn.Embedding(20, 16), nn.GRU(16, 32), nn.Linear(32, 5)

    def forward(self, tokens):  # (N, T) in, (T, N, C) out
        return self.out(self.gru(self.emb(tokens.t()))[0])


def _tagger_findings(transpose_tags: bool):
    torch.manual_seed(0)
    X = torch.randint(0, 20, (256, 12))
    Y = X % 5
    model = _SeqFirstTagger()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(40):
            idx = torch.randint(0, 256, (32,))
            logits, tags = model(X[idx]), Y[idx]
            tags = tags.t().contiguous() if transpose_tags else tags
            loss = F.cross_entropy(logits.reshape(-1, 5), tags.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_sequence_first_logits_flattened_against_batch_first_tags_is_d104():
    found = _tagger_findings(transpose_tags=False)
    assert "D104" in found and found["D104"].evidence["input_flattened_from"] == [12, 32], found
    assert found["D104"].evidence["target_flattened_from"] == [32, 12]
    assert "D104" not in _tagger_findings(transpose_tags=True)


class _SensorNet(nn.Module):
    def __init__(self, permute: bool):
        super().__init__()
        self.permute = permute
        self.conv = nn.Conv1d(3, 8, 5, padding=2)
        self.head = nn.Linear(8, 2)

    def forward(self, x):  # (N, T, C) windows, as stored
        x = x.permute(0, 2, 1) if self.permute else x.view(x.shape[0], 3, -1)
        return self.head(torch.relu(self.conv(x)).mean(-1))


def _sensor_findings(permute: bool):
    torch.manual_seed(0)
    X = torch.randn(256, 64, 3).cumsum(1)  # random walks: neighbouring samples of a channel correlate
    X = (X - X.mean()) / X.std()
    y = (X[:, -1, 0] > 0).long()
    model = _SensorNet(permute)
    report = _watched_fit(model, torch.optim.Adam(model.parameters(), lr=1e-2), X, y, 30)
    return {f.code: f for f in report.findings}


def test_channels_last_windows_viewed_inside_the_model_for_a_conv1d_is_d112():
    found = _sensor_findings(permute=False)
    assert "D112" in found and found["D112"].evidence["layer"] == "conv", found
    assert found["D112"].evidence["corr_lag_c"] > found["D112"].evidence["corr_lag1"] + 0.2
    assert "D112" not in _sensor_findings(permute=True)


def test_a_siamese_distance_cancels_the_last_bias_which_is_not_a_cut_graph_m303():
    torch.manual_seed(0)
    X = torch.randn(512, 8)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    with nndoctor.watch(net, opt, live=False, preflight=False) as doctor:
        for _ in range(40):
            a, b = X[torch.randint(0, 512, (32,))], X[torch.randint(0, 512, (32,))]
            same = (a[:, 0] * b[:, 0] > 0).float()
            d = (net(a) - net(b)).norm(dim=1)  # the last bias cancels: its gradient is exactly 0
            loss = (same * d ** 2 + (1 - same) * (1.0 - d).clamp(min=0) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    assert net[2].bias.grad is not None and not net[2].bias.grad.any()
    assert "M303" not in {f.code for f in doctor.report().findings}


def test_linear_layers_with_only_dropout_between_them_are_one_linear_map_m311():
    torch.manual_seed(0)
    X = torch.randn(512, 2)
    y = ((X[:, 0] * X[:, 1]) > 0).long()  # XOR-like: no linear model learns it
    model = nn.Sequential(nn.Linear(2, 32), nn.Dropout(0.1), nn.Linear(32, 32), nn.Dropout(0.1), nn.Linear(32, 2))
    report = _watched_fit(model, torch.optim.Adam(model.parameters(), lr=1e-2), X, y, 30)
    found = {f.code: f for f in report.findings}
    assert "M311" in found and found["M311"].evidence["whole_model_linear"], found
    assert found["M311"].where == "0 -> 2 -> 4"
    assert "not called in forward" in found["M311"].message and not found["M311"].evidence["identities_between"]


def test_an_activation_looked_up_as_identity_is_named_in_m311():
    # getattr(nn, "relu", nn.Identity): the config's name does not exist, the "activation" is Identity.
    torch.manual_seed(0)
    X = torch.randn(512, 2)
    y = ((X[:, 0] * X[:, 1]) > 0).long()
    act = getattr(nn, "relu", nn.Identity)
    model = nn.Sequential(nn.Linear(2, 32), act(), nn.Linear(32, 32), act(), nn.Linear(32, 2))
    report = _watched_fit(model, torch.optim.Adam(model.parameters(), lr=1e-2), X, y, 30)
    found = {f.code: f for f in report.findings}
    assert "M311" in found and found["M311"].evidence["identities_between"] == ["1", "3"], found
    assert "fell back to Identity" in found["M311"].message


class _HeadNet(nn.Module):
    def __init__(self, classes: int):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
        self.head = nn.Linear(16, classes)

    def forward(self, x):
        return self.head(self.features(x))


def _two_stages(optimizer_before_head: bool):
    """Pre-train, then freeze the features and fine-tune a new head on another task. The stage-2 optimizer
    is built over the trainable parameters before the head is replaced (it holds the old head), or after."""
    torch.manual_seed(0)
    X = torch.randn(256, 8)
    y1, y2 = (X[:, 0] > 0).long(), (X[:, 1] > 0).long() + 2 * (X[:, 2] > 0).long()
    model = _HeadNet(2)
    with nndoctor.watch(live=False, preflight=False) as doctor:
        for y, steps, stage in ((y1, 60, 1), (y2, 120, 2)):
            if stage == 1:
                opt = torch.optim.Adam(model.parameters(), lr=1e-2)
            else:
                for p in model.features.parameters():
                    p.requires_grad = False
                if optimizer_before_head:
                    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
                model.head = nn.Linear(16, 4)
                if not optimizer_before_head:
                    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
            for _ in range(steps):
                idx = torch.randint(0, 256, (32,))
                loss = F.cross_entropy(model(X[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_a_head_replaced_after_its_optimizer_was_built_is_m302():
    """Parameters added to a model after its first forward are registered at the next sampled step: the
    new head, in no optimizer, never changes (M302). Built after the head, the optimizer trains it."""
    found = _two_stages(optimizer_before_head=True)
    assert "M302" in found and found["M302"].where == "head", sorted(found)
    assert found["M302"].evidence["not_in_optimizer"] == ["head.weight#2", "head.bias#2"]
    assert "M302" not in _two_stages(optimizer_before_head=False)


class _TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
        self.label_head, self.aux_head = nn.Linear(16, 2), nn.Linear(16, 1)

    def forward(self, x):
        f = self.trunk(x)
        return self.label_head(f), self.aux_head(f).squeeze(-1)


def _aux_loss_findings(how: str):
    """A second head scored by its own loss call, which is added to the total, left out of it (computed
    for the log), or added with the head's output detached before it (a cut graph)."""
    torch.manual_seed(0)
    X = torch.randn(256, 8)
    y, aux = (X[:, 0] > 0).long(), (X[:, 1] > 0).float()
    model = _TwoHeads()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(80):
            idx = torch.randint(0, 256, (32,))
            logits, aux_logits = model(X[idx])
            if how == "detached":
                aux_logits = aux_logits.detach().requires_grad_()
            loss_main = F.cross_entropy(logits, y[idx])
            loss_aux = F.binary_cross_entropy_with_logits(aux_logits, aux[idx])
            loss = loss_main if how == "logged" else loss_main + loss_aux
            opt.zero_grad()
            loss.backward()
            opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_a_head_whose_loss_is_left_out_of_the_total_is_told_apart_from_a_cut_graph_m303():
    found = _aux_loss_findings("logged")
    assert found["M303"].severity == "warning" and found["M303"].where == "aux_head", found.get("M303")
    assert found["M303"].evidence["unused_loss_calls"] == ["binary_cross_entropy_with_logits"]
    assert "M303" not in _aux_loss_findings("added")
    cut = _aux_loss_findings("detached")["M303"]
    assert cut.severity == "error" and "cuts the graph" in cut.message


def _handwritten_loss_findings(how: str) -> dict:
    """Regression with a loss written by hand, its shapes right or broadcast against each other."""
    torch.manual_seed(0)
    X = torch.randn(512, 6)
    y = X @ torch.randn(6) + 0.1 * torch.randn(512)  # (N,)
    model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(60):
            idx = torch.randint(0, 512, (32,))
            pred, target = model(X[idx]), y[idx]
            if how == "squared (N,1) - (N,)":
                loss = ((pred - target) ** 2).mean()
            elif how == "absolute (N,) - (N,1)":
                loss = (pred.squeeze(1) - target.unsqueeze(1)).abs().mean()
            elif how == "sign margin (N,) * (N,1)":
                loss = torch.clamp(1 - torch.sign(target) * pred, min=0).mean()
            elif how == "squared, shapes equal":
                loss = ((pred.squeeze(1) - target) ** 2).mean()
            elif how == "pairwise ranking of the outputs":  # s_i - s_j on purpose: both sides are the model's
                s = pred.squeeze(1)
                loss = F.softplus(-(s[:, None] - s[None, :]) * torch.sign(target[:, None] - target[None, :])).mean()
            elif how == "standardized predictions":  # a batch statistic of the model's own output: silent
                s = pred.squeeze(1)
                loss = (((s - s.mean()) / s.std() - target) ** 2).mean()
            elif how.startswith("contrastive"):  # pairs labelled by which target is larger
                other = torch.randint(0, 512, (32,))
                out_a, out_b = pred, model(X[other])
                label = (target > y[other]).float()
                d = torch.norm(out_a - out_b, dim=1) if how.endswith("dim=1") else torch.norm(out_a - out_b)
                loss = (label * d ** 2 + (1 - label) * torch.clamp(1.0 - d, min=0) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_a_handwritten_loss_that_broadcasts_the_output_against_the_target_is_l204():
    for how in ("squared (N,1) - (N,)", "absolute (N,) - (N,1)", "sign margin (N,) * (N,1)"):
        found = _handwritten_loss_findings(how)
        assert "L204" in found, (how, sorted(found))
        assert found["L204"].evidence["broadcast_shape"] == [32, 32], found["L204"].evidence
    for how in ("squared, shapes equal", "pairwise ranking of the outputs", "standardized predictions",
                "contrastive, distance per pair with dim=1"):
        assert "L204" not in _handwritten_loss_findings(how), how


def test_a_distance_over_the_whole_batch_against_per_pair_labels_is_l204():
    found = _handwritten_loss_findings("contrastive, torch.norm without dim")
    assert "L204" in found, sorted(found)
    assert found["L204"].evidence["reduction"] == "norm", found["L204"].evidence
    assert found["L204"].evidence["reduced_shape"] == [32, 1] and found["L204"].evidence["broadcast_shape"] == [32]


def _validation_labels_findings(permute: bool) -> dict:
    """Digits, a validation loss each epoch; the validation labels relabeled (classes swapped in pairs) or not."""
    from sklearn.datasets import load_digits

    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
    X_val, y_val = X[1400:], y[1400:]
    if permute:
        y_val = torch.tensor([1, 0, 3, 2, 5, 4, 7, 6, 9, 8])[y_val]
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(6):
            for i in range(0, 1400, 50):
                loss = F.cross_entropy(model(X[i:i + 50]), y[i:i + 50])
                opt.zero_grad()
                loss.backward()
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model(X_val), y_val)
    return {f.code: f for f in doctor.report().findings}


def test_validation_labels_encoded_apart_from_the_training_labels_are_d116():
    found = _validation_labels_findings(permute=True)
    assert "D116" in found, sorted(found)
    assert found["D116"].evidence["relabeling"] == {"0": 1, "1": 0, "2": 3, "3": 2, "4": 5, "5": 4, "6": 7,
                                                    "7": 6, "8": 9, "9": 8}, found["D116"].evidence
    assert "D116" not in _validation_labels_findings(permute=False)


def _constant_target_findings(how: str) -> dict:
    """A regression on diabetes; its targets real, or one number throughout, in one loss or in several."""
    from sklearn.datasets import load_diabetes

    torch.manual_seed(0)
    X, y = load_diabetes(return_X_y=True)
    X = torch.tensor((X - X.mean(0)) / X.std(0), dtype=torch.float32)
    y = torch.tensor((y - y.mean()) / y.std(), dtype=torch.float32).view(-1, 1)
    if how in ("zeros buffer, mse", "a Dataset returning one label, bce"):
        y = torch.zeros_like(y) if how.startswith("zeros") else torch.ones_like(y)

    class ReturnsItsTarget(nn.Module):  # (prediction, target) from the model, a MoCo-style forward
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))

        def forward(self, x):
            out = self.net(x)
            return out, torch.zeros_like(out)

    model = ReturnsItsTarget() if how == "targets returned by the model" else \
        nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(8):
            for i in range(0, 416, 32):
                xb, yb = X[i:i + 32], y[i:i + 32]
                if how == "targets returned by the model":
                    out, target = model(xb)
                    loss = F.mse_loss(out, target)
                elif how == "two terms fitted to 0":  # a PINN: boundary values and a residual, both to 0
                    out = model(xb)
                    loss = F.mse_loss(out, torch.zeros_like(out)) + F.mse_loss(out - 0.5 * xb[:, :1], torch.zeros_like(out))
                elif how == "a residual fitted to 0":
                    out = model(xb)
                    loss = F.mse_loss(out - yb, torch.zeros_like(out))
                elif how.endswith("bce"):
                    loss = F.binary_cross_entropy_with_logits(model(xb), yb)
                else:
                    loss = F.mse_loss(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_targets_that_are_one_number_throughout_are_d104():
    for how in ("zeros buffer, mse", "a Dataset returning one label, bce"):
        found = _constant_target_findings(how)
        assert "D104" in found, (how, sorted(found))
        assert found["D104"].evidence["target_value"] == (0.0 if how.startswith("zeros") else 1.0)
        assert found["D104"].evidence["targets"] >= 256, found["D104"].evidence
    for how in ("real targets", "targets returned by the model", "two terms fitted to 0", "a residual fitted to 0"):
        assert "D104" not in _constant_target_findings(how), how


def _token_target_findings(how: str) -> dict:
    """A GRU tagger on synthetic token rows (tags follow the tokens), padded with token 0 or not."""
    torch.manual_seed(0)
    n, length, vocab = 640, 24, 30
    tokens = torch.randint(1, vocab, (n, length))
    tags = tokens % 5 + 1
    if how != "fixed-length windows, no padding":
        lengths = torch.randint(3, 10, (n,))
        real = torch.arange(length)[None, :] < lengths[:, None]
        tokens, tags = tokens * real, tags * real  # padding: token 0, tag 0
    if how == "padded targets set to -100":
        tags = tags.masked_fill(tokens == 0, -100)
    if how == "next-token targets, padding scored":
        tags = torch.cat([tokens[:, 1:], torch.zeros(n, 1, dtype=torch.long)], 1)

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(vocab, 16)
            self.rnn = nn.GRU(16, 32, batch_first=True)
            self.out = nn.Linear(32, vocab)

        def forward(self, x):
            return self.out(self.rnn(self.emb(x))[0])

    model = Tagger()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    ignore = 0 if how == "ignore_index=0" else -100
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(2):
            for i in range(0, n, 32):
                logits = model(tokens[i:i + 32])
                loss = F.cross_entropy(logits.reshape(-1, vocab), tags[i:i + 32].reshape(-1), ignore_index=ignore)
                opt.zero_grad()
                loss.backward()
                opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_padding_scored_as_a_target_class_is_d113():
    for how in ("padding scored", "next-token targets, padding scored"):
        found = _token_target_findings(how)
        assert "D113" in found, (how, sorted(found))
        assert found["D113"].evidence["padded_target_class"] == 0 and found["D113"].evidence["padding_token"] == 0
        assert found["D113"].evidence["padded_target_share"] > 0.5, found["D113"].evidence
    for how in ("ignore_index=0", "padded targets set to -100", "fixed-length windows, no padding"):
        assert "D113" not in _token_target_findings(how), how


def _digits_findings(model: nn.Module, opt, epochs: int = 1, loss_of=None) -> dict:
    """Train ``model`` on the first 1400 digits in batches of 50 under watch; ``loss_of(out, y)`` the loss
    (cross-entropy when None). The findings by code."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(epochs):
            for i in range(0, 1400, 50):
                out = model(X[i:i + 50])
                loss = loss_of(out, y[i:i + 50]) if loss_of else F.cross_entropy(out, y[i:i + 50])
                opt.zero_grad()
                loss.backward()
                opt.step()
    return {f.code: f for f in doctor.report().findings}


def _scaled_loss_findings(divisor: float, lr: float) -> dict:
    """Digits, plain SGD, the cross-entropy divided by ``divisor`` before backward."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    return _digits_findings(model, torch.optim.SGD(model.parameters(), lr=lr), epochs=6,
                            loss_of=lambda out, y: F.cross_entropy(out, y) / divisor)


def test_a_loss_divided_by_the_data_set_size_is_g402_by_its_scale():
    found = _scaled_loss_findings(1400.0, 0.05)
    assert "G402" in found, sorted(found)
    assert abs(found["G402"].evidence["loss_scale"] * 1400 - 1) < 0.01, found["G402"].evidence
    assert "G402" not in _scaled_loss_findings(4.0, 0.2)  # a mean over four accumulated batches, the lr to match


def test_a_loss_masked_to_exactly_zero_is_m303_not_a_step_before_backward():
    from sklearn.datasets import load_breast_cancer

    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X, y = torch.tensor((X - X.mean(0)) / X.std(0), dtype=torch.float32), torch.tensor(y)
    confidence = torch.rand(len(y))  # in [0, 1], compared with a threshold in percent
    model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(3):
            for i in range(0, 544, 32):
                per_sample = F.cross_entropy(model(X[i:i + 32]), y[i:i + 32], reduction="none")
                mask = (confidence[i:i + 32] >= 80).float()
                loss = (per_sample * mask).sum() / mask.sum().clamp(min=1.0)
                opt.zero_grad()
                loss.backward()
                opt.step()
    found = {f.code: f for f in doctor.report().findings}
    assert "T502" not in found, found["T502"].message
    assert "M303" in found and found["M303"].severity == "error", sorted(found)
    assert found["M303"].evidence["zero_losses"] == found["M303"].evidence["losses"] == 51, found["M303"].evidence


def _ignore_index_findings(ignore: int) -> dict:
    """Breast cancer, a two-class head, cross-entropy with the given ignore_index."""
    from sklearn.datasets import load_breast_cancer

    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X, y = torch.tensor((X - X.mean(0)) / X.std(0), dtype=torch.float32), torch.tensor(y)
    model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(3):
            for i in range(0, 544, 32):
                loss = F.cross_entropy(model(X[i:i + 32]), y[i:i + 32], ignore_index=ignore)
                opt.zero_grad()
                loss.backward()
                opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_a_classifier_ignoring_one_of_its_own_classes_is_d113():
    found = _ignore_index_findings(0)
    assert "D113" in found, sorted(found)
    assert found["D113"].evidence["ignore_index"] == 0 and 0.2 < found["D113"].evidence["ignored_share"] < 0.6
    assert "D113" not in _ignore_index_findings(-100)


def test_padding_under_a_non_default_ignore_index_is_no_class_out_of_range():
    """Tags padded with -1 (or 255, as segmentation masks are) and the loss told so with ignore_index: the
    scored classes are in range; a real label outside them still is D113."""
    def tagger_findings(pad: int, label_shift: int = 0) -> dict:
        torch.manual_seed(0)
        lengths = torch.randint(3, 12, (256,))
        tokens = torch.randint(1, 30, (256, 12))
        tags = torch.where(torch.arange(12) < lengths[:, None], tokens % 5 + label_shift, torch.tensor(pad))
        model = nn.Sequential(nn.Embedding(30, 16), nn.Linear(16, 5))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
            for epoch in range(4):
                for i in range(0, 256, 32):
                    try:
                        loss = F.cross_entropy(model(tokens[i:i + 32]).reshape(-1, 5), tags[i:i + 32].reshape(-1),
                                               ignore_index=pad)
                    except (IndexError, RuntimeError):
                        return {f.code: f for f in doctor.report().findings}
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
        return {f.code: f for f in doctor.report().findings}

    for pad in (-1, 255):
        found = tagger_findings(pad)
        assert "D113" not in found, (pad, found["D113"].message)
    shifted = tagger_findings(-1, label_shift=1)  # tags 1-5 for 5 outputs: the loss fails on class 5
    assert "D113" in shifted and shifted["D113"].evidence["target_max"] == 5, sorted(shifted)


def _residual_mlp_findings(skips: int) -> dict:
    """A residual MLP of 12 blocks on digits whose blocks add their input ``skips`` times."""

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64))

        def forward(self, x):
            out = self.body(x)
            for _ in range(skips):
                out = out + x
            return out

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), *[Block() for _ in range(12)], nn.Linear(64, 10))
    return _digits_findings(model, torch.optim.Adam(model.parameters(), lr=1e-4))


def test_activations_that_grow_between_layers_at_initialization_are_m305():
    found = _residual_mlp_findings(2)
    assert "M305" in found, sorted(found)
    assert found["M305"].evidence["direction"] == "grow between layers" and found["M305"].evidence["total_factor"] > 100
    assert found["L201"].evidence["consequence_of"] == ["M305"], found["L201"]  # the huge first loss follows from it
    assert "M305" not in _residual_mlp_findings(1)


def test_a_loss_whose_graph_ends_at_a_hand_made_leaf_is_m303():
    """pred = out.argmax(1).float(); pred.requires_grad = True: the loss has a graph, not to the model."""

    def loss_of(out, y):
        pred = F.one_hot(out.argmax(1), 10).float()
        pred.requires_grad = True
        return F.mse_loss(pred, F.one_hot(y, 10).float())

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    found = _digits_findings(model, torch.optim.Adam(model.parameters(), lr=1e-3), loss_of=loss_of)
    assert "M303" in found and found["M303"].severity == "error", sorted(found)
    assert found["M303"].evidence["detached_losses"] == found["M303"].evidence["sampled_backwards"] > 0
    assert "T502" not in found, found["T502"].message


def _stem_then_block_findings(skip: bool) -> dict:
    """A Linear stem straight into a block that starts with a Linear; the block adds its input or not."""

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64))

        def forward(self, x):
            return x + self.body(x) if skip else self.body(x)

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), Block(), nn.ReLU(), nn.Linear(64, 10))
    return _digits_findings(model, torch.optim.Adam(model.parameters(), lr=1e-3))


def test_a_linear_layer_that_also_feeds_a_skip_is_not_m311():
    assert "M311" not in _stem_then_block_findings(skip=True)
    found = _stem_then_block_findings(skip=False)
    assert "M311" in found and found["M311"].evidence["pairs"] == [["0", "1.body.0"]], sorted(found)



def _gan_findings(detach_for_generator: bool) -> dict:
    """A small GAN; the generator's loss fed the detached fakes when ``detach_for_generator``."""
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 8))
    D = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)
    with nndoctor.watch(live=False, preflight=False) as doctor:
        for _ in range(120):
            fake = G(torch.randn(64, 4))
            opt_d.zero_grad()
            d_loss = (F.binary_cross_entropy_with_logits(D(torch.randn(64, 8) * 0.5 + 2), ones)
                      + F.binary_cross_entropy_with_logits(D(fake.detach()), zeros))
            d_loss.backward()
            opt_d.step()
            opt_g.zero_grad()
            F.binary_cross_entropy_with_logits(D(fake.detach() if detach_for_generator else fake), ones).backward()
            opt_g.step()
    return {f.code: f for f in doctor.report().findings}


def test_an_optimizer_no_backward_reaches_is_a_cut_graph_not_a_step_before_backward():
    # The generator's step finds no gradient, as after a step before backward(); but no backward ever gave
    # its parameters one (the discriminator's did get theirs): the graph is cut, M303.
    found = _gan_findings(detach_for_generator=True)
    assert "T502" not in found, found["T502"].message
    assert found["M303"].severity in ("warning", "error"), found["M303"]
    assert not {c for c, f in _gan_findings(detach_for_generator=False).items() if f.severity != "info"}


class _PlainWeight(nn.Module):
    """A layer whose weight is a tensor that requires grad, an nn.Parameter only when ``as_parameter``;
    it also keeps a per-step cache that requires grad (not a weight)."""

    def __init__(self, as_parameter: bool):
        super().__init__()
        w = torch.randn(8, 16) * 0.3
        self.w = nn.Parameter(w) if as_parameter else w.requires_grad_()
        self.head = nn.Linear(16, 2)
        self.cache = None

    def forward(self, x):
        h = torch.tanh(x @ self.w)
        self.cache = h.detach().requires_grad_()
        return self.head(h)


def _plain_weight_findings(as_parameter: bool, updated_by_hand: bool = False) -> dict:
    torch.manual_seed(0)
    model = _PlainWeight(as_parameter)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    X = torch.randn(256, 8)
    y = (X[:, 0] > 0).long()
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for step in range(60):
            i = (step * 32) % 256
            opt.zero_grad()
            F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
            opt.step()
            if updated_by_hand:
                with torch.no_grad():
                    model.w -= 0.1 * model.w.grad
                    model.w.grad = None
    return {f.code: f for f in doctor.report().findings}


def test_a_weight_kept_as_a_plain_tensor_attribute_is_m302():
    found = _plain_weight_findings(as_parameter=False)
    assert found["M302"].severity == "warning" and found["M302"].evidence["plain_tensor_attributes"] == {"w": 128}
    assert "M302" not in _plain_weight_findings(as_parameter=True)
    assert "M302" not in _plain_weight_findings(as_parameter=False, updated_by_hand=True)  # trained by hand


def _split_scale_findings(val_scale: float, eps: float = 1e-3, constant_in_training: tuple = ()) -> dict:
    """Digits standardized for training; validation under no_grad with its inputs times ``val_scale``.
    ``constant_in_training`` features are zero in the training rows only."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = torch.tensor(X, dtype=torch.float32)
    X[:1200, list(constant_in_training)] = 0.0
    mean, std = X[:1200].mean(0), X[:1200].std(0) + eps
    train_x, val_x, y = (X[:1200] - mean) / std, (X[1200:] - mean) / std * val_scale, torch.tensor(y)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for epoch in range(3):
            for i in range(0, 1200, 50):
                opt.zero_grad()
                F.cross_entropy(model(train_x[i:i + 50]), y[i:i + 50]).backward()
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model(val_x), y[1200:])
    return {f.code: f for f in doctor.report().findings}


def test_validation_inputs_on_another_scale_are_a_split_mismatch():
    # The validation split missed the training split's preprocessing (here: it stays 50x wider).
    found = _split_scale_findings(50.0)
    assert found["D116"].severity == "warning" and found["D116"].evidence["validation_std"] > 20, found["D116"]
    assert "G408" not in found or found["G408"].evidence["consequence_of"] == ["D116"], found["G408"]
    assert "D116" not in _split_scale_findings(1.0)


def test_a_few_features_blown_up_by_a_near_zero_training_std_are_no_scale_mismatch():
    # Both splits standardized alike, but features constant in training divide by ~1e-6 in validation:
    # a few huge values, while the typical feature has the same spread in both splits.
    found = _split_scale_findings(1.0, eps=1e-6, constant_in_training=(8, 16, 24))
    assert "D116" not in found, found.get("D116")


def test_consequences_of_data_order_and_repeats():
    from nndoctor.engine import Engine

    # (A run held back by its optimizer or a part of the model left out of it cannot refute the label
    # experiment's 32 samples: D104 follows; a loss term drowning the task's leaves its loss stuck; batches
    # sorted by class can miss a class in the sampled steps, so "never in training" may be the sort's.)
    for cause, echoes in (("D106", ("D107", "D116", "M306")), ("D103", ("G408", "L206", "M307")), ("D101", ("M306",)),
                          ("M304", ("G405", "G406")), ("G401", ("D104",)), ("M302", ("D104",)),
                          ("G410", ("D104",)), ("L205", ("G406", "M308")), ("D107", ("L206",)), ("G404", ("G406", "M308")),
                          ("G407", ("M306",))):
        engine = Engine()
        engine.live_sink = None
        engine.add(cause, Hit("the cause"))
        for code in echoes:
            engine.add(code, Hit("an echo", severity="warning"))
        findings = {f.code: f for f in engine.report().findings}
        for code in echoes:
            assert findings[code].severity == "info" and findings[code].evidence["consequence_of"] == [cause]


def test_a_nan_gradient_is_traced_to_its_backward_op_on_the_weights_before_the_update():
    # sqrt of a zero norm (an empty row) has an infinite derivative: the gradient is NaN from the first
    # step, and the update makes every weight NaN. The replay must run on the weights that made the NaN.
    torch.manual_seed(0)

    class Cosine(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(8, 16, bias=False)
            self.proj = nn.Linear(16, 4)

        def forward(self, x):
            v = self.embed(x)  # all zero for an empty document
            return self.proj(v / (v.pow(2).sum(1, keepdim=True).sqrt() + 1e-8))

    model = Cosine()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    X = torch.randn(64, 8)
    X[::8] = 0  # empty documents
    y = torch.randint(0, 4, (64,))
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(5):
            opt.zero_grad()
            F.cross_entropy(model(X), y).backward()
            opt.step()
    found = {f.code: f for f in doctor.report().findings}
    assert "SqrtBackward0" in found["N603"].message, found["N603"].message


def _multilabel_bce_findings(squash) -> dict:
    """Four independent binary targets from 16 features; BCE on ``squash(logits)``."""
    torch.manual_seed(0)
    X = torch.randn(512, 16)
    Y = (X[:, :4] > 0).float()
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for step in range(64):
            i = (step * 32) % 512
            opt.zero_grad()
            F.binary_cross_entropy(squash(model(X[i:i + 32])), Y[i:i + 32]).backward()
            opt.step()
    return {f.code: f for f in doctor.report().findings}


def test_logits_clamped_into_bce_are_l208_and_sigmoid_probabilities_are_not():
    found = _multilabel_bce_findings(lambda z: z.clamp(0, 1))
    assert found["L208"].severity == "error" and found["L208"].evidence["pinned_share"] > 0.2, found["L208"]
    assert "L208" not in _multilabel_bce_findings(torch.sigmoid)


def test_a_directly_seen_mechanism_is_explained_only_by_a_hit_that_names_it():
    from nndoctor.engine import Engine

    def severities(*hits):
        engine = Engine()
        engine.live_sink = None
        for code, hit in hits:
            engine.add(code, hit)
        return {f.code: f.severity for f in engine.report().findings}

    zero_loss = ("M303", Hit("the loss is exactly 0", severity="error", root_cause=True))
    # The table says constant inputs can block gradients; a loss seen to be exactly 0 is its own mechanism.
    assert severities(("D101", Hit("constant inputs")), zero_loss)["M303"] == "error"
    # Cross-entropy over one output is 0 whatever the model does: that hit names M303 as its consequence.
    assert severities(("L210", Hit("one output", explains=("M303",))), zero_loss)["M303"] == "info"


def _mixer_findings(keyword_only: bool):
    """A model with a required keyword (a seq2seq's teacher forcing ratio), called as model(x, ratio=...),
    whose softmax runs over the batch."""
    torch.manual_seed(0)

    class Mixer(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(8, 4)

        def forward(self, x, ratio):
            return self.fc(x).softmax(dim=0) * ratio

    class KeywordOnlyMixer(Mixer):
        def forward(self, x, *, ratio):
            return super().forward(x, ratio)

    model = KeywordOnlyMixer() if keyword_only else Mixer()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    X, y = torch.randn(64, 8), torch.randn(64, 4)
    with nndoctor.watch(model, opt, live=False, preflight=True) as doctor:
        for i in range(0, 64, 16):
            opt.zero_grad()
            F.mse_loss(model(X[i:i + 16], ratio=0.5), y[i:i + 16]).backward()
            opt.step()
    return doctor.report()


def test_preflight_calls_the_copies_with_the_keyword_arguments_of_the_users_call():
    # The experiments bind the keyword like the user's call, so they run (M304 finds the softmax over
    # the batch) instead of failing on a missing argument.
    report = _mixer_findings(keyword_only=False)
    assert not report.internal_errors, report.internal_errors
    assert "M304" in report.codes(), [(f.code, f.message) for f in report.findings]
    # A keyword-only argument cannot be passed positionally: the pre-flight says so and is skipped.
    report = _mixer_findings(keyword_only=True)
    assert not report.internal_errors, report.internal_errors
    assert any("keyword-only arguments (ratio)" in str(n) for n in report.notes), report.notes
