"""Simplified Chinese templates of the finding messages, live lines and pre-flight progress.

English template (exactly as passed to ``nndoctor.i18n.tr``) -> Chinese template with the same
``{placeholders}`` and format specs. Code identifiers (``zero_grad()``, ``CrossEntropyLoss``, module
paths) stay as they are; technical terms follow the catalog's Chinese texts. tests/test_i18n.py checks
that every template used in ``nndoctor/`` is here, with the same placeholders, and that none is stale.
"""
from __future__ import annotations

ZH: dict[str, str] = {
    # --- the live line of an internal error (nndoctor/engine.py)
    " (seen while training, no longer at the end of the run)": "(训练过程中出现过,运行结束时已不再出现)",
    "nndoctor: internal error in {component} ({error}); training goes on, that check is skipped":
        "nndoctor: {component} 出现内部错误({error});训练继续进行,该项检查已跳过",
    # --- pre-flight progress lines (nndoctor/preflight/__init__.py) ---
    "nndoctor: pre-flight on a copy of the model ({params:,} parameters, {samples} samples{loss})":
        "nndoctor: 预检:在模型副本上运行实验({params:,} 个参数,{samples} 个样本{loss})",
    "nndoctor: pre-flight {experiment}: {result} ({seconds:.2f} s)": "nndoctor: 预检 · {experiment}:{result}({seconds:.2f} 秒)",
    ", loss {name} (inferred)": ",损失 {name}(推断得出)",
    ", loss {name}": ",损失 {name}",
    "done": "完成",
    "skipped, {reason}": "已跳过:{reason}",
    "internal error: {error}": "内部错误:{error}",
    "{loss} (chance level {expected})": "{loss}(随机猜测水平 {expected})",
    "samples independent": "样本之间相互独立",
    "outputs mix samples (first at {layer})": "输出混合了不同样本(最早出现在 {layer})",
    "{passed} passed, {failed} failed": "{passed} 个通过,{failed} 个失败",
    "loss {start} -> {end} in {steps} steps": "损失在 {steps} 步内从 {start} 降到 {end}",
    "output change with other inputs {sensitivity}": "换用其他输入时输出的变化 {sensitivity}",
    "true labels learned {advantage:.0f}% faster than shuffled": "真实标签比打乱的标签学得快 {advantage:.0f}%",
    "fastest fall at lr {best} (in use {in_use})": "lr {best} 时下降最快(当前使用 {in_use})",
    "loss {start} -> {end} as configured": "按当前配置损失从 {start} 到 {end}",
    "{loss} without regularization": "去掉正则化为 {loss}",
    "{loss} with weight decay up": "加大权重衰减为 {loss}",
    "no augmentation seen": "未发现数据增强",
    "fixed draws fall {fixed:.0f}%, augmented {augmented:.0f}%": "固定样本下降 {fixed:.0f}%,增强样本下降 {augmented:.0f}%",
    # --- pre-flight skip reasons (nndoctor/preflight/common.py, experiments.py) ---
    "the model has no trainable parameters": "模型没有可训练的参数",
    "the loss function did not return a tensor": "损失函数没有返回张量",
    "the loss function fails on the captured batch: {error}": "损失函数在捕获的批次上出错:{error}",
    "unchanged: {value}": "未修改时: {value}",
    "unchanged: diverged (non-finite loss) at step {step}": "未修改时: 在第 {step} 步发散(损失不是有限值)",
    "diverged at step {step}": "在第 {step} 步发散",
    "--try-fixes: no trial ran: {why}": "--try-fixes: 没有运行任何试验: {why}",
    "trying a fix for {code} {name}: {remedy} ...": "正在为 {code} {name} 试验修复: {remedy} ...",
    "helped: with {remedy} the {metric} reached {after} in {steps} steps ({unchanged})":
        "有效: 采用 {remedy} 后,{metric} 在 {steps} 步内达到 {after}({unchanged})",
    "did not help: with {remedy} the {metric} reached {after} in {steps} steps ({unchanged})":
        "无效: 采用 {remedy} 后,{metric} 在 {steps} 步内达到 {after}({unchanged})",
    # --- the remedies tried and the metric they are judged by (nndoctor/remedies/units.py) ---
    "from the LR range test": "来自学习率范围测试",
    "{factor:g}x lower": "降低 {factor:g} 倍",
    "{factor:g}x higher": "提高 {factor:g} 倍",
    "update/weight ratio ~1e-3": "使更新/权重比约为 1e-3",
    "lr {new:.3g} instead of {lr:.3g} ({source})": "学习率 {new:.3g}(原为 {lr:.3g},{source})",
    "gradient norm clipped at {norm:.3g} (clip_grad_norm_)": "梯度范数裁剪到 {norm:.3g}(clip_grad_norm_)",
    "optimizer.zero_grad() before each backward": "每次 backward 之前调用 optimizer.zero_grad()",
    "model.train() for the training steps": "训练步使用 model.train()",
    "the softmax dropped before CrossEntropyLoss (its log taken: log_softmax of the logits)":
        "去掉 CrossEntropyLoss 之前的 softmax(改为取其对数:对 logits 做 log_softmax)",
    "{count} frozen parameter(s) trained ({shown})": "训练 {count} 个被冻结的参数({shown})",
    "He (kaiming_normal_) initialization of every Linear/Conv layer, biases zero":
        "所有 Linear/Conv 层使用 He(kaiming_normal_)初始化,偏置置零",
    "Xavier (xavier_uniform_) initialization of every Linear/Conv layer, biases zero":
        "所有 Linear/Conv 层使用 Xavier(xavier_uniform_)初始化,偏置置零",
    "inputs standardized per feature with the mean and std of the captured training batches":
        "用捕获的训练批次的均值和标准差按特征标准化输入",
    "inputs standardized over all values with the mean and std of the captured training batches":
        "用捕获的训练批次的均值和标准差对全部数值统一标准化输入",
    "pos_weight {pos:.3g} in the loss (negatives / positives in the captured batches)":
        "损失中使用 pos_weight {pos:.3g}(捕获批次中负样本数 / 正样本数)",
    "class weights (inverse class frequency of the captured batches) in the loss":
        "损失中使用类别权重(捕获批次中类别频率的倒数)",
    "weight decay {new:.3g} instead of {old:.3g}": "权重衰减 {new:.3g}(原为 {old:.3g})",
    "dropout {new:g} instead of {old:.3g}": "dropout {new:g}(原为 {old:.3g})",
    "the samples of the {count} captured batches shuffled across batches": "将捕获的 {count} 个批次的样本跨批次打乱",
    "loss": "损失",
    "held-out loss": "留出数据上的损失",
    "cross-entropy of the model's probabilities": "模型概率的交叉熵",
    "class-balanced loss": "类别均衡的损失",
    "the dataset cannot be copied ({name})": "数据集无法复制({name})",
    "no loss function and targets to reuse (a hand-written loss?)": "没有可复用的损失函数和目标(手写的损失?)",
    "the model's first input is not a tensor": "模型的第一个输入不是张量",
    "the model's output holds no tensor": "模型的输出中没有张量",
    "the model's first input is not a batched tensor": "模型的第一个输入不是带批量维度的张量",
    "fewer than 2 samples in the captured batch": "捕获的批量中样本少于 2 个",
    "the model output changes shape with its input": "模型输出的形状随输入而变化",
    "only {n} samples in the captured batch (32 needed)": "捕获的批量中只有 {n} 个样本(需要 32 个)",
    "the targets are not one per sample ({targets} targets for {n} samples: per position?)":
        "目标并非每个样本一个({n} 个样本对应 {targets} 个目标:按位置给出?)",
    "the targets are the inputs themselves (an autoencoder): they cannot be unrelated to them":
        "目标就是输入本身(自编码器):不可能与输入无关",
    "the inputs are constant (D101)": "输入是常数(D101)",
    "every target is the same: a permutation changes nothing": "所有目标都相同:打乱顺序不会改变任何东西",
    "the time budget allowed too few steps": "时间预算内可运行的步数太少",
    "no optimizer with a learning rate": "没有带学习率的优化器",
    "{name} searches its own step size: a learning-rate range test does not apply":
        "{name} 会自行搜索步长:学习率范围测试不适用",
    "the learning rate in use is 0": "当前使用的学习率为 0",
    "{name} cannot be rebuilt on a copy": "无法在副本上重建 {name}",
    "too few learning rates tried within the time budget": "时间预算内尝试的学习率太少",
    "no optimizer": "没有优化器",
    "the learning rate in use is 0 (a warmup?)": "当前使用的学习率为 0(处于预热阶段?)",
    "no map-style dataset seen": "未发现 map 式数据集",
    "too few samples in the dataset": "数据集中样本太少",
    "the loss is not finite": "损失不是有限值",
    "the model output is not a float tensor of a fixed shape": "模型输出不是形状固定的浮点张量",
    "the dataset has no length": "数据集没有长度(len)",
    "dataset items are not (input, target) pairs": "数据集的元素不是 (输入, 目标) 对",
    "the model's input is not one tensor": "模型的输入不是单个张量",
    "the dataset's inputs differ from what the model is given (transformed in the loop)":
        "数据集的输入与模型实际收到的输入不同(在训练循环中做了变换)",
    # --- shared pieces (nndoctor/rules/base.py, optim.py) ---
    "; ": ";",  # list separators (tjoin)
    ", ": ",",
    "{shown} and {more} more": "{shown} 等(另有 {more} 个)",
    "step {first}": "第 {first} 步",
    "steps {first}-{last}": "第 {first}-{last} 步",
    # --- D1xx data (nndoctor/rules/data.py) ---
    "the inputs of {model} are constant in {n_constant} of {n_batches} sampled batches (std {inputs_std}, every value {inputs_mean})":
        "{model} 的输入在采样的 {n_batches} 个批量中有 {n_constant} 个是常数(标准差 {inputs_std},所有值均为 {inputs_mean})",
    "the same batch of {rows} samples (identical content) was fed {best} steps in a row, while the data has {max_larger} samples":
        "同一个 {rows} 个样本的批量(内容完全相同)被连续喂入了 {best} 步,而数据共有 {max_larger} 个样本",
    "; the DataLoader uses {sampler} (shuffle=False)": ";DataLoader 使用的是 {sampler}(shuffle=False)",
    "; no DataLoader: the batches are sliced by hand in a fixed order": ";没有使用 DataLoader:批量是按固定顺序手工切分的",
    "; the batches are sliced in a fixed order from one tensor of {rows} rows (X[i:i + b])":
        ";批量是按固定顺序从一个 {rows} 行的张量中切出来的(X[i:i + b])",
    "consecutive training batches share their majority class in {n_agree} of {n_pairs} sampled pairs ({observed:.0%}, expected {expected:.0%} if shuffled); {n_pure} of {n_per_step} batches are >= {majority_fraction:.0%} one class":
        "在采样的 {n_pairs} 对相邻训练批量中,有 {n_agree} 对的多数类相同({observed:.0%},若已打乱应约为 {expected:.0%});"
        "{n_per_step} 个批量中有 {n_pure} 个的同一类别占比 >= {majority_fraction:.0%}",
    "{n_pure} of {n_per_step} sampled training batches are >= {majority_fraction:.0%} one class, where shuffled batches drawn from the classes seen over the run would be {expected:.1%} of the time":
        "采样的 {n_per_step} 个训练批量中有 {n_pure} 个的同一类别占比 >= {majority_fraction:.0%},而按训练中见到的类别比例随机打乱的批量出现这种情况的概率只有 {expected:.1%}",
    ", and class {run_class} is the majority of {best} batches in a row from step {best_start}{loader_note}":
        ",且从第 {best_start} 步起连续 {best} 个批量的多数类都是类别 {run_class}{loader_note}",
    "class {big} outnumbers class {small} {ratio:.0f}:1 in {total} sampled training targets ({shares}), and {fn} has no class weights: the model can score well by predicting class {big}":
        "在采样的 {total} 个训练目标中,类别 {big} 与类别 {small} 的数量比为 {ratio:.0f}:1({shares}),而 {fn} 没有设置类别权重:"
        "模型只要一直预测类别 {big} 就能得到不错的分数",
    "class {k}: {v}": "类别 {k}:{v}",
    "images": "张图像",
    "samples": "个样本",
    "the rule of thumb for training an image model from scratch is ~{floor} per class": "从头训练图像模型的经验值是每类约 {floor} 个",
    "below {floor} per class any model mostly memorizes": "每类少于 {floor} 个时,任何模型基本上都只是在记忆",
    "the training data has {size} {kind} for {classes} classes: {per_class:.0f} per class ({norm}); expect overfitting, or use a pretrained model / augmentation":
        "训练数据共有 {size} {kind},分属 {classes} 个类别:每类 {per_class:.0f} 个({norm});预计会过拟合,或者请使用预训练模型 / 数据增强",
    "the inputs of {model} are images {inputs_shape} with values in [{inputs_min}, {inputs_max}] (mean {inputs_mean}) in {n_hits} of {n_batches} sampled batches: 8-bit pixels as floats, never divided by 255 or normalized":
        "在采样的 {n_batches} 个批量中有 {n_hits} 个,{model} 的输入是图像 {inputs_shape},取值在 [{inputs_min}, {inputs_max}](均值 {inputs_mean}):"
        "这是转成浮点数的 8 位像素,没有除以 255,也没有归一化",
    "feature std up to {feature_std_max} (smallest {feature_std_min}": "特征标准差最大为 {feature_std_max}(最小 {feature_std_min}",
    ", {spread}x apart": ",相差 {spread} 倍",
    "features on scales {feature_std_max}x apart (std from {feature_std_min} to {feature_std_max2})":
        "各特征的尺度相差 {feature_std_max} 倍(标准差从 {feature_std_min} 到 {feature_std_max2})",
    "most features vary little around an offset: median over features of |mean| / std {offset} (standardized features ~1; rows standardized instead of columns?)":
        "大多数特征只在一个偏移量附近微小变化:各特征 |均值| / 标准差 的中位数为 {offset}(标准化后的特征约为 1;是否按行而非按列做了标准化?)",
    "values offset far from zero (mean {mean}, std {std})": "数值远离零点(均值 {mean},标准差 {std})",
    "the training inputs of {model} changed scale while training: batch std {first_std} at step {first_step}, {last_std} at step {last_step} ({factor}x {way}), steadily: the stored data is being rewritten in place (an in-place op on a batch that is a view of the data set, e.g. xb /= 16 on X[i:i+b], repeats every epoch)":
        "{model} 的训练输入在训练过程中改变了尺度:批次标准差在第 {first_step} 步为 {first_std},在第 {last_step} 步为 {last_std}"
        "({way} {factor} 倍),而且是持续变化:存储的数据正在被原地改写(对数据集视图上的批次做原地运算,"
        "例如对 X[i:i+b] 做 xb /= 16,每个 epoch 都会重复一次)",
    "smaller": "缩小",
    "larger": "放大",
    "the inputs of {model} are not normalized in {n_found} of {n_batches} sampled batches: {why}; values in [{inputs_min}, {inputs_max}] over {n_features} features":
        "在采样的 {n_batches} 个批量中有 {n_found} 个,{model} 的输入没有归一化:{why};{n_features} 个特征的取值在 [{inputs_min}, {inputs_max}]",
    "full-batch training: all {size} samples in every step, 1 optimizer step per pass over the data":
        "全批量训练:每一步都使用全部 {size} 个样本,每遍历一次数据只做 1 次优化器更新",
    "batches of {batch} samples are {share:.0%} of the {size}-sample training set: {steps_per_epoch} optimizer steps per epoch":
        "每个批量 {batch} 个样本,占 {size} 个样本的训练集的 {share:.0%}:每个 epoch 只有 {steps_per_epoch} 次优化器更新",
    "; smaller batches give more updates per epoch and usually generalize better": ";更小的批量在每个 epoch 中更新次数更多,通常泛化也更好",
    "{first} receives images shaped {inputs_shape}: the last dimension ({c}) looks like colour channels and dims 1-2 ({h}x{w}) like height and width, but the convolution reads dim 1 as {h} channels (channels-last data fed as channels-first)":
        "{first} 收到的图像形状为 {inputs_shape}:最后一维({c})像颜色通道,第 1-2 维({h}x{w})像高和宽,"
        "但卷积把第 1 维当作 {h} 个通道(channels-last 的数据被当作 channels-first 输入)",
    "the images {inputs_shape} correlate more with the value {c} columns away ({cc:.2f}) than with the adjacent one ({c1:.2f}) in {n_odd} of {n_corr} sampled batches: a channels-last (N, H, W, {c}) buffer reshaped with view/reshape instead of permute(0, 3, 1, 2) interleaves the {c} colour channels along the width":
        "在采样的 {n_corr} 个批量中有 {n_odd} 个,图像 {inputs_shape} 与相隔 {c} 列的值相关性({cc:.2f})高于与相邻值的相关性({c1:.2f}):"
        "channels-last 的 (N, H, W, {c}) 数据用 view/reshape 而不是 permute(0, 3, 1, 2) 变形,会把 {c} 个颜色通道交错排列到宽度方向上",
    "the model receives {inputs_shape}: a batch dimension of 1 holding the {inputs_shape2} shuffled samples of a DataLoader batch, so a sequence layer treats the samples as consecutive time steps of one sequence":
        "模型收到的输入形状为 {inputs_shape}:批量维度为 1,里面是一个 DataLoader 批量中打乱的 {inputs_shape2} 个样本,"
        "于是序列层把这些样本当作同一个序列的连续时间步",
    "{fn} got class indices in [{target_min}, {target_max}] for {classes} outputs (valid: 0 to {classes2}): labels numbered from 1, or more classes than the output layer has":
        "{fn} 收到的类别索引在 [{target_min}, {target_max}],而输出只有 {classes} 个(有效范围:0 到 {classes2}):标签从 1 开始编号,或类别数多于输出层的大小",
    "{fn} expects targets in [0, 1] (0/1 labels or probabilities) but got whole-number labels in [{target_min}, {target_max}] in {n_bad} of {n_value} sampled calls":
        "{fn} 要求目标在 [0, 1] 内(0/1 标签或概率),但在采样的 {n_value} 次调用中有 {n_bad} 次收到的是 [{target_min}, {target_max}] 范围内的整数标签",
    "; labels like {{-1, 1}} or {{1, 2}} must be mapped to {{0, 1}}, several classes need cross_entropy":
        ";{{-1, 1}} 或 {{1, 2}} 这样的标签必须映射为 {{0, 1}},多个类别则需要 cross_entropy",
    "cross_entropy got float targets shaped like its input {input_shape}, which it reads as class probabilities, but they are not: values in [{target_min}, {target_max}], rows summing to {target_mean} on average (should be 1)":
        "cross_entropy 收到了与输入形状相同 {input_shape} 的浮点目标,它会把这些目标当作类别概率,但它们并不是:"
        "取值在 [{target_min}, {target_max}],每行之和平均为 {target_mean}(应为 1)",
    "{fn} targets are on a huge scale (mean {target_mean}, std {target_std}, range [{target_min}, {target_max}]) while the predictions start at scale {pred_scale}: the first loss is {value} and the network must grow its outputs {target_scale:.0f}x; standardize the targets":
        "{fn} 的目标数值尺度极大(均值 {target_mean},标准差 {target_std},范围 [{target_min}, {target_max}]),"
        "而预测值一开始的尺度只有 {pred_scale}:第一个损失为 {value},网络必须把输出放大 {target_scale:.0f} 倍;请对目标做标准化",
    "{inputs_nonfinite} non-finite values (NaN/Inf) in the inputs of {model} (shape {inputs_shape}), first at index {inputs_first_nonfinite}":
        "{model} 的输入(形状 {inputs_shape})中有 {inputs_nonfinite} 个非有限值(NaN/Inf),第一个位于索引 {inputs_first_nonfinite}",
    "{target_nonfinite} non-finite values (NaN/Inf) in the targets given to {fn} (shape {target_shape}), first at index {target_first_nonfinite}":
        "传给 {fn} 的目标(形状 {target_shape})中有 {target_nonfinite} 个非有限值(NaN/Inf),第一个位于索引 {target_first_nonfinite}",
    # --- T5xx distributed (nndoctor/rules/distributed.py) ---
    "the training loss was bit-identical on all {n_ranks} ranks at each of steps {common_steps}-{common_steps2} (e.g. {losses} at step {common_steps}): every rank computes the same batches (no DistributedSampler?)":
        "在第 {common_steps}-{common_steps2} 步的每一步,全部 {n_ranks} 个 rank 的训练损失都逐位相同(例如第 {common_steps} 步为 {losses}):"
        "每个 rank 计算的是同样的批量(没有使用 DistributedSampler?)",
    "all {n_ranks} ranks fed the model the very same input batches at each of steps {steps}-{steps2} ({n_common} batches compared by content): every rank trains on the same samples, so the extra processes add no data (no DistributedSampler?)":
        "在第 {steps}-{steps2} 步的每一步,全部 {n_ranks} 个 rank 喂给模型的输入批量都完全相同(按内容比较了 {n_common} 个批量):"
        "每个 rank 都在相同的样本上训练,多出来的进程没有带来任何新数据(没有使用 DistributedSampler?)",
    "after optimizer step {step} the replicas differ: {name} has a checksum on rank {other} that is {rel} (relative) away from rank 0's; DDP keeps replicas bit-identical, so gradients were not all-reduced (forward through `model.module`, a bypassed DDP wrapper, or no_sync left on)":
        "第 {step} 次优化器更新之后各副本不一致:{name} 在 rank {other} 上的校验和与 rank 0 相差 {rel}(相对值);"
        "DDP 会让各副本逐位一致,所以梯度没有做 all-reduce(通过 `model.module` 做前向、绕过了 DDP 包装,或一直开着 no_sync)",
    # --- pre-flight judges (nndoctor/rules/experiments.py) ---
    ", accuracy {accuracy:.0f}%": ",准确率 {accuracy:.0f}%",
    "a copy trained alone on {samples} samples for {steps} steps ({optimizer}, dropout off) only took the loss from {loss_start} to {loss_end} ({percent_left:.0f}% of the start{acc}); a healthy model memorizes so few samples. Loss by step: {curve}":
        "一个模型副本单独在 {samples} 个样本上训练 {steps} 步({optimizer},关闭 dropout),损失只从 {loss_start} 降到 {loss_end}(为初始值的 {percent_left:.0f}%{acc});健康的模型能记住这么少的样本。各步损失:{curve}",
    "a copy trained alone on {samples} samples for {steps} steps only took the loss from {loss_start} to {loss_end}, but the run itself reached {run_loss} over all its data late in training: the model can fit, the copy was slow (a structured output such as ordinal thresholds fits a few samples slowly)":
        "一个模型副本单独在 {samples} 个样本上训练 {steps} 步,损失只从 {loss_start} 降到 {loss_end},但训练本身在后期于全部数据上达到了 {run_loss}:"
        "模型能够拟合,只是副本学得慢(有序阈值这类结构化输出拟合少量样本较慢)",
    "the entropy of its soft targets": "其软目标的熵",
    "the loss of predicting every count exactly": "精确预测每个计数时的损失",
    "a copy trained alone on {samples} samples for {steps} steps ({optimizer}, dropout off) only took the loss from {loss_start} to {loss_end}: {percent_left:.0f}% of the gap down to {loss_floor}, the lowest loss its targets allow ({floor_is}{acc}), is left; a healthy model memorizes so few samples. Loss by step: {curve}":
        "一个模型副本单独在 {samples} 个样本上训练 {steps} 步({optimizer},关闭 dropout),损失只从 {loss_start} 降到 {loss_end},"
        "与其目标所允许的最低损失 {loss_floor}({floor_is}{acc})之间的差距还剩 {percent_left:.0f}%;健康的模型能记住这么少的样本。各步损失:{curve}",
    "; the dependence is cut at `{lost_at}` ({lost_at_kind}), its output is identical": ";依赖关系在 `{lost_at}`({lost_at_kind})处被切断,它的输出完全相同",
    "; no layer sees the input change (it is replaced or multiplied away in forward)": ";没有任何层看到输入的变化(输入在 forward 中被替换或被乘成了零)",
    " even after training on the batch": "(即使在该批量上训练之后也是如此)",
    "; loss {loss_real} with the real inputs, {loss_zeros} with zeros": ";真实输入时损失为 {loss_real},全零输入时为 {loss_zeros}",
    "the model's outputs are the same with the real inputs, all-zero inputs and random inputs{after} (mean relative change {sensitivity}){loss}{where_lost}: the model ignores its input":
        "模型在真实输入、全零输入和随机输入下的输出都相同{after}(平均相对变化 {sensitivity}){loss}{where_lost}:模型忽略了它的输入",
    "{percent:.0f}% of the model's outputs depend on the inputs of more than one sample of the batch (eval mode, {samples} samples perturbed one at a time); the mixing starts {where}":
        "模型 {percent:.0f}% 的输出依赖于批量中不止一个样本的输入(eval 模式,逐个扰动 {samples} 个样本);混合开始于{where}",
    "before `{layer}`: its input already mixes samples (a view/reshape in forward?)":
        "`{layer}` 之前:它的输入已经混合了不同样本(forward 中的 view/reshape?)",
    "in `{layer}` ({kind}): it gets each sample's values unmixed but combines them across what it takes for the batch dimension; the input's layout does not match its batch_first setting: for (batch, time, features) inputs build it with batch_first=True, else transpose the input (not a view/reshape)":
        "`{layer}`({kind}):它收到的各样本的值没有混合,但它会沿着它认为是批量维度的方向把它们组合起来;"
        "输入的布局与它的 batch_first 设置不符:输入为 (batch, time, features) 时请用 batch_first=True 构建它,"
        "否则请对输入做 transpose(而不是 view/reshape)",
    "in `{layer}` ({kind}): its input is clean, its output mixes samples": "`{layer}`({kind}):它的输入是干净的,输出却混合了不同样本",
    "in the forward code": "forward 代码中",
    " (used in `{used_in}`)": "(用于 `{used_in}`)",
    "numerical gradient check failed for {names}: along a random direction the backward gives {analytic}, finite differences give {numerical}":
        "{names} 的数值梯度检查失败:沿一个随机方向,backward 给出 {analytic},有限差分给出 {numerical}",
    "on {samples} captured samples, copies learn the true labels no faster than shuffled ones (mean loss over {steps} steps {true_auc} vs {permuted_auc} of the start) and on held-out samples they do no better than predicting the label frequencies (loss {heldout_true} vs {heldout_baseline}): the labels do not go with the inputs":
        "在捕获的 {samples} 个样本上,模型副本学习真实标签并不比学习打乱的标签更快({steps} 步内的平均损失为初始值的 {true_auc} 对 {permuted_auc}),"
        "在留出样本上也不比只预测标签频率更好(损失 {heldout_true} 对 {heldout_baseline}):标签与输入并不对应",
    "turning weight decay up to {weight_decay_up} in {optimizer} left the weights bit-identical to a run with the configured weight_decay={weight_decay}; loss {loss_decay_up} vs {loss_user} as configured: the regularization is not wired into the update":
        "把 {optimizer} 的权重衰减调高到 {weight_decay_up} 后,权重与使用配置值 weight_decay={weight_decay} 的运行逐位相同;"
        "损失 {loss_decay_up} 对按配置的 {loss_user}:正则化没有接入参数更新",
    "in {steps} steps on {samples} samples the loss falls {drop_free:.0f}% without regularization but only {drop_user:.0f}% with {reg}: the model is over-regularized":
        "在 {samples} 个样本上训练 {steps} 步,去掉正则化时损失下降 {drop_free:.0f}%,使用 {reg} 时只下降 {drop_user:.0f}%:模型正则化过度",
    "dataset items change from one access to the next (augmentation, relative change {augmentation_change}); in {steps} steps a copy's loss falls {drop_fixed:.0f}% on fixed draws but {drop_augmented:.0f}% on fresh augmented draws: the augmentation is too strong to learn from":
        "数据集的元素每次访问都不同(数据增强,相对变化 {augmentation_change});{steps} 步内,模型副本的损失在固定样本上下降 {drop_fixed:.0f}%,在每次重新增强的样本上只下降 {drop_augmented:.0f}%:数据增强太强,模型学不到东西",
    "the parameter groups with weight decay ({groups}) hold no parameters": "带权重衰减的参数组({groups})里没有任何参数",
    "the parameter group with weight decay ({groups}) holds no parameters": "带权重衰减的参数组({groups})里没有任何参数",
    "the optimizer does not apply it": "优化器没有应用它",
    "weight_decay={weight_decay} is configured in {optimizer}, but a copy trained with it ends bit-identical to one trained with weight_decay=0: {why}":
        "{optimizer} 中配置了 weight_decay={weight_decay},但用它训练的副本与用 weight_decay=0 训练的副本最终逐位相同:{why}",
    "weight_decay={weight_decay} is configured in {optimizer}; too small to show in float32 at this learning rate, it was raised {factor}x for the test, and a copy trained with it still ends bit-identical to one trained with weight_decay=0: {why}":
        "{optimizer} 中配置了 weight_decay={weight_decay};在该学习率下它太小,float32 无法体现其效果,因此测试时将其放大了 {factor} 倍,"
        "但用它训练的副本仍与用 weight_decay=0 训练的副本最终逐位相同:{why}",
    # --- T5xx training loop (nndoctor/rules/loop.py) ---
    "at {stale_grad_backwards} of {checked_backwards} optimizer steps the gradients still held the previous step's values (the same gradient tensors, accumulated, never cleared): zero_grad() is not called on this model's parameters between steps":
        "在 {checked_backwards} 次优化器更新中有 {stale_grad_backwards} 次,梯度仍保留着上一步的值(同一批梯度张量不断累加,从未清零):"
        "两步之间没有对该模型的参数调用 zero_grad()",
    "the model was in eval mode for {train_forwards_eval_mode} of {total} training forwards (whose loss was backpropagated), from step {first_eval_train_step}: {mode_dependent_layers} behave as at test time":
        "从第 {first_eval_train_step} 步起,{total} 次训练前向(其损失被反向传播)中有 {train_forwards_eval_mode} 次模型处于 eval 模式:"
        "{mode_dependent_layers} 的行为与测试时相同",
    "{n} of {total} forwards with gradients off (validation/inference) ran with the model in train mode, from step {first_train_mode_eval_step}: the Dropout/BatchNorm layers {mode_dependent_layers} behave as in training (dropout active, BatchNorm on batch statistics); call model.eval() first":
        "从第 {first_train_mode_eval_step} 步起,{total} 次关闭梯度的前向(验证/推理)中有 {n} 次模型处于 train 模式:"
        "Dropout/BatchNorm 层 {mode_dependent_layers} 的行为与训练时相同(dropout 生效,BatchNorm 使用批量统计量);请先调用 model.eval()",
    "BatchNorm layer {m} (training mode) saw a batch of only {n} sample(s) at step {s} ({n_tiny_steps} of {n_steps} sampled steps), likely the short last batch of an epoch; drop_last=True avoids it":
        "BatchNorm 层 {m}(训练模式)在第 {s} 步只收到 {n} 个样本的批量(采样的 {n_steps} 步中有 {n_tiny_steps} 步如此),"
        "很可能是每个 epoch 末尾不完整的最后一个批量;drop_last=True 可以避免",
    "lr_scheduler.step() was called {scheduler_steps_before_optimizer} time(s) before the optimizer's first step(): the first value of the learning-rate schedule is skipped (call scheduler.step() after optimizer.step())":
        "在优化器第一次 step() 之前,lr_scheduler.step() 已被调用 {scheduler_steps_before_optimizer} 次:学习率调度的第一个值被跳过了"
        "(请在 optimizer.step() 之后调用 scheduler.step())",
    "BatchNorm layer {m} (training mode) normalizes over {n} sample(s) ({values} values per channel) at {n_tiny_steps} of {n_steps} sampled steps: batch mean and variance from so few samples are noise (Wu & He 2018: BatchNorm degrades below ~8 samples per batch); use larger batches or GroupNorm/LayerNorm":
        "在采样的 {n_steps} 步中有 {n_tiny_steps} 步,BatchNorm 层 {m}(训练模式)只在 {n} 个样本(每个通道 {values} 个值)上做归一化:"
        "这么少样本算出的批量均值和方差只是噪声(Wu & He 2018:每批少于约 8 个样本时 BatchNorm 效果变差);请使用更大的批量或 GroupNorm/LayerNorm",
    "{kind}.step() ran with no gradient on any parameter in {empty_grad_steps} of {n_checked} checked steps although backward() ran: step() comes before backward(), or zero_grad() runs between backward() and step()":
        "虽然 backward() 已运行,但在检查的 {n_checked} 步中有 {empty_grad_steps} 步,{kind}.step() 运行时所有参数都没有梯度:"
        "step() 在 backward() 之前调用,或者 zero_grad() 在 backward() 与 step() 之间运行",
    "backward() ran {backward_calls} times but optimizer.step() was never called: the weights never changed":
        "backward() 运行了 {backward_calls} 次,但从未调用 optimizer.step():权重从未改变",
    " ({n_unchanged} parameter tensors checked)": "(检查了 {n_unchanged} 个参数张量)",
    # --- L2xx loss (nndoctor/rules/loss.py) ---
    "ln({classes}) = {chance:.3f} for {classes} classes": "{classes} 个类别时为 ln({classes}) = {chance:.3f}",
    "ln 2 = 0.693 per binary output": "每个二分类输出为 ln 2 = 0.693",
    " (x{unit}, reduction='sum')": "(x{unit},reduction='sum')",
    "first loss {loss}, expected ~{expected} at initialization ({label}): {ratio:.1f}x the chance level":
        "第一个损失为 {loss},初始化时应约为 {expected}({label}):是随机猜测水平的 {ratio:.1f} 倍",
    "cross_entropy received probabilities in {n_probs} of {n_calls} sampled calls: every row is non-negative and sums to 1 (inputs in [{input_min}, {input_max}]); it expects raw logits and applies log_softmax itself":
        "在采样的 {n_calls} 次调用中有 {n_probs} 次 cross_entropy 收到的是概率:每一行都非负且和为 1(输入在 [{input_min}, {input_max}]);"
        "它需要原始 logits,并会自己做 log_softmax",
    "probabilities (softmax output)": "概率(softmax 输出)",
    "raw scores (logits)": "原始分数(logits)",
    "nll_loss received {kind}, not log-probabilities: |logsumexp| of a row reaches {row_logsumexp_absmax} (0 for log_softmax output) in {n_bad} of {n_calls} calls":
        "nll_loss 收到的是{kind},而不是对数概率:在 {n_calls} 次调用中有 {n_bad} 次,某一行的 |logsumexp| 达到 {row_logsumexp_absmax}"
        "(log_softmax 输出应为 0)",
    "binary_cross_entropy_with_logits received values all inside [0, 1] in {n_probs} of {n_calls} sampled calls (range [{input_min}, {input_max}]): these look like sigmoid outputs, but the loss expects raw logits":
        "在采样的 {n_calls} 次调用中有 {n_probs} 次 binary_cross_entropy_with_logits 收到的值全部在 [0, 1] 内(范围 [{input_min}, {input_max}]):"
        "它们看起来是 sigmoid 的输出,但该损失需要原始 logits",
    "{fn} got prediction {a} and target {b}, which broadcast to {joint}: {size} pairs compared instead of {max_input_numel}":
        "{fn} 收到的预测形状为 {a}、目标形状为 {b},二者广播成 {joint}:比较了 {size} 对,而不是 {max_input_numel} 对",
    "the validation labels look encoded apart from the training ones: in the last validation pass(es) the model's predictions match the targets in {matched:.0%} of {n} samples, but {best:.0%} under the relabeling {moved}; the class indices were assigned per split (a LabelEncoder, factorize or sorted(set(labels)) fitted on each split): build one mapping on the training labels and apply it to every split":
        "验证集标签的编码看起来与训练集不同:在最后的验证中,模型的预测只在 {n} 个样本的 {matched:.0%} 上与目标一致,"
        "但在重新编号 {moved} 之下达到 {best:.0%};类别索引是按划分分别指定的(在每个划分上各自拟合 LabelEncoder、"
        "factorize 或 sorted(set(labels))):请只在训练标签上建立一个映射,并用于所有划分",
    "the loss's {op} broadcast the model's output of shape {a} against a tensor of shape {b} with no gradient (the target) into {joint}: {size} pairs compared instead of {n}, every prediction with every target":
        "损失中的 {op} 把形状为 {a} 的模型输出和一个形状为 {b}、没有梯度的张量(目标)广播成 {joint}:"
        "比较了 {size} 对,而不是 {n} 对,每个预测都和每个目标做了比较",
    "the loss is a sum of parts and the gradient of {hi} is {ratio:.0f}x that of {lo} (gradient norms {c_hi} against {c_lo}, each its largest over {n} early steps): {lo} barely trains the model; rescale the parts (the same reduction for both: a sum over the batch or the features beside a mean is the usual cause, or a weight)":
        "损失由多个部分相加而成,{hi} 的梯度是 {lo} 的 {ratio:.0f} 倍(梯度范数 {c_hi} 对 {c_lo},各取前 {n} 个早期步中的最大值):{lo} 几乎不训练模型;请调整各部分的尺度(两者使用相同的归约方式:常见原因是一个在批次或特征上求和,另一个取平均;或加权重)",
    "all {targets} targets of {fn} in the {calls} sampled steps ({start}-{end}) are {value}: the targets never vary, so the model learns to output {value} whatever its input{fall}; check how the targets are built (a buffer never filled, a Dataset returning the same label, a wrong column)":
        "{fn} 在 {calls} 个采样步({start}-{end})中的全部 {targets} 个目标值都是 {value}:目标从不变化,所以模型学会了无论输入是什么都输出 {value}{fall};请检查目标是如何构造的(缓冲区从未填充、Dataset 总是返回同一个标签、取错了列)",
    "; the loss went from {first} to {last}": ";损失从 {first} 变为 {last}",
    "{share:.0%} of the targets of {fn} sit where the input is padding (the trailing run of token {pad} in each row, {n} of {m} sampled calls) and are all class {cls}, which the loss scores (ignore_index={ignore}): the model is trained to predict the padding, an easy class that weighs on the loss and the accuracy as much as the real tokens; pass ignore_index={cls} (or set the padded targets to -100)":
        "{fn} 的目标中有 {share:.0%} 位于输入的补齐位置(每行末尾由词元 {pad} 构成的连续段,{m} 次采样调用中有 {n} 次),且全部是类别 {cls},而损失会给它们打分(ignore_index={ignore}):模型被训练去预测补齐符,这个类别很容易学,却和真实词元一样影响损失和准确率;请传入 ignore_index={cls}(或把补齐位置的目标设为 -100)",
    "; the loss handed to backward is {scale} of what {fn} returned ({backward} against {value}, median of {n} sampled steps): every gradient is that much smaller, and with it every update of a plain SGD step (a loss divided by the data set's size or a large constant); drop the factor, or raise the lr to match":
        ";传给 backward 的损失只有 {fn} 返回值的 {scale}({backward} 对 {value},{n} 个采样步的中位数):每个梯度都随之缩小同样的倍数,普通 SGD 的每次更新也一样(损失被除以了数据集大小或一个很大的常数);去掉这个系数,或相应地调大学习率",
    "the loss's {op} broadcast one number, which {reduction} computed over the whole batch ({shape} -> a scalar), against a tensor of shape {target} with no gradient (the per-sample target): every sample gets the same value, so no sample is told apart from another (a norm or sum without dim=1, e.g. torch.norm(a - b) for per-pair distances)":
        "损失中的 {op} 把一个数广播到了形状为 {target}、没有梯度的张量(逐样本的目标)上,而这个数是 {reduction} 在整个批次上算出来的({shape} -> 标量):每个样本得到的值都相同,样本之间无法区分(norm 或 sum 缺少 dim=1,例如用 torch.norm(a - b) 求逐对距离)",
    "{n_used} parameter tensors got an exactly zero gradient at every one of {grad_checked} checked steps ({used}), and the loss handed to backward() was exactly 0 at {zeros} of {total} steps: a mask or weight zeroes every term of the loss (a threshold on the wrong scale, a mask that selects nothing), so nothing is learned":
        "{n_used} 个参数张量在全部 {grad_checked} 个检查步中梯度都恰好为零({used}),而传给 backward() 的损失在 {total} 步中有 {zeros} 步恰好为 0:某个掩码或权重把损失的每一项都清零了(阈值用错了尺度、掩码什么也没选中),因此什么也学不到",
    "{fn} has ignore_index={cls}, one of the model's {classes} classes, and {share:.0%} of the targets are that class ({n} of {m} sampled calls): those samples never reach the loss, so the model is never taught to predict class {cls}; ignore_index is for targets that are no class (padding, unlabeled: the default -100)":
        "{fn} 的 ignore_index={cls} 恰好是模型 {classes} 个类别之一,而 {share:.0%} 的目标就是这个类别({m} 次采样调用中有 {n} 次):这些样本根本进不了损失,模型从未被教会预测类别 {cls};ignore_index 应当用于不属于任何类别的目标(补齐、无标注:默认值 -100)",
    "at initialization (step {step}) the input of the linear layers grows with depth from an RMS of {first} ({first_layer}) to {last} ({last_layer}), x{growth} over {n} layers (~x{per_layer} each), while no layer itself blows its input up: something between the layers adds the signal to itself (a residual block that adds its input twice, skip connections summed without scaling or normalization)":
        "初始化时(第 {step} 步)线性层的输入随深度增大,RMS 从 {first}({first_layer})增长到 {last}({last_layer}),{n} 层共放大 x{growth}(每层约 x{per_layer}),而没有哪一层自身放大了输入:层与层之间有东西把信号加到了它自己身上(残差块把输入加了两次、跳跃连接相加时没有缩放或归一化)",
    "the loss given to backward() reaches none of the model's parameters in {detached} of {sampled_backwards} sampled steps: its graph ends at a tensor made to require grad by hand (requires_grad=True set on an argmax, a rounded value or a NumPy result) instead of at the model's output, so the {n_used} parameter tensors ({used}) never learn. An argmax or a rounding has no gradient: compute the loss on the logits or probabilities":
        "在 {sampled_backwards} 个采样步中有 {detached} 步传给 backward() 的损失到达不了模型的任何参数:它的计算图止于一个手动设为需要梯度的张量(在 argmax、取整值或 NumPy 结果上设置了 requires_grad=True),而不是模型的输出,因此 {n_used} 个参数张量({used})永远学不到东西。argmax 和取整没有梯度:请在 logits 或概率上计算损失",
    "{fn} gets predictions flattened from a ({a}, {b}, ...) tensor and targets flattened from a ({b}, {a}) one, in {n_apart} of {n_calls} sampled calls: position i of one is not position i of the other, so most outputs are scored against another sample's target (a sequence-first output against batch-first targets); transpose one of them before flattening":
        "{fn} 的预测由形状 ({a}, {b}, ...) 的张量展平而来,目标由形状 ({b}, {a}) 的张量展平而来({n_calls} 次采样调用中有 {n_apart} 次):二者的第 i 个位置并不对应,大多数输出是拿另一个样本的目标来打分的(序列优先的输出对上批次优先的目标);展平前先转置其中一个",
    "the input of {layer}, the first convolution, correlates more with the value {c} positions away along its last axis ({cc:.2f}) than with the adjacent one ({c1:.2f}) in {n_odd} of {n_stats} sampled steps: a channels-last (N, L, {c}) tensor reshaped to (N, {c}, L) with view/reshape instead of permute interleaves the {c} channels along L":
        "第一个卷积层 {layer} 的输入沿最后一维与相隔 {c} 个位置的值更相关({cc:.2f}),而与相邻值的相关性较低({c1:.2f}),{n_stats} 个采样步中有 {n_odd} 个如此:通道在后的 (N, L, {c}) 张量用 view/reshape 而不是 permute 变成 (N, {c}, L),{c} 个通道沿 L 交错在一起",
    "the part of the loss written by hand (not a torch loss function)": "损失中手写的部分(不是 torch 的损失函数)",
    "the loss is a sum of {n_active} terms and {names} ({hi}) outweighs {names2} ({lo}) {ratio:.0f}x (largest values over the first {n_early} recorded steps): the gradient of {names2} is drowned out; rescale the terms (reduction='mean' for both, or a weight)":
        "损失是 {n_active} 项之和,其中 {names}({hi})是 {names2}({lo})的 {ratio:.0f} 倍(取前 {n_early} 个记录步的最大值):"
        "{names2} 的梯度被淹没了;请调整各项的尺度(两者都用 reduction='mean',或加权重)",
    "the training loss fell {drop:.0%} ({loss_start} -> {loss_end}, first vs last quarter of steps {first}-{last}) but {name} did not improve ({start} -> {end} over {n_values} points): the loss is optimizing something the metric does not reward (class prior, wrong targets, or a metric bug)":
        "训练损失下降了 {drop:.0%}({loss_start} -> {loss_end},第 {first}-{last} 步的前四分之一对比后四分之一),"
        "但 {name} 没有改善({n_values} 个点中从 {start} 到 {end}):损失优化的东西并不被指标认可(类别先验、错误的目标,或指标代码有误)",
    "the training loss fell {drop:.0%} ({loss_start} -> {loss_end}, first vs last quarter of steps {first}-{last}) but not below {level}, the loss of a model that ignores its input and predicts the label frequencies ({label}): the fall is the class prior being learned, and accuracy cannot have moved beyond always predicting the most frequent answer":
        "训练损失下降了 {drop:.0%}({loss_start} -> {loss_end},第 {first}-{last} 步的前四分之一对比后四分之一),"
        "但没有低于 {level},即忽略输入、只预测标签频率的模型的损失({label}):下降的只是学到了类别先验,"
        "准确率不可能超过一直预测最常见答案的水平",
    "{p:.1%} of the binary targets are 1": "二分类目标中有 {p:.1%} 为 1",
    "{n_probs} classes, the most frequent {top:.1%}": "{n_probs} 个类别,最常见的占 {top:.1%}",
    "every logit {fn} gets is >= 0 and the smallest is exactly 0 in all {n} sampled calls (outputs in [0, {input_max}]): the model's output goes through a ReLU (F.relu on the last layer?) before {fn}, which expects raw logits; logits cannot be negative, and a class whose logit hits 0 gets no gradient":
        "{fn} 收到的每个 logit 都 >= 0,且在全部 {n} 次采样调用中最小值恰好为 0(输出范围 [0, {input_max}]):模型输出在进入 {fn} 之前经过了 ReLU(最后一层用了 F.relu?),而 {fn} 需要原始 logits;logits 不可能为负,某个类别的 logit 一旦为 0 就得不到梯度",
    "the model's output passes through {kind} ({act}) before {fn}, which expects raw logits: outputs in [{input_min}, {input_max}]; {consequence}":
        "模型输出在进入 {fn} 之前经过了 {kind}({act}),而 {fn} 需要原始 logits:输出在 [{input_min}, {input_max}];{consequence}",
    "logits cannot be negative, and a class whose logit hits 0 gets no gradient": "logits 不可能为负,logit 降到 0 的类别得不到梯度",
    "the logits are squashed into a narrow range": "logits 被压缩到一个很窄的范围内",
    "every logit >= 0, so every predicted probability is >= 0.5": "所有 logit 都 >= 0,所以所有预测概率都 >= 0.5",
    "the model's output goes through {label}, which can only produce values in {rng}, but the {fn} targets lie in [{target_min}, {target_max}] (mean {target_mean}) in {n_out} of {n_regress} sampled calls: part of the targets is unreachable":
        "模型输出经过了 {label},它只能产生 {rng} 内的值,但在采样的 {n_regress} 次调用中有 {n_out} 次 {fn} 的目标在 [{target_min}, {target_max}]"
        "(均值 {target_mean}):部分目标是无法达到的",
    "{fn} compares the outputs {input_shape} with one-hot targets (0/1, exactly one 1 per row over {target_shape} columns) in {n_onehot} of {n_regress} sampled calls: a classification trained as regression; cross_entropy on the logits with class indices learns faster and calibrates":
        "在采样的 {n_regress} 次调用中有 {n_onehot} 次,{fn} 把输出 {input_shape} 与 one-hot 目标(0/1,{target_shape} 列中每行恰有一个 1)比较:"
        "这是把分类当作回归来训练;在 logits 上用 cross_entropy 配合类别索引学得更快,概率也更准确",
    "{fn} regresses one output per sample onto integer targets 0..{top} in {n_indices} of {n_regress} sampled calls: these look like class indices, and a regression loss treats class {top} as {top}x further from class 0 than class 1 is; use cross_entropy with {top2} outputs (or say so if the values are real counts)":
        "在采样的 {n_regress} 次调用中有 {n_indices} 次,{fn} 让每个样本的单个输出回归到整数目标 0..{top}:这些看起来是类别索引,"
        "而回归损失会认为类别 {top} 离类别 0 的距离是类别 1 的 {top} 倍;请使用 {top2} 个输出的 cross_entropy(如果这些值确实是计数,请说明)",
    "{fn} got continuous targets in [{target_min}, {target_max}] (mean {target_mean}, not 0/1 labels or probabilities) in {n_soft} of {n_classif} sampled calls: a regression task needs a regression loss such as mse_loss":
        "在采样的 {n_classif} 次调用中有 {n_soft} 次,{fn} 收到的是 [{target_min}, {target_max}] 内的连续目标(均值 {target_mean},"
        "不是 0/1 标签或概率):回归任务需要 mse_loss 这样的回归损失",
    # --- M3xx model (nndoctor/rules/model.py) ---
    "{n_missing} parameter tensors ({sum_value} values) require gradients but are in no optimizer, so they never change: {missing} (an optimizer created before these layers were added, replaced or unfrozen?)":
        "{n_missing} 个参数张量({sum_value} 个值)需要梯度,却不在任何优化器中,所以永远不会改变:{missing}"
        "(优化器是在这些层被添加、替换或解冻之前创建的?)",
    "{n_frozen_in_opt} parameter tensors are given to the optimizer but have requires_grad=False, so they never change: {frozen_in_opt}":
        "{n_frozen_in_opt} 个参数张量交给了优化器,但 requires_grad=False,所以永远不会改变:{frozen_in_opt}",
    "{n_frozen} parameter tensors ({share:.0%} of the model's values) are frozen (requires_grad=False, not in the optimizer): {frozen}":
        "{n_frozen} 个参数张量(占模型数值的 {share:.0%})被冻结(requires_grad=False,且不在优化器中):{frozen}",
    "{kind} holds none of the parameters of the model run with gradients ({models}): they get gradients in {n_foreign} of {n_checked} sampled steps, but no optimizer updates them, and {kind}.step() updates {n_params} other parameter tensors (the model was created again after the optimizer, e.g. in a k-fold or restart loop: build the optimizer from the new model's parameters)":
        "{kind} 不持有带梯度运行的模型({models})的任何参数:它们在 {n_checked} 个采样步中有 {n_foreign} 步得到了梯度,但没有任何优化器更新它们,而 {kind}.step() 更新的是另外 {n_params} 个参数张量(模型在优化器创建之后被重新创建,例如在 k 折或重启循环中:请用新模型的参数创建优化器)",
    "; gradient clipping scales the gradients down {factor}x before each step (total norm {before} after backward, {after} at step()): a clipping threshold far below the gradients' norm makes every update that much smaller than the lr says (raise max_norm to about the norm the gradients have)":
        ";梯度裁剪在每一步之前把梯度缩小了 {factor} 倍(backward 之后总范数为 {before},step() 时为 {after}):裁剪阈值远低于梯度本身的范数,使每次更新都比学习率所示的小这么多(把 max_norm 提高到梯度实际范数的量级)",
    "the loss given to backward() has no graph in {leaf_losses} of {sampled_backwards} sampled steps: it is a leaf tensor, made from a plain number (torch.tensor(value, requires_grad=True) after .item(), .numpy() or a NumPy computation) rather than computed from the model's output, so backward() reaches none of the {n_used} parameter tensors ({used}) and they never learn. Compute the loss with torch operations on the output":
        "在 {sampled_backwards} 个采样步中有 {leaf_losses} 步传给 backward() 的损失没有计算图:它是一个叶子张量,由普通数值构造(在 .item()、.numpy() 或 NumPy 计算之后用 torch.tensor(value, requires_grad=True) 重新包装),而不是由模型输出计算得到,因此 backward() 到达不了 {n_used} 个参数张量({used})中的任何一个,它们永远学不到东西。请用 torch 运算在输出上计算损失",
    "the same batch of {rows} samples (identical content) was fed {best} steps in a row, and {call} ran at {n_steps} steps from step {first}: seeding the generator again with the same seed during training makes every random draw repeat, the indices that pick the batch among them (seed once, before training)":
        "同一批 {rows} 个样本(内容完全相同)连续喂了 {best} 步,而且 {call} 从第 {first} 步起在 {n_steps} 个步中被调用:训练过程中用同一个种子重新设定随机数生成器,会让每一次随机抽取都重复,其中包括挑选批次的索引(只在训练开始前设定一次种子)",
    "{dropped} of {total} forwards with gradients off (validation/inference) of the model in eval mode still ran dropout, from step {first}: a functional dropout (F.dropout(x, p) defaults to training=True) ignores model.eval(), so evaluation drops units at random and its metrics are noisy and low; pass training=self.training, or use nn.Dropout":
        "模型处于 eval 模式时,{total} 次关闭梯度的前向传播(验证/推理)中有 {dropped} 次仍然执行了 dropout(从第 {first} 步起):函数式 dropout(F.dropout(x, p) 默认 training=True)不受 model.eval() 控制,评估时会随机丢弃单元,指标又吵又低;请传入 training=self.training,或改用 nn.Dropout",
    "momentum={momentum} sums the last ~{horizon:.0f} gradients into every step ({horizon:.0f}x the lr in steady state) and reacts to a change of slope that late, so the weights overshoot and swing: the loss came down to {best} and went back up to {now} (0.9 is the usual value)":
        "momentum={momentum} 会把最近约 {horizon:.0f} 步的梯度累加进每一步(稳态下是学习率的 {horizon:.0f} 倍),对斜率变化的反应也要滞后这么多步,于是权重冲过头并来回摆动:损失降到 {best} 后又回升到 {now}(常用值是 0.9)",
    "class {big} outnumbers class {small} {ratio:.0f}:1 in the sampled training targets, and the class weights given to {fn} ({w_big} for class {big}, {w_small} for class {small}) make it {weighted:.0f}:1 in the loss: they grow with the class frequency, where inverse frequencies (counts.sum() / counts) were meant":
        "在采样的训练目标中,类别 {big} 与类别 {small} 的数量比为 {ratio:.0f}:1,而传给 {fn} 的类别权重(类别 {big} 为 {w_big},类别 {small} 为 {w_small})使它在损失中变成 {weighted:.0f}:1:权重随类别频率增大,而本意应是频率的倒数(counts.sum() / counts)",
    "the model rejected a batch made from the captured one: {error}": "模型拒绝了由捕获批次构造的批次:{error}",
    "; the loss fell from {start} to {now} all the same: the live units carry the training (capacity lost, not a failure)":
        ";尽管如此,损失仍从 {start} 降到了 {now}:活着的单元承担了训练(损失的是容量,而不是训练失败)",
    "the {units} units of {layers} still have identical weights after {steps} steps of training: initialised to one constant, every unit computes the same output and gets the same gradient, so they never become different and the layer works as a single unit (initialise weights randomly: PyTorch's default, or nn.init.kaiming_uniform_ / xavier_uniform_)":
        "训练 {steps} 步之后,{layers} 的 {units} 个单元的权重仍然完全相同:初始化为同一个常数时,每个单元计算同样的输出、得到同样的梯度,永远不会变得不同,整层只相当于一个单元(请随机初始化权重:PyTorch 的默认初始化,或 nn.init.kaiming_uniform_ / xavier_uniform_)",
    "{fn} gets one output per sample ({shape}): a softmax over one class is always 1, so the loss is {value} whatever the model outputs and no gradient reaches it. Two classes need two outputs with {fn}, or one logit with binary_cross_entropy_with_logits (BCEWithLogitsLoss)":
        "{fn} 的输入每个样本只有一个输出({shape}):对一个类别做 softmax 恒等于 1,所以无论模型输出什么,损失都是 {value},也没有任何梯度传回模型。两个类别在 {fn} 下需要两个输出,或者用一个 logit 配合 binary_cross_entropy_with_logits(BCEWithLogitsLoss)",
    " — including the output layer, which fine-tuning normally trains": " — 其中包括输出层,而微调时通常要训练输出层",
    "; fine when a pretrained backbone is frozen on purpose": ";如果是有意冻结预训练主干网络,则没有问题",
    "{n_used} parameter tensors of layers that run in the forward pass got {gradient} at every one of {grad_checked} checked steps: {used}. Something between them and the loss cuts the graph (.detach(), .data, torch.no_grad(), .item() or a numpy round trip)":
        "在前向中运行过的层有 {n_used} 个参数张量,在检查的 {grad_checked} 步中每一步都得到{gradient}:{used}。它们与损失之间有东西切断了计算图(.detach()、.data、torch.no_grad()、.item() 或经过 numpy 的往返转换)",
    "no gradient (grad is None)": "没有梯度(grad 为 None)",
    "an exactly zero gradient": "恰好为零的梯度",
    "{n_unused} parameter tensors never got a gradient and their layers never ran in the forward pass: {unused} (defined but unused?)":
        "{n_unused} 个参数张量从未得到梯度,它们所在的层也从未在前向中运行:{unused}(定义了却没有使用?)",
    "shrinks": "缩小",
    "blows up": "放大",
    "at initialization (step {step}) each of {n_run} consecutive layers {verb} the activation std relative to its input: {gains}; together x{total}. PyTorch's default init gives ~x0.6 per layer, He/Xavier ~x1-1.4: ":
        "初始化时(第 {step} 步),连续 {n_run} 层中的每一层都相对其输入{verb}了激活值的标准差:{gains};合计 x{total}。PyTorch 默认初始化每层约 x0.6,He/Xavier 约 x1-1.4:",
    "the signal (and the gradient) fades with depth": "信号(以及梯度)随深度衰减",
    "pre-activations this large saturate tanh/sigmoid and make ReLU nets unstable": "这么大的预激活值会让 tanh/sigmoid 饱和,并让 ReLU 网络不稳定",
    "activation after {module}": "{module} 之后的激活",
    "{share:.0%} into {layer}": "进入 {layer} 的 {share:.0%}",
    "{frac:.0%} of the units feeding {layer} (from {source}) output exactly 0 for every sample of the batch, in the median of the sampled steps {first}-{last}":
        "在采样的第 {first}-{last} 步的中位数上,输入 {layer} 的单元(来自 {source})中有 {frac:.0%} 对批量中的每个样本都输出恰好为 0",
    "; also {rest}": ";另有 {rest}",
    "{frac:.0%} of the units feeding {layer} (from {source}) output exactly 0 for every sample of the batch over the sampled steps {first}-{last}, but they came back to life: {now:.0%} over the last sampled steps {a}-{b}; units that recover do no lasting harm":
        "在采样的第 {first}-{last} 步中,输入 {layer} 的单元(来自 {source})有 {frac:.0%} 对批量中的每个样本都输出恰好为 0,"
        "但它们恢复了:在最后采样的第 {a}-{b} 步中只有 {now:.0%};能恢复的单元不会造成持久的损害",
    "the weights of {n_zero} of the {n_layers} Linear/Conv layers are exactly zero when training starts (step {step}): {layers}":
        "训练开始时(第 {step} 步),{n_layers} 个 Linear/Conv 层中有 {n_zero} 个层的权重恰好全为 0:{layers}",
    "all of them": "它们全部",
    "; {stuck} got an exactly zero gradient at every one of {checked} checked steps, so they never train":
        ";{stuck} 在检查的全部 {checked} 步中梯度都恰好为 0,所以它们永远不会被训练",
    ". Every unit of such a layer computes the same output and gets the same gradient (none at all behind a ReLU with zero biases), so the symmetry between units is never broken: keep the default random init (or nn.init.kaiming_uniform_ / xavier_uniform_) and zero only the biases":
        "。这样的层中每个单元都计算相同的输出、得到相同的梯度(在偏置为 0 的 ReLU 之后则完全没有梯度),"
        "所以单元之间的对称性永远无法打破:请保留默认的随机初始化(或使用 nn.init.kaiming_uniform_ / xavier_uniform_),只把偏置置零",
    ": these ReLU units are dead and get no gradient (negative bias, a too-high learning rate, or a bad init pushed their inputs below 0)":
        ":这些 ReLU 单元已死亡,得不到梯度(负偏置、过高的学习率或不好的初始化把它们的输入推到了 0 以下)",
    "{share:.0%} before {layer}": "{layer} 之前的 {share:.0%}",
    "{frac:.0%} of the {kind} outputs feeding {layer} sit at the asymptote ({band}), median of the sampled steps {first}-{last}":
        "输入 {layer} 的 {kind} 输出中有 {frac:.0%} 处于渐近线处({band}),取采样的第 {first}-{last} 步的中位数",
    "x < 0.01 or x > 0.99": "x < 0.01 或 x > 0.99",
    "; also {others}": ";另有 {others}",
    ": their derivative is ~0, so the gradient through {kind} vanishes (pre-activations too large: init scale, unnormalized inputs, or a too-high learning rate)":
        ":它们的导数约为 0,所以经过 {kind} 的梯度消失了(预激活值太大:初始化尺度、未归一化的输入或过高的学习率)",
    "the {kind} output of {module} has mean {m} and std {s}: |mean| is {ratio:.1f}x the std (median of the sampled steps {first}-{last})":
        "{module} 的 {kind} 输出均值为 {m},标准差为 {s}:|均值| 是标准差的 {ratio:.1f} 倍(取采样的第 {first}-{last} 步的中位数)",
    ", and {n_drift} more layer(s) alike": ",另有 {n_drift} 个层情况相同",
    ": the next layer gets an off-centre signal (zero-centred activations or a normalization layer would help)":
        ":下一层收到的信号偏离零中心(零中心的激活函数或归一化层会有帮助)",
    "{path}: these layers follow each other with no activation in between, so together they are one linear map and add no depth":
        "{path}:这些层前后相连,中间没有激活函数,合起来只是一个线性映射,没有增加深度",
    " (an activation defined in __init__ but not called in forward?)": "(激活函数在 __init__ 中定义了,却没有在 forward 中调用?)",
    " (nn.Identity at {names} where an activation belongs: a lookup that fell back to Identity?)":
        "(在本应是激活函数的位置上是 nn.Identity:{names};是查找激活函数时退回了 Identity?)",
    "{path}: a linear layer feeds another directly through a narrow width ({value}): a low-rank factorization; fine if deliberate (LoRA, a bottleneck projection)":
        "{path}:一个线性层经过很窄的宽度({value})直接连到另一个线性层:这是低秩分解;如果是有意为之(LoRA、瓶颈投影)则没有问题",
    # --- N6xx numerics (nndoctor/rules/numerics.py) ---
    "; parameters already non-finite: {params} ({detail})": ";参数已经是非有限值:{params}({detail})",
    "; origin: {module}": ";来源:{module}",
    ", {detail}": ",{detail}",
    "; gradients were non-finite first, at step {step} ({params})": ";梯度最先变成非有限值,在第 {step} 步({params})",
    "the loss became {value} at step {step} ({bad} of {n_losses} recorded losses non-finite){origin}":
        "损失在第 {step} 步变成了 {value}(记录的 {n_losses} 个损失中有 {bad} 个是非有限值){origin}",
    "{module} is the first to produce a non-finite output at step {step}": "{module} 在第 {step} 步最先产生非有限值输出",
    " (op {op}: {detail})": "(运算 {op}:{detail})",
    " ({detail})": "({detail})",
    "; its input: {shown}": ";它的输入:{shown}",
    "non-finite gradient at step {step}, first in {params}": "第 {step} 步出现非有限梯度,最先出现在 {params}",
    # --- G4xx optimization (nndoctor/rules/optim.py) ---
    "the loss rose from {start} at the start to a median of {m} over {a}": "损失从开始时的 {start} 上升到{a}的中位数 {m}",
    " (up to {peak} by step {peak2})": "(到第 {peak2} 步最高达 {peak})",
    "; update/weight ratio {r} (healthy ~1e-3) in {layers}: each step changes the weights by a large fraction of their size, so the optimizer overshoots":
        ";{layers} 的更新量/权重之比为 {r}(健康值约 1e-3):每一步对权重的改变占其大小的很大比例,所以优化器越过了最优点",
    "the loss fell from {first} to {best} (steps {wins}-{wins2}) and then climbed back to a median of {later} over steps {tail}-{tail2}, losing {frac:.0%} of its progress, while the update/weight ratio stayed at {r} (healthy ~1e-3) in {layers}: the steps are too large to settle into the minimum":
        "损失从 {first} 降到 {best}(第 {wins}-{wins2} 步),随后又回升到第 {tail}-{tail2} 步的中位数 {later},失去了 {frac:.0%} 的进展,"
        "而 {layers} 的更新量/权重之比一直为 {r}(健康值约 1e-3):步长太大,无法稳定在极小值处",
    "the first updates changed the weights by {r} of their size (update/weight ratio, healthy ~1e-3) in {layers}, and the loss stayed at {final} over the last steps ({start} at the start":
        "最初几次更新改变的幅度达到权重自身大小的 {r}(更新/权重比,健康值约 1e-3),位于 {layers};而最后几步的损失停留在 {final}(开始时为 {start}",
    ", {chance} for a model that ignores its input": ",忽略输入的模型为 {chance}",
    "); on a copy the loss fell to {low} at lr {low_lr}: the steps are too large to make progress":
        ");在副本上,学习率 {low_lr} 时损失降到了 {low}:步长太大,无法取得进展",
    "the update/weight ratio reached {r} (healthy ~1e-3) in {layer} at step {step}: each of the first steps changed the weights by more than their own size; from step {dead} on every gradient is exactly zero ({n_dead} of {n_later} later sampled steps): the oversized steps killed the network (dead ReLUs or saturated outputs), and the loss stays at {final} (started at {start})":
        "第 {step} 步时 {layer} 的更新量/权重之比达到 {r}(健康值约 1e-3):最初几步每一步对权重的改变都超过了权重本身的大小;"
        "从第 {dead} 步起所有梯度都恰好为 0(之后采样的 {n_later} 步中有 {n_dead} 步):过大的步长让网络“死掉”了(ReLU 死亡或输出饱和),"
        "损失停在 {final}(开始时为 {start})",
    "; an LR range test on a copy suggests lr ~{best_lr}": ";在副本上的学习率范围测试建议 lr 约为 {best_lr}",
    " (good range {lo}-{hi})": "(合适范围 {lo}-{hi})",
    ", the script uses {lr_in_use}": ",脚本使用的是 {lr_in_use}",
    "lr {lr}": "lr {lr}",
    "lr {low}-{high}": "lr {low}-{high}",
    "the lr": "学习率",
    "median update/weight ratio {ratio} (healthy ~1e-3) over {n_typical} sampled steps ({lr_text}) while the gradients are {grad_ratio} of the weights: the loss moved from {start} to {now} ({moved:+.1%}) in {curve} steps":
        "在采样的 {n_typical} 步中,更新量/权重之比的中位数为 {ratio}(健康值约 1e-3)({lr_text}),而梯度是权重的 {grad_ratio}:"
        "损失在 {curve} 步内从 {start} 变为 {now}({moved:+.1%})",
    "the learning rate fell from {peak} to {lr} ({factor}x lower) by step {step}, {share:.0%} of the {steps} steps, and stayed down (now {low}): since then the loss moved from {at} to {now} ({moved:+.1%}), stuck where it was when the steps became too small to matter (it started at {start}). A scheduler stepped every batch with a step_size or gamma sized for epochs (or a decay far too fast) stops training early":
        "学习率在第 {step} 步(全部 {steps} 步的 {share:.0%})之前从 {peak} 降到 {lr}(降低了 {factor} 倍),之后一直没有回升(现在为 {low}):"
        "从那以后损失从 {at} 变为 {now}({moved:+.1%}),停在步长变得小到无关紧要时的位置(开始时为 {start})。"
        "按 epoch 设定 step_size 或 gamma 的调度器却在每个批次都调用 step()(或衰减过快)会让训练过早停止",
    " (the first steps made no update at all: lr 0 at the start of a schedule?)": "(最初几步完全没有更新:学习率调度开始时 lr 为 0?)",
    "class {big} outnumbers class {small} {ratio:.0f}:1 in the training set ({n} samples), and the sampled training batches hold {got} of class {small} in {total} targets ({share_batches:.1%}, {share_split:.1%} of the set){sampler}: nothing rebalances the classes and {fn} has no class weights, so the model can score well by predicting class {big}":
        "训练集({n} 个样本)中类别 {big} 与类别 {small} 的数量之比为 {ratio:.0f}:1,而采样到的训练批次在 {total} 个目标中只有 {got} 个属于类别 {small}"
        "({share_batches:.1%},训练集中为 {share_split:.1%}){sampler}:没有任何东西在平衡各类别,{fn} 也没有类别权重,"
        "所以模型只要一直预测类别 {big} 就能得到不错的分数",
    "; the loader's {sampler} draws it even less often than the set holds it (weights proportional to the class frequency, where inverse ones were meant?)":
        ";数据加载器的 {sampler} 抽到它的频率比它在训练集中的比例还低(权重与类别频率成正比,而本意是取其倒数?)",
    "; the DataLoader's batches come from {sampler}: check how it orders them": ";DataLoader 的批次来自 {sampler}:请检查它如何排列批次",
    "the validation targets of {fn} are on another scale than the training targets (mean {v_mean}, std {v_std} against mean {t_mean}, std {t_std}), while the model's validation predictions are on the training scale (std {vp_std}): the targets were transformed (standardized, log) for training only, so the validation loss measures the scale gap, not the model; apply the same target transform to every split (or map the predictions back before scoring)":
        "{fn} 的验证目标与训练目标不在同一尺度上(均值 {v_mean}、标准差 {v_std},而训练目标为均值 {t_mean}、标准差 {t_std}),"
        "而模型在验证集上的预测处于训练尺度(标准差 {vp_std}):目标变换(标准化、取对数)只用在了训练集上,"
        "所以验证损失衡量的是尺度差距而不是模型;请对每个划分使用同一个目标变换(或在评分前把预测映射回原尺度)",
    "it is called before backward() on {n} of those steps, when the gradients are {state}, so it clips nothing and the backward that follows writes the unclipped gradients: call it between loss.backward() and optimizer.step()":
        "其中 {n} 步是在 backward() 之前调用它的,此时梯度{state},所以它什么也没裁剪,随后的 backward 写入的是未裁剪的梯度:"
        "请在 loss.backward() 与 optimizer.step() 之间调用它",
    "cleared": "已被清空",
    "the previous step's or zeroed": "是上一步的或已清零",
    "the gradients grow again after it, or it clips other tensors than the ones step() updates: call it right before optimizer.step(), on the parameters the optimizer holds":
        "在它之后梯度又变大了,或者它裁剪的张量不是 step() 更新的那些:请在 optimizer.step() 之前、对优化器持有的参数调用它",
    "clip_grad_norm_(max_norm={max_norm}) is called, yet step() gets gradients of total norm {median} (median; up to {peak}) on {n} of {checked} sampled steps: the gradients are not clipped; {why}":
        "调用了 clip_grad_norm_(max_norm={max_norm}),但在 {checked} 个采样步中有 {n} 步 step() 拿到的梯度总范数为 {median}"
        "(中位数;最高 {peak}):梯度并没有被裁剪;{why}",
    "the gradient norm jumped to {g} at step {step}, {jump:.0f}x the median {typical} of the neighbouring sampled steps ({over_weight}x the weight norm {w}){moved}; a few such steps wreck the weights. Clip the gradient norm (torch.nn.utils.clip_grad_norm_)":
        "梯度范数在第 {step} 步跃升到 {g},是相邻采样步中位数 {typical} 的 {jump:.0f} 倍(是权重范数 {w} 的 {over_weight} 倍){moved};几次这样的更新就会毁掉权重。请裁剪梯度范数(torch.nn.utils.clip_grad_norm_)",
    ", and its update moved the weights {moved:.0f}x as far as the steps before":
        ",这一步的更新使权重移动的距离是之前各步的 {moved:.0f} 倍",
    "the gradient norm burst from {early} (first sampled steps) to {g} at step {step} ({jump:.0f}x), and the loss climbed from {before} to {after} right after: the gradients exploded. Clip the gradient norm (torch.nn.utils.clip_grad_norm_) or lower the learning rate":
        "梯度范数从 {early}(最初几个采样步)突增到第 {step} 步的 {g}({jump:.0f} 倍),紧接着损失从 {before} 升到 {after}:"
        "梯度爆炸了。请裁剪梯度范数(torch.nn.utils.clip_grad_norm_)或降低学习率",
    "the gradient norm grew from {first} (first sampled steps) to {last} by step {step} ({growth:.0f}x) and is still rising: clip the gradient norm, lower the learning rate":
        "梯度范数从 {first}(最初的采样步)增长到第 {step} 步的 {last}({growth:.0f} 倍),并且仍在上升:请裁剪梯度范数、降低学习率",
    "gradient/weight ratio of the first layer {first_m} is {gap} of the largest among the later layers (median over {n_gaps} sampled steps, steps {samples}-{samples2}; e.g. step {step}: {first_r} in {first_m} vs {top_r} in {top_m}): the gradient shrinks by orders of magnitude on its way back, so the early layers barely learn":
        "第一层 {first_m} 的梯度/权重之比只有后面各层中最大值的 {gap}(采样的 {n_gaps} 步的中位数,第 {samples}-{samples2} 步;"
        "例如第 {step} 步:{first_m} 中为 {first_r},{top_m} 中为 {top_r}):梯度在反向传播途中缩小了几个数量级,所以前面的层几乎学不到东西",
    "weight norm of {layers} grew from {w0} to {wt} ({growth:.1f}x, steps {s0}-{st}) and was still growing at the end (the second half added {late:.1f}x what the first half did): nothing bounds the weights":
        "{layers} 的权重范数从 {w0} 增长到 {wt}({growth:.1f} 倍,第 {s0}-{st} 步),到最后仍在增长(后半段的增量是前半段的 {late:.1f} 倍):没有任何东西约束权重",
    " (no weight decay)": "(没有权重衰减)",
    "{n_used} parameter tensors got no gradient at every one of {grad_checked} checked steps: {used}. Their output goes only into {fns}, whose result is not part of the loss given to backward() (a loss computed for the log, or a term left out of the total?): add it to the loss if these layers are meant to learn":
        "{n_used} 个参数张量在检查的全部 {grad_checked} 步中都没有得到梯度:{used}。它们的输出只流入 {fns},"
        "而其结果不在传给 backward() 的损失里(只是为了记录而计算的损失,还是总损失漏加了这一项?):"
        "如果这些层应该学习,就把它加进损失",
    "; the loss kept falling with them ({l0} -> {l_half} -> {lt}): the objective rewards ever larger weights (is it bounded below?)":
        ";损失随之持续下降({l0} -> {l_half} -> {lt}):目标函数奖励越来越大的权重(它有下界吗?)",
    "the entropy of the class frequencies ({n_class_counts} classes) = {h:.3f}": "类别频率的熵({n_class_counts} 个类别)= {h:.3f}",
    "the entropy of the targets (mean {p:.2f}) = {h:.3f}": "目标的熵(均值 {p:.2f})= {h:.3f}",
    "the variance of the targets = {var}": "目标的方差 = {var}",
    "the loss never decreased: {start} at the start, best window median {best} ({decrease:+.1%}), {final} over steps {tail}-{tail2}, after {curve} steps":
        "损失从未下降:开始时为 {start},最好的窗口中位数为 {best}({decrease:+.1%}),{curve} 步后在第 {tail}-{tail2} 步为 {final}",
    "the loss is stuck at the level of a model that ignores its input: {final} over steps {tail}-{tail2} (started at {start}), against {label}; the model predicts the average target, not something learned from the inputs":
        "损失停滞在忽略输入的模型的水平:第 {tail}-{tail2} 步为 {final}(开始时为 {start}),对照 {label};模型预测的是平均目标,而不是从输入中学到的东西",
    "validation loss ({source}) bottomed out at {best} at step {best_step} and rose to {final} (+{rise:.0%}) by step {tail}, while the training loss kept falling from {t_then} to {t_end}":
        "验证损失({source})在第 {best_step} 步降到最低点 {best},到第 {tail} 步又升到 {final}(+{rise:.0%}),而训练损失仍从 {t_then} 持续降到 {t_end}",
    " (the validation losses look summed over samples, not averaged: the first was {scale}x the training loss then; compared per sample)":
        "(验证损失看起来是对样本求和而不是求平均:第一个验证损失是当时训练损失的 {scale} 倍;已按每个样本比较)",
    ": the validation loss ends {gap} above the training loss, {share:.0%} of the loss at the start ({start})":
        ":验证损失最终比训练损失高 {gap},相当于开始时损失({start})的 {share:.0%}",
    "the loss was still falling when training stopped: {last} -> {last2} over the last {span} steps (steps {wins}-{wins2}), {recent:.0%} of the whole decrease from {start}; more steps (epochs) would likely help":
        "训练停止时损失仍在下降:最后 {span} 步(第 {wins}-{wins2} 步)从 {last} 降到 {last2},占从 {start} 开始的全部下降的 {recent:.0%};"
        "更多的步数(epoch)很可能会有帮助",
    "{where}: {problems}": "{where}:{problems}",
    "lr={lr} is negative: every step climbs the loss": "lr={lr} 为负数:每一步都让损失上升",
    "momentum={momentum} is outside [0, 1): the velocity never decays and the steps grow without bound":
        "momentum={momentum} 不在 [0, 1) 内:速度永不衰减,步长无限增大",
    "momentum={momentum} is negative": "momentum={momentum} 为负数",
    "dampening={dampening} with momentum: the gradient is multiplied by 1 - dampening = {value}, so it never enters the update":
        "带动量时 dampening={dampening}:梯度被乘以 1 - dampening = {value},所以它从未进入更新",
    "betas[0]={b1} is outside [0, 1)": "betas[0]={b1} 不在 [0, 1) 内",
    "betas[1]={b2} is outside (0, 1)": "betas[1]={b2} 不在 (0, 1) 内",
    "alpha={alpha} (the RMSprop smoothing constant) is outside (0, 1)": "alpha={alpha}(RMSprop 的平滑常数)不在 (0, 1) 内",
    "weight_decay={wd} is negative: the weights are pushed to grow": "weight_decay={wd} 为负数:权重被推动着增大",
    "eps={eps} is {eps2:.0f}x the typical gradient entry ({rms}): the denominator sqrt(v) + eps is ~eps, so {kind} loses its per-parameter scaling and degenerates into SGD with lr/eps = {value}":
        "eps={eps} 是典型梯度元素({rms})的 {eps2:.0f} 倍:分母 sqrt(v) + eps 约等于 eps,所以 {kind} 失去了逐参数的缩放,退化成 lr/eps = {value} 的 SGD",
    "lr x weight_decay = {lr}: the weights shrink by {lr2:.0%} every step from the decay alone":
        "lr x weight_decay = {lr}:仅权重衰减一项就让权重每步缩小 {lr2:.0%}",
    "weight_decay={wd} makes the decay term (weight_decay x weight norm) {dom:.0f}x the loss gradient in the first steps: the regularization, not the data, drives the updates":
        "weight_decay={wd} 使衰减项(weight_decay x 权重范数)在最初几步是损失梯度的 {dom:.0f} 倍:驱动更新的是正则化,而不是数据",
    "a value that fell at {against} of {n} reports ({first} -> {last}), as a loss does: mode='max' counts each fall as no improvement":
        "一个像损失那样下降的值(在 {n} 次报告中有 {against} 次创新低,{first} -> {last}):mode='max' 把每次下降都算作没有改进",
    "a value that rose at {against} of {n} reports ({first} -> {last}), as an accuracy does: mode='min' counts each rise as no improvement":
        "一个像准确率那样上升的值(在 {n} 次报告中有 {against} 次创新高,{first} -> {last}):mode='min' 把每次上升都算作没有改进",
    "ReduceLROnPlateau(mode='{mode}') was stepped with {what}, so it cut the learning rate {cuts} times, from {lr0} to {lr1}, while the loss fell from {ref0} to {ref1}: use mode='{fix}' for this metric":
        "ReduceLROnPlateau(mode='{mode}') 接收的是{what},因此它把学习率降低了 {cuts} 次,从 {lr0} 降到 {lr1},而同时损失从 {ref0} 降到了 {ref1}:这个指标应该用 mode='{fix}'",
    # --- non-finite origins (nndoctor/probes/nonfinite.py) ---
    "log of a value <= 0 (smallest input {lo:.3g})": "对 <= 0 的值取对数(最小输入 {lo:.3g})",
    "division by ~0 (smallest |denominator-side input| {absmin:.3g})": "除以约等于 0 的数(分母一侧输入的最小绝对值 {absmin:.3g})",
    "overflow (largest input {hi:.3g})": "溢出(最大输入 {hi:.3g})",
    "square root of a negative value (smallest input {lo:.3g})": "对负数开平方(最小输入 {lo:.3g})",
    "{op} produced a non-finite value from finite inputs": "{op} 由有限的输入产生了非有限值",
    "parameters were already non-finite before this forward: an earlier update blew them up": "本次前向之前参数就已经是非有限值:是更早的一次更新把它们弄坏了",
    "no replay possible": "无法重放",
    "loss function {name}": "损失函数 {name}",
    "loss computation": "损失计算",
    "the model's outputs are finite: the non-finite value arises in the loss computation outside the model":
        "模型的输出是有限值:非有限值产生于模型之外的损失计算中",
    "the model's outputs are non-finite, with no single layer or op to blame in the replay":
        "模型的输出是非有限值,重放中找不到单独的某一层或某个算子为此负责",
    "the model's input": "模型的输入",
    "{model} is fed the output of another model and its output is what the loss scores, and it gets gradients in {n_steps} of {n_checked} sampled steps, but no optimizer holds its {n_params} parameter tensors ({values} values): it stays at its initialization while the rest is trained (an optimizer built on the wrong model's parameters, e.g. decoder_optimizer = SGD(encoder.parameters()))":
        "{model} 以另一个模型的输出为输入,损失函数评分的正是它的输出;它在 {n_checked} 个采样步中有 {n_steps} 步得到了梯度,但没有任何优化器持有它的 {n_params} 个参数张量({values} 个值):其余部分在训练时它一直停留在初始值(优化器建在了错误模型的参数上,例如 decoder_optimizer = SGD(encoder.parameters()))",
    "{n} layer(s) run in the forward pass with gradients but are not registered submodules, so model.parameters() leaves out their {values} values and no optimizer trains them: {names} (kept in a plain Python list or dict: use nn.ModuleList / nn.ModuleDict)":
        "{n} 个层在前向传播中带梯度运行,却不是已注册的子模块,所以 model.parameters() 漏掉了它们的 {values} 个值,没有任何优化器训练它们:{names}(放在普通的 Python 列表或字典里:请改用 nn.ModuleList / nn.ModuleDict)",
    "binary_cross_entropy received inputs at exactly 0 or 1 in {share:.0%} of their entries (median of its first {n} sampled calls, before step {steps}): these are values clamped into [0, 1] (logits clipped to silence the loss's range error?), not sigmoid probabilities; a clamped entry gets no gradient, and a wrong one costs log(0), cut to -100. Pass the raw logits to binary_cross_entropy_with_logits (nn.BCEWithLogitsLoss)":
        "binary_cross_entropy 收到的输入中有 {share:.0%} 的元素恰好为 0 或 1(前 {n} 次采样调用的中位数,第 {steps} 步之前):这些是被截断到 [0, 1] 的值(为了消除损失的取值范围报错而裁剪了 logits?),而不是 sigmoid 概率;被截断的元素得不到梯度,预测错误的元素代价为 log(0),被截为 -100。请把原始 logits 传给 binary_cross_entropy_with_logits(nn.BCEWithLogitsLoss)",
    "the validation inputs are on another scale than the training inputs: values in [{v_lo}, {v_hi}] (median feature std {v_sd}) against [{t_lo}, {t_hi}] (median feature std {t_sd}) in training, {ratio:.0f}x apart: a preprocessing step (normalization, scaling to [0, 1]) is applied to one split only; apply the same transform to both":
        "验证输入与训练输入的尺度不同:验证值在 [{v_lo}, {v_hi}](特征标准差中位数 {v_sd}),训练值在 [{t_lo}, {t_hi}](特征标准差中位数 {t_sd}),相差 {ratio:.0f} 倍:某个预处理步骤(归一化、缩放到 [0, 1])只用在了一个划分上;请对两者使用相同的变换",
    "{n} tensor(s) of the model require gradients and get them in the backward pass, but are plain tensor attributes, not nn.Parameter, so model.parameters() leaves out their {values} values and they never change: {names} (wrap them in nn.Parameter)":
        "模型的 {n} 个张量需要梯度,在反向传播中也得到了梯度,却是普通的张量属性而不是 nn.Parameter,所以 model.parameters() 漏掉了它们的 {values} 个值,它们从不改变:{names}(请用 nn.Parameter 包装它们)",
    "{discarded} of {backward_calls} backward() passes were cleared by zero_grad() before optimizer.step() used them ({steps} steps in all): zero_grad() runs between backward() and step(), so every step finds the gradients just cleared and the weights never learn (call zero_grad() before backward(), or after step())":
        "{backward_calls} 次 backward() 中有 {discarded} 次的梯度在 optimizer.step() 使用之前就被 zero_grad() 清掉了(共 {steps} 步):zero_grad() 放在了 backward() 和 step() 之间,每次 step() 看到的都是刚被清空的梯度,权重学不到任何东西(在 backward() 之前或 step() 之后调用 zero_grad())",
    "{discarded} of {backward_calls} backward() passes were cleared by zero_grad() before any optimizer.step() used them ({steps} steps in all): step() runs far less often than backward() (outside the batch loop, or zero_grad() inside a gradient-accumulation loop), so most computed gradients are thrown away":
        "{backward_calls} 次 backward() 中有 {discarded} 次的梯度在任何 optimizer.step() 使用之前就被 zero_grad() 清掉了(总共只有 {steps} 步):step() 的调用远少于 backward()(写在了批次循环之外,或 zero_grad() 放在了梯度累积循环里面),大部分算出的梯度都被丢弃了",
    "the batch fed to the model already holds non-finite values (D102): every layer passes them on":
        "送入模型的批次本身已含非有限值(D102):每一层都只是把它们传下去",
    "the backward of {function} returned NaN": "{function} 的反向传播返回了 NaN",
    # --- the data summary line (nndoctor/data_summary.py); origins of the samples (probes/data_capture.py)
    "scalar": "标量",
    "{kept} distinct training samples kept of {seen} seen ({origin}), each {shape} {dtype}":
        "共见到 {seen} 个训练样本,保留了其中 {kept} 个不同的样本({origin}),每个为 {shape} {dtype}",
    "values in [{low:.4g}, {high:.4g}]": "取值在 [{low:.4g}, {high:.4g}]",
    "{n} classes ({low:.0%} to {high:.0%} each)": "{n} 个类别(每类占 {low:.0%} 到 {high:.0%})",
    "validation: {kept} samples ({origin})": "验证集:{kept} 个样本({origin})",
    "training batches (sampled steps)": "训练批量(采样的步)",
    "gradient-free forwards of the trained model": "训练后模型的无梯度前向",
    # --- D105 label noise (nndoctor/rules/labels.py) ---
    "D105 label-noise not checked: it needs cleanlab ({hint})": "D105 label-noise 未检查:需要 cleanlab({hint})",
    "D105 label-noise not judged: a quick model cannot predict the labels from the inputs (held-out agreement {heldout_accuracy:.0%}, kappa {heldout_kappa:.2f})":
        "D105 label-noise 未做判断:快速模型无法从输入预测标签(留出集一致率 {heldout_accuracy:.0%},kappa {heldout_kappa:.2f})",
    "#{index} (label {given}, looks like {likely})": "#{index}(标签 {given},看起来像 {likely})",
    "{n_used} samples, the whole training set": "{n_used} 个样本,即整个训练集",
    "{n_used} samples drawn at random from the {n_bank} captured (a bounded sample)": "从捕获的 {n_bank} 个样本中随机抽取的 {n_used} 个(有界样本)",
    "the first {n_used} distinct samples fed in training (a bounded sample)": "训练中最先喂入的 {n_used} 个不同样本(有界样本)",
    "{n_used} samples captured from training": "从训练中捕获的 {n_used} 个样本",
    "about {rate:.0%} of the labels look wrong ({n_issues} of {sampled}): confident learning on out-of-sample predictions of a quick {model} ({n_folds}-fold cross-validated on these samples, held-out agreement with the labels {heldout_accuracy:.0%}); most suspicious: {listed}":
        "约 {rate:.0%} 的标签看起来是错的(共检查 {sampled},其中 {n_issues} 个):对快速模型 {model} 的样本外预测做置信学习"
        "(在这些样本上做 {n_folds} 折交叉验证,留出集上与标签的一致率 {heldout_accuracy:.0%});最可疑的:{listed}",
    ". The quick model also disagrees with another {unexplained_error:.0%} of the labels without flagging them, so these may be hard samples or overlapping classes, not wrong labels":
        "。快速模型还与另外 {unexplained_error:.0%} 的标签不一致却没有标记它们,所以这些可能是难样本或相互重叠的类别,而不是错误的标签",
    ". But the network itself gets {accuracy:.0%} of the labels right on {what} (steps {first}-{last}, {samples} samples), against the quick model's {quick:.0%} and the ~{cap:.0%} that {rate:.0%} wrong labels leave to a model that has not memorized them: the quick model misses what the network learns, so many of these are hard samples, not wrong labels (its accuracy leaves room for at most ~{bound:.0%} wrong labels{memorized})":
        "。但网络本身在{what}上答对了 {accuracy:.0%} 的标签(第 {first}-{last} 步,{samples} 个样本),而快速模型只有 {quick:.0%},"
        "且若有 {rate:.0%} 的标签是错的,一个没有记住这些标签的模型最多只能达到约 {cap:.0%}:快速模型没学到网络学到的东西,"
        "所以其中很多是难样本,而不是错误的标签(网络的准确率说明最多约 {bound:.0%} 的标签可能是错的{memorized})",
    "batches it had not trained on yet (first epoch)": "尚未训练过的批量(第一个 epoch)",
    "its training batches": "其训练批量",
    ", unless it memorizes wrong labels: compare on held-out data": ",除非它记住了错误的标签:请在留出数据上比较",
    # --- D111 / D116 training vs validation data (nndoctor/rules/data_split.py) ---
    " (judged on a sample: {kept} of the {seen} samples fed)": "(基于样本判断:喂入的 {seen} 个样本中的 {kept} 个)",
    "; the training sample covers ~{cover:.0%} of the training data, so the true overlap is likely larger":
        ";训练样本只覆盖了约 {cover:.0%} 的训练数据,所以真实的重叠很可能更多",
    "; the validation DataLoader iterates the training data set itself, pass after pass while training goes on: every validation score is a training score (build it from the held-out split)":
        ";验证 DataLoader 遍历的就是训练数据集本身,而且在训练过程中一遍又一遍地遍历:每一个验证分数其实都是训练分数(请用留出的划分来构建它)",
    "; {passes} gradient-free pass(es) over training data itself (e.g. train accuracy) are not counted":
        ";{passes} 次在训练数据本身上的无梯度遍历(例如训练准确率)未计入",
    "{k} of {n} validation samples ({share:.1%}) are copies of training samples: the splits overlap, so validation scores are inflated (validation index -> training index: {pairs}){cover_note}{skipped}{sample_note}":
        "{n} 个验证样本中有 {k} 个({share:.1%})是训练样本的副本:两个划分相互重叠,所以验证分数虚高"
        "(验证索引 -> 训练索引:{pairs}){cover_note}{skipped}{sample_note}",
    "the normalization statistics were fitted on training and validation data together: over the {nt} training and {nv} validation samples pooled, every one of the {features} varying features has mean 0 and std 1 exactly (largest deviations {pooled_mean_off:.1e} and {pooled_std_off:.1e}), while the training split alone does not (off by up to {train_off}): the validation data leaked into the preprocessing":
        "归一化统计量是在训练数据和验证数据合在一起时拟合的:把 {nt} 个训练样本和 {nv} 个验证样本合并后,{features} 个有变化的特征"
        "每一个的均值都恰好为 0、标准差恰好为 1(最大偏差 {pooled_mean_off:.1e} 和 {pooled_std_off:.1e}),而单看训练集却不是"
        "(最多偏离 {train_off}):验证数据泄漏到了预处理中",
    "{unseen_n} of {nv} validation samples ({share:.0%}) belong to classes {unseen} that never occur in training (training has classes {train_classes})":
        "{nv} 个验证样本中有 {unseen_n} 个({share:.0%})属于训练中从未出现的类别 {unseen}(训练集的类别为 {train_classes})",
    "the class frequencies differ by a total variation distance of {tv:.2f} (class {top} is {val_share:.0%} of validation, {train_share:.0%} of training)":
        "类别频率的总变差距离为 {tv:.2f}(类别 {top} 在验证集中占 {val_share:.0%},在训练集中占 {train_share:.0%})",
    "the features are far apart: mean |standardized mean difference| {mean_abs:.2f} over {features} features (random splits of one data set give ~{noise:.2f}), largest at feature(s) {largest}":
        "特征分布相差很远:{features} 个特征的 |标准化均值差| 平均为 {mean_abs:.2f}(同一数据集的随机划分约为 {noise:.2f}),"
        "相差最大的特征为 {largest}",
    "training and validation data disagree: {reasons}: the split is not a random one (a sorted data set split by position?){sample_note}":
        "训练数据与验证数据不一致:{reasons}:这不是随机划分(按位置切分了一个排过序的数据集?){sample_note}",
    "training and validation data differ: {reasons}; but the samples are overlapping windows of one series ({share:.0%} of the training samples reappear in another shifted by 1 to {max_shift} steps along axis {axis}), so they are not independent and a chronological split (validation on a later stretch) is the right one for forecasting; the difference is the series changing over time (trend, slow seasons), which the model must extrapolate{sample_note}":
        "训练数据与验证数据不同:{reasons};但这些样本是同一序列上相互重叠的窗口(训练样本中有 {share:.0%} 沿轴 {axis} 平移 1 到 {max_shift} 步后"
        "又出现在另一个样本中),它们并不独立,按时间顺序划分(在更晚的一段上验证)正是预测任务应有的做法;"
        "这种差异是序列随时间的变化(趋势、慢周期),模型需要外推{sample_note}",
    # --- report notes (cli.py, session.py, preflight/, probes/torch_probe.py, distributed.py) ---
    "stopped after {max_steps} optimizer steps (--max-steps)": "在 {max_steps} 次优化器更新后停止(--max-steps)",
    "no PyTorch training was seen: no model forward, backward() or optimizer step": "没有观察到 PyTorch 训练:没有模型前向、backward() 或优化器更新",
    "no training step was seen (no backward() or optimizer step), only {root_calls} model forward(s): inference only, nothing to diagnose about training":
        "没有观察到训练步(没有 backward() 或优化器更新),只有 {root_calls} 次模型前向:只是推理,没有可诊断的训练",
    "torch.distributed: no process group or torchrun store at the end, so this report is rank {rank}'s alone":
        "torch.distributed:结束时没有进程组或 torchrun store,所以本报告只是 rank {rank} 的结果",
    "torch.distributed: rank(s) {ranks} sent no report within {timeout:.0f} s (crashed or still running?)":
        "torch.distributed:rank {ranks} 在 {timeout:.0f} 秒内没有发送报告(已崩溃或仍在运行?)",
    "torch.distributed: {n} ranks watched; one report gathered on rank 0": "torch.distributed:观察了 {n} 个 rank;在 rank 0 上汇总为一份报告",
    " ({world} missing)": "(缺少 {world} 个)",
    "no reusable loss: experiments that need one are skipped": "没有可复用的损失:需要损失的实验已跳过",
    "the model's forward takes keyword-only arguments ({names}), and the experiments call copies with positional ones":
        "模型的 forward 接受仅限关键字的参数({names}),而实验以位置参数调用模型副本",
    "pre-flight skipped: {why}": "预检已跳过:{why}",
    "loss: {name}, inferred from the outputs and targets (pass loss_fn= to choose)": "损失:{name},由输出和目标推断得出(可用 loss_fn= 指定)",
    "optimizer: Adam(lr=1e-3), a default (pass optimizer= to test yours)": "优化器:Adam(lr=1e-3),为默认值(可用 optimizer= 测试你自己的)",
    "torch.compile'd model ({name}): its layers run inside the compiled graph, so per-layer activation statistics and the pre-flight experiments are not available; losses, gradients, weights and optimizer steps are watched":
        "经过 torch.compile 的模型({name}):它的各层在编译后的图中运行,所以无法得到逐层激活统计和预检实验;损失、梯度、权重和优化器更新仍会被观察",
    "pre-flight skipped in multi-process training: run the script in one process to get it": "多进程训练中跳过了预检:用单进程运行脚本即可得到",
}

