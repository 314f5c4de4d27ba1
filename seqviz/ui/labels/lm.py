"""Labels of the language-model page (``lm.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "lm.intro": {
        "en": (
            "A language model gives every next token a probability, P(x_t | x_<t). Type a text: each cell "
            "below is one token, coloured by how probable the model found it (red: surprised). Perplexity "
            "is exp of the mean of −log P over the tokens: the number of equally likely choices the model was "
            "as uncertain as, on average."
        ),
        "zh": (
            "语言模型给每个下一个词元一个概率 P(x_t | x_<t)。输入一段文本：下面每个格子是一个词元，颜色表示模型"
            "认为它有多可能（红色：意外）。困惑度是各词元 −log P 的平均值再取 exp：平均而言，模型的不确定程度"
            "相当于在这么多个等可能的选项中挑一个。"
        ),
    },
    "lm.text": {"en": "Text", "zh": "文本"},
    "lm.zh_model_hint": {
        "en": "This model read English text only. For Chinese text, use {name}, trained on Chinese sentences.",
        "zh": "这个模型只读过英文文本。要看中文，请换用 {name}：它是用中文句子训练的。",
    },
    "lm.zh_model_button": {"en": "Use the Chinese model", "zh": "换用中文模型"},
    "lm.strip_title": {"en": "P(x_t | x_<t) of every token", "zh": "每个词元的 P(x_t | x_<t)"},
    "lm.perplexity": {"en": "Perplexity", "zh": "困惑度"},
    "lm.mean_nll": {"en": "Mean −log P (nats)", "zh": "平均 −log P（奈特）"},
    "lm.tokens": {"en": "Tokens", "zh": "词元数"},
    "lm.perplexity_formula": {
        "en": "Perplexity = exp(mean NLL) = exp({mean:.4f}) = {value:.4f}",
        "zh": "困惑度 = exp(平均负对数似然) = exp({mean:.4f}) = {value:.4f}",
    },
    "lm.position": {"en": "Position", "zh": "位置"},
    "lm.alternatives_title": {
        "en": "What the model expected at #{position} (after {context})",
        "zh": "第 {position} 个位置上模型的预期（在 {context} 之后）",
    },
    "lm.actual": {
        "en": "The text has {token} here, with P = {probability:.4f}.",
        "zh": "文本在这里是 {token}，P = {probability:.4f}。",
    },
    "lm.sampling_header": {"en": "Sampling, one token at a time", "zh": "逐个词元地采样"},
    "lm.prompt": {"en": "Prompt (may be empty)", "zh": "提示（可以为空）"},
    "lm.temperature": {"en": "Temperature", "zh": "温度"},
    "lm.temperature_help": {
        "en": "Divides the logits before the softmax: below 1 sharpens the distribution, above 1 flattens it; 0 always takes the most probable token.",
        "zh": "在 softmax 之前把 logits 除以温度：小于 1 使分布更尖锐，大于 1 使其更平坦；0 总是取概率最大的词元。",
    },
    "lm.top_k": {"en": "Top-k", "zh": "Top-k"},
    "lm.steps": {"en": "Tokens to sample", "zh": "采样的词元数"},
    "lm.seed": {"en": "Seed", "zh": "随机种子"},
    "lm.sample_step": {"en": "Show step", "zh": "查看第几步"},
    "lm.sample_text": {"en": "Sampled: {text}", "zh": "采样结果：{text}"},
    "lm.step_title": {
        "en": "Step {step}: the distribution drawn from (T = {temperature:g}, top-k = {k})",
        "zh": "第 {step} 步：采样所用的分布（T = {temperature:g}，top-k = {k}）",
    },
    "lm.step_drawn": {
        "en": "Drew {token}: P = {probability:.4f} in this distribution, {model:.4f} under the model itself.",
        "zh": "抽到 {token}：在此分布中 P = {probability:.4f}，在模型本身的分布中为 {model:.4f}。",
    },
}
LABELS |= {
    "lm.bptt_header": {"en": "Full vs truncated BPTT", "zh": "完整 BPTT 与截断 BPTT"},
    "lm.bptt_intro": {
        "en": (
            "Train two small character language models on the same text, the same windows and the same "
            "number of updates. One back-propagates through the whole window of {length} steps; the other "
            "detaches the state every k steps, so its gradients reach back at most k steps."
        ),
        "zh": (
            "在同一文本、同样的窗口和同样的更新次数下训练两个小型字符语言模型。一个在整个 {length} 步的窗口上反向传播；"
            "另一个每 k 步就把状态分离（detach），所以它的梯度最多回传 k 步。"
        ),
    },
    "lm.bptt_source": {"en": "Text to train on", "zh": "训练文本"},
    "lm.bptt_source.corpus": {"en": "the project's corpus", "zh": "项目自带语料"},
    "lm.bptt_source.upload": {"en": "an uploaded text file", "zh": "上传的文本文件"},
    "lm.bptt_upload": {
        "en": "Text file (UTF-8, up to {limit} MB)",
        "zh": "文本文件（UTF-8，不超过 {limit} MB）",
    },
    "lm.bptt_k": {"en": "Truncation k", "zh": "截断长度 k"},
    "lm.bptt_steps": {"en": "Updates", "zh": "更新次数"},
    "lm.bptt_train": {"en": "Train both", "zh": "训练两个模型"},
    "lm.bptt_training": {"en": "Training both language models…", "zh": "正在训练两个语言模型……"},
    "lm.bptt_press": {"en": "Press Train both (a few seconds).", "zh": "点击“训练两个模型”（几秒钟）。"},
    "lm.bptt_run.full": {"en": "full BPTT", "zh": "完整 BPTT"},
    "lm.bptt_run.truncated": {"en": "truncated, k = {k}", "zh": "截断 BPTT（k = {k}）"},
    "lm.bptt_loss_title": {"en": "Training loss", "zh": "训练损失"},
    "lm.bptt_reach_title": {
        "en": "How far back the gradient reaches: ‖∂L/∂h_t‖ over one window",
        "zh": "梯度能回传多远：一个窗口内的 ‖∂L/∂h_t‖",
    },
    "lm.bptt_reach_note": {
        "en": "Truncated: exactly zero more than k − 1 steps before the loss (left off the log scale).",
        "zh": "截断时，距损失超过 k − 1 步的位置梯度恰好为零（对数坐标上不画出）。",
    },
    "lm.bptt_result": {
        "en": "{run}: validation perplexity {perplexity:.3f}, trained in {seconds:.1f} s",
        "zh": "{run}：验证集困惑度 {perplexity:.3f}，训练用时 {seconds:.1f} 秒",
    },
    "lm.bptt_truncated_ahead": {
        "en": (
            "Truncated BPTT came out ahead here, and that can happen: truncation costs the model only the "
            "dependencies longer than k, and most of what predicts the next character lies in the last few. "
            "Its gradients are also shorter products of Jacobians, so they explode and vary less, and the same "
            "number of updates goes further. Full BPTT's advantage shows on text whose structure spans more "
            "than k steps, given enough updates."
        ),
        "zh": (
            "这里截断 BPTT 反而更好，这是可能的：截断只让模型失去长于 k 步的依赖，而预测下一个字符所需的信息大多就在最近几个字符里。"
            "截断后的梯度是更短的雅可比矩阵乘积，爆炸更少、波动更小，同样的更新次数走得更远。"
            "只有当文本的结构跨越超过 k 步、且更新次数足够时，完整 BPTT 的优势才会显现。"
        ),
    },
    # whole sentences per run (a run's name glued into one sentence read "在本页使用截断，k = 8模型")
    "lm.bptt_use.full": {
        "en": "Use the full-BPTT model on this page",
        "zh": "在本页使用完整 BPTT 训练的模型",
    },
    "lm.bptt_use.truncated": {
        "en": "Use the truncated (k = {k}) model on this page",
        "zh": "在本页使用截断 BPTT（k = {k}）训练的模型",
    },
    "lm.axis.update": {"en": "update", "zh": "更新次数"},
    "lm.axis.loss": {"en": "loss (nats per token)", "zh": "损失（每词元奈特）"},
    "lm.axis.step": {"en": "step t in the window", "zh": "窗口中的时间步 t"},
    "lm.connectivity_header": {"en": "Connectivity through time", "zh": "跨时间的连接强度"},
    "lm.connectivity_intro": {
        "en": (
            "How much does the model's score of the next token at step t move when the input it read at an "
            "earlier step t′ moves? Each cell is ‖∂ log P(x_{{t+1}} | x_≤t) / ∂ x_t′‖, the gradient of the "
            "log-probability of the text's actual next token with respect to the embedding read at t′ "
            "(Distill, “Memorization in RNNs”). Left: the model's own gradient (full BPTT). Right: what "
            "truncated BPTT with window k lets training see: the text is cut into chunks of k tokens from its "
            "start and no gradient crosses a chunk's edge. At most {limit} tokens."
        ),
        "zh": (
            "当模型在更早的第 t′ 步读入的输入发生变化时，它在第 t 步对下一个词元的打分会变化多少？"
            "每个格子是 ‖∂ log P(x_{{t+1}} | x_≤t) / ∂ x_t′‖：文本中实际的下一个词元的对数概率对第 t′ 步"
            "所读嵌入向量的梯度范数（Distill《Memorization in RNNs》）。左图：模型本身的梯度（完整 BPTT）。"
            "右图：窗口为 k 的截断 BPTT 让训练看到的部分：文本从开头起每 k 个词元切成一段，梯度不会跨越段的边界。"
            "最多 {limit} 个词元。"
        ),
    },
    "lm.connectivity_show": {"en": "Show connectivity for this text", "zh": "显示这段文本的连接强度"},
    "lm.connectivity_k": {"en": "Truncation window k", "zh": "截断窗口 k"},
    "lm.connectivity_trained": {
        "en": "This model was trained with truncated BPTT, k = {k}.",
        "zh": "这个模型是用截断 BPTT（k = {k}）训练的。",
    },
    "lm.connectivity_full_title": {"en": "Full BPTT", "zh": "完整 BPTT"},
    "lm.connectivity_truncated_title": {"en": "Truncated BPTT, k = {k}", "zh": "截断 BPTT，k = {k}"},
    "lm.axis.reads": {"en": "input read at step t′", "zh": "第 t′ 步读入的输入"},
    "lm.axis.predicts": {"en": "next token scored at step t", "zh": "第 t 步打分的下一个词元"},
    "lm.connectivity_note": {
        "en": (
            "Colour: log10 of the norm. White: exactly zero, either the future (the model cannot look ahead) "
            "or a pair truncation cuts apart. The red dashed line is t − t′ = k: truncated BPTT carries no "
            "gradient from there or further back. On this text truncation hides {share:.1%} of the squared "
            "gradient from training."
        ),
        "zh": (
            "颜色：范数的 log10。白色：恰好为零，要么是未来（模型不能往后看），要么是被截断分开的一对位置。"
            "红色虚线是 t − t′ = k：截断 BPTT 不会从那里或更远处传回任何梯度。"
            "在这段文本上，截断使训练看不到 {share:.1%} 的梯度平方和。"
        ),
    },
    "lm.connectivity_csv": {"en": "Download both matrices (CSV)", "zh": "下载两个矩阵（CSV）"},
}
