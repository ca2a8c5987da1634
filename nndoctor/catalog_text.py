"""Rule documentation for nndoctor's failure catalog: one record per rule code.

This module is data only. ``CATALOG`` holds one ``dict`` per rule code of the
catalog (``shared/catalog.md``, the contract between nndoctor and its users),
in catalog order: D1xx data, L2xx loss and outputs, M3xx model, architecture
and initialization, G4xx gradients and optimization dynamics, T5xx the
training loop, N6xx numerics. ``nndoctor rules`` lists these records and
``nndoctor explain CODE`` prints one of them.

Each record has:

* ``code``, ``name``: the stable rule code and its name, exactly as in the
  catalog. Codes are never renumbered or reused.
* ``severity``: the default severity, ``"error"`` (training cannot work as
  written), ``"warning"`` (very likely hurts training) or ``"info"`` (worth
  knowing, never fails a run).
* ``how``: how the evidence is gathered, as in the catalog: ``"P"``
  passively from what a normal training run computes, ``"A"`` actively by a
  short experiment on a copy of the model and a few captured batches (never
  changing the user's model, optimizer, data order or random streams), or
  both (``"P/A"``; D105 is written ``"A/P"`` in the catalog and kept so).
* ``summary``: one line, what the finding means.
* ``why``: why it hurts training and what evidence nndoctor looks at.
* ``fix``: a concrete fix, naming PyTorch APIs.
* ``example``: a minimal PyTorch snippet showing the bug and the fix; the
  code is the same in both languages, only the comments are translated.
* ``false_positives``: situations in which the rule may fire although the
  run is fine, and how nndoctor avoids them.
* ``references``: the sources, starting from the seed checklist (Ivanov 2017,
  "37 Reasons why your Neural Network is not working", in its Chinese
  translation), Karpathy's "A Recipe for Training Neural Networks" (2019),
  the CS231n notes and the Deeplearning4j guide, plus papers where apt.

Every text field is a ``dict`` with an English (``"en"``) and a Simplified
Chinese (``"zh"``) version. The Chinese texts use the vocabulary of the
seed checklist's translation (批量, 损失, 学习率, 归一化, 梯度爆炸, ...).
Thresholds are not defined here; the texts quote the published rules of
thumb they start from.
"""

