"""Labels of the Attention page (``attention.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "attention.intro": {
        "en": (
            "For every token the decoder writes, attention decides how much of each source position to "
            "read. Each row of the heatmap is one output step and sums to 1: these are the exact weights "
            "the model multiplied the encoder states by, taken from its forward pass."
        ),
        "zh": (
            "解码器每写一个词元，注意力都会决定从源序列的每个位置读取多少信息。"
            "热力图的每一行是一个输出步，各行之和为 1：这些正是模型前向计算时与编码器状态相乘的权重。"
        ),
    },
    "attention.output": {"en": "Model output: {output}", "zh": "模型输出：{output}"},
    "attention.no_attention": {
        "en": (
            "{name} has no attention: the decoder sees the input only through the encoder's final state, "
            "one vector of {size} numbers however long the input is (the context-vector bottleneck). "
            "Compare it with an attention model in the tabs below."
        ),
        "zh": (
            "{name} 没有注意力机制：解码器只能通过编码器的最终状态看到输入，"
            "无论输入多长，都只有这一个 {size} 维的向量（上下文向量瓶颈）。可以在下面的标签页里与带注意力的模型比较。"
        ),
    },
    "attention.tab.alignment": {"en": "Alignment", "zh": "对齐"},
    "attention.tab.compare": {"en": "Compare two models", "zh": "比较两个模型"},
    "attention.tab.bottleneck": {"en": "The bottleneck, measured", "zh": "实测瓶颈"},
    "attention.tab.scores": {"en": "Where a weight comes from", "zh": "权重从何而来"},
    "attention.tab.copy": {"en": "Copy and coverage", "zh": "复制与覆盖"},
    "attention.heatmap_title": {"en": "Attention weights α_tj", "zh": "注意力权重 α_tj"},
    "attention.axis.source": {"en": "source token j", "zh": "源词元 j"},
    "attention.axis.output": {"en": "output token t", "zh": "输出词元 t"},
    "attention.axis.length": {"en": "source length (tokens)", "zh": "源序列长度（词元数）"},
    "attention.axis.exact_match": {"en": "exact match", "zh": "完全匹配率"},
    # what row t really is: the wiring differs between Bahdanau (scored before writing) and Luong (after)
    "attention.rows_sum.bahdanau": {
        "en": (
            "Rows sum to 1. Row t holds α_t, computed from the decoder state s_(t−1) before y_t was written; "
            "the context it builds feeds the state that then writes y_t. So a row shows where the decoder "
            "looked to write that token, but not necessarily at the source word it translates."
        ),
        "zh": (
            "每行之和为 1。第 t 行是 α_t，由写出 y_t 之前的解码器状态 s_(t−1) 算出；它构成的上下文向量再送入写出 y_t 的状态。"
            "所以一行表示解码器为写这个词元看了哪里，但看的不一定是它所翻译的那个源词。"
        ),
    },
    "attention.offset_note": {
        "en": (
            "Why rows can look shifted by one: with a one-directional encoder, h_j has read only tokens 1..j, "
            "so the state that best tells the decoder what to write next may sit one position away (reversing "
            '"abc", writing "b" can look at the state that has just read "c"). Training only rewards the '
            "right output, not a diagonal, so the model is free to learn that offset."
        ),
        "zh": (
            "为什么各行看起来错开了一位：单向编码器的 h_j 只读过第 1..j 个词元，最能告诉解码器下一步写什么的状态可能就在相邻的位置"
            "（把 “abc” 倒过来写时，写 “b” 可能会看刚读完 “c” 的那个状态）。训练只奖励正确的输出，不奖励对角线，所以模型可以学到这种错位。"
        ),
    },
    "attention.see_bidirectional": {
        "en": "Show the bidirectional model ({name}): its states know the whole input, and its rows line up",
        "zh": "查看双向模型（{name}）：它的状态了解整个输入，各行对得很齐",
    },
    "attention.rows_sum.luong": {
        "en": (
            "Rows sum to 1. Row t holds α_t, computed from s_t, the state after reading y_(t−1); the context "
            "it builds is combined with s_t to predict y_t. The brightest cell is where the decoder looked "
            "when it wrote that token."
        ),
        "zh": "每行之和为 1。第 t 行是 α_t，由读入 y_(t−1) 之后的状态 s_t 算出；它构成的上下文与 s_t 结合来预测 y_t。最亮的格子就是解码器写这个词元时看的地方。",
    },
    "attention.bidirectional_note": {
        "en": (
            "Bidirectional encoder: each h_j joins a forward state (which has read tokens 1..j) and a "
            "backward state (which has read j..end), so every column already knows the whole input."
        ),
        "zh": "双向编码器：每个 h_j 由前向状态（读过 1..j）和后向状态（读过 j..末尾）拼接而成，所以每一列都已“知道”整个输入。",
    },
    "attention.download_csv": {"en": "Download the weights (CSV)", "zh": "下载权重（CSV）"},
    # compare
    "attention.compare_with": {"en": "Compare with", "zh": "比较对象"},
    "attention.compare_help": {
        "en": "Another checkpoint, run on the same input. Same task: Bahdanau vs Luong, one direction vs two.",
        "zh": "另一个检查点，在同一输入上运行。同一任务下可比较 Bahdanau 与 Luong、单向与双向。",
    },
    "attention.no_partner": {
        "en": (
            "No other model here was trained on the task “{task}”: two models can only be compared on the "
            "same vocabularies. Train one on the Train page, e.g. with another attention."
        ),
        "zh": "这里没有其他在任务「{task}」上训练的模型：只有词表相同的两个模型才能比较。可以在训练页用另一种注意力训练一个。",
    },
    "attention.kind.bahdanau": {
        "en": r"Bahdanau (additive): $e_{tj} = v^\top \tanh(W s_{t-1} + U h_j)$, scored with the state before step t",
        "zh": r"Bahdanau（加性）：$e_{tj} = v^\top \tanh(W s_{t-1} + U h_j)$，用第 t 步之前的状态打分",
    },
    "attention.kind.luong-dot": {
        "en": r"Luong dot: $e_{tj} = s_t^\top h_j$, scored with the state after step t",
        "zh": r"Luong 点积：$e_{tj} = s_t^\top h_j$，用第 t 步之后的状态打分",
    },
    "attention.kind.luong-general": {
        "en": r"Luong general: $e_{tj} = s_t^\top W_a h_j$, scored with the state after step t",
        "zh": r"Luong 一般式：$e_{tj} = s_t^\top W_a h_j$，用第 t 步之后的状态打分",
    },
    "attention.kind.none": {"en": "no attention", "zh": "无注意力"},
    "attention.direction.1": {"en": "one-directional encoder", "zh": "单向编码器"},
    "attention.direction.2": {"en": "bidirectional encoder", "zh": "双向编码器"},
    "attention.agree": {
        "en": "The two models attend to the same source position at {same} of {total} output steps.",
        "zh": "在 {total} 个输出步中，两个模型有 {same} 步关注的是同一个源位置。",
    },
    # bottleneck
    "attention.bottleneck_intro": {
        "en": (
            "Without attention, everything the decoder knows about the input must pass through one "
            "fixed-size vector. Does that hurt long inputs? Measure it: greedy exact match against input "
            "length for models of the same task. Grey: the lengths seen in training."
        ),
        "zh": (
            "没有注意力时，解码器对输入的全部了解都必须挤过一个固定大小的向量。这会不会拖累长输入？"
            "实际测一测：同一任务的几个模型，贪心解码的完全匹配率随输入长度如何变化。灰色区域是训练时见过的长度。"
        ),
    },
    "attention.bottleneck_models": {"en": "Models to measure", "zh": "要测量的模型"},
    "attention.bottleneck_run": {"en": "Measure", "zh": "开始测量"},
    "attention.bottleneck_wait": {
        "en": "Decoding {count} inputs with each model…",
        "zh": "每个模型正在解码 {count} 个输入…",
    },
    "attention.bottleneck_generated": {
        "en": (
            "{per_length} held-out strings per length (never training inputs), from 2 to {longest} letters: "
            "inside the grey band the models were trained, outside it they extrapolate."
        ),
        "zh": "每个长度取 {per_length} 个留出字符串（从未用于训练），长度 2 到 {longest}：灰色带内是训练过的长度，带外是外推。",
    },
    "attention.bottleneck_validation": {
        "en": "The task's validation set, grouped by source length.",
        "zh": "该任务的验证集，按源序列长度分组。",
    },
    "attention.bottleneck_training": {"en": "trained on", "zh": "训练长度"},
    "attention.bottleneck_row": {
        "en": "{name}: {inside} inside the trained lengths, {outside} beyond them.",
        "zh": "{name}：训练长度内 {inside}，超出训练长度 {outside}。",
    },
    "attention.bottleneck_none_outside": {"en": "not measured", "zh": "未测量"},
    "attention.bottleneck_pick": {
        "en": "Pick at least one sequence-to-sequence model.",
        "zh": "请至少选择一个序列到序列模型。",
    },
    "attention.bottleneck_title": {"en": "Exact match by input length", "zh": "完全匹配率与输入长度"},
    # scores
    "attention.scores_intro": {
        "en": (
            "Pick an output step t and a source position j: the score e_tj, its softmax α_tj, and every "
            "number that went into them, recomputed from the model's parameters and checked against the "
            "forward pass."
        ),
        "zh": "选一个输出步 t 和一个源位置 j：看打分 e_tj、经 softmax 得到的 α_tj，以及算出它们的每个数。这些数由模型参数重新计算，并与前向计算的结果核对一致。",
    },
    "attention.step": {"en": "Output step t", "zh": "输出步 t"},
    "attention.position": {"en": "Source position j", "zh": "源位置 j"},
    "attention.step_option": {"en": "{index}: {token}", "zh": "{index}: {token}"},
    "attention.units_table": {
        "en": "Unit by unit: e_tj is the sum of the last column ({units} units, largest contributions first).",
        "zh": "逐个单元看：e_tj 等于最后一列之和（共 {units} 个单元，按贡献大小排序）。",
    },
    "attention.contribution": {"en": "contribution", "zh": "贡献"},
    "attention.unit": {"en": "unit k", "zh": "单元 k"},
    "attention.checked": {
        "en": "Recomputed α_tj equals the forward pass's to {error:.1e}.",
        "zh": "重新计算的 α_tj 与前向计算的结果相差 {error:.1e}。",
    },
    "attention.no_scores": {
        "en": "This model has no attention, so there are no scores to explain.",
        "zh": "这个模型没有注意力，所以没有打分可以解释。",
    },
    # copy and coverage
    "attention.copy_intro": {
        "en": (
            "A pointer-generator mixes two distributions at every step: P(w) = p_gen · P_vocab(w) + "
            "(1 − p_gen) · Σ_j α_tj [x_j = w]. p_gen near 1: the token was generated; near 0: copied from "
            "the source where attention points."
        ),
        "zh": (
            "指针生成网络在每一步混合两个分布：P(w) = p_gen · P_vocab(w) + (1 − p_gen) · Σ_j α_tj [x_j = w]。"
            "p_gen 接近 1 表示词元是生成的；接近 0 表示是从注意力所指的源位置复制的。"
        ),
    },
    "attention.p_gen_title": {"en": "p_gen at each output step", "zh": "每个输出步的 p_gen"},
    "attention.coverage_intro": {
        "en": (
            "Coverage $c_{tj} = \\sum_{t'<t} \\alpha_{t'j}$: how much attention source position $j$ has already "
            "had. The score sees it, so the model can learn not to look at the same place twice."
        ),
        "zh": (
            "覆盖向量 $c_{tj} = \\sum_{t'<t} \\alpha_{t'j}$：源位置 $j$ 此前已获得的注意力总量。"
            "打分时会用到它，模型因此能学会不重复关注同一处。"
        ),
    },
    "attention.coverage_title": {"en": "Coverage c_tj before each step", "zh": "每步之前的覆盖量 c_tj"},
    "attention.copied_words": {
        "en": (
            "Copied words the model's vocabulary lacks (it read each as <unk>; only copying could write "
            "it): {words}"
        ),
        "zh": "模型词表里没有、靠复制写出的词（编码器把它读作 <unk>，只有复制能写出它）：{words}",
    },
    "attention.no_copy": {
        "en": (
            "This model has neither copy nor coverage. Try en-fr-names-lstm-bahdanau-copy or "
            "dates-lstm-bahdanau-copy-coverage."
        ),
        "zh": (
            "这个模型没有复制机制，也没有覆盖机制。可以试试 en-fr-names-lstm-bahdanau-copy 或 "
            "dates-lstm-bahdanau-copy-coverage。"
        ),
    },
    # ------------------------------------------------------------------------- attention vs attribution
    "attention.tab.attribution": {"en": "Attention vs attribution", "zh": "注意力与归因"},
    "attention.attribution_intro": {
        "en": (
            "Attention shows where the decoder looked; it is not by itself the reason for the output. An "
            "attribution asks the model instead: how much does log P of each output token depend on each "
            "source token? Left: the attention of the same forward pass; right: the chosen method. τ is "
            "Kendall's rank correlation of the two rows (1: the same order, 0: unrelated)."
        ),
        "zh": (
            "注意力显示解码器看向哪里，但它本身并不是输出的原因。归因直接问模型：每个输出词元的 log P "
            "在多大程度上取决于每个源词元？左边是同一次前向计算的注意力，右边是所选的方法。"
            "τ 是两行的 Kendall 秩相关（1：顺序相同，0：无关）。"
        ),
    },
    "attention.attribution_method": {"en": "Attribution method", "zh": "归因方法"},
    "attention.method.saliency": {"en": "Saliency ‖∂ log P / ∂e(x_j)‖", "zh": "显著性 ‖∂ log P / ∂e(x_j)‖"},
    "attention.method.grad-input": {"en": "Gradient × input", "zh": "梯度 × 输入"},
    "attention.method.integrated-gradients": {"en": "Integrated gradients", "zh": "积分梯度"},
    "attention.method.occlusion": {"en": "Occlusion (read as <unk>)", "zh": "遮挡（读作 <unk>）"},
    "attention.method_note.saliency": {
        "en": "How strongly log P(y_t) reacts to a small change of source token j's embedding: a size, no sign.",
        "zh": "log P(y_t) 对源词元 j 的嵌入的微小变化有多敏感：只有大小，没有正负。",
    },
    "attention.method_note.grad-input": {
        "en": "The gradient times the embedding, summed over its numbers: red raises log P(y_t), blue lowers it.",
        "zh": "梯度乘以嵌入，再对各维求和：红色提高 log P(y_t)，蓝色降低它。",
    },
    "attention.method_note.integrated-gradients": {
        "en": (
            "The gradient averaged along the straight path from the <pad> embedding to the input's, times the "
            "difference: each row sums to log P(y_t | x) − log P(y_t | baseline), up to the completeness gap."
        ),
        "zh": (
            "沿着从 <pad> 嵌入到输入嵌入的直线路径平均梯度，再乘以两者之差："
            "每一行之和等于 log P(y_t | x) − log P(y_t | 基线)，误差为完备性差距。"
        ),
    },
    "attention.method_note.occlusion": {
        "en": "The change in log P(y_t) when source token j is read as <unk>: negative means the token mattered.",
        "zh": "把源词元 j 读作 <unk> 时 log P(y_t) 的变化：为负表示这个词元很重要。",
    },
    "attention.attribution_steps": {"en": "Integrated gradients: steps", "zh": "积分梯度：步数"},
    "attention.attribution_target": {
        "en": "Explain this output instead (empty: the model's own)",
        "zh": "改为解释这个输出（留空：模型自己的输出）",
    },
    "attention.attribution_target_help": {
        "en": "A reference or any output you want explained; it is teacher-forced, token by token.",
        "zh": "参考译文或任何想解释的输出；逐个词元以教师强制方式输入。",
    },
    "attention.attribution_no_attention": {
        "en": "This model has no attention: the attribution stands alone, with nothing to compare it with.",
        "zh": "这个模型没有注意力：只显示归因，没有可比较的对象。",
    },
    "attention.attribution_agreement": {
        "en": "Mean τ over the rows: {tau}. The most attended token is also the most important in {same} of {total} rows.",
        "zh": "各行 τ 的平均值：{tau}。在 {total} 行中有 {same} 行，注意力最大的词元也是最重要的词元。",
    },
    "attention.completeness": {
        "en": "Completeness gap with {steps} steps: at most {gap} (|Σ_j IG_tj − (log P(y_t|x) − log P(y_t|baseline))|).",
        "zh": "{steps} 步时的完备性差距：最大 {gap}（|Σ_j IG_tj − (log P(y_t|x) − log P(y_t|基线))|）。",
    },
    "attention.gap": {"en": "completeness gap", "zh": "完备性差距"},
    "attention.download_attribution_csv": {"en": "Download attribution (CSV)", "zh": "下载归因（CSV）"},
    "attention.download_attribution_json": {"en": "Download attribution (JSON)", "zh": "下载归因（JSON）"},
    "attention.summary_intro": {
        "en": (
            "One sentence proves little. Jain & Wallace (2019) compared attention with attributions over a "
            "whole validation set: explain {count} held-out inputs and see how τ is spread."
        ),
        "zh": (
            "一个句子说明不了多少。Jain 与 Wallace（2019）在整个验证集上比较注意力与归因："
            "解释 {count} 个留出输入，看看 τ 如何分布。"
        ),
    },
    "attention.summary_run": {"en": "Compare over held-out examples", "zh": "在留出样例上比较"},
    "attention.summary_progress": {"en": "Explained {done} of {total}", "zh": "已解释 {done} / {total}"},
    "attention.summary_title": {
        "en": "Kendall τ of attention vs attribution, every output row",
        "zh": "注意力与归因的 Kendall τ（每个输出行）",
    },
    "attention.rows": {"en": "output rows", "zh": "输出行数"},
    "attention.summary_caption": {
        "en": "{examples} inputs, {rows} output rows: median τ {median}; the most attended token is the most important one in {top1} of the rows.",
        "zh": "{examples} 个输入，{rows} 个输出行：τ 的中位数为 {median}；在 {top1} 的行里，注意力最大的词元也是最重要的词元。",
    },
    "attention.interventions_header": {"en": "Change where it looks", "zh": "改变它看向哪里"},
    "attention.interventions_intro": {
        "en": (
            "If attention is the reason for the output, changing it should change the output. Here the model "
            "decodes your input again with its own weights, but with the attention of every step replaced: "
            "spread evenly over the source, shuffled within each row, or with its strongest position taken "
            "away. log P is the new output's; the next column is what the model's own output scores under "
            "the change."
        ),
        "zh": (
            "如果注意力是输出的原因，改变注意力就应该改变输出。这里模型用自己的权重重新解码你的输入，但每一步的"
            "注意力都被替换：在源序列上均匀分布、在每一行内打乱，或者去掉权重最大的位置。log P 是新输出的；"
            "下一列是模型原本的输出在这种改变下的得分。"
        ),
    },
    "attention.intervention.identity": {"en": "the model's own attention", "zh": "模型自己的注意力"},
    "attention.intervention.uniform": {"en": "uniform", "zh": "均匀"},
    "attention.intervention.permute": {"en": "shuffled rows", "zh": "行内打乱"},
    "attention.intervention.mask-argmax": {"en": "strongest position removed", "zh": "去掉最大位置"},
    "attention.interventions_column.kind": {"en": "attention", "zh": "注意力"},
    "attention.interventions_column.output": {"en": "output", "zh": "输出"},
    "attention.interventions_column.own": {
        "en": "log P(own output)",
        "zh": "log P（原输出）",
    },
    "attention.interventions_column.changed": {"en": "output changed?", "zh": "输出是否改变"},
    "attention.interventions_changed": {"en": "changed", "zh": "改变了"},
    "attention.interventions_same": {"en": "the same", "zh": "没变"},
    "attention.interventions_download": {"en": "Interventions (JSON)", "zh": "干预结果（JSON）"},
    "attention.survival_run": {
        "en": "How many of {count} held-out outputs survive each change?",
        "zh": "{count} 个验证样例的输出，在每种改变下有多少保持不变？",
    },
    "attention.survival_progress": {"en": "Decoded {done} of {total}", "zh": "已解码 {done} / {total}"},
    "attention.survival_caption": {
        "en": (
            "The share of {examples} held-out outputs that stay exactly the same when attention is changed: "
            "the lower it is, the more the model relies on where its attention looks."
        ),
        "zh": "注意力被改变后，{examples} 个验证样例中输出完全不变的比例：比例越低，模型越依赖它的注意力看向哪里。",
    },
    "attention.survival_download": {"en": "Survival shares (JSON)", "zh": "保持不变的比例（JSON）"},
    # a Transformer: every layer and head
    "attention.kind.transformer": {
        "en": (
            r"Transformer: per head $\alpha = \mathrm{softmax}(q k^\top / \sqrt{d_k})$; "
            "the single heatmap is the last decoder layer's cross-attention, mean over its heads"
        ),
        "zh": (
            r"Transformer：每个头 $\alpha = \mathrm{softmax}(q k^\top / \sqrt{d_k})$；"
            "单张热力图是最后一层解码器交叉注意力在各个头上的平均"
        ),
    },
    "attention.heads.intro": {
        "en": (
            "A Transformer has many attentions: in each of its {layers} layers, {heads} heads, each with "
            "its own weights. Every panel below is one head of one layer, and every cell is the weight the "
            "forward pass applied, not a recomputation."
        ),
        "zh": "Transformer 有很多组注意力：{layers} 层中每层有 {heads} 个头，各有各的权重。下面每个小图是某一层的某一个头，每个格子都是前向计算实际使用的权重，不是事后重算的。",
    },
    "attention.heads.which": {"en": "Attention", "zh": "注意力类型"},
    "attention.heads.which_help": {
        "en": (
            "Cross-attention: where each output step looks in the source. Encoder self-attention: how "
            "source tokens read each other. Decoder masked self-attention: how each step reads the tokens "
            "written before it."
        ),
        "zh": "交叉注意力：每个输出步在源序列中看哪里。编码器自注意力：源词元之间如何互相读取。解码器掩码自注意力：每一步如何读取它之前已写出的词元。",
    },
    "attention.heads.kind.cross": {
        "en": "cross-attention (decoder → source)",
        "zh": "交叉注意力（解码器 → 源）",
    },
    "attention.heads.kind.encoder": {"en": "encoder self-attention", "zh": "编码器自注意力"},
    "attention.heads.kind.decoder": {"en": "decoder masked self-attention", "zh": "解码器掩码自注意力"},
    "attention.heads.mean": {"en": "Mean over heads", "zh": "对各个头取平均"},
    "attention.heads.mean_help": {
        "en": (
            "One panel per layer: the average of its heads. A summary for reading: no head applied these "
            "numbers."
        ),
        "zh": "每层一个小图：该层各个头的平均。只是便于阅读的汇总：没有哪个头真正使用过这些数值。",
    },
    "attention.heads.panel": {"en": "layer {layer} · head {head}", "zh": "第 {layer} 层 · 第 {head} 个头"},
    "attention.heads.panel_mean": {
        "en": "layer {layer} · mean of {heads} heads",
        "zh": "第 {layer} 层 · {heads} 个头的平均",
    },
    "attention.heads.caption.cross": {
        "en": (
            "Rows: output tokens; columns: source tokens. Row t of a head holds its weights when the decoder "
            "wrote y_t; every row sums to 1."
        ),
        "zh": "行：输出词元；列：源词元。某个头的第 t 行是解码器写出 y_t 时该头的权重；每行之和为 1。",
    },
    "attention.heads.caption.encoder": {
        "en": (
            "Rows and columns: source tokens. Row i of a head says how much source token i read every source "
            "token (itself included) to build its next vector; every row sums to 1."
        ),
        "zh": "行和列都是源词元。某个头的第 i 行表示源词元 i 在计算下一层向量时读取各个源词元（包括它自己）的比重；每行之和为 1。",
    },
    "attention.heads.caption.decoder": {
        "en": (
            "Rows: output tokens (the step that wrote each); columns: the decoder's inputs, <sos> and the "
            "tokens already written. Everything above the diagonal is exactly 0: the mask hides the future."
        ),
        "zh": "行：输出词元（写出它的那一步）；列：解码器的输入，即 <sos> 和已写出的词元。对角线以上全为 0：掩码挡住了未来。",
    },
    "attention.heads.mean_note": {
        "en": "Showing the mean over heads, as you chose: each cell averages {heads} heads' weights.",
        "zh": "按你的选择显示各头的平均：每个格子是 {heads} 个头的权重的平均值。",
    },
    "attention.axis.source_query": {"en": "source token i", "zh": "源词元 i"},
    "attention.axis.decoder_input": {"en": "decoder input (read so far)", "zh": "解码器输入（已读）"},
    "attention.heads.download_json": {
        "en": "Download every weight (JSON, named as in `seqviz trace --json`)",
        "zh": "下载全部权重（JSON，字段名与 `seqviz trace --json` 相同）",
    },
    "attention.rnn_only.scores": {
        "en": (
            "This breakdown recomputes a Bahdanau or Luong score from an RNN decoder's state; it is for RNN "
            "models. A Transformer's scores are q·k/√d_k in each head: see every head's weights in the "
            "first tab."
        ),
        "zh": "这里的分解是根据 RNN 解码器的状态重算 Bahdanau 或 Luong 打分，只适用于 RNN 模型。Transformer 的打分是每个头里的 q·k/√d_k：各个头的权重见第一个标签页。",
    },
    "attention.rnn_only.interventions": {
        "en": (
            "Interventions rewrite the one attention module of an RNN decoder; they are for RNN models. A "
            "Transformer attends with {count} heads in every layer."
        ),
        "zh": "干预会改写 RNN 解码器中唯一的注意力模块，只适用于 RNN 模型。Transformer 的每一层都用 {count} 个头做注意力。",
    },
    "attention.transformer_mean_view": {
        "en": "For the Transformer: the last decoder layer's cross-attention, mean over its heads.",
        "zh": "对 Transformer：最后一层解码器交叉注意力在各个头上的平均。",
    },
}