# The words of a finding's location ("where"), which rules build from identifiers (module paths,
# loss functions) and these phrases; identifiers stay as they are. Longest phrases are replaced first.
WHERE_ZH: dict[str, str] = {
    "pre-flight: true vs shuffled labels": "预检:真实标签 vs 打乱的标签",
    "pre-flight: real vs zero/random inputs": "预检:真实输入 vs 全零/随机输入",
    "pre-flight: overfit one batch": "预检:过拟合一个批次",
    "validation data vs training data": "验证数据 vs 训练数据",
    "training data order": "训练数据顺序",
    "parameters updated by hand (no optimizer)": "手动更新的参数(没有优化器)",
    "training data": "训练数据",
    "training labels": "训练标签",
    "training loop": "训练循环",
    "training loss": "训练损失",
    "validation loss": "验证损失",
    "validation data": "验证数据",
    "input normalization": "输入归一化",
    "dataset augmentation": "数据集增强",
    "DataLoader sampler": "DataLoader 采样器",
    "model output": "模型输出",
    "the model's input": "模型的输入",
    "loss terms": "损失项",
    "targets": "目标",
    "target": "目标",
    "inputs": "输入",
    "input": "输入",
    "optimizer": "优化器",
    "the loss given to backward()": "传给 backward() 的损失",
    "gradient clipping": "梯度裁剪",
    "training DataLoader": "训练 DataLoader ",
    "validation DataLoader": "验证 DataLoader ",
}
