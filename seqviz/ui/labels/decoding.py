"""Labels of the Decoding stepper page (``decoding.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "decoding.intro": {
        "en": (
            "Watch the decoder write its output one token at a time. Each step reads the previous token, "
            "looks at the source through attention, updates its hidden state and gives every token of the "
            "vocabulary a probability; greedy decoding takes the most probable one. Force a different "
            "token at any step and see how the model carries on from there."
        ),
        "zh": (
            "看解码器如何一次写出一个词元。每一步它读入上一个词元，通过注意力查看源句，更新隐藏状态，"
            "再给词表中的每个词元算出一个概率；贪心解码取概率最大的那个。"
            "你也可以在任意一步换成别的词元，看模型接下来会怎样继续。"
        ),
    },
    # ---------------------------------------------------------------------------- not a seq2seq model
    "decoding.needs_seq2seq": {
        "en": (
            "The decoding stepper needs a sequence-to-sequence model, and {name} is a language model. "
            "Pick a seq2seq checkpoint above, or switch with one click:"
        ),
        "zh": "逐步解码需要序列到序列模型，而 {name} 是语言模型。请在上方选择一个序列到序列检查点，或一键切换：",
    },
    "decoding.use_model": {"en": "Use {name}", "zh": "改用 {name}"},
    # ----------------------------------------------------------------------------------------- stepper
    "decoding.stepper_header": {"en": "Step through the decoding", "zh": "一次一个词元"},
    "decoding.step": {"en": "Step", "zh": "下一步"},
    "decoding.step_help": {
        "en": "Run one decoder step and write its most probable token.",
        "zh": "运行解码器一步，写出概率最大的词元。",
    },
    "decoding.back": {"en": "Back", "zh": "后退"},
    "decoding.back_help": {
        "en": "Undo the last token (a token forced there is undone too).",
        "zh": "撤销上一个词元（若它是强制指定的，也一并撤销）。",
    },
    "decoding.reset": {"en": "Reset", "zh": "重置"},
    "decoding.reset_help": {
        "en": "Start again from the first token, without forced tokens.",
        "zh": "从第一个词元重新开始，并清除所有强制指定的词元。",
    },
    "decoding.run_to_end": {"en": "Run to the end", "zh": "运行到结束"},
    "decoding.run_to_end_help": {
        "en": "Continue greedily until the model writes <eos> (or the length limit).",
        "zh": "用贪心解码一直继续，直到模型写出 <eos>（或达到长度上限）。",
    },
    "decoding.top_k": {"en": "Candidates shown (top k)", "zh": "显示的候选数（前 k 个）"},
    "decoding.top_k_help": {
        "en": "How many of the most probable next tokens the bar chart shows. The URL keeps it (k=…).",
        "zh": "柱状图显示概率最高的前几个候选词元。网址会记住这个设置（k=…）。",
    },
    "decoding.output_so_far": {"en": "Output so far", "zh": "目前的输出"},
    "decoding.nothing_yet": {
        "en": "Nothing written yet: press Step to run the decoder's first step.",
        "zh": "还没有输出：按“下一步”运行解码器的第一步。",
    },
    "decoding.position": {
        "en": "Step {step} of at most {limit}",
        "zh": "第 {step} 步（最多 {limit} 步）",
    },
    "decoding.finished": {
        "en": "The model wrote <eos>: the output is complete.",
        "zh": "模型写出了 <eos>，输出已完成。",
    },
    "decoding.at_limit": {
        "en": "The length limit ({limit} tokens) stopped the decoding before <eos>.",
        "zh": "在写出 <eos> 之前就达到了长度上限（{limit} 个词元），解码停止。",
    },
    "decoding.log_prob": {"en": "log P so far", "zh": "累计对数概率"},
    "decoding.log_prob_help": {
        "en": "The sum of log P of every token written so far: the greedy score of this output.",
        "zh": "目前写出的每个词元的 log P 之和，即这个输出的得分。",
    },
    "decoding.probability": {"en": "P(output)", "zh": "输出的概率"},
    "decoding.chosen": {"en": "Token written at step {step}", "zh": "第 {step} 步写出的词元"},
    "decoding.chosen_value": {
        "en": "{token} · P = {prob:.3f} · log P = {log_prob:.3f}",
        "zh": "{token} · P = {prob:.3f} · log P = {log_prob:.3f}",
    },
    "decoding.chosen_forced": {
        "en": "You forced this token; the model's own choice was {greedy}.",
        "zh": "这个词元是你强制指定的；模型自己的选择是 {greedy}。",
    },
    "decoding.chosen_greedy": {
        "en": "The model's own choice: the most probable token.",
        "zh": "这是模型自己的选择：概率最大的词元。",
    },
    "decoding.forced_mark": {"en": "forced", "zh": "强制"},
    "decoding.p_gen": {
        "en": "p_gen = {value:.3f}: the share of this step's probability that comes from generating "
        "(the rest is copied from the source through attention).",
        "zh": "p_gen = {value:.3f}：这一步的概率中来自“生成”的比例（其余部分经由注意力从源句复制）。",
    },
    # -------------------------------------------------------------------------------------- charts
    "decoding.chart.attention": {
        "en": "Attention over the source at step {step}",
        "zh": "第 {step} 步对源句的注意力",
    },
    "decoding.head_choice": {"en": "Cross-attention of", "zh": "交叉注意力来自"},
    "decoding.head_choice_help": {
        "en": (
            "A Transformer's decoder reads the source through every head of every layer, each with its own "
            "weights. Each choice draws one head's weights as the forward pass applied them; the mean of the "
            "last layer's heads is a summary no head applied."
        ),
        "zh": "Transformer 的解码器通过每一层的每个头读取源句，各有各的权重。每个选项画出某个头在前向计算中实际使用的权重；最后一层各头的平均只是一个概括，没有哪个头真正用过它。",
    },
    "decoding.chart.output_vector": {
        "en": "Decoder output vector at step {step} (top layer, {units} numbers)",
        "zh": "第 {step} 步解码器的输出向量（最高层，{units} 个数）",
    },
    "decoding.chart.attention_axis": {"en": "source token", "zh": "源词元"},
    "decoding.chart.weight": {"en": "weight α", "zh": "权重 α"},
    "decoding.no_attention": {
        "en": (
            "{name} has no attention: every step reads the same context, the encoder's final state, so "
            "there is no attention row to show."
        ),
        "zh": "{name} 没有注意力机制：每一步读取的都是同一个上下文向量，即编码器的最终状态，因此没有注意力可以显示。",
    },
    "decoding.chart.hidden": {
        "en": "Decoder hidden state s_{step} ({units} units)",
        "zh": "解码器隐藏状态 s_{step}（{units} 个单元）",
    },
    "decoding.chart.unit": {"en": "unit", "zh": "单元"},
    "decoding.chart.activation": {"en": "value", "zh": "数值"},
    "decoding.chart.top_k": {
        "en": "Top {k} candidates for step {step}",
        "zh": "第 {step} 步概率最高的 {k} 个候选",
    },
    "decoding.chart.probability": {"en": "probability", "zh": "概率"},
    "decoding.chart.token": {"en": "token", "zh": "词元"},
    # ---------------------------------------------------------------------------------------- what if
    "decoding.what_if_header": {"en": "What if?", "zh": "如果换一个词元？"},
    "decoding.what_if_intro": {
        "en": (
            "Choose the token for step {step} yourself, then keep stepping or run to the end: the rest "
            "is the model's own greedy continuation of your prefix."
        ),
        "zh": "自己选定第 {step} 步的词元，然后继续逐步解码或直接运行到结束：后面的部分是模型在你给的前缀上自己用贪心解码续写的。",
    },
    "decoding.force_token": {"en": "Token for step {step}", "zh": "第 {step} 步的词元"},
    "decoding.force_option": {"en": "{token} · P = {prob:.4f}", "zh": "{token} · P = {prob:.4f}"},
    "decoding.force": {"en": "Force this token", "zh": "强制写出这个词元"},
    "decoding.force_help": {
        "en": "Write the chosen token at this step instead of the model's choice. The URL keeps it (force=…).",
        "zh": "在这一步写出所选词元，而不是模型自己的选择。网址会记住它（force=…）。",
    },
    "decoding.forced_list": {"en": "Forced so far: {tokens}", "zh": "已强制指定：{tokens}"},
    "decoding.done_no_force": {
        "en": "The output is complete; go Back to change a token.",
        "zh": "输出已经完成；想换词元请先“后退”。",
    },
    # ------------------------------------------------------------------------- exposure bias section
    "decoding.exposure_header": {
        "en": "Teacher forcing vs free running (exposure bias)",
        "zh": "教师强制与自由生成（暴露偏差）",
    },
    "decoding.exposure_intro": {
        "en": (
            "In training, the decoder always reads the reference's previous token (teacher forcing). "
            "When it runs free, it reads its own previous output instead, and after its first mistake it "
            "is somewhere training never took it. Below, each step's teacher-forced prediction sits next "
            "to the free-running output."
        ),
        "zh": (
            "训练时，解码器每一步读入的都是参考译文的上一个词元（教师强制）。"
            "自由生成时，它读入的是自己上一步的输出；一旦出错，就进入了训练中从未见过的情形。"
            "下表逐步对比教师强制下的预测与自由生成的输出。"
        ),
    },
    "decoding.reference": {"en": "Reference target", "zh": "参考译文"},
    "decoding.reference_help": {
        "en": "Opens on the example's reference; edit it to see how the model scores another target. "
        "The URL keeps it (ref=…).",
        "zh": "默认是示例的参考译文；可以修改它，看模型如何给另一个目标打分。网址会记住它（ref=…）。",
    },
    "decoding.reference_needed": {
        "en": "Type a reference target to compare teacher forcing with free running.",
        "zh": "请输入参考译文，以便对比教师强制与自由生成。",
    },
    "decoding.col.step": {"en": "step", "zh": "步"},
    "decoding.col.reference": {"en": "reference y_t", "zh": "参考 y_t"},
    "decoding.col.teacher": {"en": "teacher-forced prediction", "zh": "教师强制的预测"},
    "decoding.col.free": {"en": "free-running output", "zh": "自由生成的输出"},
    "decoding.col.teacher_lp": {"en": "log P(y_t) teacher-forced", "zh": "log P(y_t)（教师强制）"},
    "decoding.col.free_lp": {"en": "log P(y_t) free running", "zh": "log P(y_t)（自由生成）"},
    "decoding.exposure.same": {
        "en": (
            "The free run writes exactly the reference, so both regimes read the same prefix at every step "
            "and their lines coincide: no exposure bias on this example."
        ),
        "zh": "自由生成的结果与参考译文完全一致，两种方式每一步读到的前缀都相同，两条线重合：这个例子上没有暴露偏差。",
    },
    "decoding.exposure.leaves": {
        "en": (
            "The free run first leaves the reference at step {step}: it writes {free} where the reference has "
            "{reference}. Up to there both regimes read the same prefix, so their lines coincide."
        ),
        "zh": "自由生成在第 {step} 步首次偏离参考译文：它写出 {free}，参考译文是 {reference}。在此之前两种方式读到的前缀相同，所以两条线重合。",
    },
    "decoding.exposure.longer": {
        "en": (
            "The free run writes the whole reference and then goes on: at step {step} it writes {free} "
            "where the reference has already ended."
        ),
        "zh": "自由生成写完了整条参考译文还在继续：第 {step} 步它写出 {free}，而参考译文此时已经结束。",
    },
    "decoding.exposure.ended": {
        "en": (
            "The free run stops early: it reaches its length limit after {step} steps, where the reference "
            "has {total} (counting <eos>)."
        ),
        "zh": "自由生成提前结束：它在 {step} 步后达到长度上限，而参考译文有 {total} 步（含 <eos>）。",
    },
    "decoding.exposure.differs": {
        "en": (
            "From then on it reads its own output instead of the reference; its prediction first differs "
            "from teacher forcing's at step {step} (highlighted)."
        ),
        "zh": "此后它读的是自己的输出而不是参考译文；它的预测在第 {step} 步首次与教师强制的预测不同（已高亮）。",
    },
    "decoding.exposure.agrees": {
        "en": (
            "Reading its own output from then on, it still predicts what teacher forcing predicts at every "
            "step both reached: the mistake did not spread."
        ),
        "zh": "此后它虽然读的是自己的输出，但在两者都到达的每一步，预测仍与教师强制相同：错误没有扩散。",
    },
    "decoding.reference_lp_teacher": {
        "en": "log P(reference), teacher forced",
        "zh": "log P(参考)，教师强制",
    },
    "decoding.reference_lp_free": {
        "en": "log P(reference tokens), free running",
        "zh": "log P(参考词元)，自由生成",
    },
    "decoding.reference_lp_free_help": {
        "en": "Sum over the {steps} steps the free run reached of log P(y_t) given the model's own prefix.",
        "zh": "在自由生成到达的 {steps} 步上，以模型自己的前缀为条件的 log P(y_t) 之和。",
    },
    "decoding.chart.exposure": {
        "en": "log P of each reference token under each regime",
        "zh": "两种方式下每个参考词元的 log P",
    },
    "decoding.regime.teacher": {"en": "teacher forcing", "zh": "教师强制"},
    "decoding.regime.free": {"en": "free running", "zh": "自由生成"},
    "decoding.chart.first_difference": {"en": "first difference", "zh": "首次不同"},
    "decoding.why_header": {"en": "Why this token, not that one?", "zh": "为什么是这个词元，而不是那个？"},
    "decoding.why_first": {
        "en": "Take a step first: then ask why the model wrote its token rather than another.",
        "zh": "先走一步：然后再问模型为什么写出这个词元而不是另一个。",
    },
    "decoding.why_alternative": {
        "en": "Instead of {chosen}, why not…",
        "zh": "为什么不是……（而是 {chosen}）",
    },
    "decoding.why_download": {"en": "Why not (JSON)", "zh": "为什么不是（JSON）"},
    "decoding.why_chart": {
        "en": "Each source token's share in log P({chosen}) − log P({alternative})",
        "zh": "每个源词元在 log P({chosen}) − log P({alternative}) 中的份额",
    },
    "decoding.why_margin": {
        "en": (
            "log P({chosen}) − log P({alternative}) = {margin}. Red bars push the model towards {chosen}, "
            "blue ones towards {alternative}."
        ),
        "zh": "log P({chosen}) − log P({alternative}) = {margin}。红色的柱子把模型推向 {chosen}，蓝色的推向 {alternative}。",
    },
    "decoding.why_gap": {
        "en": "Integrated gradients' completeness gap: {gap} (the bars sum to the margin minus the baseline's).",
        "zh": "积分梯度的完备性差距：{gap}（各柱之和等于差值减去基线处的差值）。",
    },
}
