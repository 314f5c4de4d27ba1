"""Labels of the Beam search page (``beam.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "beam.intro": {
        "en": (
            "Greedy decoding keeps one hypothesis; beam search keeps the k best partial outputs at every step. "
            "Each step extends every live hypothesis by every token in one decoder call, keeps the k best by "
            "total log-probability, and lets hypotheses that wrote <eos> leave the beam as finished. Every "
            "number in the tree is the model's own log-probability (tests check it against teacher forcing)."
        ),
        "zh": (
            "贪心解码只保留一个假设；束搜索在每一步保留 k 个最好的部分输出。每一步用一次解码器调用把所有存活的假设"
            "各扩展一个词元，按总对数概率保留最好的 k 个；写出 <eos> 的假设作为已完成离开束。"
            "树上的每个数都是模型自己的对数概率（测试用教师强制核对过）。"
        ),
    },
    "beam.width": {"en": "Beam width k", "zh": "束宽 k"},
    "beam.penalty": {"en": "Length penalty", "zh": "长度惩罚"},
    "beam.penalty.none": {"en": "none", "zh": "无"},
    "beam.penalty.gnmt": {"en": "GNMT ((5+|Y|)/6)^α", "zh": "GNMT ((5+|Y|)/6)^α"},
    "beam.penalty.length": {"en": "length |Y|^α", "zh": "长度 |Y|^α"},
    "beam.alpha": {"en": "α", "zh": "α"},
    "beam.max_len": {"en": "Maximum length", "zh": "最大长度"},
    "beam.step": {"en": "Show the search up to step", "zh": "显示搜索到第几步"},
    "beam.step_help": {
        "en": "Step through the expansion: each step is one decoder call for the whole beam.",
        "zh": "逐步查看扩展过程：每一步是对整个束的一次解码器调用。",
    },
    "beam.penalty_direction": {
        "en": (
            "Which way the penalty pushes: a log-probability is negative and every extra token makes it more "
            "negative, so without a penalty the beam prefers short outputs. Dividing by a length term lp(|Y|) "
            "> 1 brings a score closer to 0, and more so for longer outputs: the penalty favours longer outputs."
        ),
        "zh": (
            "惩罚往哪个方向推：对数概率是负数，每多一个词元就更负，所以不加惩罚时束搜索偏爱短输出。"
            "除以大于 1 的长度项 lp(|Y|) 会让得分更接近 0，输出越长越明显：长度惩罚偏向更长的输出。"
        ),
    },
    "beam.tree_title": {
        "en": "Search tree (k = {width}, {penalty})",
        "zh": "搜索树（k = {width}，{penalty}）",
    },
    "beam.status.kept": {"en": "kept", "zh": "保留"},
    "beam.status.pruned": {"en": "pruned", "zh": "剪掉"},
    "beam.status.finished": {"en": "finished", "zh": "已完成"},
    "beam.hover.log_p": {"en": "log P(token)", "zh": "log P(词元)"},
    "beam.hover.cumulative": {"en": "Σ log P", "zh": "Σ log P"},
    "beam.hover.score": {"en": "score", "zh": "得分"},
    "beam.axis.step": {"en": "step", "zh": "步"},
    "beam.stop.all_finished": {"en": "every hypothesis finished", "zh": "所有假设都已结束"},
    "beam.stop.max_length": {"en": "maximum length reached", "zh": "达到了最大长度"},
    "beam.stop.cannot_beat_nbest": {
        "en": "no live hypothesis can beat the {n_best}-best any more",
        "zh": "仍在扩展的假设都已不可能超过第 {n_best} 好的已完成结果",
    },
    "beam.tree_note": {
        "en": (
            "Red: the best outcome's path. Diamonds: finished hypotheses (ended with <eos>, or cut at the "
            "maximum length). Grey: pruned, the next-best extensions that did not make the beam. "
            "{steps} decoder calls, {nodes} nodes; stopped because {reason}."
        ),
        "zh": (
            "红色：最佳结果的路径。菱形：已完成的假设（以 <eos> 结束，或在最大长度处截断）。"
            "灰色：被剪掉的、没能进入束的次优扩展。共 {steps} 次解码器调用，{nodes} 个节点；停止原因：{reason}。"
        ),
    },
    # ------------------------------------------------------------------------------------------ force
    "beam.force_header": {"en": "Force a node", "zh": "强制选择一个节点"},
    "beam.force_node": {"en": "Node", "zh": "节点"},
    "beam.force_option": {
        "en": "#{id} · step {step} · {path} ({status}, score {score:.3f})",
        "zh": "#{id} · 第 {step} 步 · {path}（{status}，得分 {score:.3f}）",
    },
    "beam.force": {"en": "Force this prefix and search again", "zh": "强制这个前缀并重新搜索"},
    "beam.clear_force": {"en": "Clear the forced prefix", "zh": "清除强制前缀"},
    "beam.forced": {"en": "Forced prefix: {prefix}", "zh": "强制前缀：{prefix}"},
    "beam.changed": {
        "en": "Without the forced prefix the best output was {before} (score {before_score:.4f}); now it is {after} (score {after_score:.4f}).",
        "zh": "不强制时最佳输出是 {before}（得分 {before_score:.4f}）；现在是 {after}（得分 {after_score:.4f}）。",
    },
    # ------------------------------------------------------------------------------------------ tables
    "beam.compare_header": {"en": "Greedy vs beam", "zh": "贪心与束搜索对比"},
    "beam.greedy": {"en": "Greedy", "zh": "贪心"},
    "beam.beam": {"en": "Beam (k = {width})", "zh": "束搜索（k = {width}）"},
    "beam.log_prob_metric": {"en": "log P(Y | x)", "zh": "log P(Y | x)"},
    "beam.score_metric": {"en": "score (ranked by)", "zh": "得分（排序依据）"},
    "beam.nbest_header": {"en": "The n-best list", "zh": "n-best 列表"},
    "beam.reference": {"en": "Reference (optional, for BLEU)", "zh": "参考译文（可选，用于计算 BLEU）"},
    "beam.col.rank": {"en": "rank", "zh": "名次"},
    "beam.col.output": {"en": "output", "zh": "输出"},
    "beam.col.length": {"en": "|Y|", "zh": "|Y|"},
    "beam.col.log_prob": {"en": "log P (raw)", "zh": "log P（原始）"},
    "beam.col.divisor": {"en": "lp(|Y|)", "zh": "lp(|Y|)"},
    "beam.col.score": {"en": "score = log P / lp", "zh": "得分 = log P / lp"},
    "beam.col.finished": {"en": "ended with <eos>", "zh": "以 <eos> 结束"},
    "beam.col.bleu": {"en": "BLEU", "zh": "BLEU"},
    "beam.download_tree": {"en": "Whole tree (JSON)", "zh": "整棵树（JSON）"},
    "beam.download_opennmt": {"en": "OpenNMT beam viewer (JSON)", "zh": "OpenNMT 束可视化格式（JSON）"},
}
