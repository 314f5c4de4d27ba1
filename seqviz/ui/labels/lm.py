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
    "lm.bptt_note": {
        "en": "How far back the training gradient reaches, full vs truncated BPTT: see the gradient-flow tab of the LSTM & GRU page.",
        "zh": "训练时梯度能回传多远（完整 BPTT 与截断 BPTT）：见“LSTM 与 GRU 的门”页面的梯度流标签页。",
    },
}