CATALOG: tuple[dict, ...] = (
    dict(
        code="D101",
        name="constant-inputs",
        severity="error",
        how="P",
        summary={
            "en": "A batch of inputs is all zeros or constant (standard deviation 0).",
            "zh": "一个批量的输入全为零或全为同一个常数(标准差为 0)。",
        },
        why={
            "en": (
                "A network fed constant inputs gives the same output for every sample, "
                "so at best it learns the mean target and its predictions carry no "
                "information. This is nearly always a bug in loading or preprocessing: "
                "a placeholder returned by the Dataset, a dtype cast that rounds every "
                "value to 0, a mask applied twice. nndoctor computes the standard "
                "deviation of each input tensor as it enters the model and reports "
                "batches whose std is exactly 0, with the constant value and the step."
            ),
            "zh": (
                "输入是常数时,网络对每个样本都给出同样的输出,最多只能学到目标的平均值,"
                "预测不含任何信息。这几乎总是数据读取或预处理的 bug:Dataset "
                "返回了占位值、dtype 转换把所有值截成 0、掩码被重复应用等。nndoctor "
                "在每个输入张量进入模型时计算其标准差,报告标准差恰为 0 的批量,"
                "并给出那个常数值和所在步数。"
            ),
        },
        fix={
            "en": (
                "Print or plot a few batches right before `model(x)` and trace back to "
                "the step that flattens them (e.g. `.to(torch.uint8)` on floats in [0, "
                "1], or a `Dataset.__getitem__` that returns a default tensor)."
            ),
            "zh": (
                "在 `model(x)` 之前打印或可视化若干批量,"
                "沿数据流向前查找把它们变成常数的那一步(例如对 [0, 1] 的浮点数调用 "
                "`.to(torch.uint8)`,或 `Dataset.__getitem__` 返回了默认张量)。"
            ),
        },
        example={
            "en": (
                "# Bug: casting floats in [0, 1] to uint8 truncates every pixel to 0\n"
                "x = torch.rand(8, 3, 32, 32).to(torch.uint8).float()\n"
                "print(x.std())   # tensor(0.)\n"
                "# Fix: keep the float tensor (or scale to 0..255 before casting)\n"
                "x = torch.rand(8, 3, 32, 32)\n"
                "print(x.std())   # about 0.29"
            ),
            "zh": (
                "# Bug:把 [0, 1] 的浮点数转成 uint8,所有像素都被截成 0\n"
                "x = torch.rand(8, 3, 32, 32).to(torch.uint8).float()\n"
                "print(x.std())   # tensor(0.)\n"
                "# Fix:保留浮点张量(或在转换前先放大到 0..255)\n"
                "x = torch.rand(8, 3, 32, 32)\n"
                "print(x.std())   # 约 0.29"
            ),
        },
        false_positives={
            "en": (
                "Some inputs are constant by design: a conditioning flag that is the "
                "same for the whole batch, an all-ones bias column, an all-padding "
                "attention mask, or a batch of a single scalar. nndoctor judges each "
                "floating-point input tensor as a whole (a single constant feature is "
                "D109's business, not this rule's), skips boolean masks and integer "
                "index tensors, and names the argument so a constant-by-design input "
                "is easy to recognize."
            ),
            "zh": (
                "有些输入按设计就是常数:对整个批量都相同的条件标志、全 1 的偏置列、"
                "全是 padding 的注意力掩码,或只有一个标量的批量。nndoctor "
                "把每个浮点输入张量作为整体来判断(单个特征是常数属于 D109 的范畴,"
                "不在此规则内),跳过布尔掩码和整数索引张量,并在报告中给出参数名,"
                "便于识别按设计为常数的输入。"
            ),
        },
        references=(
            (
                "Seed checklist #1 'Check your input data' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'visualize just before "
                "the net' (https://karpathy.github.io/2019/04/25/recipe/)"
            ),
        ),
    ),
    dict(
        code="D102",
        name="nonfinite-data",
        severity="error",
        how="P",
        summary={
            "en": "NaN or Inf values in the inputs or targets.",
            "zh": "输入或目标中含有 NaN 或 Inf。",
        },
        why={
            "en": (
                "A single NaN in a batch spreads through every layer it touches and "
                "turns the loss, then the gradients and the weights, into NaN; an Inf "
                "does the same after the first subtraction or multiplication by zero. "
                "The cause usually lies in the data: missing values in a CSV, a "
                "division by a zero std during normalization, a log of zero in feature "
                "engineering. nndoctor checks every input and target tensor with "
                "`torch.isfinite` before the forward pass and reports which tensor, "
                "how many elements are non-finite and the index of the first one."
            ),
            "zh": (
                "批量中只要有一个 NaN,就会传遍它经过的每一层,先让损失、"
                "再让梯度和权重都变成 NaN;Inf 在第一次相减或乘以零之后也会变成 NaN。"
                "原因通常在数据本身:CSV 中的缺失值、归一化时除以为零的标准差、"
                "特征工程中对零取对数。nndoctor 在前向传播之前用 `torch.isfinite` "
                "检查每个输入和目标张量,报告是哪个张量、有多少个非有限值,"
                "以及第一个的位置。"
            ),
        },
        fix={
            "en": (
                "Clean or impute the data at its source (drop the rows, "
                "`torch.nan_to_num`, or `std.clamp_min(1e-8)` when normalizing), and "
                "assert `torch.isfinite(x).all()` in the Dataset."
            ),
            "zh": (
                "在数据源头清洗或填补数据(删除相应的行、使用 `torch.nan_to_num`,"
                "或归一化时用 `std.clamp_min(1e-8)`),并在 Dataset 中加上 `assert "
                "torch.isfinite(x).all()`。"
            ),
        },
        example={
            "en": (
                "# Bug: a feature with zero variance makes the normalization divide by 0\n"
                "x = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])\n"
                "x = (x - x.mean(0)) / x.std(0)          # column 1 becomes NaN\n"
                "# Fix: guard the denominator and check the result\n"
                "x = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])\n"
                "x = (x - x.mean(0)) / x.std(0).clamp_min(1e-8)\n"
                "assert torch.isfinite(x).all()"
            ),
            "zh": (
                "# Bug:某个特征方差为零,归一化时除以 0\n"
                "x = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])\n"
                "x = (x - x.mean(0)) / x.std(0)          # 第 1 列变成 NaN\n"
                "# Fix:保护分母,并检查结果\n"
                "x = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])\n"
                "x = (x - x.mean(0)) / x.std(0).clamp_min(1e-8)\n"
                "assert torch.isfinite(x).all()"
            ),
        },
        false_positives={
            "en": (
                "NaN is sometimes used on purpose as a 'missing' marker that is masked "
                "out before the loss (e.g. unlabeled entries of a multi-task target, "
                "filtered with `~torch.isnan(y)`). nndoctor cannot prove that the mask "
                "is applied, so it still reports the tensor, once rather than at every "
                "step; if the loss stays finite (no N601) the masking works and the "
                "finding can be silenced with `--ignore D102`."
            ),
            "zh": (
                "有时 NaN 被有意用作「缺失」标记,"
                "并在计算损失前被掩掉(例如多任务目标中未标注的项,用 `~torch.isnan(y)` "
                "过滤)。nndoctor 无法证明掩码确实生效,所以仍会报告该张量,"
                "但只报告一次而不是每一步都报;如果损失一直是有限值(没有 N601),"
                "说明掩码有效,可以用 `--ignore D102` 关闭此项。"
            ),
        },
        references=(
            (
                "Seed checklist #1 'Check your input data' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #37 'Overcoming NaNs' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "PyTorch documentation: torch.isfinite, torch.nan_to_num",
        ),
    ),
    dict(
        code="D103",
        name="repeated-batch",
        severity="error",
        how="P",
        summary={
            "en": (
                "The same batch is fed step after step although the data set holds "
                "more data."
            ),
            "zh": "数据集中明明还有别的数据,却一步又一步地使用同一批数据。",
        },
        why={
            "en": (
                "If the loop calls `next(iter(loader))` every step on a loader without "
                "shuffling, or caches one batch and reuses it, the model only ever "
                "sees a handful of samples: the training loss falls nicely while the "
                "model memorizes that batch, and validation does not improve. The seed "
                "checklist names it: running gradient descent on the same batch over "
                "and over. nndoctor hashes the content of each input batch and reports "
                "when the same hash repeats on consecutive steps while the data set is "
                "known to hold more samples than one batch, or while a global generator "
                "is seeded again with the same seed at every step (`torch.manual_seed` "
                "inside the batch sampler draws the same indices each time)."
            ),
            "zh": (
                "如果训练循环每一步都对未 shuffle 的 loader 调用 `next(iter(loader))`,"
                "或者缓存了一个批量反复使用,模型永远只能看到那几个样本:"
                "训练损失下降得很漂亮,其实只是记住了这一批数据,验证集上毫无进步。"
                "种子清单中就提到过这种错误:一遍遍地使用同一批数据执行梯度下降。"
                "nndoctor 对每个输入批量的内容计算哈希,当数据集已知多于一个批量、"
                "而相同的哈希在连续多步中重复出现时报告;全局随机数生成器在每一步都用"
                "同一个种子重新设定时(在取批次的函数里调用 `torch.manual_seed`,每次抽到"
                "同样的索引)也会报告。"
            ),
        },
        fix={
            "en": (
                "Iterate over the DataLoader (`for x, y in loader:`) instead of "
                "creating a new iterator each step; if you step manually, keep one "
                "iterator `it = iter(loader)` and call `next(it)`, re-creating it only "
                "when it is exhausted."
            ),
            "zh": (
                "直接遍历 DataLoader(`for x, y in loader:`),不要每一步都新建迭代器;"
                "如果需要手动取批量,只保留一个迭代器 `it = iter(loader)` 并调用 "
                "`next(it)`,耗尽后再重新创建。"
            ),
        },
        example={
            "en": (
                "# Bug: with shuffle=False, a new iterator each step yields the first batch again\n"
                "for step in range(1000):\n"
                "    x, y = next(iter(loader))\n"
                "    train_step(x, y)\n"
                "# Fix: iterate over the loader, epoch after epoch\n"
                "for epoch in range(10):\n"
                "    for x, y in loader:\n"
                "        train_step(x, y)"
            ),
            "zh": (
                "# Bug:shuffle=False 时,每一步新建的迭代器都会再次给出第一个批量\n"
                "for step in range(1000):\n"
                "    x, y = next(iter(loader))\n"
                "    train_step(x, y)\n"
                "# Fix:按 epoch 遍历 loader\n"
                "for epoch in range(10):\n"
                "    for x, y in loader:\n"
                "        train_step(x, y)"
            ),
        },
        false_positives={
            "en": (
                "Full-batch training (the whole data set as one batch every step) is "
                "legitimate and stays silent: nndoctor compares the batch size with "
                "the length of the data set. Deliberately overfitting one batch as a "
                "debugging step (Karpathy's 'overfit one batch', M308) is also fine; "
                "the finding names the step range so such a run can be recognized and "
                "the rule ignored with `--ignore D103`."
            ),
            "zh": (
                "全批量训练(每一步都把整个数据集作为一个批量)是正当做法,不会报告:"
                "nndoctor 会比较批量大小和数据集长度。"
                "有意过拟合单个批量作为调试步骤(Karpathy 的「overfit one batch」,见 "
                "M308)同样没问题;报告中会给出重复的步数范围,便于识别这类运行,并可用 "
                "`--ignore D103` 忽略。"
            ),
        },
        references=(
            (
                "Seed checklist #1 'Check your input data' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'overfit one batch' "
                "(https://karpathy.github.io/2019/04/25/recipe/)"
            ),
            "PyTorch documentation: torch.utils.data.DataLoader",
        ),
    ),
    dict(
        code="D104",
        name="labels-unlearnable",
        severity="error",
        how="A/P",
        summary={
            "en": (
                "The targets carry no learnable signal from the inputs: the model "
                "learns the true labels no faster than a random permutation of them."
            ),
            "zh": (
                "目标与输入之间没有可学习的关联:"
                "模型学习真实标签的速度并不比学习随机打乱后的标签快。"
            ),
        },
        why={
            "en": (
                "When labels have been shuffled apart from their inputs, are shifted "
                "by one, or are simply random, a network can still memorize them but "
                "cannot generalize, and memorizing random labels is much slower than "
                "learning real ones (Zhang et al. 2017). nndoctor runs a short "
                "experiment on copies of the model and a few captured batches: it "
                "trains once with the true labels and once with a random permutation "
                "of them, and reports when the loss falls no faster with the true "
                "labels. The experiment never touches the user's model, optimizer, "
                "data order or random streams. Passively, it also reports the extreme "
                "case: every target of the run's one regression or binary loss is the "
                "same number, batch after batch (a targets buffer never filled, a "
                "Dataset returning one label), so the model learns to output that "
                "number whatever its input while the loss falls to nothing."
            ),
            "zh": (
                "如果标签与输入被分开 shuffle、错位了一个位置,或者干脆是随机的,"
                "网络仍然可以记住它们,但无法泛化,"
                "而且记住随机标签要比学习真实标签慢得多(Zhang et al. 2017)。nndoctor "
                "在模型副本和少量捕获的批量上做一个短实验:"
                "分别用真实标签和随机打乱后的标签训练,若使用真实标签时损失下降并不更快,"
                "就报告此项。该实验绝不会改动用户的模型、优化器、数据顺序或随机数流。"
                "此外它还被动地报告最极端的情况:运行中唯一的回归或二分类损失的每个目标值"
                "在每个批次里都是同一个数(目标缓冲区从未填充、Dataset 总是返回同一个标签),"
                "于是模型学会了无论输入是什么都输出这个数,而损失一路降到几乎为零。"
            ),
        },
        fix={
            "en": (
                "Check a few (input, label) pairs by eye, and make sure every shuffle, "
                "sort or filter is applied to inputs and targets together: one index "
                "permutation, or `torch.utils.data.random_split` / `Subset` on the "
                "joint Dataset. When every target is the same number, print a few "
                "targets where they are built: the buffer must be filled, and the "
                "Dataset must index its labels with the sample's index."
            ),
            "zh": (
                "人工检查若干(输入, 标签)对,并确保所有 shuffle、"
                "排序和过滤都同时作用于输入和目标:使用同一个索引置换,或对整体 Dataset "
                "使用 `torch.utils.data.random_split` / `Subset`。若所有目标值都是同一个数,"
                "在构造目标的地方打印几个目标值:缓冲区必须被填充,Dataset 必须用样本的索引取标签。"
            ),
        },
        example={
            "en": (
                "# Bug: inputs and labels shuffled with different permutations\n"
                "x = x[torch.randperm(len(x))]\n"
                "y = y[torch.randperm(len(y))]\n"
                "# Fix: one permutation for both\n"
                "perm = torch.randperm(len(x))\n"
                "x, y = x[perm], y[perm]"
            ),
            "zh": (
                "# Bug:输入和标签用了不同的置换来 shuffle\n"
                "x = x[torch.randperm(len(x))]\n"
                "y = y[torch.randperm(len(y))]\n"
                "# Fix:两者使用同一个置换\n"
                "perm = torch.randperm(len(x))\n"
                "x, y = x[perm], y[perm]"
            ),
        },
        false_positives={
            "en": (
                "Tasks whose signal is genuinely weak compared to the noise (the "
                "seed's stock-price example), and models that need more than a short "
                "run before the true labels pull ahead (e.g. a pretrained backbone "
                "whose new head is still adapting). nndoctor requires the permuted run "
                "to match the true one within a margin, repeats the comparison with "
                "more than one permutation, and reports both loss curves so that a "
                "weak-signal task can be told apart from broken labels."
            ),
            "zh": (
                "某些任务中信号相对噪声本来就很弱(种子清单中股票价格的例子),"
                "或者模型需要训练更久真实标签才显出优势(例如预训练骨干网络上新接的分类"
                "头还在适应)。nndoctor "
                "要求打乱标签的运行在一定容差内与真实标签的运行持平才报告,"
                "会用不止一个随机置换重复比较,并给出两条损失曲线,"
                "便于区分弱信号任务和标签错误。"
            ),
        },
        references=(
            (
                "Seed checklist #4 'Make sure input is connected to output' (in Ivanov 2017, "
                "37 Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #5 'Is the relationship between input and output too random?' "
                "(in Ivanov 2017, 37 Reasons why your Neural Network is not working; Chinese "
                "translation: seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Zhang et al. 2017, Understanding deep learning requires rethinking "
                "generalization, ICLR 2017"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks (https:"
                "//karpathy.github.io/2019/04/25/recipe/)"
            ),
        ),
    ),
    dict(
        code="D105",
        name="label-noise",
        severity="warning",
        how="A/P",
        summary={
            "en": (
                "An estimated large fraction of labels look wrong (confident learning "
                "on out-of-sample predictions); the most suspicious samples are listed."
            ),
            "zh": (
                "估计有相当比例的标签是错的(基于样本外预测的置信学习),"
                "并列出最可疑的样本。"
            ),
        },
        why={
            "en": (
                "Mislabeled samples, such as images scraped from the web under the "
                "wrong category, put a ceiling on accuracy and, when frequent, stop "
                "the network from learning at all. nndoctor estimates label noise with "
                "confident learning (Northcutt et al. 2021, through cleanlab) on the "
                "training samples it captured: a quick model (logistic regression on the "
                "inputs, or on RBF kernel features) is cross-validated on them, so every "
                "sample gets predicted probabilities from a model that never saw its "
                "label, and a sample is counted as mislabeled when its given label's "
                "probability is below that class's average self-confidence while another "
                "class is above its own. It reports the estimated noise rate and the "
                "indices of the most suspicious samples with their given and likely "
                "labels. Needs `pip install nndoctor[labels]`."
            ),
            "zh": (
                "标错的样本(例如从网上抓取的图片被归到了错误的类别)会限制准确率的上限;"
                "错误标签太多时,网络甚至完全学不动。nndoctor 用置信学习(confident "
                "learning,Northcutt et al. 2021)估计标签噪声:"
                "在捕获的训练样本上交叉验证一个快速模型(对输入或 RBF 核特征做逻辑回归,"
                "通过 cleanlab),使每个样本的预测概率都来自没见过其标签的模型,"
                "统计那些给定标签的概率低于该类平均自信度、"
                "而另一个类别高于其自身阈值的样本。"
                "报告估计的噪声比例,以及最可疑样本的索引及其给定标签和可能的标签。"
                "需要 `pip install nndoctor[labels]`。"
            ),
        },
        fix={
            "en": (
                "Inspect the listed samples by hand and relabel or drop them; if the "
                "noise cannot be removed, soften the targets "
                "(`nn.CrossEntropyLoss(label_smoothing=0.1)`) or use a tool such as "
                "cleanlab."
            ),
            "zh": (
                "人工检查列出的样本,重新标注或删除;如果噪声无法去除,"
                "可以软化目标(`nn.CrossEntropyLoss(label_smoothing=0.1)`)或使用 "
                "cleanlab 之类的工具。"
            ),
        },
        example={
            "en": (
                "# Bug: training on labels scraped from folder names, many of them wrong\n"
                "train_set = torchvision.datasets.ImageFolder('scraped/', transform=tf)\n"
                "# Fix: drop (or relabel) the samples nndoctor lists as suspicious\n"
                "keep = sorted(set(range(len(train_set))) - set(suspicious_idx))\n"
                "train_set = torch.utils.data.Subset(train_set, keep)\n"
                "criterion = nn.CrossEntropyLoss(label_smoothing=0.1)  # tolerate leftover noise"
            ),
            "zh": (
                "# Bug:用从文件夹名得到的标签训练,其中很多是错的\n"
                "train_set = torchvision.datasets.ImageFolder('scraped/', transform=tf)\n"
                "# Fix:删除(或重新标注)nndoctor 列出的可疑样本\n"
                "keep = sorted(set(range(len(train_set))) - set(suspicious_idx))\n"
                "train_set = torch.utils.data.Subset(train_set, keep)\n"
                "criterion = nn.CrossEntropyLoss(label_smoothing=0.1)  # 容忍剩余的噪声"
            ),
        },
        false_positives={
            "en": (
                "Hard but correctly labeled samples, genuinely ambiguous classes and a "
                "model that is still undertrained all give low confidence to the given "
                "label. nndoctor uses only out-of-sample predictions (in-sample "
                "predictions hide noise because the model memorizes it), estimates "
                "only once the model clearly beats chance, reports the finding as info "
                "when the quick model also misses many samples it does not flag "
                "(overlapping classes), and presents the indices as candidates to "
                "inspect, not as verdicts."
            ),
            "zh": (
                "困难但标注正确的样本、本身就有歧义的类别,以及尚未训练充分的模型,"
                "都会让给定标签的置信度偏低。nndoctor "
                "只使用样本外预测(样本内预测会掩盖噪声,因为模型会把它记住),"
                "只在模型明显优于随机猜测之后才做估计,"
                "当快速模型在未被标记的样本上也错很多(类别重叠)时只报告为 info,"
                "并且列出的索引只是供人工检查的候选,而不是定论。"
            ),
        },
        references=(
            (
                "Seed checklist #6 'Is there too much noise in the dataset?' (in Ivanov 2017, "
                "37 Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Northcutt, Jiang & Chuang 2021, Confident Learning: Estimating Uncertainty in "
                "Dataset Labels, JAIR 70 (https://arxiv.org/abs/1911.00068)"
            ),
            (
                "Northcutt, Athalye & Mueller 2021, Pervasive Label Errors in Test Sets "
                "Destabilize Machine Learning Benchmarks, NeurIPS Datasets and Benchmarks "
                "(https://arxiv.org/abs/2103.14749)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'become one with the "
                "data' (https://karpathy.github.io/2019/04/25/recipe/)"
            ),
        ),
    ),
    dict(
        code="D106",
        name="unshuffled-data",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Batches come sorted by label: long runs of single-class batches, "
                "label autocorrelation across steps."
            ),
            "zh": (
                "批量按标签排好了序:连续出现大量只含单一类别的批量,"
                "标签在各步之间高度自相关。"
            ),
        },
        why={
            "en": (
                "With a data set sorted by class and `shuffle=False`, each stretch of "
                "steps pulls the model toward one class so that it forgets the others, "
                "and the loss swings with the order of the data; SGD assumes that each "
                "batch is a roughly independent sample of the whole distribution. "
                "nndoctor watches the labels of successive batches and reports long "
                "runs of batches that hold a single class, and a high autocorrelation "
                "of the batch label distribution across steps."
            ),
            "zh": (
                "当数据集按类别排序且 `shuffle=False` 时,"
                "每一段连续的训练步都把模型推向同一个类别,模型会忘掉其他类别,"
                "损失也随数据顺序来回波动;而 SGD "
                "假设每个批量都是对整体分布的近似独立采样。nndoctor 观察连续批量的标签,"
                "报告连续出现的只含单一类别的批量,"
                "以及批量标签分布在各步之间的高自相关。"
            ),
        },
        fix={
            "en": (
                "Pass `shuffle=True` to the training DataLoader (or use a "
                "`RandomSampler` / `DistributedSampler(shuffle=True)`); it permutes "
                "inputs and labels together."
            ),
            "zh": (
                "给训练用的 DataLoader 传入 `shuffle=True`(或使用 `RandomSampler` / "
                "`DistributedSampler(shuffle=True)`),它会让输入和标签一起被重新排列。"
            ),
        },
        example={
            "en": (
                "# Bug: data set sorted by class, iterated in order\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=False)\n"
                "# Fix: reshuffle every epoch\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=True)"
            ),
            "zh": (
                "# Bug:数据集按类别排序,并按顺序遍历\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=False)\n"
                "# Fix:每个 epoch 重新 shuffle\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=True)"
            ),
        },
        false_positives={
            "en": (
                "Curriculum learning and class-incremental (continual) learning order "
                "the data on purpose, time series are ordered by nature, and "
                "validation loaders are rightly unshuffled. nndoctor inspects only "
                "loaders whose batches reach an optimizer step, checks class labels "
                "only (not regression targets), and compares the observed runs with "
                "what a random order would give for the observed class frequencies, so "
                "tiny batches from a data set dominated by one class are not flagged."
            ),
            "zh": (
                "课程学习(curriculum learning)和类别增量(持续)学习会有意安排数据顺序,"
                "时间序列天然有序,验证集的 loader 本就不该 shuffle。nndoctor "
                "只检查其批量会进入优化器更新的 loader,只看类别标签(不看回归目标),"
                "并把观察到的连续情况与在当前类别频率下随机顺序应有的情况相比较,"
                "因此由某一类占主导的数据集配上很小的批量不会被误报。"
            ),
        },
        references=(
            (
                "Seed checklist #7 'Shuffle the dataset' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #10 'Make sure your batches don't contain a single label' (in "
                "Ivanov 2017, 37 Reasons why your Neural Network is not working; Chinese "
                "translation: seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Bengio 2012, Practical recommendations for gradient-based training of deep "
                "architectures (arXiv:1206.5533)"
            ),
            "PyTorch documentation: torch.utils.data.DataLoader (shuffle)",
        ),
    ),
    dict(
        code="D107",
        name="class-imbalance",
        severity="warning",
        how="P",
        summary={
            "en": "The largest class outnumbers the smallest by more than about 10:1.",
            "zh": "最大类别的样本数是最小类别的 10 倍以上(约 10:1)。",
        },
        why={
            "en": (
                "With a heavy imbalance, always predicting the majority class already "
                "gives a low loss and a high accuracy, so the gradient signal from "
                "rare classes is small and the model may never learn them. nndoctor "
                "counts the labels the model actually sees during training (or reads "
                "the Dataset's targets when available) and reports the ratio of the "
                "largest to the smallest class count, naming both classes."
            ),
            "zh": (
                "类别严重失衡时,总是预测多数类就已经能得到较低的损失和较高的准确率,"
                "少数类提供的梯度信号很小,模型可能永远学不会它们。nndoctor "
                "统计模型在训练中实际看到的标签(或在可用时读取 Dataset 的 targets),"
                "报告最大类与最小类样本数之比,并给出这两个类别。"
            ),
        },
        fix={
            "en": (
                "Weight the loss by inverse class frequency "
                "(`nn.CrossEntropyLoss(weight=w)`, "
                "`nn.BCEWithLogitsLoss(pos_weight=...)`) or resample with "
                "`torch.utils.data.WeightedRandomSampler`; judge the model by "
                "per-class metrics, not accuracy alone."
            ),
            "zh": (
                "按类别频率的倒数给损失加权(`nn.CrossEntropyLoss(weight=w)`、"
                "`nn.BCEWithLogitsLoss(pos_weight=...)`),或用 "
                "`torch.utils.data.WeightedRandomSampler` 重采样;"
                "评估模型时看各类别的指标,而不只看总体准确率。"
            ),
        },
        example={
            "en": (
                "# Bug: 1000 images of class A for each image of class B, unweighted loss\n"
                "criterion = nn.CrossEntropyLoss()\n"
                "# Fix: weight the classes by inverse frequency\n"
                "counts = torch.bincount(train_targets, minlength=num_classes).float()\n"
                "weight = counts.sum() / (num_classes * counts.clamp_min(1))\n"
                "criterion = nn.CrossEntropyLoss(weight=weight)\n"
                "# or resample: WeightedRandomSampler(weight[train_targets], len(train_targets))"
            ),
            "zh": (
                "# Bug:每 1000 张 A 类图像只有 1 张 B 类,损失却不加权\n"
                "criterion = nn.CrossEntropyLoss()\n"
                "# Fix:按频率倒数给各类别加权\n"
                "counts = torch.bincount(train_targets, minlength=num_classes).float()\n"
                "weight = counts.sum() / (num_classes * counts.clamp_min(1))\n"
                "criterion = nn.CrossEntropyLoss(weight=weight)\n"
                "# 或者重采样:WeightedRandomSampler(weight[train_targets], len(train_targets))"
            ),
        },
        false_positives={
            "en": (
                "Imbalance that is already handled (class weights in the loss, a "
                "weighted sampler, a focal loss) or that deliberately matches the "
                "deployment distribution. nndoctor stays silent when the loss has a "
                "`weight` / `pos_weight` or the loader uses a `WeightedRandomSampler`, "
                "and it counts labels after sampling, i.e. what the model really sees."
            ),
            "zh": (
                "失衡已经被处理过(损失中有类别权重、使用了加权采样器或 focal loss),"
                "或者有意与实际部署时的分布保持一致。当损失设置了 `weight` / "
                "`pos_weight`,或 loader 使用了 `WeightedRandomSampler` 时,nndoctor "
                "不会报告;它统计的是采样之后的标签,也就是模型真正看到的分布。"
            ),
        },
        references=(
            (
                "Seed checklist #8 'Reduce class imbalance' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Buda, Maki & Mazurowski 2018, A systematic study of the class imbalance "
                "problem in convolutional neural networks, Neural Networks 106"
            ),
            (
                "PyTorch documentation: torch.utils.data.WeightedRandomSampler, "
                "torch.nn.CrossEntropyLoss (weight)"
            ),
        ),
    ),
    dict(
        code="D108",
        name="too-little-data",
        severity="info",
        how="P",
        summary={
            "en": (
                "Very few samples per class for training a network from scratch (rule "
                "of thumb: about 1000 images per class)."
            ),
            "zh": "从头训练网络时每个类别的样本太少(经验法则:每类约 1000 张图像)。",
        },
        why={
            "en": (
                "Deep networks trained from a random initialization need a lot of data;"
                " the seed checklist's rule of thumb for image classification is about "
                "1000 images per class or more. With far fewer, the network overfits "
                "quickly and validation accuracy stays low whatever the architecture. "
                "nndoctor reads the length of the data set and the label counts and "
                "reports the smallest per-class count, as information only."
            ),
            "zh": (
                "从随机初始化开始训练的深度网络需要大量数据;"
                "种子清单给出的图像分类经验法则是每个类别约 1000 张图像甚至更多。"
                "数据远少于此时,网络很快就会过拟合,无论用什么结构,验证准确率都上不去。"
                "nndoctor 读取数据集长度和标签计数,报告样本最少的类别的数量,仅作提示。"
            ),
        },
        fix={
            "en": (
                "Start from a pretrained model and fine-tune it (e.g. "
                "`torchvision.models.resnet18(weights='DEFAULT')` with a new head), "
                "add data augmentation, or collect more data; if you must train from "
                "scratch, use a smaller model."
            ),
            "zh": (
                "从预训练模型出发进行微调(例如 "
                "`torchvision.models.resnet18(weights='DEFAULT')` 并换上新的分类头)、"
                "加入数据增强,或收集更多数据;如果必须从头训练,就用更小的模型。"
            ),
        },
        example={
            "en": (
                "# Bug: a ResNet-50 trained from scratch on 50 images per class\n"
                "model = torchvision.models.resnet50(weights=None, num_classes=10)\n"
                "# Fix: fine-tune pretrained weights and replace only the head\n"
                "model = torchvision.models.resnet50(weights='DEFAULT')\n"
                "model.fc = nn.Linear(model.fc.in_features, 10)"
            ),
            "zh": (
                "# Bug:每类只有 50 张图像,却从头训练 ResNet-50\n"
                "model = torchvision.models.resnet50(weights=None, num_classes=10)\n"
                "# Fix:在预训练权重上微调,只替换分类头\n"
                "model = torchvision.models.resnet50(weights='DEFAULT')\n"
                "model.fc = nn.Linear(model.fc.in_features, 10)"
            ),
        },
        false_positives={
            "en": (
                "Fine-tuning a pretrained model, few-shot and metric learning, "
                "debugging runs on a deliberate subset, and tasks other than image "
                "classification, for which 1000 per class is not the right yardstick. "
                "nndoctor keeps this finding at info, so it never fails a run; silence "
                "it with `--ignore D108` for such runs."
            ),
            "zh": (
                "微调预训练模型、少样本学习和度量学习、有意在子集上进行的调试运行,"
                "以及图像分类之外、「每类 1000 个」并不适用的任务。nndoctor "
                "把此项保持在 info 级别,绝不会让一次运行失败;对这类运行可用 `--ignore "
                "D108` 关闭。"
            ),
        },
        references=(
            (
                "Seed checklist #9 'Do you have enough training examples?' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
        ),
    ),
    dict(
        code="D109",
        name="unnormalized-inputs",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Input features are far from zero mean and unit variance, or on wildly "
                "different scales."
            ),
            "zh": "输入特征远离零均值和单位方差,或各特征的尺度相差悬殊。",
        },
        why={
            "en": (
                "Unnormalized inputs make the loss surface badly conditioned: features "
                "with large values dominate the first layer's pre-activations and "
                "gradients, small ones are effectively ignored, and no single learning "
                "rate suits them all (LeCun et al. 1998). Large offsets also push "
                "units into saturation at initialization. nndoctor computes "
                "per-feature (per-channel for images) means and stds over recent "
                "batches and reports inputs whose mean is large relative to their std, "
                "whose std is far from 1, or whose features differ in std by orders of "
                "magnitude; and training inputs whose scale drifts by orders of "
                "magnitude while training runs (an in-place op on a batch that is a "
                "view of the data set, `xb /= 16` on `X[i:i+b]`, rescales the stored "
                "data once more every epoch)."
            ),
            "zh": (
                "未归一化的输入会让损失曲面的条件数很差:"
                "数值大的特征主导第一层的预激活和梯度,数值小的特征几乎被忽略,"
                "而且没有一个学习率能同时适合所有特征(LeCun et al. 1998)。"
                "较大的偏移还会让神经元在初始化时就进入饱和区。nndoctor "
                "在最近若干批量上计算每个特征(图像则按通道)的均值和标准差,"
                "报告均值相对标准差过大、标准差远离 1,"
                "或各特征标准差相差几个数量级的输入;"
                "以及尺度在训练过程中漂移了几个数量级的训练输入(对数据集视图上的批次做原地运算,"
                "例如对 `X[i:i+b]` 做 `xb /= 16`,每个 epoch 都会把存储的数据再缩放一次)。"
            ),
        },
        fix={
            "en": (
                "Standardize with statistics of the training split: "
                "`torchvision.transforms.Normalize(mean, std)` for images, `(x - mean) "
                "/ std` per feature for tabular data; or put a normalization layer "
                "(`nn.BatchNorm1d`, `nn.LayerNorm`) at the input."
            ),
            "zh": (
                "用训练集的统计量做标准化:图像用 "
                "`torchvision.transforms.Normalize(mean, std)`,表格数据按特征计算 `(x "
                "- mean) / std`;或在输入处加一个归一化层(`nn.BatchNorm1d`、"
                "`nn.LayerNorm`)。"
            ),
        },
        example={
            "en": (
                "# Bug: raw tabular features (age ~ 40, income ~ 50000) fed directly\n"
                "logits = model(x)\n"
                "# Fix: standardize with training-split statistics\n"
                "mean, std = x_train.mean(0), x_train.std(0).clamp_min(1e-8)\n"
                "logits = model((x - mean) / std)"
            ),
            "zh": (
                "# Bug:原始表格特征(年龄约 40,收入约 50000)直接输入\n"
                "logits = model(x)\n"
                "# Fix:用训练集的统计量做标准化\n"
                "mean, std = x_train.mean(0), x_train.std(0).clamp_min(1e-8)\n"
                "logits = model((x - mean) / std)"
            ),
        },
        false_positives={
            "en": (
                "Token ids consumed by an `nn.Embedding`, inputs that go straight into "
                "a normalization layer, binary or one-hot features, and images in [0, "
                "1] fed to networks built for them (PyTorch's default init copes with "
                "these; see M305). nndoctor skips integer inputs and inputs consumed "
                "first by an Embedding or a normalization layer, and its bounds are "
                "loose enough that [0, 1] images do not trigger it."
            ),
            "zh": (
                "送入 `nn.Embedding` 的 token id、直接进入归一化层的输入、二值或 "
                "one-hot 特征,以及送入为其设计的网络的 [0, 1] 图像(PyTorch "
                "的默认初始化能应付这些,见 M305)。nndoctor 跳过整数输入,以及首先被 "
                "Embedding 或归一化层处理的输入;其阈值足够宽松,[0, 1] "
                "范围的图像不会触发此项。"
            ),
        },
        references=(
            (
                "Seed checklist #12 'Standardize the features' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "CS231n Neural Networks Part 2: Setting up the Data and the Loss, 'Data Preprocessing'",
            (
                "LeCun, Bottou, Orr & Müller 1998, Efficient BackProp, in Neural Networks: "
                "Tricks of the Trade"
            ),
        ),
    ),
    dict(
        code="D110",
        name="input-range-mismatch",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Float image-like inputs in [0, 255], or a value range that does not "
                "match what a pretrained model expects."
            ),
            "zh": "浮点图像类输入的取值在 [0, 255],或取值范围与预训练模型的预期不符。",
        },
        why={
            "en": (
                "Pixels left in [0, 255] as floats give first-layer activations "
                "hundreds of times larger than intended, which saturates units and "
                "calls for a tiny learning rate. A pretrained model expects exactly "
                "the preprocessing it was trained with: torchvision's ImageNet models "
                "expect [0, 1] images normalized with mean (0.485, 0.456, 0.406) and "
                "std (0.229, 0.224, 0.225), and [0, 255] or [-1, 1] inputs silently "
                "degrade their features. nndoctor looks at float image-shaped inputs "
                "(their min, max and whether the values are integral) and, for known "
                "pretrained models, compares the per-channel statistics with the "
                "expected ones."
            ),
            "zh": (
                "像素以浮点数形式留在 [0, 255] 时,第一层的激活值会比预期大上百倍,"
                "使神经元饱和,只能用极小的学习率。"
                "预训练模型要求与训练时完全相同的预处理:torchvision 的 ImageNet "
                "模型期望 [0, 1] 的图像再用均值 (0.485, 0.456, 0.406)、标准差 (0.229, "
                "0.224, 0.225) 归一化,输入 [0, 255] 或 [-1, 1] "
                "的数据会悄无声息地让特征变差。nndoctor 检查图像形状的浮点输入(最小值、"
                "最大值以及取值是否为整数),"
                "对已知的预训练模型还会把各通道的统计量与预期值比较。"
            ),
        },
        fix={
            "en": (
                "Convert images with `torchvision.transforms.ToTensor()` (or "
                "`v2.ToImage()` + `v2.ToDtype(torch.float32, scale=True)`), which "
                "scales to [0, 1], then apply the normalization the pretrained model "
                "was trained with, e.g. the weights' own `weights.transforms()`."
            ),
            "zh": (
                "用 `torchvision.transforms.ToTensor()`(或 `v2.ToImage()` + "
                "`v2.ToDtype(torch.float32, scale=True)`)把图像缩放到 [0, 1],"
                "再使用预训练模型训练时的归一化,例如权重自带的 `weights.transforms()`。"
            ),
        },
        example={
            "en": (
                "# Bug: uint8 pixels cast to float keep their 0..255 range\n"
                "x = torch.from_numpy(img).permute(2, 0, 1).float()\n"
                "out = resnet(x.unsqueeze(0))\n"
                "# Fix: use the preprocessing that comes with the pretrained weights\n"
                "weights = torchvision.models.ResNet50_Weights.DEFAULT\n"
                "preprocess = weights.transforms()\n"
                "out = resnet(preprocess(torch.from_numpy(img).permute(2, 0, 1)).unsqueeze(0))"
            ),
            "zh": (
                "# Bug:uint8 像素转成 float 后仍是 0..255 的范围\n"
                "x = torch.from_numpy(img).permute(2, 0, 1).float()\n"
                "out = resnet(x.unsqueeze(0))\n"
                "# Fix:使用预训练权重自带的预处理\n"
                "weights = torchvision.models.ResNet50_Weights.DEFAULT\n"
                "preprocess = weights.transforms()\n"
                "out = resnet(preprocess(torch.from_numpy(img).permute(2, 0, 1)).unsqueeze(0))"
            ),
        },
        false_positives={
            "en": (
                "A model trained from scratch on [0, 255] inputs with a normalization "
                "layer first, and non-image 4-D tensors (spectrograms, feature maps) "
                "whose natural range is large. nndoctor applies the [0, 255] check "
                "only to float inputs with integral values up to 255 and image-like "
                "shapes (1 or 3 channels), and stays silent when the first module is a "
                "normalization layer."
            ),
            "zh": (
                "从头训练、第一层就是归一化层、直接吃 [0, 255] 输入的模型,"
                "以及取值范围本来就大的非图像四维张量(频谱图、特征图)。nndoctor "
                "只对取值为整数且不超过 255、形状像图像(1 或 3 个通道)的浮点输入做 [0, "
                "255] 检查;如果第一个模块是归一化层,则不报告。"
            ),
        },
        references=(
            (
                "Seed checklist #14 'Check the preprocessing of your pretrained model' (in "
                "Ivanov 2017, 37 Reasons why your Neural Network is not working; Chinese "
                "translation: seeds/000_244888f71ec0805b.txt)"
            ),
            "PyTorch documentation: torchvision.models (pretrained weights and their transforms)",
        ),
    ),
    dict(
        code="D111",
        name="preprocessing-leakage",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Train and validation/test data overlap, or normalization statistics "
                "were computed on all data instead of the training split."
            ),
            "zh": (
                "训练集与验证集/测试集有重叠,"
                "或者归一化统计量是在全部数据上而不是仅在训练集上计算的。"
            ),
        },
        why={
            "en": (
                "Duplicates shared by the training and evaluation sets, and "
                "preprocessing statistics (mean, std, vocabulary, PCA) fitted on the "
                "whole data set before splitting, leak information about the "
                "evaluation data into training, so validation scores overstate how "
                "well the model generalizes. CS231n calls computing the mean over all "
                "data and then splitting a common pitfall. nndoctor hashes the training "
                "samples and those the model sees with gradients off (validation) to find "
                "copies, and checks whether the two splits pooled have per-feature mean 0 "
                "and std 1 exactly while the training split alone does not. A pass over "
                "training data (train accuracy) is not leakage, unless the only "
                "validation DataLoader iterates the training data set itself, pass "
                "after pass while training goes on (`DataLoader(train_ds)` where "
                "`val_ds` was meant)."
            ),
            "zh": (
                "训练集与评估集之间的重复样本,"
                "以及在划分前对整个数据集拟合的预处理统计量(均值、标准差、词表、PCA),"
                "都会把评估数据的信息泄漏进训练,使验证分数高估模型的泛化能力。CS231n "
                "把「先在全部数据上计算均值再划分数据集」列为典型错误。nndoctor "
                "对训练样本和模型在关闭梯度时看到的样本(验证)计算哈希以查找副本,"
                "并检查两个集合合并后各特征的均值是否恰好为 0、标准差恰好为 1,"
                "而训练集单独并非如此。在训练数据上的遍历(训练准确率)不算泄漏,"
                "除非唯一的验证 DataLoader 遍历的就是训练数据集本身,并且在训练过程中一遍又一遍地遍历"
                "(本该写 `val_ds` 却写成了 `DataLoader(train_ds)`)。"
            ),
        },
        fix={
            "en": (
                "Split first; fit every preprocessing statistic on the training split "
                "only and reuse it for validation and test; remove cross-split "
                "duplicates (e.g. by content hash) before splitting."
            ),
            "zh": (
                "先划分数据集;所有预处理统计量只在训练集上计算,"
                "再原样用于验证集和测试集;划分前按内容哈希等方式去除跨集合的重复样本。"
            ),
        },
        example={
            "en": (
                "# Bug: statistics computed on all data before splitting\n"
                "x = (x - x.mean(0)) / x.std(0)\n"
                "idx = torch.randperm(len(x))\n"
                "x_train, x_val = x[idx[:8000]], x[idx[8000:]]\n"
                "# Fix: split first, fit the statistics on the training split only\n"
                "idx = torch.randperm(len(x))\n"
                "x_train, x_val = x[idx[:8000]], x[idx[8000:]]\n"
                "mean, std = x_train.mean(0), x_train.std(0)\n"
                "x_train, x_val = (x_train - mean) / std, (x_val - mean) / std"
            ),
            "zh": (
                "# Bug:在划分之前用全部数据计算统计量\n"
                "x = (x - x.mean(0)) / x.std(0)\n"
                "idx = torch.randperm(len(x))\n"
                "x_train, x_val = x[idx[:8000]], x[idx[8000:]]\n"
                "# Fix:先划分,只在训练集上计算统计量\n"
                "idx = torch.randperm(len(x))\n"
                "x_train, x_val = x[idx[:8000]], x[idx[8000:]]\n"
                "mean, std = x_train.mean(0), x_train.std(0)\n"
                "x_train, x_val = (x_train - mean) / std, (x_val - mean) / std"
            ),
        },
        false_positives={
            "en": (
                "Data sets with legitimate exact repeats (identical short texts, "
                "constant tabular rows), and normalization constants taken from a "
                "published reference (such as the ImageNet mean and std) rather than "
                "computed from your data. nndoctor reports the number of duplicates "
                "relative to the split size, stays silent on inputs with few distinct "
                "values, and treats a gradient-free pass made entirely of training "
                "samples (train accuracy) as evaluation on training data, not leakage."
            ),
            "zh": (
                "有些数据集中存在正当的完全重复(相同的短文本、相同的表格行);"
                "归一化常数也可能来自公开的参考值(例如 ImageNet 的均值和标准差),"
                "而不是从你的数据算出来的。nndoctor 报告重复样本数相对于集合大小的比例;"
                "输入取值很少时不报告;完全由训练样本组成的无梯度前向(计算训练准确率)"
                "被视为在训练数据上评估,而不是泄漏。"
            ),
        },
        references=(
            (
                "Seed checklist #15 'Check the preprocessing for train/validation/test set' "
                "(in Ivanov 2017, 37 Reasons why your Neural Network is not working; Chinese "
                "translation: seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 2: Setting up the Data and the Loss, 'Data "
                "Preprocessing, common pitfall'"
            ),
            (
                "Kaufman, Rosset, Perlich & Stitelman 2012, Leakage in Data Mining: "
                "Formulation, Detection, and Avoidance, ACM TKDD 6(4)"
            ),
            (
                "Barz & Denzler 2020, Do We Train on Test Data? Purging CIFAR of "
                "Near-Duplicates, Journal of Imaging 6(6)"
            ),
        ),
    ),
    dict(
        code="D112",
        name="layout-suspect",
        severity="warning",
        how="P",
        summary={
            "en": (
                "The tensor layout looks wrong: channels-last fed as channels-first, "
                "height and width swapped, or a batch dimension of 1 that should not "
                "be there."
            ),
            "zh": (
                "张量布局看起来不对:把通道在后的数据当作通道在前输入、高和宽互换,"
                "或多出一个不该有的大小为 1 的批量维度。"
            ),
        },
        why={
            "en": (
                "Layout bugs often raise no error: after a `view`/`reshape` a (N, H, W,"
                " C) batch fits a layer that expects (N, C, H, W), square images hide "
                "swapped height and width, and an unintended leading dimension of 1 "
                "makes the model treat the whole batch as one sample. The model then "
                "trains on scrambled data. nndoctor uses shape heuristics: a 4-D float "
                "input whose last axis has size 1 or 3 while axis 1 is large, a first "
                "layer whose `in_channels` matches an axis other than 1, and a batch "
                "dimension of 1 while the loader's batch size is larger."
            ),
            "zh": (
                "布局错误往往不会报错:经过 `view`/`reshape` 之后,(N, H, W, C) "
                "的批量也能塞进期望 (N, C, H, W) 的层;正方形图像会掩盖高宽互换;"
                "意外多出的大小为 1 的首维会让模型把整个批量当成一个样本。"
                "于是模型是在被打乱的数据上训练。nndoctor 使用形状启发式规则:"
                "四维浮点输入的最后一维大小为 1 或 3 而第 1 维很大、第一层的 "
                "`in_channels` 与第 1 维以外的某一维吻合、loader 的批量大小大于 1 "
                "时批量维却为 1。"
            ),
        },
        fix={
            "en": (
                "Convert HWC images with `x.permute(0, 3, 1, 2)`, never with "
                "`view`/`reshape`, and test the pipeline with distinct odd sizes (e.g. "
                "H=29, W=31, prime numbers) so that any swap shows up as a shape error."
            ),
            "zh": (
                "用 `x.permute(0, 3, 1, 2)` 转换 HWC 图像,而不是 `view`/`reshape`;"
                "并用互不相同的「奇怪」尺寸(例如 H=29、W=31 这样的质数)测试数据管线,"
                "让任何维度互换都以形状错误的形式暴露出来。"
            ),
        },
        example={
            "en": (
                "# Bug: an NHWC batch reshaped to NCHW: the shapes fit, the pixels are scrambled\n"
                "x = batch.reshape(n, 3, 32, 32)          # batch has shape (n, 32, 32, 3)\n"
                "# Fix: move the channel axis with permute\n"
                "x = batch.permute(0, 3, 1, 2).contiguous()"
            ),
            "zh": (
                "# Bug:把 NHWC 批量 reshape 成 NCHW:形状对上了,像素却被打乱\n"
                "x = batch.reshape(n, 3, 32, 32)          # batch 的形状是 (n, 32, 32, 3)\n"
                "# Fix:用 permute 移动通道维\n"
                "x = batch.permute(0, 3, 1, 2).contiguous()"
            ),
        },
        false_positives={
            "en": (
                "Models that take channels-last input on purpose and permute inside, "
                "volumetric data with exactly 3 slices, and the last, incomplete batch "
                "of an epoch. PyTorch's `channels_last` memory format keeps the "
                "logical (N, C, H, W) shape and is not flagged; nndoctor never flags a "
                "last incomplete batch as a spurious batch dimension, and reports the "
                "shape it saw and the layout it suspects so that a deliberate layout "
                "is easy to confirm."
            ),
            "zh": (
                "有意接收通道在后的输入、并在内部自行 permute 的模型,正好有 3 "
                "个切片的体数据,以及每个 epoch 最后一个不完整的批量。PyTorch 的 "
                "`channels_last` 内存格式保持逻辑形状 (N, C, H, W),不会被报告;nndoctor "
                "不会把最后一个不完整的批量当作多余的批量维度,"
                "并会给出它看到的形状和怀疑的布局,便于确认有意为之的布局。"
            ),
        },
        references=(
            (
                "Seed checklist #1 'Check your input data' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #25 'Check for hidden dimension errors' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'visualize just before "
                "the net' (https://karpathy.github.io/2019/04/25/recipe/)"
            ),
            "PyTorch documentation: torch.Tensor.permute; Channels Last Memory Format tutorial",
        ),
    ),
    dict(
        code="D113",
        name="invalid-targets",
        severity="error",
        how="P",
        summary={
            "en": (
                "Targets do not fit the loss: class index out of range, float or "
                "one-hot targets where indices are expected, or regression targets on "
                "a huge scale."
            ),
            "zh": (
                "目标与损失函数不匹配:类别索引越界、在需要索引的地方传入浮点或 one-hot "
                "目标,或回归目标的数值尺度极大。"
            ),
        },
        why={
            "en": (
                "`CrossEntropyLoss` and `NLLLoss` expect integer class indices in [0, "
                "C): an index of C or -1 raises an error on CPU and a device-side "
                "assert on CUDA, and labels numbered 1..C leave output 0 unused and "
                "put label C out of range. `NLLLoss` accepts indices only, and "
                "`CrossEntropyLoss` reads float targets of shape (N, C) as class "
                "probabilities, so integer one-hot targets or index targets of shape "
                "(N, 1) are errors. Regression targets in the thousands give huge MSE "
                "gradients. nndoctor checks the dtype, shape and range of the targets "
                "passed to each loss against the number of classes in the model's "
                "output. Token targets (tagging, language modelling) padded to the "
                "longest sequence are a target too: unless the loss ignores them, the "
                "padded positions are scored as a class of their own, an easy one that "
                "weighs on the loss and the accuracy as much as the real tokens (the "
                "model that predicts only padding). nndoctor finds the padding as each "
                "row's trailing run of one token in the model's (N, T) token input."
            ),
            "zh": (
                "`CrossEntropyLoss` 和 `NLLLoss` 要求整数类别索引位于 [0, C) 之内:"
                "索引为 C 或 -1 时在 CPU 上报错、在 CUDA 上触发 device-side assert;"
                "标签从 1 编号到 C 时,输出 0 永远用不上,而标签 C 越界。`NLLLoss` "
                "只接受索引;`CrossEntropyLoss` 把形状为 (N, C) 的浮点目标当作类别概率,"
                "因此整数型 one-hot 目标或形状为 (N, 1) 的索引目标都是错误的。"
                "数值上千的回归目标会让 MSE 的梯度极大。nndoctor 对照模型输出的类别数,"
                "检查传给每个损失函数的目标的 dtype、形状和取值范围。"
                "补齐到最长序列的词元目标(序列标注、语言模型)也是目标:除非损失忽略它们,"
                "补齐位置会被当作一个单独的类别来打分,这个类别很容易学,却和真实词元一样影响损失和准确率"
                "(模型最后只会预测补齐符)。nndoctor 把模型 (N, T) 词元输入中每一行末尾由同一个词元"
                "构成的连续段识别为补齐。"
            ),
        },
        fix={
            "en": (
                "Pass `torch.long` class indices of shape (N,) in [0, C): `y.argmax(1)"
                "` turns one-hot rows into indices and `y - 1` fixes 1-based labels; "
                "standardize large regression targets (predict `(y - mean) / std` and "
                "invert at inference); for padded token targets pass `ignore_index=` "
                "the padding's class, or set the padded targets to -100."
            ),
            "zh": (
                "传入形状为 (N,)、取值在 [0, C) 的 `torch.long` 类别索引:用 "
                "`y.argmax(1)` 把 one-hot 行变成索引,用 `y - 1` 修正从 1 "
                "开始编号的标签;对尺度很大的回归目标做标准化(预测 `(y - mean) / std`,"
                "推理时再变换回去);对补齐的词元目标,传入 `ignore_index=` 补齐符的类别,"
                "或把补齐位置的目标设为 -100。"
            ),
        },
        example={
            "en": (
                "# Bug: labels are 1..10 for a 10-class head; label 10 is out of range\n"
                "y = torch.tensor([1, 5, 10])\n"
                "loss = F.cross_entropy(logits, y)        # IndexError / CUDA device-side assert\n"
                "# Fix: shift to 0..9 (use y.argmax(1) for one-hot targets)\n"
                "loss = F.cross_entropy(logits, y - 1)"
            ),
            "zh": (
                "# Bug:10 类的分类头,标签却是 1..10,标签 10 越界\n"
                "y = torch.tensor([1, 5, 10])\n"
                "loss = F.cross_entropy(logits, y)        # IndexError / CUDA device-side assert\n"
                "# Fix:平移到 0..9(one-hot 目标用 y.argmax(1))\n"
                "loss = F.cross_entropy(logits, y - 1)"
            ),
        },
        false_positives={
            "en": (
                "Soft targets passed on purpose as float probabilities of shape (N, C) "
                "(knowledge distillation, mixup, label smoothing) are valid for "
                "`CrossEntropyLoss` and are not flagged when their rows are "
                "non-negative and sum to 1; `ignore_index` values (default -100) are "
                "excluded from the range check. Regression targets with a large but "
                "intended scale are reported with their mean and std, so you can judge."
            ),
            "zh": (
                "有意以形状为 (N, C) 的浮点概率形式传入的软目标(知识蒸馏、mixup、"
                "标签平滑)对 `CrossEntropyLoss` 是合法的,只要每行非负且和为 1 "
                "就不会被报告;`ignore_index` 的取值(默认 -100)不参与越界检查。"
                "尺度很大但有意为之的回归目标,报告中会给出其均值和标准差,供你自行判断。"
            ),
        },
        references=(
            (
                "Seed checklist #19 'Verify loss input' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "PyTorch documentation: torch.nn.CrossEntropyLoss, torch.nn.NLLLoss (target format)",
        ),
    ),
    dict(
        code="D114",
        name="excessive-augmentation",
        severity="warning",
        how="A",
        summary={
            "en": (
                "The model fits un-augmented samples but not augmented ones: "
                "augmentation plus other regularization makes it underfit."
            ),
            "zh": (
                "模型能拟合未增强的样本,却拟合不了增强后的样本:"
                "数据增强加上其他正则化导致欠拟合。"
            ),
        },
        why={
            "en": (
                "Data augmentation has a regularizing effect; too much of it (extreme "
                "crops, large rotations, strong color jitter, mixup/cutmix at high "
                "strength), combined with weight decay and dropout, can make the "
                "training task harder than the model can fit, and the training loss "
                "stays high. nndoctor captures a few batches with and without the "
                "augmentation pipeline, trains short runs on copies of the model on "
                "both, and reports when the model fits the clean batches but not the "
                "augmented ones."
            ),
            "zh": (
                "数据增强有正则化效果;过量的增强(极端裁剪、大角度旋转、强烈的颜色抖动、"
                "高强度的 mixup/cutmix)再加上权重衰减和 dropout,"
                "会让训练任务难到模型无法拟合,训练损失居高不下。nndoctor "
                "分别捕获经过和未经过增强管线的若干批量,在模型副本上各做一次短训练,"
                "如果模型能拟合干净的批量却拟合不了增强后的批量,就报告此项。"
            ),
        },
        fix={
            "en": (
                "Reduce the augmentation strength (e.g. `RandomResizedCrop(scale=(0.5, "
                "1.0))` instead of `(0.08, 1.0)`, smaller rotation angles) or remove "
                "other regularization first; then add augmentation back step by step "
                "while watching the training loss."
            ),
            "zh": (
                "降低增强强度(例如用 `RandomResizedCrop(scale=(0.5, 1.0))` 代替 `(0.08,"
                " 1.0)`、减小旋转角度),或先去掉其他正则化;"
                "然后在观察训练损失的同时逐步加回增强。"
            ),
        },
        example={
            "en": (
                "# Bug: heavy augmentation on a small model with dropout and weight decay\n"
                "train_tf = T.Compose([\n"
                "    T.RandomResizedCrop(32, scale=(0.05, 1.0)),\n"
                "    T.RandomRotation(180),\n"
                "    T.ColorJitter(0.9, 0.9, 0.9, 0.5),\n"
                "    T.ToTensor(),\n"
                "])\n"
                "# Fix: mild augmentation; add more only once the model overfits\n"
                "train_tf = T.Compose([\n"
                "    T.RandomCrop(32, padding=4),\n"
                "    T.RandomHorizontalFlip(),\n"
                "    T.ToTensor(),\n"
                "])"
            ),
            "zh": (
                "# Bug:小模型已经用了 dropout 和权重衰减,还叠加重度数据增强\n"
                "train_tf = T.Compose([\n"
                "    T.RandomResizedCrop(32, scale=(0.05, 1.0)),\n"
                "    T.RandomRotation(180),\n"
                "    T.ColorJitter(0.9, 0.9, 0.9, 0.5),\n"
                "    T.ToTensor(),\n"
                "])\n"
                "# Fix:温和的增强;等模型出现过拟合时再加强\n"
                "train_tf = T.Compose([\n"
                "    T.RandomCrop(32, padding=4),\n"
                "    T.RandomHorizontalFlip(),\n"
                "    T.ToTensor(),\n"
                "])"
            ),
        },
        false_positives={
            "en": (
                "Early in training the augmented task is always harder than the clean "
                "one, and strong augmentation is deliberate in self-supervised "
                "learning and long training schedules. nndoctor needs a clear gap "
                "after the same number of steps on both copies and reports only when "
                "the model also underfits the augmented training data, never merely "
                "because augmentation is present; without access to un-augmented "
                "samples (a Dataset whose transform can be swapped on a copy) it stays "
                "silent."
            ),
            "zh": (
                "训练早期,增强后的任务总是比原始任务更难;"
                "自监督学习和长训练计划也会有意使用强增强。nndoctor "
                "要求两个副本在相同步数后有明显差距,"
                "并且只在模型对增强后的训练数据也欠拟合时才报告,"
                "绝不会仅仅因为用了数据增强就报告;"
                "如果拿不到未增强的样本(即无法在副本上替换 Dataset 的 transform),"
                "则不做判断。"
            ),
        },
        references=(
            (
                "Seed checklist #13 'Do you have too much data augmentation?' (in Ivanov 2017, "
                "37 Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #30 'Reduce regularization' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Shorten & Khoshgoftaar 2019, A survey on Image Data Augmentation for Deep "
                "Learning, Journal of Big Data 6"
            ),
        ),
    ),
    dict(
        code="D115",
        name="batch-too-large",
        severity="info",
        how="P",
        summary={
            "en": (
                "The batch size is a large share of the data set (few steps per epoch),"
                " which hurts generalization."
            ),
            "zh": "批量大小占数据集的很大比例(每个 epoch 只有很少几步),会损害泛化能力。",
        },
        why={
            "en": (
                "Very large batches give few parameter updates per epoch and tend to "
                "converge to sharp minima that generalize worse (Keskar et al. 2017), "
                "unless the learning rate and schedule are adapted to them (Goyal et "
                "al. 2017). nndoctor compares the batch size with the length of the "
                "data set and reports the number of optimizer steps per epoch when it "
                "is small."
            ),
            "zh": (
                "巨大的批量使每个 epoch 的参数更新次数很少,"
                "而且容易收敛到泛化较差的尖锐极小值(Keskar et al. 2017),"
                "除非相应调整学习率和学习率计划(Goyal et al. 2017)。nndoctor "
                "比较批量大小与数据集长度,当每个 epoch 的优化步数很少时报告该步数。"
            ),
        },
        fix={
            "en": (
                "Use a smaller batch size (e.g. 32 to 256) so that each epoch takes "
                "many steps; if a large batch is needed, scale the learning rate "
                "linearly with the batch size and add a warmup "
                "(`torch.optim.lr_scheduler.LinearLR`)."
            ),
            "zh": (
                "使用更小的批量(例如 32 到 256),让每个 epoch 有足够多的步数;"
                "如果确实需要大批量,就按批量大小线性放大学习率,"
                "并加上预热(`torch.optim.lr_scheduler.LinearLR`)。"
            ),
        },
        example={
            "en": (
                "# Bug: 5000 training samples and batches of 2500: two steps per epoch\n"
                "loader = DataLoader(train_set, batch_size=2500, shuffle=True)\n"
                "# Fix: many smaller steps per epoch\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=True)"
            ),
            "zh": (
                "# Bug:5000 个训练样本,批量大小 2500:每个 epoch 只有两步\n"
                "loader = DataLoader(train_set, batch_size=2500, shuffle=True)\n"
                "# Fix:每个 epoch 用更多、更小的步\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=True)"
            ),
        },
        false_positives={
            "en": (
                "Full-batch methods (`torch.optim.LBFGS`, small tabular or scientific "
                "problems) and tuned large-batch recipes with learning-rate scaling "
                "and warmup. nndoctor keeps this finding at info so it never fails a "
                "run, and stays silent for optimizers that need the full batch, such "
                "as `torch.optim.LBFGS`."
            ),
            "zh": (
                "全批量方法(`torch.optim.LBFGS`、小型表格或科学计算问题),"
                "以及已经调好学习率缩放和预热的大批量方案。nndoctor 把此项保持在 info "
                "级别,绝不会让运行失败;对于需要全批量的优化器(例如 `torch.optim.LBFGS`)"
                "不会报告。"
            ),
        },
        references=(
            (
                "Seed checklist #11 'Reduce batch size' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Keskar et al. 2017, On Large-Batch Training for Deep Learning: Generalization "
                "Gap and Sharp Minima, ICLR 2017 (https://arxiv.org/abs/1609.04836)"
            ),
            (
                "Goyal et al. 2017, Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour "
                "(arXiv:1706.02677)"
            ),
            (
                "Masters & Luschi 2018, Revisiting Small Batch Training for Deep Neural "
                "Networks (arXiv:1804.07612)"
            ),
        ),
    ),
    dict(
        code="D116",
        name="split-mismatch",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Training and validation/test data disagree in what they contain: "
                "classes present only in validation, or feature distributions far "
                "apart."
            ),
            "zh": (
                "训练集与验证集/测试集的内容不一致:某些类别只出现在验证集中,"
                "或者特征分布相差很远。"
            ),
        },
        why={
            "en": (
                "If the validation set contains classes the training set never has, or "
                "its features come from another part of the distribution (typically a "
                "data set sorted by label, date or source and split by position), the "
                "validation loss says little about learning: a sound model looks "
                "broken, or the reverse. nndoctor compares the label sets and the "
                "per-feature means and stds of the training and evaluation batches it "
                "observes, and reports classes missing from training and features "
                "whose means differ by many training standard deviations. It also "
                "counts the class predictions of the last validation passes against "
                "their targets: predictions that match a relabeling of the targets far "
                "better than the targets themselves mean the class indices were "
                "assigned per split."
            ),
            "zh": (
                "如果验证集中含有训练集从未出现过的类别,"
                "或者其特征来自分布的另一部分(典型情况是数据集按标签、"
                "日期或来源排好序后按位置划分),验证损失就几乎反映不了学习效果:"
                "好好的模型看起来像坏了,反之亦然。nndoctor "
                "比较它观察到的训练批量和评估批量的标签集合以及各特征的均值和标准差,"
                "报告训练集中缺失的类别,以及均值相差许多个训练集标准差的特征。"
                "它还统计最后几次验证中类别预测与目标的对应:如果预测与目标的某种重新编号"
                "远比与目标本身吻合,说明类别索引是按划分分别指定的。"
            ),
        },
        fix={
            "en": (
                "Split with a random permutation or a stratified split: "
                "`torch.utils.data.random_split(ds, [0.8, 0.2], "
                "generator=torch.Generator().manual_seed(0))`, or scikit-learn's "
                "`train_test_split(..., stratify=y)`. Labels encoded per split: fit "
                "one label mapping (LabelEncoder, a dict of class names) on the "
                "training labels and apply it to every split."
            ),
            "zh": (
                "用随机置换或分层抽样来划分:`torch.utils.data.random_split(ds, [0.8, "
                "0.2], generator=torch.Generator().manual_seed(0))`,或 scikit-learn 的 "
                "`train_test_split(..., stratify=y)`。标签按划分分别编码时:只在训练标签上"
                "拟合一个标签映射(LabelEncoder 或类名字典),并用于所有划分。"
            ),
        },
        example={
            "en": (
                "# Bug: data sorted by label, split by position: class 9 only in validation\n"
                "train_set = Subset(ds, range(0, 50000))\n"
                "val_set = Subset(ds, range(50000, 60000))\n"
                "# Fix: a random (or stratified) split\n"
                "train_set, val_set = random_split(ds, [50000, 10000],\n"
                "                                  generator=torch.Generator().manual_seed(0))"
            ),
            "zh": (
                "# Bug:数据按标签排序后按位置划分:类别 9 只出现在验证集中\n"
                "train_set = Subset(ds, range(0, 50000))\n"
                "val_set = Subset(ds, range(50000, 60000))\n"
                "# Fix:随机(或分层)划分\n"
                "train_set, val_set = random_split(ds, [50000, 10000],\n"
                "                                  generator=torch.Generator().manual_seed(0))"
            ),
        },
        false_positives={
            "en": (
                "Deliberate distribution shift: out-of-distribution or time-based "
                "evaluation (a later period held out for forecasting), domain "
                "adaptation, and open-set tasks where unseen classes are the point. "
                "nndoctor reports the mismatch with its numbers as a warning, and "
                "waits for enough batches from both splits before comparing so that "
                "small-sample noise is not mistaken for a shift."
            ),
            "zh": (
                "有意为之的分布偏移:分布外或按时间的评估(预测任务中留出较晚的时间段)、"
                "领域自适应,以及以未见类别为目的的开放集任务。nndoctor 以 warning "
                "报告这种不一致并给出具体数字;"
                "它会等到两个集合都有足够多的批量之后才比较,"
                "以免把小样本噪声误认为分布偏移。"
            ),
        },
        references=(
            (
                "Seed checklist #15 'Check the preprocessing for train/validation/test set' "
                "(in Ivanov 2017, 37 Reasons why your Neural Network is not working; Chinese "
                "translation: seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Quiñonero-Candela, Sugiyama, Schwaighofer & Lawrence (eds.) 2009, Dataset "
                "Shift in Machine Learning, MIT Press"
            ),
            (
                "Rabanser, Günnemann & Lipton 2019, Failing Loudly: An Empirical Study of "
                "Methods for Detecting Dataset Shift, NeurIPS 2019"
            ),
            "PyTorch documentation: torch.utils.data.random_split",
        ),
    ),
    dict(
        code="L201",
        name="initial-loss-off",
        severity="warning",
        how="P/A",
        summary={
            "en": (
                "The first loss is far from the chance level: -ln(1/C) for C-class "
                "cross-entropy, ln 2 per output for binary."
            ),
            "zh": (
                "第一个损失值与「随机猜测」水平相差很远:C 类交叉熵应为 -ln(1/C),"
                "二分类每个输出应为 ln 2。"
            ),
        },
        why={
            "en": (
                "With a sane initialization the untrained model predicts roughly "
                "uniform probabilities, so the first cross-entropy loss should be "
                "about ln C (ln 10 = 2.302 for 10 classes) and binary cross-entropy "
                "about ln 2 = 0.693 per output. A much higher value means "
                "over-confident, badly scaled outputs (bad init, unnormalized inputs, "
                "a large final layer); a much lower one can point to a leak or a bug "
                "in the loss. nndoctor records the loss of the first step (or "
                "evaluates a copy of the untouched model on a captured batch) and "
                "compares it with the chance level for the number of classes it infers "
                "from the outputs and targets."
            ),
            "zh": (
                "初始化合理时,未训练的模型给出的概率大致均匀,"
                "因此第一个交叉熵损失应约为 ln C(10 个类别时 ln 10 = 2.302),"
                "二分类交叉熵每个输出约为 ln 2 = 0.693。明显偏高说明输出过于自信、"
                "尺度不对(初始化不当、输入未归一化、最后一层数值过大);"
                "明显偏低则可能意味着数据泄漏或损失函数有 bug。nndoctor "
                "记录第一步的损失(或在捕获的批量上评估未改动模型的副本),"
                "并与根据输出和目标推断出的类别数所对应的随机水平比较。"
            ),
        },
        fix={
            "en": (
                "Initialize the last layer with small weights (e.g. "
                "`nn.init.normal_(head.weight, std=0.01)`) and its bias at zero, or at "
                "the log of the class priors for imbalanced data; check the input "
                "scale (D109, D110)."
            ),
            "zh": (
                "用较小的权重初始化最后一层(例如 `nn.init.normal_(head.weight, "
                "std=0.01)`),偏置设为 0,数据不平衡时设为各类先验概率的对数;"
                "并检查输入的尺度(D109、D110)。"
            ),
        },
        example={
            "en": (
                "# Bug: huge outputs at init: the first loss is ~20-30, not ln 10 = 2.30\n"
                "head = nn.Linear(512, 10)\n"
                "nn.init.normal_(head.weight, std=1.0)\n"
                "# Fix: small final weights, zero bias: the first loss is ~2.30\n"
                "nn.init.normal_(head.weight, std=0.01)\n"
                "nn.init.zeros_(head.bias)          # or log(class_prior) for imbalanced data"
            ),
            "zh": (
                "# Bug:初始化时输出过大:第一个损失约为 20-30,而不是 ln 10 = 2.30\n"
                "head = nn.Linear(512, 10)\n"
                "nn.init.normal_(head.weight, std=1.0)\n"
                "# Fix:最后一层用小权重、零偏置:第一个损失约为 2.30\n"
                "nn.init.normal_(head.weight, std=0.01)\n"
                "nn.init.zeros_(head.bias)          # 数据不平衡时可设为 log(class_prior)"
            ),
        },
        false_positives={
            "en": (
                "Fine-tuning a pretrained model or resuming from a checkpoint, a bias "
                "set to the class priors on purpose for imbalanced data, and losses "
                "whose expected starting value differs (label smoothing, extra "
                "regularization or auxiliary terms). nndoctor checks only runs that "
                "start from a fresh initialization, computes the chance level from the "
                "observed class frequencies, and allows a tolerance band around it."
            ),
            "zh": (
                "微调预训练模型或从检查点恢复训练、为不平衡数据有意按类别先验设置偏置,"
                "以及期望初始值本就不同的损失(标签平滑、额外的正则项或辅助损失)。"
                "nndoctor 只检查从全新初始化开始的运行,用观察到的类别频率计算随机水平,"
                "并在其周围留出容差范围。"
            ),
        },
        references=(
            (
                "Seed checklist #17 'Look for correct loss at chance' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Look for correct "
                "loss at chance performance' (https://cs231n.github.io/neural-networks-3/)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'verify loss @ init' "
                "(https://karpathy.github.io/2019/04/25/recipe/)"
            ),
        ),
    ),
    dict(
        code="L202",
        name="softmax-before-crossentropy",
        severity="error",
        how="P",
        summary={
            "en": (
                "Probabilities (after softmax) are passed to CrossEntropyLoss / "
                "F.cross_entropy, which applies log-softmax itself."
            ),
            "zh": (
                "把 softmax 之后的概率传给了 CrossEntropyLoss / F.cross_entropy,"
                "而它自己会再做一次 log-softmax。"
            ),
        },
        why={
            "en": (
                "`CrossEntropyLoss` expects raw logits; given softmax outputs it "
                "applies a second softmax to values in [0, 1], so the predicted "
                "distribution can never become confident: for 10 classes the loss "
                "cannot fall below about 1.46, and the gradients are small. The model "
                "trains slowly or stalls, which makes this one of the most common "
                "PyTorch mistakes. nndoctor inspects the input of each cross-entropy "
                "call and reports the call site when every row is non-negative and "
                "sums to 1."
            ),
            "zh": (
                "`CrossEntropyLoss` 期望输入原始 logits;如果传入 softmax 的输出,它会对 "
                "[0, 1] 之间的数值再做一次 softmax,预测分布永远无法变得自信:10 "
                "个类别时损失不可能低于约 1.46,梯度也很小。模型训练缓慢甚至停滞,这是 "
                "PyTorch 中最常见的错误之一。nndoctor 检查每次交叉熵调用的输入,"
                "当每一行都非负且和为 1 时报告该调用位置。"
            ),
        },
        fix={
            "en": (
                "Remove the softmax from the model's output so it returns logits, and "
                "apply `torch.softmax` only when you need probabilities for reporting; "
                "if the model must output log-probabilities, use `log_softmax` with "
                "`nn.NLLLoss`."
            ),
            "zh": (
                "去掉模型输出端的 softmax,让模型返回 logits,只在需要报告概率时才调用 "
                "`torch.softmax`;如果模型必须输出对数概率,就用 `log_softmax` 配合 "
                "`nn.NLLLoss`。"
            ),
        },
        example={
            "en": (
                "# Bug: softmax in the model, then CrossEntropyLoss applies log-softmax again\n"
                "model = nn.Sequential(nn.Linear(784, 10), nn.Softmax(dim=1))\n"
                "loss = nn.CrossEntropyLoss()(model(x), y)\n"
                "# Fix: the model returns logits; softmax only for predictions\n"
                "model = nn.Sequential(nn.Linear(784, 10))\n"
                "loss = nn.CrossEntropyLoss()(model(x), y)\n"
                "probs = model(x).softmax(dim=1)"
            ),
            "zh": (
                "# Bug:模型里已经有 softmax,CrossEntropyLoss 又做一次 log-softmax\n"
                "model = nn.Sequential(nn.Linear(784, 10), nn.Softmax(dim=1))\n"
                "loss = nn.CrossEntropyLoss()(model(x), y)\n"
                "# Fix:模型返回 logits;只在预测时做 softmax\n"
                "model = nn.Sequential(nn.Linear(784, 10))\n"
                "loss = nn.CrossEntropyLoss()(model(x), y)\n"
                "probs = model(x).softmax(dim=1)"
            ),
        },
        false_positives={
            "en": (
                "Raw logits that happen to be non-negative with rows summing to 1 are "
                "vanishingly unlikely, so the check is reliable; the target may "
                "legitimately be a probability distribution (soft labels), which "
                "nndoctor does not confuse with the input. Only the input of "
                "`CrossEntropyLoss` / `F.cross_entropy` is checked, not custom losses "
                "that take probabilities on purpose."
            ),
            "zh": (
                "原始 logits 恰好非负且每行和为 1 的可能性微乎其微,因此该检查很可靠;"
                "目标本身可以合法地是概率分布(软标签),nndoctor 不会把它和输入混淆。"
                "只检查 `CrossEntropyLoss` / `F.cross_entropy` 的输入,"
                "不检查有意接收概率的自定义损失。"
            ),
        },
        references=(
            (
                "Seed checklist #19 'Verify loss input' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Karpathy 2018, 'most common neural net mistakes' (Twitter)",
            "PyTorch documentation: torch.nn.CrossEntropyLoss",
        ),
    ),
    dict(
        code="L203",
        name="nll-on-non-log-probabilities",
        severity="error",
        how="P",
        summary={
            "en": (
                "NLLLoss / F.nll_loss receives raw logits or probabilities, not "
                "log-probabilities."
            ),
            "zh": "NLLLoss / F.nll_loss 收到的是原始 logits 或概率,而不是对数概率。",
        },
        why={
            "en": (
                "`NLLLoss` only picks and negates `input[target]`; it assumes each row "
                "holds log-probabilities, i.e. the logsumexp of a row is 0. On raw "
                "logits the loss is unbounded below: the model lowers it by making the "
                "target logit ever larger, the loss turns negative and the weights "
                "diverge; on probabilities the gradient is constant and the loss has "
                "no log. nndoctor computes the logsumexp of the rows passed to "
                "`NLLLoss` and reports when it is not close to 0."
            ),
            "zh": (
                "`NLLLoss` 只是取出 `input[target]` 并取负;它假定每一行都是对数概率,"
                "即每行的 logsumexp 为 0。如果输入原始 logits,损失没有下界:"
                "模型只要不断增大目标 logit 就能降低损失,损失变成负数,权重发散;"
                "如果输入概率,梯度是常数,损失里根本没有取对数。nndoctor 对传给 "
                "`NLLLoss` 的每一行计算 logsumexp,不接近 0 时报告。"
            ),
        },
        fix={
            "en": (
                "Apply `F.log_softmax(logits, dim=1)` before `NLLLoss`, or pass the "
                "raw logits to `nn.CrossEntropyLoss` instead."
            ),
            "zh": (
                "在 `NLLLoss` 之前先做 `F.log_softmax(logits, dim=1)`,或者改为把原始 "
                "logits 传给 `nn.CrossEntropyLoss`。"
            ),
        },
        example={
            "en": (
                "# Bug: raw logits into NLLLoss: the loss goes negative without bound\n"
                "loss = F.nll_loss(model(x), y)\n"
                "# Fix: log-softmax first (or F.cross_entropy on the logits)\n"
                "loss = F.nll_loss(F.log_softmax(model(x), dim=1), y)"
            ),
            "zh": (
                "# Bug:把原始 logits 传给 NLLLoss:损失无下界地变为负数\n"
                "loss = F.nll_loss(model(x), y)\n"
                "# Fix:先做 log-softmax(或对 logits 使用 F.cross_entropy)\n"
                "loss = F.nll_loss(F.log_softmax(model(x), dim=1), y)"
            ),
        },
        false_positives={
            "en": (
                "Log-probabilities computed in another valid way (a mixture model, a "
                "hierarchical or adaptive softmax) can have a row logsumexp slightly "
                "off 0 because of rounding. nndoctor allows a tolerance, reports the "
                "observed logsumexp, and checks several batches before reporting."
            ),
            "zh": (
                "用其他合法方式计算出的对数概率(混合模型、层次或自适应 softmax)"
                "可能由于舍入误差,每行的 logsumexp 与 0 略有偏差。nndoctor 留有容差,"
                "会给出观察到的 logsumexp,并在检查多个批量之后才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #19 'Verify loss input' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "PyTorch documentation: torch.nn.NLLLoss",
        ),
    ),
    dict(
        code="L204",
        name="loss-shape-broadcast",
        severity="error",
        how="P",
        summary={
            "en": (
                "Prediction and target shapes differ and broadcast inside a loss (e.g. "
                "(N, 1) against (N,) in MSELoss), so every prediction is compared with "
                "every target."
            ),
            "zh": (
                "预测和目标的形状不同,在损失函数中发生广播(例如 MSELoss 中 (N, 1) 对 "
                "(N,)),于是每个预测都和每个目标做比较。"
            ),
        },
        why={
            "en": (
                "`MSELoss(pred, target)` with a prediction of shape (N, 1) and a "
                "target of shape (N,) broadcasts to (N, N): each prediction is "
                "compared with all N targets, and the best the model can do is predict "
                "the batch mean. PyTorch only emits a UserWarning ('Using a target "
                "size that is different to the input size'), which is easy to miss, "
                "and hand-written losses such as `((pred - y) ** 2).mean()` broadcast "
                "without any warning. nndoctor records the shapes of both arguments of "
                "elementwise losses (MSE, L1, SmoothL1, Huber) and reports any pair "
                "whose shapes differ but broadcast."
            ),
            "zh": (
                "当预测形状为 (N, 1)、目标形状为 (N,) 时,`MSELoss(pred, target)` "
                "会广播成 (N, N):每个预测都与全部 N 个目标比较,"
                "模型最好也只能预测批量的均值。PyTorch 只给出一个容易被忽略的 "
                "UserWarning(「Using a target size that is different to the input "
                "size」),而 `((pred - y) ** 2).mean()` 这类手写损失广播时连警告都没有。"
                "nndoctor 记录逐元素损失(MSE、L1、SmoothL1、Huber)两个参数的形状,"
                "报告形状不同但能够广播的情况。"
            ),
        },
        fix={
            "en": (
                "Make the shapes identical before the loss: `pred.squeeze(-1)` or "
                "`target.view_as(pred)`; do the same in hand-written losses."
            ),
            "zh": (
                "在计算损失之前让形状完全一致:`pred.squeeze(-1)` 或 "
                "`target.view_as(pred)`;手写的损失同样要这样处理。"
            ),
        },
        example={
            "en": (
                "# Bug: (N, 1) predictions against (N,) targets broadcast to (N, N)\n"
                "pred = model(x)                  # shape (N, 1)\n"
                "loss = F.mse_loss(pred, y)       # y has shape (N,)\n"
                "# Fix: identical shapes\n"
                "loss = F.mse_loss(pred.squeeze(-1), y)"
            ),
            "zh": (
                "# Bug:(N, 1) 的预测对 (N,) 的目标,广播成 (N, N)\n"
                "pred = model(x)                  # 形状为 (N, 1)\n"
                "loss = F.mse_loss(pred, y)       # y 的形状为 (N,)\n"
                "# Fix:让形状完全一致\n"
                "loss = F.mse_loss(pred.squeeze(-1), y)"
            ),
        },
        false_positives={
            "en": (
                "Deliberate broadcasting against a single reference (a scalar target "
                "or a (1, D) prototype) is legitimate. nndoctor flags a pair only when "
                "both arguments carry the batch dimension N and broadcasting "
                "multiplies the number of compared elements."
            ),
            "zh": (
                "有意与单一参照值广播(标量目标或形状为 (1, D) 的原型)是合法的。"
                "nndoctor 只在两个参数都带有批量维 N、"
                "且广播使参与比较的元素数成倍增加时才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #19 'Verify loss input' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #25 'Check for hidden dimension errors' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "PyTorch documentation: torch.nn.MSELoss; Broadcasting semantics",
        ),
    ),
    dict(
        code="L205",
        name="loss-terms-imbalanced",
        severity="warning",
        how="P",
        summary={
            "en": (
                "One term of a composite loss dominates the others by orders of "
                "magnitude in value or gradient."
            ),
            "zh": "组合损失中的某一项在数值或梯度上比其他项大几个数量级,占据主导。",
        },
        why={
            "en": (
                "When the loss is a sum of terms (classification plus box regression, "
                "reconstruction plus KL, main plus auxiliary losses), the optimizer "
                "follows whichever term has the largest gradient; a term a thousand "
                "times smaller is effectively not trained, although its value still "
                "shows in the logs. nndoctor compares the values of the terms reported "
                "to it separately and, where it can, the norms of their gradients on "
                "the shared parameters, and reports ratios of orders of magnitude."
            ),
            "zh": (
                "当损失是多项之和时(分类加边框回归、重建加 KL、主损失加辅助损失),"
                "优化器会跟着梯度最大的那一项走;小了上千倍的项实际上得不到训练,"
                "尽管它的数值仍出现在日志里。nndoctor 比较分别报告给它的各项损失的数值,"
                "并尽可能比较它们在共享参数上的梯度范数,当比值相差几个数量级时报告。"
            ),
        },
        fix={
            "en": (
                "Weight the terms so their gradient contributions are comparable "
                "(`loss = l_cls + lam * l_box`, trying a few values of `lam`), use the "
                "same reduction (`'mean'`) for all terms, or consider learned "
                "weighting (Kendall et al. 2018) or GradNorm."
            ),
            "zh": (
                "给各项加权,使它们的梯度贡献相当(`loss = l_cls + lam * l_box`,"
                "尝试几个不同的 `lam`),各项使用相同的归约方式(`'mean'`),"
                "也可以考虑可学习的权重(Kendall et al. 2018)或 GradNorm。"
            ),
        },
        example={
            "en": (
                "# Bug: a summed reconstruction loss (~1e5) drowns the classification loss (~2)\n"
                "loss = F.mse_loss(recon, x, reduction='sum') + F.cross_entropy(logits, y)\n"
                "# Fix: comparable scales: mean reduction and an explicit weight\n"
                "loss = F.mse_loss(recon, x) + 1.0 * F.cross_entropy(logits, y)"
            ),
            "zh": (
                "# Bug:按 sum 归约的重建损失(约 1e5)淹没了分类损失(约 2)\n"
                "loss = F.mse_loss(recon, x, reduction='sum') + F.cross_entropy(logits, y)\n"
                "# Fix:让尺度可比:使用 mean 归约并显式加权\n"
                "loss = F.mse_loss(recon, x) + 1.0 * F.cross_entropy(logits, y)"
            ),
        },
        false_positives={
            "en": (
                "Terms that are small on purpose (a weak regularizer, a KL term during "
                "warm-up annealing) and terms that have already converged near zero. "
                "nndoctor prefers gradient norms over raw values when it can measure "
                "them, reports the ratio and the terms involved, and does not flag a "
                "term whose share is small but stable while the other terms keep "
                "falling."
            ),
            "zh": (
                "有意设得很小的项(较弱的正则项、预热退火阶段的 KL 项),"
                "以及已经收敛到接近零的项。nndoctor "
                "在可以测量时优先比较梯度范数而非原始数值,报告比值和涉及的各项;"
                "如果某项占比虽小但保持稳定,而其他项仍在下降,则不会报告。"
            ),
        },
        references=(
            (
                "Seed checklist #20 'Adjust loss weights' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Kendall, Gal & Cipolla 2018, Multi-Task Learning Using Uncertainty to Weigh "
                "Losses for Scene Geometry and Semantics, CVPR 2018"
            ),
            (
                "Chen, Badrinarayanan, Lee & Rabinovich 2018, GradNorm: Gradient Normalization "
                "for Adaptive Loss Balancing in Deep Multitask Networks, ICML 2018"
            ),
        ),
    ),
    dict(
        code="L206",
        name="loss-metric-disagree",
        severity="warning",
        how="P",
        summary={
            "en": "The loss goes down but accuracy (or the user's metric) does not move.",
            "zh": "损失在下降,但准确率(或用户指定的指标)纹丝不动。",
        },
        why={
            "en": (
                "The loss is only a proxy: it can fall while the metric you care about "
                "stays flat, for instance when the model merely grows more confident "
                "on samples it already gets right, learns the class prior of an "
                "imbalanced set, or when the metric itself is computed wrongly (stale "
                "predictions, argmax over the wrong dimension, misaligned labels). "
                "nndoctor tracks the smoothed training loss and the metric values it "
                "is given (or the accuracy it computes from classification outputs) "
                "and reports a sustained loss decrease with a flat metric."
            ),
            "zh": (
                "损失只是一个代理指标:它可能在下降,而你真正关心的指标却停滞不前,"
                "例如模型只是对本来就判对的样本更加自信、只学到了不平衡数据的类别先验,"
                "或者指标本身算错了(用了过期的预测、argmax 取错了维度、标签没对齐)。"
                "nndoctor "
                "跟踪平滑后的训练损失和提供给它的指标值(或根据分类输出自行计算的准确率)"
                ",当损失持续下降而指标不动时报告。"
            ),
        },
        fix={
            "en": (
                "Check the metric code, e.g. `(logits.argmax(dim=1) == y).float()"
                ".mean()` on the same batch as the loss; look at per-class accuracy, "
                "and make the loss match the goal (class weights for imbalance, see "
                "D107)."
            ),
            "zh": (
                "检查指标代码,例如在与损失相同的批量上计算 `(logits.argmax(dim=1) == y)"
                ".float().mean()`;查看各类别的准确率,"
                "并让损失与目标一致(不平衡时加类别权重,见 D107)。"
            ),
        },
        example={
            "en": (
                "# Bug: argmax over the batch dimension: the accuracy never moves\n"
                "acc = (logits.argmax(dim=0) == y).float().mean()\n"
                "# Fix: argmax over the class dimension\n"
                "acc = (logits.argmax(dim=1) == y).float().mean()"
            ),
            "zh": (
                "# Bug:在批量维上取 argmax:准确率永远不变\n"
                "acc = (logits.argmax(dim=0) == y).float().mean()\n"
                "# Fix:在类别维上取 argmax\n"
                "acc = (logits.argmax(dim=1) == y).float().mean()"
            ),
        },
        false_positives={
            "en": (
                "Early training, where the loss improves through calibration before "
                "the accuracy moves, and coarse metrics such as accuracy on a tiny "
                "validation set. nndoctor waits for a sustained trend over a window of "
                "steps and compares the metric's change with its noise level before "
                "reporting."
            ),
            "zh": (
                "训练早期,损失先通过校准得到改善,准确率随后才会变化;"
                "以及分辨率很粗的指标,例如在很小的验证集上计算的准确率。nndoctor "
                "会等到一段步数窗口内出现持续的趋势,"
                "并把指标的变化与其噪声水平比较后才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #21 'Monitor other metrics' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Guo, Pleiss, Sun & Weinberger 2017, On Calibration of Modern Neural Networks, "
                "ICML 2017"
            ),
        ),
    ),
    dict(
        code="L207",
        name="regularization-insane",
        severity="warning",
        how="A",
        summary={
            "en": (
                "Adding regularization does not raise the loss: the regularization "
                "term is not wired in."
            ),
            "zh": "增加正则化强度后损失没有上升:正则项根本没有接入损失。",
        },
        why={
            "en": (
                "CS231n's sanity check: with the same model and batch, raising the "
                "regularization strength must raise the loss. If it does not, the term "
                "is computed but never added, added to a copy that is not "
                "backpropagated, detached, or multiplied by zero, and the model trains "
                "without the regularization you think it has. nndoctor re-evaluates "
                "the user's loss on a captured batch, on a copy, with the strength of "
                "each regularization term it was told about increased, and reports "
                "when the loss does not change."
            ),
            "zh": (
                "这是 CS231n 的合理性检查:在同一个模型和批量上,"
                "增大正则化强度必然会让损失增加。如果没有增加,"
                "说明正则项算出来了却没有加进去、加到了一个不做反向传播的副本上、被 "
                "detach 了或乘了零,模型其实是在没有你以为的正则化的情况下训练。"
                "nndoctor 在捕获的批量上、在副本上用增大了强度的正则项(用户告知的那些)"
                "重新计算损失,若损失不变就报告。"
            ),
        },
        fix={
            "en": (
                "Add the penalty to the tensor you call `backward()` on, e.g. `loss = "
                "loss + lam * sum(p.pow(2).sum() for p in model.parameters())`, or use "
                "the optimizer's weight decay (`torch.optim.AdamW(..., "
                "weight_decay=0.01)`)."
            ),
            "zh": (
                "把惩罚项加到你调用 `backward()` 的那个张量上,例如 `loss = loss + lam "
                "* sum(p.pow(2).sum() for p in model.parameters())`,"
                "或者使用优化器自带的权重衰减(`torch.optim.AdamW(..., "
                "weight_decay=0.01)`)。"
            ),
        },
        example={
            "en": (
                "# Bug: the penalty is added for logging, but the plain loss is backpropagated\n"
                "loss = criterion(model(x), y)\n"
                "l2 = lam * sum(p.pow(2).sum() for p in model.parameters())\n"
                "total = loss + l2                # logged\n"
                "loss.backward()\n"
                "# Fix: backpropagate the total\n"
                "total = loss + l2\n"
                "total.backward()"
            ),
            "zh": (
                "# Bug:惩罚项只加到了用于日志的变量上,反向传播的仍是原始损失\n"
                "loss = criterion(model(x), y)\n"
                "l2 = lam * sum(p.pow(2).sum() for p in model.parameters())\n"
                "total = loss + l2                # 用于日志\n"
                "loss.backward()\n"
                "# Fix:对总损失做反向传播\n"
                "total = loss + l2\n"
                "total.backward()"
            ),
        },
        false_positives={
            "en": (
                "Weight decay applied by the optimizer (`weight_decay=` in SGD or "
                "AdamW) acts through the update, not the loss value, so it never "
                "raises the loss; penalties on parameters that are exactly zero, or a "
                "strength set to zero on purpose, also leave the loss unchanged. "
                "nndoctor tests only penalties it was told are part of the loss, and "
                "never reports optimizer weight decay under this code."
            ),
            "zh": (
                "由优化器施加的权重衰减(SGD 或 AdamW 中的 `weight_decay=`)"
                "作用于参数更新而不是损失值,因此永远不会让损失上升;"
                "对恰好为零的参数施加惩罚,或有意把强度设为零,损失同样不变。nndoctor "
                "只测试被告知属于损失的惩罚项,绝不会以此代码报告优化器的权重衰减。"
            ),
        },
        references=(
            (
                "Seed checklist #17 'Look for correct loss at chance' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Before learning: "
                "sanity checks' (https://cs231n.github.io/neural-networks-3/)"
            ),
        ),
    ),
    dict(
        code="L208",
        name="sigmoid-before-bcewithlogits",
        severity="error",
        how="P",
        summary={
            "en": "Probabilities are passed to BCEWithLogitsLoss, or logits to BCELoss.",
            "zh": "把概率传给了 BCEWithLogitsLoss,或把 logits 传给了 BCELoss。",
        },
        why={
            "en": (
                "`BCEWithLogitsLoss` applies a sigmoid itself; fed sigmoid outputs, it "
                "squashes every prediction into [0.5, 0.73], so the loss has a high "
                "floor and the gradients are tiny. `BCELoss` expects probabilities in "
                "[0, 1]: logits outside that range raise an error, and logits that "
                "happen to lie inside are misread as probabilities. nndoctor reports "
                "`BCEWithLogitsLoss` inputs that stay within [0, 1] over several "
                "batches, and `BCELoss` inputs outside [0, 1]."
            ),
            "zh": (
                "`BCEWithLogitsLoss` 自己会做 sigmoid;如果输入已经是 sigmoid 的输出,"
                "所有预测都会被压缩到 [0.5, 0.73],损失有很高的下限,梯度也极小。"
                "`BCELoss` 期望 [0, 1] 之间的概率:超出此范围的 logits 会报错,"
                "恰好落在范围内的 logits 则被误当作概率。nndoctor "
                "报告在多个批量中一直处于 [0, 1] 之内的 `BCEWithLogitsLoss` 输入,"
                "以及超出 [0, 1] 的 `BCELoss` 输入。"
            ),
        },
        fix={
            "en": (
                "Return logits from the model and use `nn.BCEWithLogitsLoss` "
                "(numerically stable and safe under autocast); apply `torch.sigmoid` "
                "only for predictions."
            ),
            "zh": (
                "让模型返回 logits 并使用 `nn.BCEWithLogitsLoss`(数值稳定,在 autocast "
                "下也安全);只在预测时调用 `torch.sigmoid`。"
            ),
        },
        example={
            "en": (
                "# Bug: sigmoid in the model, then BCEWithLogitsLoss applies a sigmoid again\n"
                "out = torch.sigmoid(model(x))\n"
                "loss = F.binary_cross_entropy_with_logits(out, y)\n"
                "# Fix: pass the logits; sigmoid only for predictions\n"
                "logits = model(x)\n"
                "loss = F.binary_cross_entropy_with_logits(logits, y)\n"
                "prob = torch.sigmoid(logits)"
            ),
            "zh": (
                "# Bug:模型里已有 sigmoid,BCEWithLogitsLoss 又做一次 sigmoid\n"
                "out = torch.sigmoid(model(x))\n"
                "loss = F.binary_cross_entropy_with_logits(out, y)\n"
                "# Fix:传入 logits;只在预测时做 sigmoid\n"
                "logits = model(x)\n"
                "loss = F.binary_cross_entropy_with_logits(logits, y)\n"
                "prob = torch.sigmoid(logits)"
            ),
        },
        false_positives={
            "en": (
                "Logits can lie within [0, 1] for a few batches early in training by "
                "chance. nndoctor requires all values within [0, 1] over several "
                "batches, and a spread consistent with a sigmoid output, before "
                "reporting."
            ),
            "zh": (
                "训练早期,logits 可能碰巧在几个批量中都落在 [0, 1] 之内。nndoctor "
                "要求在多个批量中所有值都在 [0, 1] 内,且其分布与 sigmoid 输出相符,"
                "才会报告。"
            ),
        },
        references=(
            (
                "Seed checklist #19 'Verify loss input' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Karpathy 2018, 'most common neural net mistakes' (Twitter)",
            "PyTorch documentation: torch.nn.BCEWithLogitsLoss, torch.nn.BCELoss",
        ),
    ),
    dict(
        code="L209",
        name="wrong-output-activation",
        severity="error",
        how="P",
        summary={
            "en": (
                "The final activation cannot reach the targets: ReLU/sigmoid on "
                "outputs whose targets are negative or outside [0, 1], or ReLU on "
                "logits."
            ),
            "zh": (
                "最后的激活函数无法达到目标值:目标为负或超出 [0, 1] 时输出却接了 "
                "ReLU/sigmoid,或在 logits 上接了 ReLU。"
            ),
        },
        why={
            "en": (
                "A sigmoid output can only produce values in (0, 1) and a ReLU only "
                "values >= 0, so targets outside those ranges can never be matched and "
                "the loss has a floor; a ReLU before cross-entropy clamps every "
                "negative logit to 0, which removes its gradient and often leaves "
                "output units dead. nndoctor looks at the last module applied before "
                "the loss and compares its output range with the observed range of the "
                "targets."
            ),
            "zh": (
                "sigmoid 输出只能在 (0, 1) 之间,ReLU 输出只能 >= 0,"
                "超出这些范围的目标永远无法拟合,损失存在下限;在交叉熵之前接 ReLU "
                "会把所有负的 logits 截成 0,去掉它们的梯度,常常让输出单元「死掉」。"
                "nndoctor 查看损失之前最后一个模块,"
                "把它的输出范围与观察到的目标范围进行比较。"
            ),
        },
        fix={
            "en": (
                "Use a linear (identity) output for unbounded regression targets, a "
                "sigmoid only for targets in [0, 1], and no activation at all on "
                "logits fed to `CrossEntropyLoss` or `BCEWithLogitsLoss`."
            ),
            "zh": (
                "无界的回归目标使用线性(恒等)输出;只有目标在 [0, 1] 内时才用 sigmoid;"
                "送入 `CrossEntropyLoss` 或 `BCEWithLogitsLoss` 的 logits "
                "不要接任何激活函数。"
            ),
        },
        example={
            "en": (
                "# Bug: ReLU on the output of a regression whose targets can be negative\n"
                "model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 1), nn.ReLU())\n"
                "# Fix: a linear output layer\n"
                "model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 1))"
            ),
            "zh": (
                "# Bug:回归目标可能为负,输出却接了 ReLU\n"
                "model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 1), nn.ReLU())\n"
                "# Fix:使用线性输出层\n"
                "model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 1))"
            ),
        },
        false_positives={
            "en": (
                "Bounded outputs chosen on purpose for targets that fit them "
                "(non-negative counts with Softplus or ReLU, [0, 1] targets with a "
                "sigmoid), and targets rescaled inside the loss. nndoctor compares the "
                "activation's range with the targets actually seen, so a ReLU output "
                "with non-negative targets is not flagged."
            ),
            "zh": (
                "为相符的目标有意选择的有界输出(非负计数配 Softplus 或 ReLU、[0, 1] "
                "目标配 sigmoid),以及在损失内部重新缩放的目标。nndoctor "
                "将激活函数的值域与实际看到的目标进行比较,因此目标非负时的 ReLU "
                "输出不会被报告。"
            ),
        },
        references=(
            (
                "Seed checklist #18 'Check your loss function' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Goodfellow, Bengio & Courville 2016, Deep Learning, MIT Press, ch. 6.2.2 Output Units",
            "Bishop 2006, Pattern Recognition and Machine Learning, Springer, section 5.2",
        ),
    ),
    dict(
        code="L210",
        name="wrong-loss-for-task",
        severity="error",
        how="P",
        summary={
            "en": (
                "The loss does not fit the targets: a regression loss (MSE/L1) on "
                "class indices or one-hot targets, or cross-entropy on continuous "
                "targets."
            ),
            "zh": (
                "损失函数与目标不匹配:对类别索引或 one-hot 目标使用回归损失(MSE/L1),"
                "或对连续目标使用交叉熵。"
            ),
        },
        why={
            "en": (
                "Regressing class indices with MSE imposes a false order and distance "
                "between classes (class 3 becomes 'closer' to 2 than to 9), and MSE on "
                "one-hot targets behind a softmax learns slowly; cross-entropy on "
                "continuous targets treats them as probabilities or indices and has no "
                "meaning. nndoctor inspects the targets passed to each loss: "
                "integer-valued targets with few distinct values in a regression loss, "
                "one-hot rows in MSE, non-integer or non-probability targets in "
                "cross-entropy."
            ),
            "zh": (
                "用 MSE 回归类别索引,相当于给类别强加了虚假的顺序和距离(类别 3 变得比 "
                "9 更「接近」2);在 softmax 之后对 one-hot 目标用 MSE 学习很慢;"
                "对连续目标使用交叉熵,会把它们当成概率或索引,毫无意义。nndoctor "
                "检查传给每个损失的目标:"
                "回归损失中取值为整数且只有少数几个不同值的目标、MSE 中的 one-hot 行、"
                "交叉熵中非整数且不构成概率分布的目标。"
            ),
        },
        fix={
            "en": (
                "For classification, output one logit per class and use "
                "`nn.CrossEntropyLoss` with integer labels (`nn.BCEWithLogitsLoss` for "
                "binary or multi-label tasks); for continuous targets, use "
                "`nn.MSELoss`, `nn.L1Loss` or `nn.HuberLoss`."
            ),
            "zh": (
                "分类任务:每个类别输出一个 logit,用 `nn.CrossEntropyLoss` "
                "配整数标签(二分类或多标签任务用 `nn.BCEWithLogitsLoss`);连续目标:使用 "
                "`nn.MSELoss`、`nn.L1Loss` 或 `nn.HuberLoss`。"
            ),
        },
        example={
            "en": (
                "# Bug: 10-class labels regressed with MSE from a single output\n"
                "model = nn.Linear(784, 1)\n"
                "loss = F.mse_loss(model(x).squeeze(-1), y.float())\n"
                "# Fix: one logit per class and cross-entropy\n"
                "model = nn.Linear(784, 10)\n"
                "loss = F.cross_entropy(model(x), y)"
            ),
            "zh": (
                "# Bug:用单个输出加 MSE 去回归 10 个类别的标签\n"
                "model = nn.Linear(784, 1)\n"
                "loss = F.mse_loss(model(x).squeeze(-1), y.float())\n"
                "# Fix:每个类别一个 logit,使用交叉熵\n"
                "model = nn.Linear(784, 10)\n"
                "loss = F.cross_entropy(model(x), y)"
            ),
        },
        false_positives={
            "en": (
                "Ordinal or count targets (ratings 1 to 5, ages in years), for which a "
                "regression loss on integer values is a sound choice, and MSE on "
                "one-hot or soft targets in distillation or some "
                "reinforcement-learning setups. nndoctor flags integer targets in a "
                "regression loss only when the targets look like class labels (few "
                "distinct values starting at 0) or the model outputs one value per "
                "class, and states its evidence so a deliberate choice can be ignored."
            ),
            "zh": (
                "有序或计数型目标(1 到 5 分的评分、以年计的年龄),"
                "对这类整数值使用回归损失是合理的;知识蒸馏或某些强化学习设置中,对 "
                "one-hot 或软目标使用 MSE 也是常见做法。nndoctor "
                "只在目标看起来像类别标签(从 0 开始、只有少数几个不同值)"
                "或模型为每个类别输出一个值时,才报告回归损失中的整数目标,并说明依据,"
                "以便忽略有意的选择。"
            ),
        },
        references=(
            (
                "Seed checklist #18 'Check your loss function' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Goodfellow, Bengio & Courville 2016, Deep Learning, MIT Press, ch. 6.2 "
                "Gradient-Based Learning (cost functions and output units)"
            ),
        ),
    ),
    dict(
        code="M301",
        name="custom-gradient-wrong",
        severity="error",
        how="A",
        summary={
            "en": (
                "A custom autograd.Function or hand-written layer fails a numerical "
                "gradient check."
            ),
            "zh": "自定义的 autograd.Function 或手写的层没有通过数值梯度检查。",
        },
        why={
            "en": (
                "A wrong backward (a missing term, a transposed matrix, a wrong sign) "
                "does not crash: the model trains in a wrong direction or not at all, "
                "and the bug is nearly impossible to see in the loss curve. Comparing "
                "the analytic gradient with finite differences catches it (CS231n's "
                "gradient check). nndoctor finds modules that use a custom "
                "`torch.autograd.Function`, runs `torch.autograd.gradcheck` on a small "
                "float64 copy with inputs shaped like the captured ones, and reports "
                "the largest relative error."
            ),
            "zh": (
                "错误的 backward(漏掉一项、矩阵转置错误、符号写反)不会导致程序崩溃:"
                "模型朝错误的方向训练或根本不训练,而且几乎无法从损失曲线上看出来。"
                "把解析梯度与有限差分得到的数值梯度相比较就能发现它(即 CS231n "
                "的梯度检查)。nndoctor 找出使用自定义 `torch.autograd.Function` 的模块,"
                "在一个小的 float64 副本上、用与捕获的输入同形状的数据运行 "
                "`torch.autograd.gradcheck`,并报告最大的相对误差。"
            ),
        },
        fix={
            "en": (
                "Fix the backward until `torch.autograd.gradcheck(fn, inputs)` passes "
                "in float64, or express the layer with differentiable PyTorch ops so "
                "that autograd derives the gradient itself."
            ),
            "zh": (
                "修正 backward,直到 `torch.autograd.gradcheck(fn, inputs)` 在 float64 "
                "下通过;或者用可微的 PyTorch 运算来实现该层,让 autograd 自动求梯度。"
            ),
        },
        example={
            "en": (
                "# Bug: a custom Function whose backward has the wrong sign\n"
                "class Square(torch.autograd.Function):\n"
                "    @staticmethod\n"
                "    def forward(ctx, x):\n"
                "        ctx.save_for_backward(x)\n"
                "        return x * x\n"
                "    @staticmethod\n"
                "    def backward(ctx, g):\n"
                "        x, = ctx.saved_tensors\n"
                "        return -2 * x * g           # Fix: return 2 * x * g\n"
                "# Check it numerically in float64\n"
                "x = torch.randn(5, dtype=torch.double, requires_grad=True)\n"
                "torch.autograd.gradcheck(Square.apply, (x,))   # raises with the wrong sign"
            ),
            "zh": (
                "# Bug:自定义 Function 的 backward 符号写反了\n"
                "class Square(torch.autograd.Function):\n"
                "    @staticmethod\n"
                "    def forward(ctx, x):\n"
                "        ctx.save_for_backward(x)\n"
                "        return x * x\n"
                "    @staticmethod\n"
                "    def backward(ctx, g):\n"
                "        x, = ctx.saved_tensors\n"
                "        return -2 * x * g           # Fix:return 2 * x * g\n"
                "# 在 float64 下做数值检查\n"
                "x = torch.randn(5, dtype=torch.double, requires_grad=True)\n"
                "torch.autograd.gradcheck(Square.apply, (x,))   # 符号错误时会抛出异常"
            ),
        },
        false_positives={
            "en": (
                "Functions that are not differentiable everywhere (kinks like ReLU or "
                "max, quantization) fail finite differences near their kinks, and "
                "straight-through estimators return a deliberately 'wrong' gradient. "
                "nndoctor checks at random points away from kinks, in float64, with "
                "gradcheck's tolerances, and names the function so a deliberate "
                "surrogate gradient can be ignored with `--ignore M301`."
            ),
            "zh": (
                "并非处处可微的函数(ReLU、max 之类的折点,量化操作)"
                "在折点附近的有限差分检查会失败;直通估计器(straight-through estimator)"
                "则有意返回一个「不正确」的梯度。nndoctor 在远离折点的随机点上、以 "
                "float64 精度并使用 gradcheck 的容差进行检查,并给出函数名,以便用 "
                "`--ignore M301` 忽略有意设计的替代梯度。"
            ),
        },
        references=(
            (
                "Seed checklist #22 'Test any custom layers' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #26 'Explore Gradient checking' (in Ivanov 2017, 37 Reasons "
                "why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Gradient Checks' "
                "(https://cs231n.github.io/neural-networks-3/)"
            ),
            "PyTorch documentation: torch.autograd.gradcheck",
        ),
    ),
    dict(
        code="M302",
        name="frozen-parameters",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Parameters that look trainable never change: requires_grad is False, "
                "or they are missing from the optimizer's parameter groups."
            ),
            "zh": (
                "看起来应该可训练的参数从未改变:requires_grad 为 False,"
                "或者它们不在优化器的参数组中。"
            ),
        },
        why={
            "en": (
                "A layer left with `requires_grad=False`, created or replaced after "
                "the optimizer was built (and so absent from its `param_groups`), "
                "keeps its initial weights; if it is a new head or the whole model, "
                "training cannot succeed. nndoctor compares `model.parameters()` with "
                "the tensors held by the optimizer, checks `requires_grad`, and "
                "reports parameters whose values did not change over the first steps, "
                "grouped by module."
            ),
            "zh": (
                "`requires_grad=False` 没有改回来的层,或者在创建优化器之后才新建、"
                "替换的层(因此不在其 `param_groups` 中),会一直保持初始权重;"
                "如果这恰好是新的分类头甚至整个模型,训练就不可能成功。nndoctor 比较 "
                "`model.parameters()` 与优化器持有的张量,检查 `requires_grad`,"
                "并按模块分组报告在最初若干步中数值没有变化的参数。"
            ),
        },
        fix={
            "en": (
                "Build the optimizer after the model is complete "
                "(`torch.optim.AdamW(model.parameters(), ...)`), call "
                "`p.requires_grad_(True)` on layers you mean to train, or register "
                "late layers with `optimizer.add_param_group({'params': "
                "head.parameters()})`."
            ),
            "zh": (
                "在模型完全构建好之后再创建优化器(`torch.optim.AdamW(model.parameters()"
                ", ...)`),对需要训练的层调用 `p.requires_grad_(True)`,或者用 "
                "`optimizer.add_param_group({'params': head.parameters()})` "
                "注册后加入的层。"
            ),
        },
        example={
            "en": (
                "# Bug: the head is replaced after the optimizer was built: it is never updated\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
                "model.fc = nn.Linear(512, 10)\n"
                "# Fix: change the model first, then build the optimizer\n"
                "model.fc = nn.Linear(512, 10)\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)"
            ),
            "zh": (
                "# Bug:创建优化器之后才替换分类头:新的分类头永远不会被更新\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
                "model.fc = nn.Linear(512, 10)\n"
                "# Fix:先修改模型,再创建优化器\n"
                "model.fc = nn.Linear(512, 10)\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)"
            ),
        },
        false_positives={
            "en": (
                "A backbone frozen on purpose for fine-tuning or feature extraction, "
                "fixed embeddings, and EMA or teacher copies of the model. nndoctor "
                "treats whole modules with `requires_grad=False` as a deliberate "
                "freeze while some other part trains, and reports them only as a share "
                "of all parameters; it does flag parameters with `requires_grad=True` "
                "that no optimizer holds, and a model in which nothing is trainable."
            ),
            "zh": (
                "为微调或特征提取而有意冻结的骨干网络、固定不变的词嵌入,以及模型的 EMA "
                "副本或教师模型。当模型的其他部分在训练时,nndoctor 把整个模块都是 "
                "`requires_grad=False` 视为有意冻结,只报告它们占全部参数的比例;"
                "但它一定会报告 `requires_grad=True` 却不在任何优化器中的参数,"
                "以及没有任何可训练参数的模型。"
            ),
        },
        references=(
            (
                "Seed checklist #23 'Check for frozen layers or variables' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "PyTorch documentation: torch.optim.Optimizer.add_param_group; "
                "torch.Tensor.requires_grad_"
            ),
        ),
    ),
    dict(
        code="M303",
        name="gradient-blocked",
        severity="error",
        how="P",
        summary={
            "en": (
                "Parameters receive no gradient (grad is None or exactly zero): a "
                "detach, torch.no_grad, .data, .item() or numpy round trip cuts the "
                "graph."
            ),
            "zh": (
                "参数收不到梯度(grad 为 None 或恰好为零):detach、torch.no_grad、.data、"
                ".item() 或 numpy 往返转换切断了计算图。"
            ),
        },
        why={
            "en": (
                "If part of the forward goes through `.detach()`, `torch.no_grad()`, "
                "`.data`, `.item()` or a numpy round trip, the parameters before that "
                "point get no gradient and keep their initial values while the rest of "
                "the model trains around them. nndoctor checks after each backward "
                "which parameters held by the optimizer have `grad is None` or an "
                "all-zero gradient, and reports the first such module in execution "
                "order. A loss rebuilt from a number (`torch.tensor(loss.item(), "
                "requires_grad=True)`) is a leaf with no graph at all: backward() reaches "
                "no parameter, and nndoctor says so."
            ),
            "zh": (
                "如果前向传播的某一部分经过了 `.detach()`、`torch.no_grad()`、`.data`、"
                "`.item()` 或 numpy 往返转换,那么在这之前的参数收不到梯度,"
                "一直保持初始值,而模型的其余部分则绕开它们继续训练。nndoctor "
                "在每次反向传播之后检查优化器所持有的参数中哪些 `grad is None` "
                "或梯度全为零,并按执行顺序报告第一个这样的模块。由数值重新构造的损失"
                "(`torch.tensor(loss.item(), requires_grad=True)`)是没有计算图的叶子张量:"
                "backward() 到达不了任何参数,nndoctor 会直接指出。"
            ),
        },
        fix={
            "en": (
                "Keep the computation in differentiable torch ops on tensors that "
                "require grad: replace numpy or `.item()` round trips with tensor ops, "
                "and remove stray `.detach()` and `with torch.no_grad():` from the "
                "training forward."
            ),
            "zh": (
                "让计算始终在需要梯度的张量上用可微的 torch 运算完成:把 numpy 或 "
                "`.item()` 往返转换换成张量运算,去掉训练前向传播中多余的 `.detach()` "
                "和 `with torch.no_grad():`。"
            ),
        },
        example={
            "en": (
                "# Bug: a numpy round trip cuts the graph: the encoder gets no gradient\n"
                "h = encoder(x)\n"
                "h = torch.from_numpy(np.tanh(h.detach().numpy()))\n"
                "loss = criterion(head(h), y)\n"
                "# Fix: stay in torch\n"
                "h = torch.tanh(encoder(x))\n"
                "loss = criterion(head(h), y)"
            ),
            "zh": (
                "# Bug:numpy 往返转换切断了计算图:encoder 收不到梯度\n"
                "h = encoder(x)\n"
                "h = torch.from_numpy(np.tanh(h.detach().numpy()))\n"
                "loss = criterion(head(h), y)\n"
                "# Fix:全程使用 torch 运算\n"
                "h = torch.tanh(encoder(x))\n"
                "loss = criterion(head(h), y)"
            ),
        },
        false_positives={
            "en": (
                "Parameters that are unused in some steps by design: branches chosen "
                "per batch, mixture-of-experts experts that received no tokens, "
                "embedding rows of tokens absent from the batch, auxiliary heads used "
                "only at some steps. nndoctor reports a parameter only if it got no "
                "gradient over many consecutive steps, and never treats zero rows of "
                "an Embedding gradient as a finding."
            ),
            "zh": (
                "按设计在某些步中不被使用的参数:按批量选择的分支、没有分配到 token "
                "的混合专家(MoE)中的专家、批量中未出现的 token 对应的词嵌入行、"
                "只在某些步使用的辅助头。nndoctor "
                "只在参数连续许多步都没有收到梯度时才报告,并且不会把 Embedding "
                "梯度中的全零行当作问题。"
            ),
        },
        references=(
            (
                "Seed checklist #23 'Check for frozen layers or variables' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "PyTorch documentation: Autograd mechanics; torch.Tensor.detach; torch.no_grad",
        ),
    ),
    dict(
        code="M304",
        name="batch-mixing",
        severity="error",
        how="A",
        summary={
            "en": (
                "An output of sample i depends on the input of sample j (view/reshape "
                "instead of permute, softmax or normalization over the batch dimension)"
                "."
            ),
            "zh": (
                "样本 i 的输出依赖于样本 j 的输入(本该用 permute 却用了 view/reshape,"
                "或在批量维上做 softmax、归一化)。"
            ),
        },
        why={
            "en": (
                "Calling `view`/`reshape` where `permute`/`transpose` is needed, or "
                "applying softmax or normalization over dim 0, silently mixes samples: "
                "the model learns from the wrong inputs or 'cheats' using other "
                "samples of the batch. Karpathy's recipe catches it by backpropagating "
                "a loss that depends only on the output of sample i and checking that "
                "only input i gets a non-zero gradient. nndoctor does exactly this on "
                "a copy of the model in eval mode with a captured batch, and reports "
                "which samples leak into which."
            ),
            "zh": (
                "在需要 `permute`/`transpose` 的地方调用了 `view`/`reshape`,或在第 0 "
                "维上做 softmax、归一化,都会悄悄地把样本混在一起:"
                "模型从错误的输入中学习,或利用批量中的其他样本「作弊」。Karpathy "
                "的方法是:对只依赖样本 i 输出的损失做反向传播,检查是否只有输入 i "
                "得到非零梯度。nndoctor 正是在 eval 模式下的模型副本上、"
                "用捕获的批量做这个检查,并报告哪些样本泄漏到了哪些样本中。"
            ),
        },
        fix={
            "en": (
                "Reorder axes with `permute`/`transpose` (never `view` across the "
                "batch axis), and apply softmax and normalization over the feature "
                "dimension (`dim=-1` or `dim=1`), not `dim=0`."
            ),
            "zh": (
                "用 `permute`/`transpose` 调整维度顺序(绝不要跨批量维使用 `view`),"
                "并在特征维(`dim=-1` 或 `dim=1`)而不是 `dim=0` 上做 softmax 和归一化。"
            ),
        },
        example={
            "en": (
                "# Bug: (N, T, D) -> (T, N, D) with view: samples get mixed\n"
                "h = h.view(T, N, D)\n"
                "# Fix: permute the axes\n"
                "h = h.permute(1, 0, 2).contiguous()\n"
                "# Bug: softmax over the batch dimension\n"
                "p = torch.softmax(logits, dim=0)\n"
                "# Fix: softmax over the classes\n"
                "p = torch.softmax(logits, dim=1)"
            ),
            "zh": (
                "# Bug:用 view 把 (N, T, D) 变成 (T, N, D):样本被混在一起\n"
                "h = h.view(T, N, D)\n"
                "# Fix:用 permute 调整维度\n"
                "h = h.permute(1, 0, 2).contiguous()\n"
                "# Bug:在批量维上做 softmax\n"
                "p = torch.softmax(logits, dim=0)\n"
                "# Fix:在类别维上做 softmax\n"
                "p = torch.softmax(logits, dim=1)"
            ),
        },
        false_positives={
            "en": (
                "Layers that mix samples by design: BatchNorm in train mode (nndoctor "
                "runs the check in eval mode), attention over a set, graph networks "
                "where a sample is a node, and in-batch negatives in contrastive "
                "losses. nndoctor checks the dependency of the model's outputs rather "
                "than of the loss, so contrastive losses do not trigger it, and lists "
                "the layer types it found so that a deliberate design can be ignored."
            ),
            "zh": (
                "按设计就会混合样本的层:训练模式下的 BatchNorm(nndoctor 在 eval "
                "模式下做此检查)、对集合做的注意力、把样本当作节点的图网络,"
                "以及对比学习损失中的批内负样本。nndoctor "
                "检查的是模型输出而不是损失的依赖关系,因此对比损失不会触发此项;"
                "它还会列出找到的层类型,以便忽略有意的设计。"
            ),
        },
        references=(
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'use backprop to chart "
                "dependencies' (https://karpathy.github.io/2019/04/25/recipe/)"
            ),
            (
                "Seed checklist #25 'Check for hidden dimension errors' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
        ),
    ),
    dict(
        code="M305",
        name="bad-init-scale",
        severity="warning",
        how="P/A",
        summary={
            "en": (
                "At initialization a layer's activation std is far off (outside ~[0.5, "
                "2]) or grows/shrinks geometrically with depth."
            ),
            "zh": (
                "初始化时某层激活值的标准差偏离正常范围(约 [0.5, 2] 之外),"
                "或随深度呈几何级数增大/缩小。"
            ),
        },
        why={
            "en": (
                "With badly scaled initial weights, activations and gradients shrink "
                "toward zero or blow up layer after layer, so deep networks barely "
                "train (Glorot & Bengio 2010; He et al. 2015); the Deeplearning4j "
                "guide gives a healthy activation std of about 0.5 to 2. Healthy nets "
                "with PyTorch's default init on inputs in [0, 1] show a first-layer "
                "std of 0.1 to 0.6, so nndoctor judges each layer's std relative to "
                "its input's std and looks at the trend with depth, not at the band "
                "alone. It records activation statistics on the first batch (or on a "
                "copy at initialization) and reports layers far off and consistent "
                "geometric growth or decay across layers."
            ),
            "zh": (
                "初始权重尺度不当时,激活值和梯度会逐层缩小到接近零或逐层爆炸,"
                "深层网络几乎无法训练(Glorot & Bengio 2010;He et al. 2015);"
                "Deeplearning4j 指南认为健康的激活值标准差大约在 0.5 到 2.0 之间。使用 "
                "PyTorch 默认初始化、输入在 [0, 1] 的健康网络,第一层标准差在 0.1 到 "
                "0.6 之间,因此 nndoctor "
                "用每层标准差相对其输入标准差的比值和随深度的变化趋势来判断,"
                "而不只看这个区间。它记录第一个批量上(或初始化时副本上)的激活统计量,"
                "报告明显偏离的层,以及跨层一致的几何级数增长或衰减。"
            ),
        },
        fix={
            "en": (
                "Use Xavier/Glorot init for tanh/sigmoid layers "
                "(`nn.init.xavier_uniform_`) and Kaiming/He init for ReLU layers "
                "(`nn.init.kaiming_normal_(w, nonlinearity='relu')`), or add "
                "normalization layers (`nn.BatchNorm2d`, `nn.LayerNorm`)."
            ),
            "zh": (
                "tanh/sigmoid 层使用 Xavier/Glorot 初始化(`nn.init.xavier_uniform_`),"
                "ReLU 层使用 Kaiming/He 初始化(`nn.init.kaiming_normal_(w, "
                "nonlinearity='relu')`),或者加入归一化层(`nn.BatchNorm2d`、"
                "`nn.LayerNorm`)。"
            ),
        },
        example={
            "en": (
                "# Bug: hand-rolled init with std 1: activations explode with depth\n"
                "for m in model.modules():\n"
                "    if isinstance(m, nn.Linear):\n"
                "        nn.init.normal_(m.weight, std=1.0)\n"
                "# Fix: He init for a ReLU network\n"
                "for m in model.modules():\n"
                "    if isinstance(m, nn.Linear):\n"
                "        nn.init.kaiming_normal_(m.weight, nonlinearity='relu')\n"
                "        nn.init.zeros_(m.bias)"
            ),
            "zh": (
                "# Bug:手写初始化用了标准差 1:激活值随深度爆炸\n"
                "for m in model.modules():\n"
                "    if isinstance(m, nn.Linear):\n"
                "        nn.init.normal_(m.weight, std=1.0)\n"
                "# Fix:ReLU 网络使用 He 初始化\n"
                "for m in model.modules():\n"
                "    if isinstance(m, nn.Linear):\n"
                "        nn.init.kaiming_normal_(m.weight, nonlinearity='relu')\n"
                "        nn.init.zeros_(m.bias)"
            ),
        },
        false_positives={
            "en": (
                "Pretrained models, layers followed by normalization (which rescales "
                "anyway), residual branches initialized to zero on purpose (e.g. the "
                "last BatchNorm weight of a block), and output heads initialized small "
                "on purpose. nndoctor skips layers whose output goes straight into a "
                "normalization layer, judges the std relative to the layer's input, "
                "and looks for a trend across several layers rather than a single "
                "outlier."
            ),
            "zh": (
                "预训练模型、后面紧跟归一化层的层(归一化反正会重新缩放)、"
                "有意初始化为零的残差分支(例如残差块中最后一个 BatchNorm 的权重),"
                "以及有意用小值初始化的输出头。nndoctor 跳过输出直接进入归一化层的层,"
                "用相对于该层输入的标准差做判断,并寻找跨多层的趋势而不是单个异常层。"
            ),
        },
        references=(
            (
                "Seed checklist #28 'Check weights initialization' (in Ivanov 2017, 37 Reasons "
                "why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #35 'Exploding / Vanishing gradients' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Deeplearning4j, 'Visualizing network training' guide",
            (
                "Glorot & Bengio 2010, Understanding the difficulty of training deep "
                "feedforward neural networks, AISTATS 2010"
            ),
            (
                "He et al. 2015, Delving Deep into Rectifiers: Surpassing Human-Level "
                "Performance on ImageNet Classification, ICCV 2015 (https:"
                "//arxiv.org/abs/1502.01852)"
            ),
            (
                "CS231n Neural Networks Part 2: Setting up the Data and the Loss, 'Weight "
                "Initialization'"
            ),
        ),
    ),
    dict(
        code="M306",
        name="dead-units",
        severity="warning",
        how="P",
        summary={
            "en": "A large share of ReLU-family units never activate over recent batches.",
            "zh": "在最近的若干批量中,有很大比例的 ReLU 类单元从未被激活。",
        },
        why={
            "en": (
                "A ReLU unit whose pre-activation is negative for every input outputs "
                "0 and gets zero gradient, so it never recovers; a large learning rate,"
                " a large negative bias or a bad init can kill a large part of a layer "
                "and shrink the network's capacity. nndoctor hooks ReLU-family modules,"
                " records for each unit (feature or channel) whether it was ever "
                "positive over a window of recent batches, and reports layers where "
                "the dead share exceeds a threshold (about half)."
            ),
            "zh": (
                "如果某个 ReLU 单元对所有输入的预激活都是负数,它的输出恒为 0,梯度也为 "
                "0,再也无法恢复;过大的学习率、"
                "很大的负偏置或糟糕的初始化会让一层中的大部分单元「死亡」,"
                "削弱网络的表达能力。nndoctor 在 ReLU 类模块上挂钩子,"
                "记录每个单元(特征或通道)在最近一段批量窗口中是否曾经为正,"
                "并报告死亡比例超过阈值(约一半)的层。"
            ),
        },
        fix={
            "en": (
                "Lower the learning rate, use He init with zero biases, or switch to "
                "`nn.LeakyReLU`, `nn.GELU` or `nn.ELU`; a normalization layer before "
                "the activation also helps."
            ),
            "zh": (
                "降低学习率,使用 He 初始化并把偏置设为零,或改用 `nn.LeakyReLU`、"
                "`nn.GELU`、`nn.ELU`;在激活函数前加归一化层也有帮助。"
            ),
        },
        example={
            "en": (
                "# Bug: a large negative bias kills most ReLU units\n"
                "layer = nn.Linear(256, 256)\n"
                "nn.init.constant_(layer.bias, -5.0)\n"
                "act = nn.ReLU()\n"
                "# Fix: He init, zero bias (or a leaky activation)\n"
                "nn.init.kaiming_normal_(layer.weight, nonlinearity='relu')\n"
                "nn.init.zeros_(layer.bias)\n"
                "act = nn.LeakyReLU(0.01)"
            ),
            "zh": (
                "# Bug:很大的负偏置让大部分 ReLU 单元死亡\n"
                "layer = nn.Linear(256, 256)\n"
                "nn.init.constant_(layer.bias, -5.0)\n"
                "act = nn.ReLU()\n"
                "# Fix:He 初始化、零偏置(或使用带泄漏的激活函数)\n"
                "nn.init.kaiming_normal_(layer.weight, nonlinearity='relu')\n"
                "nn.init.zeros_(layer.bias)\n"
                "act = nn.LeakyReLU(0.01)"
            ),
        },
        false_positives={
            "en": (
                "Units that fire only for rare inputs look dead over a short window, "
                "and sparse activations are desired in some models. nndoctor uses a "
                "window of several batches, counts a unit as dead only if it was never "
                "positive, and requires a large share of the layer before reporting."
            ),
            "zh": (
                "只对罕见输入才激活的单元在较短窗口内看起来像是死了;"
                "某些模型也有意追求稀疏激活。nndoctor 使用跨越多个批量的窗口,"
                "只有从未为正的单元才算死亡,并且要求占该层相当大的比例才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #33 'Visualize the training' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 1: Setting up the Architecture, 'Commonly used "
                "activation functions'"
            ),
            (
                "He et al. 2015, Delving Deep into Rectifiers: Surpassing Human-Level "
                "Performance on ImageNet Classification, ICCV 2015 (https:"
                "//arxiv.org/abs/1502.01852)"
            ),
            (
                "Maas, Hannun & Ng 2013, Rectifier Nonlinearities Improve Neural Network "
                "Acoustic Models, ICML 2013 Workshop on Deep Learning for Audio, Speech and "
                "Language Processing"
            ),
        ),
    ),
    dict(
        code="M307",
        name="saturated-units",
        severity="warning",
        how="P",
        summary={
            "en": (
                "tanh/sigmoid units are mostly saturated (|x| near the asymptote), so "
                "gradients vanish."
            ),
            "zh": "tanh/sigmoid 单元大多处于饱和状态(取值贴近渐近线),梯度随之消失。",
        },
        why={
            "en": (
                "When their input is large in magnitude, tanh and sigmoid outputs sit "
                "at their asymptotes and their derivatives are near zero, so gradients "
                "stop flowing through the layer (LeCun et al. 1998; Glorot & Bengio "
                "2010). Large inputs, large initial weights and a high learning rate "
                "cause it. nndoctor hooks hidden Tanh/Sigmoid modules and reports "
                "layers where most outputs lie close to the asymptotes (e.g. |tanh| > "
                "0.99, sigmoid < 0.01 or > 0.99) over recent batches."
            ),
            "zh": (
                "当输入绝对值很大时,tanh 和 sigmoid 的输出贴近渐近线,导数接近零,"
                "梯度就无法穿过这一层(LeCun et al. 1998;Glorot & Bengio 2010)。"
                "原因通常是输入过大、初始权重过大或学习率过高。nndoctor 在隐藏层的 "
                "Tanh/Sigmoid 模块上挂钩子,"
                "报告在最近若干批量中大部分输出贴近渐近线的层(例如 |tanh| > 0.99,"
                "sigmoid < 0.01 或 > 0.99)。"
            ),
        },
        fix={
            "en": (
                "Normalize the inputs (D109), use Xavier init "
                "(`nn.init.xavier_uniform_`), add a normalization layer before the "
                "activation, or use ReLU-family activations in hidden layers."
            ),
            "zh": (
                "对输入做归一化(D109)、使用 Xavier 初始化(`nn.init.xavier_uniform_`)、"
                "在激活函数前加归一化层,或在隐藏层改用 ReLU 类激活函数。"
            ),
        },
        example={
            "en": (
                "# Bug: raw inputs (values ~ 100) into a tanh layer: the outputs stick at +-1\n"
                "h = torch.tanh(fc(x_raw))\n"
                "# Fix: normalize the inputs first, and use Xavier init\n"
                "nn.init.xavier_uniform_(fc.weight)\n"
                "h = torch.tanh(fc((x_raw - mean) / std))"
            ),
            "zh": (
                "# Bug:原始输入(数值约 100)送入 tanh 层:输出卡在 +-1\n"
                "h = torch.tanh(fc(x_raw))\n"
                "# Fix:先对输入做归一化,并使用 Xavier 初始化\n"
                "nn.init.xavier_uniform_(fc.weight)\n"
                "h = torch.tanh(fc((x_raw - mean) / std))"
            ),
        },
        false_positives={
            "en": (
                "Gates in LSTMs and GRUs and attention gates saturate by design for "
                "some inputs, and a sigmoid output layer is meant to approach 0 or 1 "
                "once the model is confident. nndoctor checks hidden Tanh/Sigmoid "
                "modules only, not the output layer or the gates inside `nn.LSTM` / "
                "`nn.GRU`, and requires most units to be saturated over several "
                "batches."
            ),
            "zh": (
                "LSTM、GRU 中的门控以及注意力门控,对某些输入按设计就会饱和;sigmoid "
                "输出层在模型有把握时本来就应该接近 0 或 1。nndoctor 只检查隐藏层的 "
                "Tanh/Sigmoid 模块,不检查输出层和 `nn.LSTM` / `nn.GRU` 内部的门控,"
                "并要求在多个批量中大部分单元都饱和才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #35 'Exploding / Vanishing gradients' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "LeCun, Bottou, Orr & Müller 1998, Efficient BackProp, in Neural Networks: "
                "Tricks of the Trade"
            ),
            (
                "Glorot & Bengio 2010, Understanding the difficulty of training deep "
                "feedforward neural networks, AISTATS 2010"
            ),
            (
                "CS231n Neural Networks Part 1: Setting up the Architecture, 'Commonly used "
                "activation functions'"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Activation / "
                "Gradient distributions per layer' (https:"
                "//cs231n.github.io/neural-networks-3/)"
            ),
        ),
    ),
    dict(
        code="M308",
        name="cannot-overfit",
        severity="error",
        how="A",
        summary={
            "en": (
                "The model cannot drive the loss near zero on one or two small batches:"
                " a bug, or too little capacity."
            ),
            "zh": "模型无法在一两个小批量上把损失降到接近零:要么有 bug,要么容量不足。",
        },
        why={
            "en": (
                "Any working model and loss should be able to memorize a handful of "
                "samples; if it cannot, something is broken in the model, the loss, "
                "the labels or the loop, or the model has far too little capacity. "
                "This is Karpathy's 'overfit one batch' and the seed checklist's "
                "'solve for a really small dataset'. nndoctor trains a copy of the "
                "model, with a fresh optimizer of the same kind, for a few hundred "
                "steps on one or two captured batches and reports the final loss "
                "against the chance level and the loss's achievable minimum."
            ),
            "zh": (
                "任何正常工作的模型和损失都应该能记住少量样本;如果做不到,说明模型、"
                "损失、标签或训练循环中有地方坏了,或者模型的容量远远不够。这就是 "
                "Karpathy 的「overfit one batch」,"
                "也是种子清单中的「过拟合数据的一个小子集」。nndoctor "
                "用一个同类型的新优化器,在一两个捕获的批量上训练模型副本几百步,"
                "并把最终损失与随机水平及该损失可达到的最小值进行比较后报告。"
            ),
        },
        fix={
            "en": (
                "Debug the setup until a tiny batch can be overfit (start from the "
                "other findings: L2xx, T5xx, M303); if the pipeline is correct, "
                "increase capacity (more layers or hidden units) or drop "
                "regularization for the test."
            ),
            "zh": (
                "调试整个设置,直到能够过拟合一个小批量(先从其他诊断入手:L2xx、T5xx、"
                "M303);如果流程本身没问题,就增加容量(更多层或更多隐藏单元),"
                "或在此测试中去掉正则化。"
            ),
        },
        example={
            "en": (
                "# Bug: a 2-unit bottleneck cannot memorize even one batch of 10 classes\n"
                "model = nn.Sequential(nn.Linear(784, 2), nn.ReLU(), nn.Linear(2, 10))\n"
                "# Fix: enough capacity, then check that one batch is overfit (loss -> ~0)\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))\n"
                "xb, yb = next(iter(loader))\n"
                "opt = torch.optim.Adam(model.parameters(), lr=1e-3)\n"
                "for step in range(300):\n"
                "    opt.zero_grad()\n"
                "    loss = F.cross_entropy(model(xb), yb)\n"
                "    loss.backward()\n"
                "    opt.step()\n"
                "print(loss.item())        # should be close to 0"
            ),
            "zh": (
                "# Bug:只有 2 个单元的瓶颈层,连一个 10 类批量都记不住\n"
                "model = nn.Sequential(nn.Linear(784, 2), nn.ReLU(), nn.Linear(2, 10))\n"
                "# Fix:容量足够,再检查能否过拟合一个批量(损失趋近 0)\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))\n"
                "xb, yb = next(iter(loader))\n"
                "opt = torch.optim.Adam(model.parameters(), lr=1e-3)\n"
                "for step in range(300):\n"
                "    opt.zero_grad()\n"
                "    loss = F.cross_entropy(model(xb), yb)\n"
                "    loss.backward()\n"
                "    opt.step()\n"
                "print(loss.item())        # 应接近 0"
            ),
        },
        false_positives={
            "en": (
                "Strong regularization or augmentation, label smoothing and other "
                "losses with a non-zero minimum (KL terms, duplicate samples with "
                "conflicting labels), and models that need warmup or many steps. "
                "nndoctor runs the test on un-augmented captured batches, compares "
                "against the loss's achievable floor (e.g. the label-smoothing floor) "
                "rather than 0, and reports the whole loss curve so that a slow but "
                "steady fit is not mistaken for failure."
            ),
            "zh": (
                "强正则化或强数据增强、标签平滑以及其他最小值不为零的损失(KL 项、"
                "标签互相矛盾的重复样本),以及需要预热或很多步才能收敛的模型。nndoctor "
                "在未增强的捕获批量上做测试,"
                "与该损失可达到的下限(例如标签平滑对应的下限)而不是 0 比较,"
                "并给出完整的损失曲线,以免把缓慢但稳定的拟合误判为失败。"
            ),
        },
        references=(
            (
                "Seed checklist #27 'Solve for a really small dataset' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #24 'Increase network size' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'overfit one batch' "
                "(https://karpathy.github.io/2019/04/25/recipe/)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Before learning: "
                "sanity checks' (https://cs231n.github.io/neural-networks-3/)"
            ),
            "Karpathy 2018, 'most common neural net mistakes' (Twitter)",
        ),
    ),
    dict(
        code="M309",
        name="input-ignored",
        severity="error",
        how="A",
        summary={
            "en": (
                "The loss is the same with random or zero inputs as with the real "
                "inputs: the model ignores its input."
            ),
            "zh": "用随机输入或全零输入得到的损失与真实输入相同:模型忽略了它的输入。",
        },
        why={
            "en": (
                "Karpathy's 'input-independent baseline' and the seed checklist's 'try "
                "random input': if the model does no better on real inputs than on "
                "zeroed or random ones, the input does not reach the prediction (a "
                "wrong variable in `forward`, a broken connection, constant inputs). "
                "nndoctor trains a copy briefly, then evaluates the loss on captured "
                "batches with the real inputs, with zeros and with noise of the same "
                "shape and scale, and reports when the losses do not differ."
            ),
            "zh": (
                "这就是 Karpathy "
                "的「与输入无关的基线」和种子清单中的「尝试传递随机数而不是真实数据」:"
                "如果模型在真实输入上的表现并不比在全零或随机输入上好,"
                "说明输入没有影响到预测(`forward` 中用错了变量、连接断开、输入为常数)。"
                "nndoctor 先对副本做短暂训练,然后在捕获的批量上分别用真实输入、"
                "全零输入以及形状和尺度相同的噪声计算损失,若三者没有差别就报告。"
            ),
        },
        fix={
            "en": (
                "Trace the input through the forward (print shapes and statistics, or "
                "use forward hooks) to find where it is dropped or overwritten; a "
                "common cause is a forward that uses a stored attribute instead of its "
                "argument."
            ),
            "zh": (
                "沿前向传播追踪输入(打印形状和统计量,或使用 forward hook),"
                "找出它在哪里被丢弃或覆盖;常见原因是 forward "
                "使用了某个保存的属性而不是传入的参数。"
            ),
        },
        example={
            "en": (
                "# Bug: the head reads a stored tensor instead of the encoded input\n"
                "def forward(self, x):\n"
                "    h = self.encoder(x)\n"
                "    return self.head(self.cls_token)       # x never matters\n"
                "# Fix: feed the encoded input to the head\n"
                "def forward(self, x):\n"
                "    h = self.encoder(x)\n"
                "    return self.head(h)"
            ),
            "zh": (
                "# Bug:分类头读取的是一个保存的张量,而不是编码后的输入\n"
                "def forward(self, x):\n"
                "    h = self.encoder(x)\n"
                "    return self.head(self.cls_token)       # x 完全不起作用\n"
                "# Fix:把编码后的输入送入分类头\n"
                "def forward(self, x):\n"
                "    h = self.encoder(x)\n"
                "    return self.head(h)"
            ),
        },
        false_positives={
            "en": (
                "Tasks where the input genuinely carries little signal (the seed's "
                "stock-price example), and models that need longer than the short test "
                "run before they use their input. nndoctor reports the three losses "
                "(real, zero, noise) so these cases can be told apart, and requires "
                "them to agree within a tight margin before reporting."
            ),
            "zh": (
                "输入本身就几乎不含信号的任务(种子清单中股票价格的例子),"
                "以及需要比这次短测试更长的训练才会用上输入的模型。nndoctor "
                "会给出三个损失值(真实输入、全零、噪声),以便区分这些情况,"
                "并要求三者在很小的容差内一致才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #2 'Try random input' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #4 'Make sure input is connected to output' (in Ivanov 2017, "
                "37 Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'input-independent "
                "baseline' (https://karpathy.github.io/2019/04/25/recipe/)"
            ),
        ),
    ),
    dict(
        code="M310",
        name="activation-mean-drift",
        severity="info",
        how="P",
        summary={
            "en": "A layer's activations have a mean far from zero relative to their std.",
            "zh": "某层激活值的均值相对其标准差远离零。",
        },
        why={
            "en": (
                "Activations with a large common offset make the gradients for all "
                "incoming weights of a unit in the next layer share a sign, which "
                "slows learning into a zig-zag (LeCun et al. 1998), and push the "
                "following units toward saturation; the seed checklist says to look "
                "for layer activations with a mean much larger than 0 and to try batch "
                "norm or ELUs. nndoctor hooks each layer and reports those whose "
                "|mean| is many times their std over recent batches. ReLU outputs are "
                "non-negative by construction (mean about 0.7 std for Gaussian inputs),"
                " so the threshold sits well above that."
            ),
            "zh": (
                "激活值若带有较大的公共偏移,下一层中同一单元所有输入权重的梯度都会同号,"
                "使学习过程呈之字形、变得缓慢(LeCun et al. 1998),"
                "还会把后续单元推向饱和;种子清单建议寻找平均值远大于 0 的层激活,"
                "并尝试批归一化或 ELU。nndoctor 在每一层挂钩子,报告在最近若干批量中 "
                "|均值| 是其标准差许多倍的层。ReLU "
                "输出按构造就是非负的(高斯输入下均值约为标准差的 0.7 倍),"
                "因此阈值设得远高于此。"
            ),
        },
        fix={
            "en": (
                "Add normalization (`nn.BatchNorm1d` / `nn.BatchNorm2d`, "
                "`nn.LayerNorm`) or use zero-centred activations such as `nn.ELU` or "
                "`nn.Tanh`; check the input normalization (D109)."
            ),
            "zh": (
                "加入归一化层(`nn.BatchNorm1d` / `nn.BatchNorm2d`、`nn.LayerNorm`),"
                "或使用零中心的激活函数,如 `nn.ELU`、`nn.Tanh`;并检查输入的归一化(D109)"
                "。"
            ),
        },
        example={
            "en": (
                "# Bug: a deep stack without normalization: activations drift away from zero\n"
                "model = nn.Sequential(nn.Linear(32, 128), nn.ReLU(),\n"
                "                      nn.Linear(128, 128), nn.ReLU(),\n"
                "                      nn.Linear(128, 10))\n"
                "# Fix: normalize between layers (or use ELU)\n"
                "model = nn.Sequential(nn.Linear(32, 128), nn.BatchNorm1d(128), nn.ELU(),\n"
                "                      nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ELU(),\n"
                "                      nn.Linear(128, 10))"
            ),
            "zh": (
                "# Bug:没有归一化的深层堆叠:激活值偏离零\n"
                "model = nn.Sequential(nn.Linear(32, 128), nn.ReLU(),\n"
                "                      nn.Linear(128, 128), nn.ReLU(),\n"
                "                      nn.Linear(128, 10))\n"
                "# Fix:层间加归一化(或使用 ELU)\n"
                "model = nn.Sequential(nn.Linear(32, 128), nn.BatchNorm1d(128), nn.ELU(),\n"
                "                      nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ELU(),\n"
                "                      nn.Linear(128, 10))"
            ),
        },
        false_positives={
            "en": (
                "Non-negative activations (ReLU, Softplus, sigmoid) have a positive "
                "mean by design, and output layers or embeddings may carry an offset "
                "on purpose. nndoctor compares the mean with the std, uses a threshold "
                "above what these activations produce on their own, and keeps this "
                "finding at info because an offset alone rarely stops training."
            ),
            "zh": (
                "非负激活函数(ReLU、Softplus、sigmoid)按设计均值就为正,"
                "输出层或词嵌入也可能有意带有偏移。nndoctor 用均值与标准差之比做判断,"
                "阈值高于这些激活函数自身会产生的水平;由于仅有偏移很少会让训练失败,"
                "此项保持在 info 级别。"
            ),
        },
        references=(
            (
                "Seed checklist #33 'Visualize the training' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "LeCun, Bottou, Orr & Müller 1998, Efficient BackProp, in Neural Networks: "
                "Tricks of the Trade"
            ),
            (
                "Ioffe & Szegedy 2015, Batch Normalization: Accelerating Deep Network Training "
                "by Reducing Internal Covariate Shift, ICML 2015"
            ),
            (
                "Clevert, Unterthiner & Hochreiter 2016, Fast and Accurate Deep Network "
                "Learning by Exponential Linear Units (ELUs), ICLR 2016"
            ),
        ),
    ),
    dict(
        code="M311",
        name="missing-nonlinearity",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Two linear layers (Linear/Conv) follow each other with no activation "
                "between them, so together they collapse to one linear map."
            ),
            "zh": (
                "两个线性层(Linear/Conv)前后相连,中间没有激活函数,"
                "合起来等价于一个线性映射。"
            ),
        },
        why={
            "en": (
                "The composition of two linear (affine) maps is a single linear map, "
                "so a stack of Linear or Conv layers with only linear operations "
                "between them (dropout, normalization, reshapes) is no more expressive "
                "than one layer, only with more parameters and a harder optimization. "
                "It usually means an activation was forgotten in an `nn.Sequential`. "
                "nndoctor records the execution order of modules in the forward and "
                "reports a Linear/Conv layer whose output feeds the next Linear/Conv "
                "with no non-linearity in between."
            ),
            "zh": (
                "两个线性(仿射)映射的复合仍是一个线性映射,因此一串 Linear 或 Conv "
                "层之间如果只有线性操作(dropout、归一化、reshape),"
                "其表达能力并不比一层更强,只是参数更多、优化更难。这通常意味着在 "
                "`nn.Sequential` 里忘了写激活函数。nndoctor "
                "记录前向传播中模块的执行顺序,报告输出直接送入下一个 Linear/Conv、"
                "中间没有任何非线性的 Linear/Conv 层。"
            ),
        },
        fix={
            "en": (
                "Insert an activation (`nn.ReLU()`, `nn.GELU()`) between the layers, "
                "or merge them into one layer if a linear map is what you want."
            ),
            "zh": (
                "在两层之间插入激活函数(`nn.ReLU()`、`nn.GELU()`);"
                "如果你要的就是线性映射,就把它们合并成一层。"
            ),
        },
        example={
            "en": (
                "# Bug: no activation between the layers: the same as one Linear\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.Linear(256, 10))\n"
                "# Fix: put a nonlinearity between them\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))"
            ),
            "zh": (
                "# Bug:两层之间没有激活函数:等价于一个 Linear\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.Linear(256, 10))\n"
                "# Fix:在两层之间加入非线性\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))"
            ),
        },
        false_positives={
            "en": (
                "Deliberate linear factorizations: low-rank adapters such as LoRA, "
                "linear bottlenecks and projections (e.g. to an embedding space), and "
                "depthwise-then-pointwise separable convolutions without an activation "
                "in between. nndoctor names both layers by module path, so a "
                "deliberate factorization is easy to confirm and to ignore with "
                "`--ignore M311`."
            ),
            "zh": (
                "有意的线性分解:LoRA 之类的低秩适配器、"
                "线性瓶颈和投影(例如投影到嵌入空间),"
                "以及中间不加激活的深度可分离卷积(先 depthwise 再 pointwise)。nndoctor "
                "以模块路径给出这两层,有意的分解很容易确认,并可用 `--ignore M311` "
                "忽略。"
            ),
        },
        references=(
            (
                "Seed checklist #24 'Increase network size' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Goodfellow, Bengio & Courville 2016, Deep Learning, MIT Press, ch. 6 Deep "
                "Feedforward Networks"
            ),
        ),
    ),
    dict(
        code="G401",
        name="lr-too-high",
        severity="error",
        how="P/A",
        summary={
            "en": (
                "The learning rate is too high: the loss diverges or oscillates, and "
                "the update/weight ratio is far above ~1e-3."
            ),
            "zh": "学习率过高:损失发散或剧烈振荡,参数更新与权重之比远高于约 1e-3。",
        },
        why={
            "en": (
                "Too large a step overshoots: the loss jumps around, rises or turns "
                "into NaN, sometimes after a quick initial drop. CS231n's rule of "
                "thumb is that the norm of a step's update should be about 1e-3 of the "
                "weight norm; ratios far above it mean the weights are rewritten every "
                "step. nndoctor tracks the smoothed loss and its oscillation and the "
                "per-layer update/weight ratio after each optimizer step; its active "
                "check runs an LR range test (Smith 2017) on a copy of the model and "
                "reports the learning rate it suggests."
            ),
            "zh": (
                "步长太大会越过极小值:损失来回跳动、上升或变成 NaN,"
                "有时在一开始快速下降之后才出现。CS231n 的经验法则是:"
                "每一步参数更新的范数应约为权重范数的 1e-3;"
                "远高于此说明每一步都在重写权重。nndoctor 跟踪平滑后的损失及其振荡情况,"
                "以及每次优化器更新后各层的更新/权重比;"
                "主动检查会在模型副本上做学习率范围测试(LR range test,Smith 2017),"
                "并报告它建议的学习率。"
            ),
        },
        fix={
            "en": (
                "Lower the learning rate (try 10x smaller, or the value from the range "
                "test), add a warmup (`torch.optim.lr_scheduler.LinearLR`) and, "
                "against spikes, gradient clipping (`torch.nn.utils.clip_grad_norm_`)."
            ),
            "zh": (
                "降低学习率(尝试缩小 10 倍,或使用范围测试给出的值),"
                "加上预热(`torch.optim.lr_scheduler.LinearLR`),"
                "针对尖峰再加上梯度截断(`torch.nn.utils.clip_grad_norm_`)。"
            ),
        },
        example={
            "en": (
                "# Bug: SGD with lr=1.0 on a plain MLP: the loss jumps up and diverges\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=1.0)\n"
                "# Fix: a smaller learning rate (steps of x0.1, or an LR range test)\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)"
            ),
            "zh": (
                "# Bug:普通 MLP 用 lr=1.0 的 SGD:损失跳升并发散\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=1.0)\n"
                "# Fix:更小的学习率(按 x0.1 逐步尝试,或做学习率范围测试)\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)"
            ),
        },
        false_positives={
            "en": (
                "The first steps of training, warmup phases and cyclical or one-cycle "
                "schedules have large ratios or loss bumps on purpose, and noisy "
                "small-batch losses oscillate without diverging. nndoctor smooths the "
                "loss over a window, skips the first steps, reports only a sustained "
                "rise or persistently high ratios, and runs the range test on a copy "
                "that never changes the user's model, optimizer or data order."
            ),
            "zh": (
                "训练最初几步、预热阶段以及周期性或 one-cycle 学习率计划,"
                "本来就会有较大的更新比或损失的小幅回升;"
                "小批量带来的噪声也会让损失振荡但不发散。nndoctor 在一个窗口上平滑损失,"
                "跳过最初几步,只报告持续的上升或持续偏高的更新比;范围测试在副本上进行,"
                "绝不改变用户的模型、优化器或数据顺序。"
            ),
        },
        references=(
            (
                "Seed checklist #36 'Increase/Decrease Learning Rate' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Ratio of weights:"
                "updates' (https://cs231n.github.io/neural-networks-3/)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Loss function' "
                "(https://cs231n.github.io/neural-networks-3/)"
            ),
            (
                "Smith 2017, Cyclical Learning Rates for Training Neural Networks, WACV 2017 "
                "(https://arxiv.org/abs/1506.01186)"
            ),
        ),
    ),
    dict(
        code="G402",
        name="lr-too-low",
        severity="warning",
        how="P/A",
        summary={
            "en": (
                "The learning rate is too low: the update/weight ratio is far below "
                "~1e-3 and the loss barely moves."
            ),
            "zh": "学习率过低:参数更新与权重之比远低于约 1e-3,损失几乎不动。",
        },
        why={
            "en": (
                "With a very small step the model converges so slowly that it looks as "
                "if it is not training at all; CS231n notes that an update/weight "
                "ratio far below 1e-3 points to a learning rate that is too low. "
                "nndoctor combines the per-layer update/weight ratio with the slope of "
                "the smoothed loss, and can run an LR range test on a copy of the "
                "model to suggest a better value. A gradient clip far below the "
                "gradients' norm (`clip_grad_norm_(..., max_norm=1e-3)`) has the same "
                "effect whatever the lr: nndoctor compares the gradients' norm right "
                "after `backward()` with their norm at `step()` and names the clip."
            ),
            "zh": (
                "步长非常小时,模型收敛慢得像根本没在训练;CS231n 指出,更新/权重比远低于 "
                "1e-3 说明学习率太低。nndoctor "
                "把各层的更新/权重比与平滑损失的斜率结合起来判断,"
                "并可以在模型副本上做学习率范围测试,给出更合适的值。"
                "梯度裁剪阈值远低于梯度范数(`clip_grad_norm_(..., max_norm=1e-3)`)"
                "无论学习率多大都有同样的效果:nndoctor 比较 `backward()` 刚结束时与 "
                "`step()` 时的梯度范数,并指出是裁剪造成的。"
            ),
        },
        fix={
            "en": (
                "Raise the learning rate (try 10x larger, or the value from the range "
                "test; 3e-4 to 1e-3 is a common start for Adam), and check that a "
                "scheduler has not decayed it too early (`scheduler.get_last_lr()`); "
                "with gradient clipping, set `max_norm` near the gradients' usual norm."
            ),
            "zh": (
                "提高学习率(尝试放大 10 倍,或使用范围测试给出的值;Adam 常用 3e-4 到 "
                "1e-3 作为起点),"
                "并检查学习率计划是否过早地把它衰减掉了(`scheduler.get_last_lr()`);"
                "使用梯度裁剪时,把 `max_norm` 设在梯度通常的范数附近。"
            ),
        },
        example={
            "en": (
                "# Bug: lr=1e-7: the loss hardly changes after thousands of steps\n"
                "optimizer = torch.optim.Adam(model.parameters(), lr=1e-7)\n"
                "# Fix: a standard starting point for Adam\n"
                "optimizer = torch.optim.Adam(model.parameters(), lr=3e-4)"
            ),
            "zh": (
                "# Bug:lr=1e-7:几千步之后损失几乎没变\n"
                "optimizer = torch.optim.Adam(model.parameters(), lr=1e-7)\n"
                "# Fix:Adam 的常用起始学习率\n"
                "optimizer = torch.optim.Adam(model.parameters(), lr=3e-4)"
            ),
        },
        false_positives={
            "en": (
                "Fine-tuning a pretrained model uses small learning rates on purpose, "
                "the end of a decay schedule has tiny updates by design, and frozen "
                "layers have a ratio of 0 (see M302). nndoctor requires both a tiny "
                "ratio and a flat loss, and skips parameters that no optimizer holds."
            ),
            "zh": (
                "微调预训练模型时有意使用很小的学习率,"
                "学习率衰减计划的末尾更新本来就很小,冻结的层更新比为 0(见 M302)。"
                "nndoctor 要求更新比极小且损失平坦两个条件同时成立,"
                "并跳过不在任何优化器中的参数。"
            ),
        },
        references=(
            (
                "Seed checklist #36 'Increase/Decrease Learning Rate' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Ratio of weights:"
                "updates' (https://cs231n.github.io/neural-networks-3/)"
            ),
            (
                "Smith 2017, Cyclical Learning Rates for Training Neural Networks, WACV 2017 "
                "(https://arxiv.org/abs/1506.01186)"
            ),
        ),
    ),
    dict(
        code="G403",
        name="exploding-gradients",
        severity="warning",
        how="P",
        summary={
            "en": (
                "The gradient norm spikes by orders of magnitude or grows without "
                "bound."
            ),
            "zh": "梯度范数突然飙升几个数量级,或无限制地增长。",
        },
        why={
            "en": (
                "Exploding gradients make single updates so large that they throw the "
                "weights far from where they were, causing loss spikes and, eventually,"
                " NaN; they are common in RNNs and in deep networks without "
                "normalization (Pascanu et al. 2013). nndoctor records the total and "
                "per-layer gradient norms after each backward (also when the script "
                "updates the parameters by hand, without an optimizer) and reports "
                "spikes far above the running median, bursts where the norm climbs "
                "30x within a few steps while the loss doubles, and sustained "
                "exponential growth."
            ),
            "zh": (
                "梯度爆炸会让单次更新大到把权重甩出原来的位置很远,造成损失尖峰,"
                "最终出现 NaN;在 RNN 和没有归一化的深层网络中很常见(Pascanu et al. "
                "2013)。nndoctor 在每次反向传播后记录总的和各层的梯度范数(脚本不用优化器、"
                "手动更新参数时也一样),报告远高于滑动中位数的尖峰、几步之内范数升高 30 倍"
                "同时损失翻倍的突发爆炸,以及持续的指数增长。"
            ),
        },
        fix={
            "en": (
                "Clip the gradient norm before the step "
                "(`torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)`; "
                "with AMP call `scaler.unscale_(optimizer)` first), lower the learning "
                "rate, and add normalization or a better initialization."
            ),
            "zh": (
                "在更新之前截断梯度范数(`torch.nn.utils.clip_grad_norm_(model.parameter"
                "s(), max_norm=1.0)`;使用 AMP 时先调用 `scaler.unscale_(optimizer)`),"
                "降低学习率,并加入归一化或改进初始化。"
            ),
        },
        example={
            "en": (
                "# Bug: an RNN on long sequences without clipping: the loss spikes, then NaN\n"
                "loss.backward()\n"
                "optimizer.step()\n"
                "# Fix: clip the global gradient norm before the step\n"
                "loss.backward()\n"
                "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)\n"
                "optimizer.step()"
            ),
            "zh": (
                "# Bug:长序列上训练 RNN 却不做截断:损失出现尖峰,随后变成 NaN\n"
                "loss.backward()\n"
                "optimizer.step()\n"
                "# Fix:在更新之前截断全局梯度范数\n"
                "loss.backward()\n"
                "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)\n"
                "optimizer.step()"
            ),
        },
        false_positives={
            "en": (
                "Gradient norms are large at the start of training and fall quickly, "
                "occasional spikes occur in healthy runs, and under mixed precision "
                "the scaled gradients are huge until unscaled. nndoctor measures norms "
                "after GradScaler unscaling, compares them with a running median "
                "rather than a fixed value, reports only spikes of orders of magnitude "
                "or sustained growth, and says when clipping is already active."
            ),
            "zh": (
                "训练刚开始时梯度范数较大但会很快下降,健康的训练中也会偶尔出现尖峰;"
                "在混合精度下,未反缩放的梯度本来就很大。nndoctor 在 GradScaler "
                "反缩放之后测量范数,与滑动中位数而不是固定值比较,"
                "只报告数量级上的尖峰或持续增长,并会注明是否已经启用了梯度截断。"
            ),
        },
        references=(
            (
                "Seed checklist #35 'Exploding / Vanishing gradients' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Pascanu, Mikolov & Bengio 2013, On the difficulty of training recurrent "
                "neural networks, ICML 2013 (https://arxiv.org/abs/1211.5063)"
            ),
            (
                "PyTorch documentation: torch.nn.utils.clip_grad_norm_; Automatic Mixed "
                "Precision examples (gradient clipping)"
            ),
        ),
    ),
    dict(
        code="G404",
        name="vanishing-gradients",
        severity="warning",
        how="P",
        summary={
            "en": (
                "Gradient norms of early layers are orders of magnitude below those of "
                "later layers, near zero."
            ),
            "zh": "靠前各层的梯度范数比靠后各层小几个数量级,接近于零。",
        },
        why={
            "en": (
                "When each layer shrinks the backward signal (saturating activations, "
                "a poor init, many layers without residual connections or "
                "normalization), the first layers receive almost no gradient and stop "
                "learning while the last layers still train (Glorot & Bengio 2010; "
                "Pascanu et al. 2013). nndoctor compares per-layer gradient norms, "
                "relative to the parameter norms, in depth order and reports when the "
                "earliest layers are orders of magnitude below the later ones."
            ),
            "zh": (
                "当每一层都会让反向传播的信号变小时(饱和的激活函数、不当的初始化、"
                "很多层却没有残差连接或归一化),最前面的几层几乎收不到梯度,停止学习,"
                "而最后几层仍在训练(Glorot & Bengio 2010;Pascanu et al. 2013)。"
                "nndoctor 按深度顺序比较各层梯度范数相对于参数范数的大小,"
                "当最前面的层比后面的层小几个数量级时报告。"
            ),
        },
        fix={
            "en": (
                "Use ReLU-family activations with He init, add normalization "
                "(`nn.BatchNorm2d`, `nn.LayerNorm`) and residual connections, or use "
                "gated recurrent units (`nn.LSTM`, `nn.GRU`) instead of a plain "
                "`nn.RNN`."
            ),
            "zh": (
                "使用 ReLU 类激活函数配合 He 初始化,加入归一化(`nn.BatchNorm2d`、"
                "`nn.LayerNorm`)和残差连接,或用带门控的循环单元(`nn.LSTM`、`nn.GRU`)"
                "代替普通的 `nn.RNN`。"
            ),
        },
        example={
            "en": (
                "# Bug: a 20-layer sigmoid MLP: the first layers get almost no gradient\n"
                "layers = []\n"
                "for _ in range(20):\n"
                "    layers += [nn.Linear(256, 256), nn.Sigmoid()]\n"
                "model = nn.Sequential(*layers)\n"
                "# Fix: ReLU with He init and normalization (or residual connections)\n"
                "layers = []\n"
                "for _ in range(20):\n"
                "    lin = nn.Linear(256, 256)\n"
                "    nn.init.kaiming_normal_(lin.weight, nonlinearity='relu')\n"
                "    layers += [lin, nn.LayerNorm(256), nn.ReLU()]\n"
                "model = nn.Sequential(*layers)"
            ),
            "zh": (
                "# Bug:20 层的 sigmoid MLP:前面几层几乎收不到梯度\n"
                "layers = []\n"
                "for _ in range(20):\n"
                "    layers += [nn.Linear(256, 256), nn.Sigmoid()]\n"
                "model = nn.Sequential(*layers)\n"
                "# Fix:ReLU 配合 He 初始化和归一化(或残差连接)\n"
                "layers = []\n"
                "for _ in range(20):\n"
                "    lin = nn.Linear(256, 256)\n"
                "    nn.init.kaiming_normal_(lin.weight, nonlinearity='relu')\n"
                "    layers += [lin, nn.LayerNorm(256), nn.ReLU()]\n"
                "model = nn.Sequential(*layers)"
            ),
        },
        false_positives={
            "en": (
                "Frozen or pretrained early layers, whose small gradients do not "
                "matter, embeddings with sparse gradients, and the general decrease of "
                "gradients as training converges. nndoctor skips parameters that no "
                "optimizer holds, compares layers with each other at the same step "
                "rather than with a fixed level, and requires the gap to persist over "
                "many steps."
            ),
            "zh": (
                "被冻结或已经预训练好的前几层(梯度小并无妨)、梯度稀疏的词嵌入,"
                "以及随着训练收敛梯度整体变小的情况。nndoctor "
                "跳过不在任何优化器中的参数,"
                "在同一步内把各层相互比较而不是与固定水平比较,"
                "并要求这种差距持续许多步。"
            ),
        },
        references=(
            (
                "Seed checklist #35 'Exploding / Vanishing gradients' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Glorot & Bengio 2010, Understanding the difficulty of training deep "
                "feedforward neural networks, AISTATS 2010"
            ),
            (
                "Pascanu, Mikolov & Bengio 2013, On the difficulty of training recurrent "
                "neural networks, ICML 2013 (https://arxiv.org/abs/1211.5063)"
            ),
            (
                "Bengio, Simard & Frasconi 1994, Learning long-term dependencies with gradient "
                "descent is difficult, IEEE Transactions on Neural Networks 5(2)"
            ),
            "He, Zhang, Ren & Sun 2016, Deep Residual Learning for Image Recognition, CVPR 2016",
        ),
    ),
    dict(
        code="G405",
        name="weights-diverging",
        severity="warning",
        how="P",
        summary={
            "en": "Parameter or bias norms grow without bound.",
            "zh": "参数或偏置的范数无限制地增长。",
        },
        why={
            "en": (
                "Weights that keep growing point to an unstable optimization: too high "
                "a learning rate, or a loss that rewards ever larger outputs (such as "
                "NLL on raw logits); they end in saturation, overflow and NaN. The "
                "Deeplearning4j guide says to watch for parameters diverging to +/- "
                "infinity and for biases that become very large, which can happen in a "
                "classifier's output layer when the classes are imbalanced. nndoctor "
                "tracks the norm of each parameter across steps and reports sustained, "
                "accelerating growth."
            ),
            "zh": (
                "不断增大的权重说明优化不稳定:学习率过高,"
                "或者损失会奖励越来越大的输出(例如对原始 logits 使用 NLL);"
                "最终会导致饱和、溢出和 NaN。Deeplearning4j 指南提醒留意那些向 +/- "
                "无穷发散的参数,以及变得很大的偏置,"
                "后者可能出现在类别分布不均匀时分类器的输出层。nndoctor "
                "跟踪每个参数在各步之间的范数,报告持续且加速的增长。"
            ),
        },
        fix={
            "en": (
                "Lower the learning rate, add weight decay (`torch.optim.AdamW(..., "
                "weight_decay=0.01)`), check the loss for an unbounded direction (L203)"
                ", and handle class imbalance if the output biases are the ones "
                "growing (D107)."
            ),
            "zh": (
                "降低学习率,加入权重衰减(`torch.optim.AdamW(..., weight_decay=0.01)`),"
                "检查损失是否存在无下界的方向(L203);如果增长的是输出层偏置,"
                "就处理类别不平衡(D107)。"
            ),
        },
        example={
            "en": (
                "# Bug: NLL on raw logits: making the logits larger lowers the loss forever\n"
                "loss = F.nll_loss(model(x), y)           # the weights grow without bound\n"
                "# Fix: proper log-probabilities, plus some weight decay\n"
                "loss = F.cross_entropy(model(x), y)\n"
                "optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)"
            ),
            "zh": (
                "# Bug:对原始 logits 使用 NLL:logits 越大损失越低,永无止境\n"
                "loss = F.nll_loss(model(x), y)           # 权重无限制地增长\n"
                "# Fix:使用正确的对数概率,再加一些权重衰减\n"
                "loss = F.cross_entropy(model(x), y)\n"
                "optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)"
            ),
        },
        false_positives={
            "en": (
                "Weight norms grow slowly in healthy training without weight decay, "
                "especially for layers followed by normalization, which are "
                "scale-invariant. nndoctor reports only growth that is fast relative "
                "to the initial norm and does not level off, and treats slow, "
                "square-root-like growth as normal."
            ),
            "zh": (
                "在没有权重衰减的健康训练中,权重范数也会缓慢增长,"
                "尤其是后面接归一化层的层(它们对尺度不敏感)。nndoctor "
                "只报告相对初始范数增长很快且没有趋于平稳的情况,"
                "把类似平方根的缓慢增长视为正常。"
            ),
        },
        references=(
            (
                "Seed checklist #33 'Visualize the training' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Deeplearning4j, 'Visualizing network training' guide",
        ),
    ),
    dict(
        code="G406",
        name="loss-plateau",
        severity="error",
        how="P",
        summary={
            "en": (
                "The loss does not decrease from the start, or stalls at a constant "
                "level (often the mean-prediction level)."
            ),
            "zh": "损失从一开始就不下降,或停滞在某个常数水平(常常是「预测均值」的水平)。",
        },
        why={
            "en": (
                "A loss that is flat from the first step, or that stalls at the chance "
                "level (ln C for classification) or at the variance of the targets "
                "(the MSE of predicting their mean), means the model has settled on "
                "the trivial solution and is not learning from its inputs. Causes "
                "include a learning rate far off, blocked gradients, dead or saturated "
                "units, a broadcasting loss (L204) or unlearnable labels. nndoctor "
                "fits the trend of the smoothed loss over a window and compares the "
                "plateau level with the chance and mean-prediction levels it computes "
                "from the targets."
            ),
            "zh": (
                "损失从第一步起就平坦,或停滞在随机水平(分类时为 ln C)"
                "或目标的方差(即一直预测均值时的 MSE),说明模型停在了平凡解上,"
                "并没有从输入中学习。原因可能是学习率严重不当、梯度被阻断、"
                "单元死亡或饱和、损失中的广播错误(L204),或者标签不可学习。nndoctor "
                "在一个窗口上拟合平滑损失的趋势,"
                "并把平台的水平与它根据目标算出的随机水平和预测均值水平相比较。"
            ),
        },
        fix={
            "en": (
                "Look at the other findings for the cause; then try the learning rate "
                "x10 and x0.1, run the overfit-one-batch test (M308), and check that "
                "gradients reach every layer (M303, G404)."
            ),
            "zh": (
                "先从其他诊断中寻找原因;然后把学习率乘以 10 和 0.1 各试一次,"
                "做过拟合单个批量的测试(M308),并检查梯度是否到达每一层(M303、G404)。"
            ),
        },
        example={
            "en": (
                "# Bug: (N, 1) vs (N,) broadcasting: the loss stalls at the variance of y\n"
                "loss = F.mse_loss(model(x), y)\n"
                "# Fix: matching shapes; compare the loss with the mean-prediction baseline\n"
                "loss = F.mse_loss(model(x).squeeze(-1), y)\n"
                "baseline = F.mse_loss(y.mean().expand_as(y), y)   # always predicting the mean"
            ),
            "zh": (
                "# Bug:(N, 1) 对 (N,) 的广播:损失停在 y 的方差上\n"
                "loss = F.mse_loss(model(x), y)\n"
                "# Fix:让形状一致;并把损失与预测均值的基线比较\n"
                "loss = F.mse_loss(model(x).squeeze(-1), y)\n"
                "baseline = F.mse_loss(y.mean().expand_as(y), y)   # 一直预测均值时的损失"
            ),
        },
        false_positives={
            "en": (
                "A converged model also has a flat loss, and some tasks show a long "
                "initial plateau before a sudden drop. nndoctor reports a plateau only "
                "when its level is close to the chance or mean-prediction level, or "
                "when the loss has not moved at all since the first steps, and it "
                "ignores warmup; a converged run well below those levels stays silent."
            ),
            "zh": (
                "已经收敛的模型损失同样是平坦的;"
                "有些任务在突然下降之前会有很长的初始平台期。nndoctor "
                "只在平台水平接近随机水平或预测均值水平,"
                "或损失自最初几步以来完全没有变化时才报告,并忽略预热阶段;"
                "收敛在远低于这些水平处的运行不会被报告。"
            ),
        },
        references=(
            (
                "Seed checklist #29 'Change your hyperparameters' (in Ivanov 2017, 37 Reasons "
                "why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #36 'Increase/Decrease Learning Rate' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Loss function' "
                "(https://cs231n.github.io/neural-networks-3/)"
            ),
            (
                "Karpathy 2019, A Recipe for Training Neural Networks, 'verify decreasing "
                "training loss' (https://karpathy.github.io/2019/04/25/recipe/)"
            ),
        ),
    ),
    dict(
        code="G407",
        name="over-regularized",
        severity="warning",
        how="P/A",
        summary={
            "en": (
                "Weight decay, dropout or other regularization is so strong that the "
                "model underfits."
            ),
            "zh": "权重衰减、dropout 或其他正则化过强,导致模型欠拟合。",
        },
        why={
            "en": (
                "Regularization trades training fit for generalization; too much of it "
                "(a large weight decay, dropout of 0.5 everywhere, heavy augmentation "
                "and label smoothing together) keeps even the training loss high, and "
                "the validation loss tracks it closely with no overfitting gap. The "
                "seed checklist quotes Jeremy Howard: first get rid of underfitting, "
                "i.e. overfit the data, and only then deal with overfitting. nndoctor "
                "reads the regularization settings (optimizer `weight_decay`, Dropout "
                "`p`) and the train/validation gap; its active check trains a copy "
                "briefly with regularization removed and reports when that copy fits "
                "far better."
            ),
            "zh": (
                "正则化是用训练集上的拟合换取泛化;过多的正则化(很大的权重衰减、处处 "
                "0.5 的 dropout、重度增强加标签平滑)会让训练损失也居高不下,"
                "验证损失紧贴训练损失,没有过拟合的差距。种子清单引用了 Jeremy Howard "
                "的建议:先解决欠拟合,也就是先充分地过拟合数据,然后再处理过拟合。"
                "nndoctor 读取正则化设置(优化器的 `weight_decay`、Dropout 的 `p`)"
                "以及训练/验证之间的差距;主动检查会在去掉正则化的副本上短暂训练,"
                "若它拟合得好得多就报告。"
            ),
        },
        fix={
            "en": (
                "Reduce regularization (e.g. `weight_decay=5e-4` instead of `1e-1` for "
                "SGD, `nn.Dropout(p=0.1)`), get the training loss down first, then add "
                "regularization back while watching the validation loss."
            ),
            "zh": (
                "减少正则化(例如 SGD 用 `weight_decay=5e-4` 而不是 `1e-1`,"
                "`nn.Dropout(p=0.1)`),先把训练损失降下来,"
                "再一边观察验证损失一边逐步加回正则化。"
            ),
        },
        example={
            "en": (
                "# Bug: huge weight decay plus heavy dropout: the training loss stays high\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.8),\n"
                "                      nn.Linear(256, 10))\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=0.1)\n"
                "# Fix: mild regularization, increased only once the model overfits\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.1),\n"
                "                      nn.Linear(256, 10))\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=5e-4)"
            ),
            "zh": (
                "# Bug:极大的权重衰减加上很强的 dropout:训练损失一直很高\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.8),\n"
                "                      nn.Linear(256, 10))\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=0.1)\n"
                "# Fix:温和的正则化,等模型出现过拟合时再加强\n"
                "model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.1),\n"
                "                      nn.Linear(256, 10))\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=5e-4)"
            ),
        },
        false_positives={
            "en": (
                "Strong regularization used on purpose with a long schedule (the "
                "training loss comes down later), and AdamW's decoupled weight decay, "
                "whose usual values (0.01 to 0.1) are much larger than SGD's. nndoctor "
                "interprets `weight_decay` per optimizer type and reports only when "
                "the training loss stays high with a small train/validation gap, or "
                "when the unregularized copy fits much better."
            ),
            "zh": (
                "配合长训练计划有意使用的强正则化(训练损失会在后期降下来),以及 AdamW "
                "的解耦权重衰减,其常用值(0.01 到 0.1)比 SGD 的大得多。nndoctor "
                "按优化器类型解读 `weight_decay`,"
                "只在训练损失居高不下且训练/验证差距很小,"
                "或去掉正则化的副本拟合得明显更好时才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #30 'Reduce regularization' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #13 'Do you have too much data augmentation?' (in Ivanov 2017, "
                "37 Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov 2014, Dropout: A "
                "Simple Way to Prevent Neural Networks from Overfitting, JMLR 15"
            ),
            "Loshchilov & Hutter 2019, Decoupled Weight Decay Regularization, ICLR 2019",
            (
                "Goodfellow, Bengio & Courville 2016, Deep Learning, MIT Press, ch. 7 "
                "Regularization for Deep Learning"
            ),
        ),
    ),
    dict(
        code="G408",
        name="overfitting",
        severity="info",
        how="P",
        summary={
            "en": (
                "The training loss falls while the validation loss rises; info until "
                "the gap is large."
            ),
            "zh": "训练损失下降而验证损失上升;差距不大时仅作提示。",
        },
        why={
            "en": (
                "Once the model starts to memorize the training set, the validation "
                "loss turns upward while the training loss keeps falling, and training "
                "further only makes the model worse on new data. nndoctor compares the "
                "smoothed training and validation losses (when validation losses are "
                "recorded) and reports the step at which the validation loss started "
                "to rise and the size of the gap. It stays at info until the gap is "
                "large, and then becomes a warning."
            ),
            "zh": (
                "一旦模型开始记忆训练集,验证损失就会掉头上升,而训练损失继续下降;"
                "继续训练只会让模型在新数据上变得更差。nndoctor "
                "比较平滑后的训练损失和验证损失(在记录了验证损失时),"
                "报告验证损失开始上升的步数以及差距的大小。差距不大时保持 info 级别,"
                "差距很大时升为 warning。"
            ),
        },
        fix={
            "en": (
                "Keep the checkpoint with the best validation loss (early stopping), "
                "and add regularization: data augmentation, `weight_decay`, "
                "`nn.Dropout`, or more data."
            ),
            "zh": (
                "保存验证损失最好的检查点(早停),并加入正则化:数据增强、`weight_decay`、"
                "`nn.Dropout`,或者增加数据。"
            ),
        },
        example={
            "en": (
                "# Bug: a fixed number of epochs, keeping the last weights\n"
                "for epoch in range(200):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "# Fix: early stopping on the validation loss\n"
                "best = float('inf')\n"
                "for epoch in range(200):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "    val = evaluate(model, val_loader)\n"
                "    if val < best:\n"
                "        best = val\n"
                "        torch.save(model.state_dict(), 'best.pt')"
            ),
            "zh": (
                "# Bug:训练固定的 epoch 数,保留最后的权重\n"
                "for epoch in range(200):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "# Fix:根据验证损失早停\n"
                "best = float('inf')\n"
                "for epoch in range(200):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "    val = evaluate(model, val_loader)\n"
                "    if val < best:\n"
                "        best = val\n"
                "        torch.save(model.state_dict(), 'best.pt')"
            ),
        },
        false_positives={
            "en": (
                "The validation loss can rise while the validation accuracy still "
                "improves (the model grows over-confident on a few samples), small "
                "validation sets produce noisy false upturns, and deliberately "
                "overfitting a small batch for debugging is expected. nndoctor smooths "
                "both curves, requires a sustained rise, and keeps the finding at info "
                "until the gap is large."
            ),
            "zh": (
                "验证损失上升时验证准确率可能仍在提高(模型只是对少数样本过于自信);"
                "很小的验证集会带来噪声造成的虚假回升;"
                "为调试有意过拟合一个小批量时出现这种情况也在预料之中。nndoctor "
                "对两条曲线都做平滑,要求持续上升,并在差距变大之前保持 info 级别。"
            ),
        },
        references=(
            (
                "CS231n Neural Networks Part 3: Learning and Evaluation, 'Train/Val accuracy' "
                "(https://cs231n.github.io/neural-networks-3/)"
            ),
            "Prechelt 1998, Early Stopping - But When?, in Neural Networks: Tricks of the Trade",
            (
                "Seed checklist #30 'Reduce regularization' (in Ivanov 2017, 37 Reasons why "
                "your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
        ),
    ),
    dict(
        code="G409",
        name="undertrained",
        severity="info",
        how="P",
        summary={
            "en": "The loss is still falling steadily when training stops.",
            "zh": "训练结束时损失仍在稳步下降。",
        },
        why={
            "en": (
                "If the training (and validation) loss is still on a clear downward "
                "slope at the last step, the model has not converged and more training "
                "would probably help; the seed checklist's advice is to give it time "
                "when the loss is steadily decreasing. nndoctor fits the slope of the "
                "smoothed loss over the last part of the run and reports when it is "
                "still clearly negative at the end."
            ),
            "zh": (
                "如果到最后一步训练(和验证)损失仍在明显下降,说明模型还没有收敛,"
                "多训练一会儿很可能有帮助;种子清单的建议是:如果损失在稳步下降,"
                "就再多训练一会儿。nndoctor 在运行的最后一段拟合平滑损失的斜率,"
                "如果结束时斜率仍明显为负就报告。"
            ),
        },
        fix={
            "en": (
                "Train for more epochs, or use a schedule that completes its decay at "
                "the end of the budget, such as "
                "`torch.optim.lr_scheduler.CosineAnnealingLR` or `OneCycleLR`."
            ),
            "zh": (
                "训练更多的 epoch,或使用在预算结束时恰好完成衰减的学习率计划,例如 "
                "`torch.optim.lr_scheduler.CosineAnnealingLR` 或 `OneCycleLR`。"
            ),
        },
        example={
            "en": (
                "# Bug: training stops while the loss is still falling\n"
                "for epoch in range(3):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "# Fix: a longer run with a schedule that decays to the end\n"
                "epochs = 30\n"
                "scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)\n"
                "for epoch in range(epochs):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "    scheduler.step()"
            ),
            "zh": (
                "# Bug:损失还在下降,训练就结束了\n"
                "for epoch in range(3):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "# Fix:训练更久,并使用一直衰减到结束的学习率计划\n"
                "epochs = 30\n"
                "scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)\n"
                "for epoch in range(epochs):\n"
                "    train_one_epoch(model, loader, optimizer)\n"
                "    scheduler.step()"
            ),
        },
        false_positives={
            "en": (
                "Short smoke tests, debugging runs, and runs stopped on purpose (a "
                "time budget, or early stopping on a validation metric while the "
                "training loss still falls). nndoctor keeps this finding at info and "
                "never fails a run with it."
            ),
            "zh": (
                "简短的冒烟测试、调试运行,以及有意停止的运行(时间预算用完,"
                "或在训练损失仍下降时根据验证指标早停)。nndoctor 把此项保持在 info "
                "级别,绝不会因此让运行失败。"
            ),
        },
        references=(
            (
                "Seed checklist #31 'Give it time' (in Ivanov 2017, 37 Reasons why your Neural "
                "Network is not working; Chinese translation: seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Hoffer, Hubara & Soudry 2017, Train longer, generalize better: closing the "
                "generalization gap in large batch training of neural networks, NeurIPS 2017"
            ),
        ),
    ),
    dict(
        code="G410",
        name="bad-optimizer-config",
        severity="error",
        how="P",
        summary={
            "en": (
                "Optimizer settings outside sane ranges: momentum >= 1, Adam betas "
                "outside (0, 1), a huge eps or a huge weight decay."
            ),
            "zh": (
                "优化器设置超出合理范围:动量 >= 1、Adam 的 betas 不在 (0, 1) 内、eps "
                "极大或权重衰减极大。"
            ),
        },
        why={
            "en": (
                "With momentum 1 SGD never forgets past gradients and oscillates "
                "without damping, and above 1 it diverges; Adam betas at or above 1 "
                "break its moving averages and bias correction; an eps comparable to "
                "the gradient scale turns Adam into plain SGD with a tiny step; a "
                "weight decay so large that lr x weight_decay is a sizeable fraction "
                "shrinks the weights every step. PyTorch validates some values when "
                "the optimizer is built (Adam rejects betas outside [0, 1)), but not "
                "momentum >= 1 for SGD and not values changed later in `param_groups`. "
                "nndoctor reads every param_group of the optimizer at each step and "
                "checks these values against sane ranges. A ReduceLROnPlateau set to the "
                "wrong mode for its metric (mode='max' given a loss, or the default "
                "mode='min' given an accuracy) sees no improvement while the model learns "
                "and cuts the learning rate again and again: nndoctor compares the values "
                "handed to its step() with the loss."
            ),
            "zh": (
                "动量为 1 时 SGD 永远不会遗忘过去的梯度,振荡得不到阻尼,大于 1 "
                "时则直接发散;Adam 的 betas 大于或等于 1 会破坏其滑动平均和偏差校正;"
                "eps 与梯度同一量级时,Adam 退化为步长极小的普通 SGD;权重衰减大到 lr x "
                "weight_decay 成为可观的比例时,权重每一步都会被大幅缩小。PyTorch "
                "在创建优化器时会校验部分取值(Adam 不接受 [0, 1) 之外的 betas),"
                "但不检查 SGD 的动量 >= 1,也不检查之后在 `param_groups` 中修改的值。"
                "nndoctor 在每一步读取优化器的每个 param_group,"
                "并把这些值与合理范围比较。ReduceLROnPlateau 的 mode 与其指标不符时"
                "(给 mode='max' 传入损失,或给默认的 mode='min' 传入准确率),"
                "模型明明在学习,它却看不到改进,一次又一次地降低学习率:"
                "nndoctor 把传给它的 step() 的值与损失进行比较。"
            ),
        },
        fix={
            "en": (
                "Use standard values: SGD `momentum=0.9`; Adam/AdamW `betas=(0.9, "
                "0.999)`, `eps=1e-8`; `weight_decay` around 1e-4 to 5e-4 for SGD and "
                "0.01 to 0.1 for AdamW. ReduceLROnPlateau: `mode='min'` for a loss, "
                "`mode='max'` for an accuracy."
            ),
            "zh": (
                "使用标准取值:SGD 的 `momentum=0.9`;Adam/AdamW 的 `betas=(0.9, 0.999)"
                "`、`eps=1e-8`;`weight_decay` 对 SGD 约为 1e-4 到 5e-4,对 AdamW 约为 "
                "0.01 到 0.1。ReduceLROnPlateau:损失用 `mode='min'`,准确率用 "
                "`mode='max'`。"
            ),
        },
        example={
            "en": (
                "# Bug: momentum=1.0 (PyTorch accepts it): the velocity never decays\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=1.0)\n"
                "# Fix: a standard momentum\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)"
            ),
            "zh": (
                "# Bug:momentum=1.0(PyTorch 不会拒绝):速度项永不衰减\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=1.0)\n"
                "# Fix:使用标准的动量值\n"
                "optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)"
            ),
        },
        false_positives={
            "en": (
                "Unusual but deliberate settings from published recipes: Adam with "
                "beta1 = 0 or 0.5 for GANs, RMSprop with eps = 1.0 as in "
                "Inception-v3's training, large AdamW weight decay with a small "
                "learning rate. nndoctor flags only values outside the valid ranges or "
                "far beyond any published recipe, judges weight decay together with "
                "the learning rate and optimizer type, and names the param_group and "
                "the value."
            ),
            "zh": (
                "来自已发表方案的少见但有意的设置:GAN 中 beta1 = 0 或 0.5 的 Adam、"
                "Inception-v3 训练中 eps = 1.0 的 RMSprop、配合很小学习率的较大 AdamW "
                "权重衰减。nndoctor 只报告超出有效范围或远超任何已发表方案的取值,"
                "结合学习率和优化器类型来判断权重衰减,并给出 param_group 和具体取值。"
            ),
        },
        references=(
            (
                "Seed checklist #34 'Try a different optimizer' (in Ivanov 2017, 37 Reasons "
                "why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Kingma & Ba 2015, Adam: A Method for Stochastic Optimization, ICLR 2015",
            (
                "Sutskever, Martens, Dahl & Hinton 2013, On the importance of initialization "
                "and momentum in deep learning, ICML 2013"
            ),
            "Loshchilov & Hutter 2019, Decoupled Weight Decay Regularization, ICLR 2019",
            "PyTorch documentation: torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW",
        ),
    ),
    dict(
        code="T501",
        name="missing-zero-grad",
        severity="error",
        how="P",
        summary={
            "en": (
                "Gradients accumulate across steps: optimizer.zero_grad() (or "
                "model.zero_grad()) is never called between steps."
            ),
            "zh": (
                "梯度在各步之间不断累加:两步之间从未调用 optimizer.zero_grad()(或 "
                "model.zero_grad())。"
            ),
        },
        why={
            "en": (
                "PyTorch adds new gradients to `.grad` instead of replacing them; "
                "without zeroing, each step applies the sum of all gradients so far, "
                "so the effective step grows every iteration and training oscillates "
                "or diverges. nndoctor watches `.grad` around backward calls and "
                "optimizer steps, and reports when gradients from before one optimizer "
                "step are still present (neither reset to None nor zeroed) in the next,"
                " over many consecutive steps."
            ),
            "zh": (
                "PyTorch 会把新梯度累加到 `.grad` 上,而不是替换;如果不清零,"
                "每一步应用的都是迄今为止所有梯度之和,有效步长一步比一步大,"
                "训练随之振荡或发散。nndoctor 在反向传播和优化器更新前后观察 `.grad`,"
                "如果连续许多步中,"
                "上一次优化器更新之前的梯度在下一次更新时仍然存在(既没有置为 None "
                "也没有清零),就报告此项。"
            ),
        },
        fix={
            "en": (
                "Call `optimizer.zero_grad()` (which sets grads to None by default) "
                "once per step, before `loss.backward()`."
            ),
            "zh": (
                "每一步在 `loss.backward()` 之前调用一次 `optimizer.zero_grad()"
                "`(默认会把梯度置为 None)。"
            ),
        },
        example={
            "en": (
                "# Bug: zero_grad is never called: the gradients add up step after step\n"
                "for x, y in loader:\n"
                "    loss = criterion(model(x), y)\n"
                "    loss.backward()\n"
                "    optimizer.step()\n"
                "# Fix: clear the gradients every step\n"
                "for x, y in loader:\n"
                "    optimizer.zero_grad()\n"
                "    loss = criterion(model(x), y)\n"
                "    loss.backward()\n"
                "    optimizer.step()"
            ),
            "zh": (
                "# Bug:从不调用 zero_grad:梯度一步步累加\n"
                "for x, y in loader:\n"
                "    loss = criterion(model(x), y)\n"
                "    loss.backward()\n"
                "    optimizer.step()\n"
                "# Fix:每一步都清空梯度\n"
                "for x, y in loader:\n"
                "    optimizer.zero_grad()\n"
                "    loss = criterion(model(x), y)\n"
                "    loss.backward()\n"
                "    optimizer.step()"
            ),
        },
        false_positives={
            "en": (
                "Gradient accumulation on purpose: several backward calls per "
                "optimizer step, with zero_grad after each step. nndoctor counts "
                "backward calls and zero_grad calls between optimizer steps, so "
                "accumulation over k micro-batches followed by a reset is silent; it "
                "reports only when gradients carry over across optimizer steps."
            ),
            "zh": (
                "有意的梯度累积:每次优化器更新对应多次反向传播,每次更新之后再调用 "
                "zero_grad。nndoctor 统计两次优化器更新之间的反向传播次数和 zero_grad "
                "调用,因此「累积 k 个微批量后清零」的做法不会被报告;"
                "只有梯度跨越优化器更新被带到下一步时才报告。"
            ),
        },
        references=(
            "Karpathy 2018, 'most common neural net mistakes' (Twitter)",
            "PyTorch documentation: torch.optim.Optimizer.zero_grad",
        ),
    ),
    dict(
        code="T502",
        name="step-order",
        severity="error",
        how="P",
        summary={
            "en": (
                "optimizer.step() is never called, is called before backward(), or the "
                "LR scheduler steps before the optimizer."
            ),
            "zh": (
                "从未调用 optimizer.step()、在 backward() 之前调用了它,"
                "或学习率调度器先于优化器调用 step。"
            ),
        },
        why={
            "en": (
                "Without `optimizer.step()` the weights never change; a step before "
                "`backward()` applies the previous iteration's gradients, or none at "
                "all if zero_grad came first. Since PyTorch 1.1, `scheduler.step()` "
                "must come after `optimizer.step()`; the other order skips the first "
                "value of the schedule, and PyTorch warns about it. nndoctor records "
                "the order of backward, optimizer.step, zero_grad and scheduler.step "
                "in each iteration and reports the first iteration whose order is "
                "wrong. It also counts backward passes whose gradients a zero_grad() "
                "clears before any step used them: `optimizer.step()` dedented out of "
                "the batch loop, or zero_grad() inside a gradient-accumulation loop, "
                "throws most computed gradients away."
            ),
            "zh": (
                "不调用 `optimizer.step()`,权重永远不会改变;在 `backward()` 之前调用 "
                "step,应用的是上一轮的梯度,如果之前已经 zero_grad,则什么也不会更新。从 "
                "PyTorch 1.1 起,`scheduler.step()` 必须在 `optimizer.step()` 之后调用;"
                "顺序颠倒会跳过学习率计划的第一个值,PyTorch 也会对此发出警告。nndoctor "
                "记录每一轮中 backward、optimizer.step、zero_grad 和 scheduler.step "
                "的调用顺序,报告第一个顺序出错的轮次。它还会统计那些在任何 step 使用之前"
                "就被 zero_grad() 清掉梯度的 backward:`optimizer.step()` 被缩进到批次循环"
                "之外,或 zero_grad() 放在梯度累积循环之内,都会把大部分算出的梯度丢掉。"
            ),
        },
        fix={
            "en": (
                "Use the order `optimizer.zero_grad()`, `loss.backward()`, "
                "`optimizer.step()`, then `scheduler.step()` (per batch or per epoch, "
                "as the scheduler expects)."
            ),
            "zh": (
                "按 `optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`、"
                "`scheduler.step()` 的顺序调用(调度器按批量还是按 epoch 调用,"
                "取决于它的设计)。"
            ),
        },
        example={
            "en": (
                "# Bug: step() runs before backward(): it applies no (or stale) gradients\n"
                "optimizer.zero_grad()\n"
                "optimizer.step()\n"
                "loss = criterion(model(x), y)\n"
                "loss.backward()\n"
                "# Fix: backward, then the optimizer step, then the scheduler\n"
                "optimizer.zero_grad()\n"
                "loss = criterion(model(x), y)\n"
                "loss.backward()\n"
                "optimizer.step()\n"
                "scheduler.step()"
            ),
            "zh": (
                "# Bug:step() 在 backward() 之前执行:应用的是空的(或过期的)梯度\n"
                "optimizer.zero_grad()\n"
                "optimizer.step()\n"
                "loss = criterion(model(x), y)\n"
                "loss.backward()\n"
                "# Fix:先 backward,再更新优化器,最后更新调度器\n"
                "optimizer.zero_grad()\n"
                "loss = criterion(model(x), y)\n"
                "loss.backward()\n"
                "optimizer.step()\n"
                "scheduler.step()"
            ),
        },
        false_positives={
            "en": (
                "Optimizers that take a closure (`torch.optim.LBFGS`, "
                "`optimizer.step(closure)`) call backward inside step, and with AMP a "
                "`GradScaler` skips `optimizer.step()` on steps with inf gradients, "
                "which can make PyTorch's scheduler-order warning appear although the "
                "code is right. nndoctor treats `step(closure)` as containing the "
                "backward and counts a step skipped by the scaler as a step."
            ),
            "zh": (
                "接收闭包的优化器(`torch.optim.LBFGS`、`optimizer.step(closure)`)在 "
                "step 内部调用 backward;使用 AMP 时,`GradScaler` 会在梯度含 inf "
                "的步跳过 `optimizer.step()`,这可能使 PyTorch "
                "关于调度器顺序的警告在代码正确时也出现。nndoctor 把 `step(closure)` "
                "视为包含了 backward,并把被 scaler 跳过的更新也算作一次 step。"
            ),
        },
        references=(
            (
                "PyTorch documentation: torch.optim, 'How to adjust learning rate' "
                "(scheduler.step() after optimizer.step())"
            ),
            "PyTorch documentation: torch.optim.Optimizer.step (closure)",
        ),
    ),
    dict(
        code="T503",
        name="eval-mode-training",
        severity="warning",
        how="P",
        summary={
            "en": (
                "The model is in eval mode while it trains, so Dropout and BatchNorm "
                "behave as at test time."
            ),
            "zh": "模型在训练时处于 eval 模式,Dropout 和 BatchNorm 的行为与测试时相同。",
        },
        why={
            "en": (
                "After `model.eval()` (for validation) the model stays in eval mode "
                "until `model.train()` is called; training then runs without dropout, "
                "and BatchNorm normalizes with its running statistics and stops "
                "updating them, which slows or destabilizes training and removes "
                "regularization. nndoctor looks at forwards whose gradients reach an "
                "optimizer step, and reports those made while mode-dependent modules "
                "(Dropout, BatchNorm and the like) had `training == False`."
            ),
            "zh": (
                "调用 `model.eval()`(用于验证)之后,模型会一直处于 eval 模式,直到调用 "
                "`model.train()`;于是训练在没有 dropout 的情况下进行,BatchNorm "
                "用滑动统计量做归一化并停止更新它们,这会让训练变慢或不稳定,"
                "也失去了正则化效果。nndoctor 检查那些梯度最终用于优化器更新的前向传播,"
                "报告其中在依赖模式的模块(Dropout、BatchNorm 等)`training == False` "
                "时进行的那些。"
            ),
        },
        fix={
            "en": (
                "Call `model.train()` at the start of every training epoch, and "
                "`model.eval()` only around evaluation."
            ),
            "zh": (
                "在每个训练 epoch 开始时调用 `model.train()`,只在评估前后使用 "
                "`model.eval()`。"
            ),
        },
        example={
            "en": (
                "# Bug: eval() for validation, never switched back\n"
                "for epoch in range(epochs):\n"
                "    for x, y in train_loader:\n"
                "        train_step(model, x, y)\n"
                "    model.eval()\n"
                "    validate(model, val_loader)\n"
                "# Fix: switch to train mode at the start of each epoch\n"
                "for epoch in range(epochs):\n"
                "    model.train()\n"
                "    for x, y in train_loader:\n"
                "        train_step(model, x, y)\n"
                "    model.eval()\n"
                "    validate(model, val_loader)"
            ),
            "zh": (
                "# Bug:验证时调用了 eval(),之后再也没切换回来\n"
                "for epoch in range(epochs):\n"
                "    for x, y in train_loader:\n"
                "        train_step(model, x, y)\n"
                "    model.eval()\n"
                "    validate(model, val_loader)\n"
                "# Fix:每个 epoch 开始时切换到训练模式\n"
                "for epoch in range(epochs):\n"
                "    model.train()\n"
                "    for x, y in train_loader:\n"
                "        train_step(model, x, y)\n"
                "    model.eval()\n"
                "    validate(model, val_loader)"
            ),
        },
        false_positives={
            "en": (
                "An eval-mode forward for validation or plotting is fine, even with "
                "gradients enabled, and fine-tuning with some BatchNorm layers frozen "
                "on purpose (`bn.eval()` on selected modules) is a common recipe. "
                "nndoctor counts only forwards whose gradients reach an optimizer step,"
                " ignores models without mode-dependent layers, and reports a partial "
                "freeze only when every mode-dependent module is in eval mode."
            ),
            "zh": (
                "为验证或绘图在 eval 模式下做前向传播没有问题,即使开启了梯度也一样;"
                "微调时有意冻结部分 BatchNorm 层(对选定模块调用 `bn.eval()`)"
                "也是常见做法。nndoctor 只统计梯度最终用于优化器更新的前向传播,"
                "忽略没有依赖模式的层的模型;对于部分冻结,"
                "只有当所有依赖模式的模块都处于 eval 模式时才报告。"
            ),
        },
        references=(
            (
                "Seed checklist #32 'Switch from Train to Test mode' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Karpathy 2018, 'most common neural net mistakes' (Twitter)",
            "PyTorch documentation: torch.nn.Module.train, torch.nn.Module.eval",
        ),
    ),
    dict(
        code="T504",
        name="train-mode-evaluation",
        severity="warning",
        how="P",
        summary={
            "en": "Validation or test runs with the model in train mode.",
            "zh": "验证或测试时模型处于训练模式。",
        },
        why={
            "en": (
                "In train mode Dropout drops units at random and BatchNorm normalizes "
                "with the statistics of the evaluation batch and updates its running "
                "statistics with evaluation data, so validation metrics are noisy and "
                "pessimistic, depend on the batch size, and the evaluation data change "
                "the model. nndoctor identifies evaluation forwards (under "
                "`torch.no_grad()` / `torch.inference_mode()` or from evaluation "
                "loaders, with no optimizer step following) and reports those made "
                "while mode-dependent modules were in train mode, and those of a model "
                "in eval mode in which a functional dropout still ran "
                "(`F.dropout(x, p)` defaults to `training=True` and ignores `model.eval()`)."
            ),
            "zh": (
                "在训练模式下,Dropout 会随机丢弃单元,BatchNorm "
                "会用评估批量的统计量做归一化,并用评估数据更新其滑动统计量;"
                "于是验证指标有噪声且偏低,依赖于批量大小,而且评估数据还会改变模型。"
                "nndoctor 识别评估用的前向传播(在 `torch.no_grad()` / "
                "`torch.inference_mode()` 下或来自评估 loader,且之后没有优化器更新),"
                "报告其中在依赖模式的模块处于训练模式时进行的那些,以及模型处于 eval 模式"
                "却仍执行了函数式 dropout 的那些(`F.dropout(x, p)` 默认 `training=True`,"
                "不受 `model.eval()` 控制)。"
            ),
        },
        fix={
            "en": (
                "Wrap evaluation in `model.eval()` and `with torch.no_grad():` (or "
                "`torch.inference_mode()`), and call `model.train()` afterwards."
            ),
            "zh": (
                "评估时使用 `model.eval()` 和 `with torch.no_grad():`(或 "
                "`torch.inference_mode()`),结束后再调用 `model.train()`。"
            ),
        },
        example={
            "en": (
                "# Bug: validation in train mode: dropout active, BatchNorm statistics updated\n"
                "with torch.no_grad():\n"
                "    val_loss = sum(criterion(model(x), y).item() for x, y in val_loader)\n"
                "# Fix: eval mode for evaluation, train mode back afterwards\n"
                "model.eval()\n"
                "with torch.no_grad():\n"
                "    val_loss = sum(criterion(model(x), y).item() for x, y in val_loader)\n"
                "model.train()"
            ),
            "zh": (
                "# Bug:在训练模式下验证:dropout 仍起作用,BatchNorm 统计量被更新\n"
                "with torch.no_grad():\n"
                "    val_loss = sum(criterion(model(x), y).item() for x, y in val_loader)\n"
                "# Fix:评估时用 eval 模式,结束后切回训练模式\n"
                "model.eval()\n"
                "with torch.no_grad():\n"
                "    val_loss = sum(criterion(model(x), y).item() for x, y in val_loader)\n"
                "model.train()"
            ),
        },
        false_positives={
            "en": (
                "Monte Carlo dropout (dropout kept on at test time to estimate "
                "uncertainty) and test-time BatchNorm adaptation are deliberate, and "
                "no_grad forwards inside training (computing targets with the same "
                "model, EMA teachers) are not evaluation. nndoctor reports only models "
                "with mode-dependent layers, does not flag Dropout in train mode while "
                "BatchNorm is in eval mode (the usual MC-dropout setup), and treats "
                "no_grad forwards followed by an optimizer step as part of training."
            ),
            "zh": (
                "蒙特卡洛 dropout(测试时保持 dropout 开启以估计不确定性)和测试时 "
                "BatchNorm 自适应都是有意为之;训练过程中的 no_grad "
                "前向传播(用同一个模型计算目标、EMA 教师模型)也不属于评估。nndoctor "
                "只报告含有依赖模式的层的模型;Dropout 处于训练模式而 BatchNorm 处于 "
                "eval 模式(常见的 MC dropout 设置)时不报告;之后紧跟优化器更新的 "
                "no_grad 前向传播被视为训练的一部分。"
            ),
        },
        references=(
            (
                "Seed checklist #32 'Switch from Train to Test mode' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Karpathy 2018, 'most common neural net mistakes' (Twitter)",
            "PyTorch documentation: torch.nn.Module.eval; torch.no_grad; torch.inference_mode",
        ),
    ),
    dict(
        code="T505",
        name="batchnorm-tiny-batch",
        severity="warning",
        how="P",
        summary={
            "en": (
                "BatchNorm sees batches of size 1 or very small, so its statistics are "
                "noise."
            ),
            "zh": "BatchNorm 看到的批量只有 1 个或极少几个样本,其统计量基本是噪声。",
        },
        why={
            "en": (
                "BatchNorm normalizes with the mean and variance of the current batch; "
                "with a handful of samples these estimates are noisy, the running "
                "statistics used at test time are poor, and training and test "
                "behaviour drift apart (Wu & He 2018). With a single value per channel "
                "PyTorch raises 'Expected more than 1 value per channel when training',"
                " and a tiny last batch of an epoch often triggers it. nndoctor "
                "records the number of values per channel each BatchNorm layer sees in "
                "train mode and reports very small counts and batch sizes below a "
                "threshold (about 8)."
            ),
            "zh": (
                "BatchNorm 用当前批量的均值和方差做归一化;只有少数几个样本时,"
                "这些估计充满噪声,测试时使用的滑动统计量也很差,"
                "训练和测试的表现会出现偏差(Wu & He 2018)。每个通道只有一个值时,"
                "PyTorch 会报错「Expected more than 1 value per channel when "
                "training」,每个 epoch 最后一个很小的批量经常会触发它。nndoctor "
                "记录每个 BatchNorm 层在训练模式下每个通道看到的值的个数,"
                "报告极小的个数以及低于阈值(约 8)的批量大小。"
            ),
        },
        fix={
            "en": (
                "Use a larger batch, pass `drop_last=True` to the DataLoader to avoid "
                "a tiny last batch, or replace BatchNorm with `nn.GroupNorm` / "
                "`nn.LayerNorm`, which do not depend on the batch; under DDP, "
                "`nn.SyncBatchNorm` pools statistics across ranks."
            ),
            "zh": (
                "使用更大的批量,给 DataLoader 传入 `drop_last=True` "
                "以避免过小的最后一个批量,或者把 BatchNorm 换成与批量无关的 "
                "`nn.GroupNorm` / `nn.LayerNorm`;在 DDP 下可用 `nn.SyncBatchNorm` "
                "跨进程汇总统计量。"
            ),
        },
        example={
            "en": (
                "# Bug: batches of 2 with BatchNorm, and a last batch of a single sample\n"
                "loader = DataLoader(train_set, batch_size=2, shuffle=True)\n"
                "block = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1),\n"
                "                      nn.BatchNorm2d(64), nn.ReLU())\n"
                "# Fix: GroupNorm does not depend on the batch size; drop the tiny last batch\n"
                "loader = DataLoader(train_set, batch_size=2, shuffle=True, drop_last=True)\n"
                "block = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1),\n"
                "                      nn.GroupNorm(32, 64), nn.ReLU())"
            ),
            "zh": (
                "# Bug:批量大小为 2 却用 BatchNorm,最后一个批量只有一个样本\n"
                "loader = DataLoader(train_set, batch_size=2, shuffle=True)\n"
                "block = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1),\n"
                "                      nn.BatchNorm2d(64), nn.ReLU())\n"
                "# Fix:GroupNorm 与批量大小无关;丢弃过小的最后一个批量\n"
                "loader = DataLoader(train_set, batch_size=2, shuffle=True, drop_last=True)\n"
                "block = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1),\n"
                "                      nn.GroupNorm(32, 64), nn.ReLU())"
            ),
        },
        false_positives={
            "en": (
                "BatchNorm in eval mode (frozen statistics, common when fine-tuning "
                "detectors) does not use batch statistics at all, and "
                "`nn.SyncBatchNorm` pools the batches of all ranks. nndoctor checks "
                "only BatchNorm layers in train mode, uses the batch that each layer "
                "actually normalizes over (per rank for plain BatchNorm under DDP, "
                "global for SyncBatchNorm), and reports a single tiny last batch "
                "separately, with `drop_last=True` as the fix."
            ),
            "zh": (
                "处于 eval 模式的 BatchNorm(统计量已冻结,微调检测模型时很常见)"
                "根本不使用批量统计量;`nn.SyncBatchNorm` 会汇总所有进程的批量。"
                "nndoctor 只检查训练模式下的 BatchNorm 层,"
                "按每层实际做归一化的批量来计算(DDP 下普通 BatchNorm 按单个进程、"
                "SyncBatchNorm 按全局),并把单个过小的最后批量单独报告,修复方法为 "
                "`drop_last=True`。"
            ),
        },
        references=(
            (
                "Ioffe & Szegedy 2015, Batch Normalization: Accelerating Deep Network Training "
                "by Reducing Internal Covariate Shift, ICML 2015"
            ),
            "Wu & He 2018, Group Normalization, ECCV 2018",
            (
                "Ioffe 2017, Batch Renormalization: Towards Reducing Minibatch Dependence in "
                "Batch-Normalized Models, NeurIPS 2017"
            ),
            (
                "PyTorch documentation: torch.nn.BatchNorm2d, torch.nn.GroupNorm, "
                "torch.nn.SyncBatchNorm"
            ),
        ),
    ),
    dict(
        code="T506",
        name="ranks-share-data",
        severity="warning",
        how="P",
        summary={
            "en": (
                "In multi-process (DDP) training every rank sees the same samples: the "
                "DistributedSampler (or per-rank sharding) is missing."
            ),
            "zh": (
                "多进程(DDP)训练中每个进程看到的样本都相同:缺少 "
                "DistributedSampler(或按进程分片)。"
            ),
        },
        why={
            "en": (
                "DistributedDataParallel averages gradients across ranks; if every "
                "rank loads the same batches, the average equals the gradient of one "
                "GPU, so N GPUs do the work of one and each epoch repeats the data N "
                "times. nndoctor hashes the batch of each rank at the same step, "
                "gathers the hashes across ranks (a few bytes per step), and reports "
                "when they are identical."
            ),
            "zh": (
                "DistributedDataParallel 会在各进程之间平均梯度;"
                "如果每个进程加载的批量都一样,平均结果就等于单卡的梯度,N 块 GPU "
                "只干了一块的活,每个 epoch 还把数据重复了 N 遍。nndoctor "
                "在同一步对每个进程的批量计算哈希,"
                "在进程间收集这些哈希(每步只有几个字节),如果完全相同就报告。"
            ),
        },
        fix={
            "en": (
                "Use `DataLoader(ds, batch_size=..., sampler=DistributedSampler(ds))` "
                "(shuffle in the sampler, not in the loader) and call "
                "`sampler.set_epoch(epoch)` at the start of every epoch."
            ),
            "zh": (
                "使用 `DataLoader(ds, batch_size=..., sampler=DistributedSampler(ds))"
                "`(在 sampler 中而不是 loader 中 shuffle),并在每个 epoch 开始时调用 "
                "`sampler.set_epoch(epoch)`。"
            ),
        },
        example={
            "en": (
                "# Bug: every rank iterates the whole data set in the same order (same seed)\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=True)\n"
                "# Fix: shard with DistributedSampler and reshuffle each epoch\n"
                "sampler = DistributedSampler(train_set, shuffle=True)\n"
                "loader = DataLoader(train_set, batch_size=64, sampler=sampler)\n"
                "for epoch in range(epochs):\n"
                "    sampler.set_epoch(epoch)\n"
                "    for x, y in loader:\n"
                "        train_step(x, y)"
            ),
            "zh": (
                "# Bug:每个进程都以相同顺序(相同种子)遍历整个数据集\n"
                "loader = DataLoader(train_set, batch_size=64, shuffle=True)\n"
                "# Fix:用 DistributedSampler 分片,并在每个 epoch 重新 shuffle\n"
                "sampler = DistributedSampler(train_set, shuffle=True)\n"
                "loader = DataLoader(train_set, batch_size=64, sampler=sampler)\n"
                "for epoch in range(epochs):\n"
                "    sampler.set_epoch(epoch)\n"
                "    for x, y in loader:\n"
                "        train_step(x, y)"
            ),
        },
        false_positives={
            "en": (
                "Setups that replicate data on purpose: tensor or pipeline parallelism,"
                " where ranks in one model-parallel group must see the same batch, and "
                "evaluation run identically on every rank. nndoctor compares only "
                "ranks in the same data-parallel group of a DDP model, and ignores "
                "forwards that do not lead to an optimizer step."
            ),
            "zh": (
                "有意复制数据的设置:"
                "张量并行或流水线并行(同一模型并行组内的进程必须看到相同的批量),"
                "以及在每个进程上以相同方式运行的评估。nndoctor 只比较 DDP "
                "模型同一数据并行组内的进程,并忽略之后没有优化器更新的前向传播。"
            ),
        },
        references=(
            "PyTorch documentation: torch.utils.data.distributed.DistributedSampler (set_epoch)",
            "PyTorch documentation: torch.nn.parallel.DistributedDataParallel",
            (
                "Li et al. 2020, PyTorch Distributed: Experiences on Accelerating Data "
                "Parallel Training, VLDB 2020 (arXiv:2006.15704)"
            ),
        ),
    ),
    dict(
        code="T507",
        name="ranks-diverge",
        severity="error",
        how="P",
        summary={
            "en": (
                "Replicas that should hold identical parameters differ across ranks "
                "after a step: the DDP wrapper is bypassed or gradients are not "
                "all-reduced."
            ),
            "zh": (
                "本应持有相同参数的各副本在一步之后出现差异:绕过了 DDP 包装器,"
                "或梯度没有做 all-reduce。"
            ),
        },
        why={
            "en": (
                "DDP keeps the replicas identical by broadcasting the initial "
                "parameters and all-reducing gradients during backward; running the "
                "forward through the inner `ddp_model.module` or a path that skips the "
                "wrapper, or leaving `no_sync()` on for real steps, lets each rank "
                "train its own model, and the run silently produces N different "
                "models. nndoctor computes a checksum of the replicated parameters on "
                "each rank right after an optimizer step, every few steps, and "
                "compares the checksums across ranks."
            ),
            "zh": (
                "DDP 通过广播初始参数、并在反向传播时对梯度做 all-reduce "
                "来保持各副本一致;如果前向传播走的是内部的 `ddp_model.module` "
                "或其他绕过包装器的路径,或者在真正的更新步上仍开着 `no_sync()`,"
                "每个进程就会各自训练自己的模型,最终悄无声息地得到 N 个不同的模型。"
                "nndoctor 每隔几步、"
                "在优化器更新之后立即在每个进程上计算被复制参数的校验和,"
                "并在进程间进行比较。"
            ),
        },
        fix={
            "en": (
                "Always run the forward through the `DistributedDataParallel` wrapper "
                "(`ddp_model(x)`, not `ddp_model.module(x)`), and use `no_sync()` only "
                "for the accumulation micro-batches, with a synchronized backward "
                "before each optimizer step."
            ),
            "zh": (
                "前向传播一律经过 `DistributedDataParallel` 包装器(用 `ddp_model(x)` "
                "而不是 `ddp_model.module(x)`);`no_sync()` 只用于梯度累积的微批量,"
                "每次优化器更新之前必须有一次同步的 backward。"
            ),
        },
        example={
            "en": (
                "# Bug: the forward bypasses the DDP wrapper: gradients are never all-reduced\n"
                "ddp_model = DDP(model, device_ids=[rank])\n"
                "loss = criterion(ddp_model.module(x), y)\n"
                "loss.backward()\n"
                "# Fix: call the wrapper itself\n"
                "loss = criterion(ddp_model(x), y)\n"
                "loss.backward()"
            ),
            "zh": (
                "# Bug:前向传播绕过了 DDP 包装器:梯度从未做 all-reduce\n"
                "ddp_model = DDP(model, device_ids=[rank])\n"
                "loss = criterion(ddp_model.module(x), y)\n"
                "loss.backward()\n"
                "# Fix:调用包装器本身\n"
                "loss = criterion(ddp_model(x), y)\n"
                "loss.backward()"
            ),
        },
        false_positives={
            "en": (
                "Parameters that are rank-local by design (FSDP or ZeRO shards, "
                "expert-parallel experts, per-rank heads) differ legitimately, and "
                "non-deterministic kernels can leave tiny floating-point differences. "
                "nndoctor compares only parameters that DDP replicates, uses a "
                "relative tolerance, and checks right after an optimizer step."
            ),
            "zh": (
                "按设计就属于单个进程的参数(FSDP 或 ZeRO 的分片、专家并行中的专家、"
                "每个进程各自的头)本来就不同;"
                "非确定性的计算内核也可能留下极小的浮点差异。nndoctor 只比较 DDP "
                "复制的参数,使用相对容差,并在优化器更新后立即检查。"
            ),
        },
        references=(
            "PyTorch documentation: torch.nn.parallel.DistributedDataParallel (no_sync)",
            (
                "Li et al. 2020, PyTorch Distributed: Experiences on Accelerating Data "
                "Parallel Training, VLDB 2020 (arXiv:2006.15704)"
            ),
        ),
    ),
    dict(
        code="N601",
        name="nonfinite-loss",
        severity="error",
        how="P",
        summary={
            "en": (
                "The loss became NaN or Inf; the finding gives the step and the origin "
                "found by N602/N603."
            ),
            "zh": "损失变成了 NaN 或 Inf;报告会给出步数以及由 N602/N603 找到的源头。",
        },
        why={
            "en": (
                "Once the loss is NaN or Inf, backward fills the gradients and then "
                "the weights with NaN and the run cannot recover. The seed checklist "
                "lists the usual causes: a learning rate that is too high (especially "
                "when NaNs appear within the first 100 iterations), division by zero, "
                "and the log of zero or a negative number. nndoctor checks the loss at "
                "every step with `torch.isfinite`, reports the step where it first "
                "became non-finite, and points to the origin found by N602 (forward), "
                "N603 (gradient) or D102 (data)."
            ),
            "zh": (
                "一旦损失变成 NaN 或 Inf,反向传播就会让梯度、继而让权重都变成 NaN,"
                "训练无法恢复。种子清单列出了常见原因:学习率过高(尤其是在前 100 "
                "次迭代中就出现 NaN 时)、用零作除数、对零或负数取对数。nndoctor "
                "每一步都用 `torch.isfinite` 检查损失,报告它第一次变成非有限值的步数,"
                "并指出由 N602(前向)、N603(梯度)或 D102(数据)找到的源头。"
            ),
        },
        fix={
            "en": (
                "Follow the origin in the finding: lower the learning rate and clip "
                "gradients for divergence; guard logs and divisions "
                "(`torch.log(x.clamp_min(1e-8))`, `F.log_softmax`, "
                "`nn.BCEWithLogitsLoss`); use `torch.autograd.detect_anomaly()` to "
                "locate the op."
            ),
            "zh": (
                "按报告中的源头处理:若是发散,降低学习率并截断梯度;"
                "保护对数和除法(`torch.log(x.clamp_min(1e-8))`、`F.log_softmax`、"
                "`nn.BCEWithLogitsLoss`);用 `torch.autograd.detect_anomaly()` "
                "定位出问题的运算。"
            ),
        },
        example={
            "en": (
                "# Bug: log of a probability that can reach 0: the loss becomes inf, then NaN\n"
                "p = torch.sigmoid(logits)\n"
                "loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()\n"
                "# Fix: the numerically stable built-in on logits\n"
                "loss = F.binary_cross_entropy_with_logits(logits, y)"
            ),
            "zh": (
                "# Bug:对可能为 0 的概率取对数:损失变成 inf,随后变成 NaN\n"
                "p = torch.sigmoid(logits)\n"
                "loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()\n"
                "# Fix:对 logits 使用数值稳定的内置函数\n"
                "loss = F.binary_cross_entropy_with_logits(logits, y)"
            ),
        },
        false_positives={
            "en": (
                "Some loops skip non-finite losses on purpose (`if not "
                "torch.isfinite(loss): continue`), and `nn.CTCLoss` returns inf for "
                "impossible alignments unless `zero_infinity=True`. nndoctor still "
                "reports the first occurrence with its origin, but says whether the "
                "step was skipped (no backward followed), so a rare, handled event can "
                "be told apart from divergence."
            ),
            "zh": (
                "有些训练循环会有意跳过非有限的损失(`if not torch.isfinite(loss): "
                "continue`);`nn.CTCLoss` 在无法对齐时会返回 inf,除非设置 "
                "`zero_infinity=True`。nndoctor 仍会报告第一次出现及其源头,"
                "但会说明该步是否被跳过(之后没有 backward),"
                "以便把偶发且已处理的情况与发散区分开。"
            ),
        },
        references=(
            (
                "Seed checklist #37 'Overcoming NaNs' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "Russell Stewart, notes on dealing with NaNs (cited by the seed checklist)",
            "PyTorch documentation: torch.autograd.detect_anomaly",
        ),
    ),
    dict(
        code="N602",
        name="nonfinite-forward",
        severity="error",
        how="P",
        summary={
            "en": (
                "The first module (in execution order) whose output holds NaN/Inf, "
                "with its input statistics and the op that produced it where it can be "
                "found."
            ),
            "zh": (
                "按执行顺序第一个输出含有 NaN/Inf 的模块,附带其输入统计量,"
                "并尽可能指出产生它的运算。"
            ),
        },
        why={
            "en": (
                "A NaN shows up everywhere downstream, so the useful question is where "
                "it first appeared; the seed checklist advises evaluating the network "
                "layer by layer to see where the NaNs start. nndoctor registers "
                "forward hooks on every module and, in the step where a non-finite "
                "value appears, reports the first module whose inputs were finite but "
                "whose output is not, with its input statistics (min, max, share of "
                "zeros) and the probable op: a log of values <= 0, a division by a "
                "value near 0, exp or pow overflow, sqrt of a negative number, or "
                "float16 overflow above 65504."
            ),
            "zh": (
                "NaN 会出现在下游的所有地方,因此真正有用的问题是它最早出现在哪里;"
                "种子清单建议逐层评估网络,找出 NaN 最先出现的位置。nndoctor "
                "在每个模块上注册 forward hook,在出现非有限值的那一步,"
                "报告第一个输入有限而输出非有限的模块,并给出其输入统计量(最小值、"
                "最大值、零的比例)和可能的运算:对 <= 0 的值取对数、除以接近 0 的数、"
                "exp 或 pow 溢出、对负数开方,或 float16 超过 65504 的溢出。"
            ),
        },
        fix={
            "en": (
                "Guard the op it names: `torch.log(x.clamp_min(eps))`, `x / (d + eps)`,"
                " `F.normalize`, `torch.logsumexp` / `F.log_softmax` instead of exp "
                "followed by log; keep the op in float32 under autocast; then check "
                "whether large values (G401, G405) drove it there."
            ),
            "zh": (
                "保护报告中指出的运算:`torch.log(x.clamp_min(eps))`、`x / (d + eps)`、"
                "`F.normalize`,用 `torch.logsumexp` / `F.log_softmax` 代替先 exp 再 "
                "log;在 autocast 下让该运算保持 float32;然后检查是不是过大的数值(G401、"
                "G405)导致的。"
            ),
        },
        example={
            "en": (
                "# Bug: normalizing by a norm that can be 0: 0 / 0 gives NaN\n"
                "z = h / h.norm(dim=1, keepdim=True)\n"
                "# Fix: the safe built-in clamps the denominator with eps\n"
                "z = F.normalize(h, dim=1, eps=1e-12)"
            ),
            "zh": (
                "# Bug:除以可能为 0 的范数:0 / 0 得到 NaN\n"
                "z = h / h.norm(dim=1, keepdim=True)\n"
                "# Fix:安全的内置函数会用 eps 限制分母\n"
                "z = F.normalize(h, dim=1, eps=1e-12)"
            ),
        },
        false_positives={
            "en": (
                "Some modules produce -inf on purpose, such as attention masks filled "
                "with -inf before a softmax, which is normal as long as the softmax "
                "output is finite. nndoctor reports the first module whose non-finite "
                "values reach the loss, and ignores -inf values that a following "
                "softmax or log_softmax turns into finite outputs."
            ),
            "zh": (
                "有些模块会有意产生 -inf,例如在 softmax 之前用 -inf 填充的注意力掩码,"
                "只要 softmax 的输出是有限的就是正常的。nndoctor "
                "报告的是第一个其非有限值一直传到损失的模块,并忽略那些被后续 softmax "
                "或 log_softmax 变成有限输出的 -inf。"
            ),
        },
        references=(
            (
                "Seed checklist #37 'Overcoming NaNs' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "PyTorch documentation: torch.nn.Module.register_forward_hook; "
                "torch.autograd.detect_anomaly"
            ),
            "Micikevicius et al. 2018, Mixed Precision Training, ICLR 2018",
        ),
    ),
    dict(
        code="N603",
        name="nonfinite-gradient",
        severity="error",
        how="P",
        summary={
            "en": "The first parameter or module whose gradient holds NaN/Inf.",
            "zh": "第一个梯度中含有 NaN/Inf 的参数或模块。",
        },
        why={
            "en": (
                "A finite loss can still produce non-finite gradients: the derivative "
                "of sqrt or of a norm at 0, a `torch.where` whose unselected branch is "
                "NaN, float16 overflow in backward; one such step corrupts the "
                "weights. nndoctor checks the gradients after each backward, uses "
                "backward hooks on modules to find the first one in backward order "
                "whose gradient holds NaN/Inf, and reports that parameter or module "
                "with its gradient statistics."
            ),
            "zh": (
                "有限的损失仍可能产生非有限的梯度:sqrt 或范数在 0 处的导数、"
                "未被选中的分支为 NaN 的 `torch.where`、反向传播中的 float16 溢出;"
                "只要有一步这样,权重就被破坏了。nndoctor 在每次反向传播后检查梯度,"
                "借助模块上的 backward hook 按反向传播顺序找出第一个梯度含 NaN/Inf "
                "的模块,并报告该参数或模块及其梯度统计量。"
            ),
        },
        fix={
            "en": (
                "Fix the op: add an eps inside sqrt, make both branches of "
                "`torch.where` safe (e.g. `torch.log(torch.where(m, x, 1.0))`), use "
                "`torch.autograd.detect_anomaly()` to get the traceback of the forward "
                "op, and clip gradients if they merely overflow."
            ),
            "zh": (
                "修正相应运算:在 sqrt 内加上 eps,让 `torch.where` "
                "的两个分支都安全(例如 `torch.log(torch.where(m, x, 1.0))`),用 "
                "`torch.autograd.detect_anomaly()` 得到对应前向运算的调用栈;"
                "如果只是数值溢出,就截断梯度。"
            ),
        },
        example={
            "en": (
                "# Bug: sqrt at 0 has an infinite derivative: NaN gradients when a == b\n"
                "dist = ((a - b) ** 2).sum(-1).sqrt()\n"
                "# Fix: keep the argument of sqrt away from 0\n"
                "dist = (((a - b) ** 2).sum(-1) + 1e-12).sqrt()"
            ),
            "zh": (
                "# Bug:sqrt 在 0 处导数为无穷:a == b 时梯度为 NaN\n"
                "dist = ((a - b) ** 2).sum(-1).sqrt()\n"
                "# Fix:让 sqrt 的参数远离 0\n"
                "dist = (((a - b) ** 2).sum(-1) + 1e-12).sqrt()"
            ),
        },
        false_positives={
            "en": (
                "With mixed precision, `GradScaler` deliberately uses a large loss "
                "scale and expects occasional Inf/NaN gradients: it then skips "
                "`optimizer.step()` and lowers the scale. nndoctor recognizes steps "
                "skipped by a `torch.amp.GradScaler` (the scale decreased) and does "
                "not report them, unless non-finite gradients persist after the scale "
                "has dropped."
            ),
            "zh": (
                "使用混合精度时,`GradScaler` 有意采用很大的损失缩放因子,"
                "并预期偶尔会出现 Inf/NaN 梯度:此时它会跳过 `optimizer.step()` "
                "并降低缩放因子。nndoctor 能识别被 `torch.amp.GradScaler` "
                "跳过的步(缩放因子降低了),不会报告它们,"
                "除非缩放因子降低之后非有限梯度仍然持续出现。"
            ),
        },
        references=(
            (
                "Seed checklist #37 'Overcoming NaNs' (in Ivanov 2017, 37 Reasons why your "
                "Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            (
                "Seed checklist #35 'Exploding / Vanishing gradients' (in Ivanov 2017, 37 "
                "Reasons why your Neural Network is not working; Chinese translation: "
                "seeds/000_244888f71ec0805b.txt)"
            ),
            "PyTorch documentation: torch.amp.GradScaler; torch.autograd.detect_anomaly",
            "Micikevicius et al. 2018, Mixed Precision Training, ICLR 2018",
        ),
    ),
)
