"""Labels of the RNN vs Transformer page (``comparison.*`` and its card ``page.comparison.*``), English and
简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "page.comparison.title": {"en": "RNN vs Transformer", "zh": "RNN 与 Transformer"},
    "page.comparison.teaches": {
        "en": (
            "The course's comparison table, measured: training speed, accuracy on inputs longer than any "
            "seen in training, and what each model lets you look inside."
        ),
        "zh": "把课程里的对比表真正测出来：训练速度、对比训练时更长输入的准确率，以及各自能让我们看到模型内部的什么。",
    },
    "comparison.intro": {
        "en": (
            "An RNN reads a sequence one position after another; a Transformer reads every position at once "
            "and connects any two through attention. The table below measures what the course claims, on two "
            "real models of the same task. It opens on the shipped models; **Train both** trains a fresh "
            "pair of the same size, live, and fills it again from those runs."
        ),
        "zh": (
            "RNN 按位置一个接一个地读序列；Transformer 同时读所有位置，并用注意力把任意两个位置连起来。"
            "下表在同一任务的两个真实模型上测量课程中的说法。页面先显示随附模型的结果；"
            "**同时训练两个** 会现场训练一对同样大小的新模型，并用这两次训练重新填表。"
        ),
    },
    "comparison.task": {"en": "Task", "zh": "任务"},
    "comparison.budget": {"en": "Time budget per model (s)", "zh": "每个模型的时间预算（秒）"},
    "comparison.train_both": {"en": "Train both", "zh": "同时训练两个"},
    "comparison.same_size": {
        "en": (
            "Same size: the RNN (LSTM + Bahdanau attention) has embeddings and a hidden state of {width} "
            "numbers ({rnn_parameters:,} parameters); the Transformer has d_model = {width}, 2 layers, 4 heads, "
            "d_ff = {d_ff} ({transformer_parameters:,} parameters). Same batch, seed, evaluation every "
            "{every} updates and threads per run; learning rate {rnn_lr:g} (RNN) and {transformer_lr:g} with a "
            "{warmup}-update warm-up (Transformer). The two runs queue one after the other."
        ),
        "zh": (
            "同样大小：RNN（LSTM + Bahdanau 注意力）的词向量和隐藏状态各 {width} 个数（{rnn_parameters:,} 个参数）；"
            "Transformer 的 d_model = {width}，2 层，4 个头，d_ff = {d_ff}（{transformer_parameters:,} 个参数）。"
            "批大小、随机种子、每 {every} 次更新评估一次和每次训练的线程数都相同；学习率 RNN 为 {rnn_lr:g}，"
            "Transformer 为 {transformer_lr:g} 并预热 {warmup} 次更新。两次训练依次排队进行。"
        ),
    },
    "comparison.sizes": {"en": "Same size?", "zh": "同样大小？"},
    "comparison.shipped_header": {
        "en": "Shipped models: {rnn} vs {transformer}",
        "zh": "随附模型：{rnn} 对 {transformer}",
    },
    "comparison.shipped_note": {
        "en": (
            "Training speed and time here are each checkpoint's own record, taken when and where it was built "
            "(another machine, or this one under other load; a checkpoint that did not record when it first "
            "reached {target:.0%} gives only a bound: '≤ … by the end of training'). Train both measures the "
            "pair on this server, one after the other, on the same threads."
        ),
        "zh": (
            "这里的训练速度和时间来自各检查点自己的记录，是在构建它时、在当时的机器和负载下测得的（没有记录何时首次达到 "
            "{target:.0%} 的检查点只给出上界：“≤ …（训练结束时）”）。“同时训练两个”会在本服务器上依次、用相同线程数测量"
            "这两个模型。"
        ),
    },
    "comparison.no_shipped": {
        "en": "No shipped Transformer for {task} yet: press Train both to fill the table from two live runs.",
        "zh": "{task} 还没有随附的 Transformer 模型：点击“同时训练两个”，用两次现场训练来填表。",
    },
    "comparison.runs_header": {
        "en": "Your runs: {rnn} vs {transformer}",
        "zh": "你的训练：{rnn} 对 {transformer}",
    },
    "comparison.live_header": {"en": "Training both, live", "zh": "两个模型的现场训练"},
    "comparison.waiting": {
        "en": "Queued: it starts when the run before it has finished.",
        "zh": "排队中：前一个训练结束后开始。",
    },
    "comparison.progress": {
        "en": "{model}: update {step:,} · {elapsed:.0f} s of {budget:.0f} s",
        "zh": "{model}：第 {step:,} 次更新 · {elapsed:.0f} / {budget:.0f} 秒",
    },
    "comparison.stop": {"en": "Stop both", "zh": "停止两个"},
    "comparison.failed": {"en": "{model} failed: {message}", "zh": "{model} 训练失败：{message}"},
    "comparison.measuring": {
        "en": "Measuring exact match by input length on both models…",
        "zh": "正在测量两个模型在不同输入长度下的完全匹配率……",
    },
    "comparison.curves.exact_match": {
        "en": "Validation exact match against training seconds",
        "zh": "验证集完全匹配率随训练秒数的变化",
    },
    "comparison.curves.loss": {
        "en": "Training loss against training seconds",
        "zh": "训练损失随训练秒数的变化",
    },
    "comparison.axis.seconds": {"en": "training seconds", "zh": "训练秒数"},
    "comparison.axis.exact_match": {"en": "exact match", "zh": "完全匹配率"},
    "comparison.axis.loss": {"en": "loss", "zh": "损失"},
    "comparison.axis.length": {"en": "input length (tokens)", "zh": "输入长度（词元数）"},
    "comparison.no_points": {
        "en": "The curves appear with the first reports (every few updates; exact match every {every}).",
        "zh": "第一批记录出现后就会画出曲线（每几次更新记录一次；完全匹配率每 {every} 次更新评估一次）。",
    },
    "comparison.col.row": {"en": "Row of the course's table", "zh": "课程对比表的行"},
    "comparison.col.rnn": {"en": "RNN", "zh": "RNN"},
    "comparison.col.transformer": {"en": "Transformer", "zh": "Transformer"},
    "comparison.col.ratio": {"en": "Transformer / RNN", "zh": "Transformer / RNN"},
    "comparison.row.model": {"en": "Model", "zh": "模型"},
    "comparison.row.parameters": {"en": "Parameters", "zh": "参数数量"},
    "comparison.row.parallelism": {"en": "Parallelism over positions", "zh": "各位置能否并行"},
    "comparison.row.tokens_per_s": {
        "en": "Training speed: target tokens/s",
        "zh": "训练速度：每秒目标词元数",
    },
    "comparison.row.time_to_target": {
        "en": "Training speed: seconds to {target:.0%} exact match",
        "zh": "训练速度：达到 {target:.0%} 完全匹配所需秒数",
    },
    "comparison.row.inside": {
        "en": "Long range: exact match at {low}–{high} (in training)",
        "zh": "长距离依赖：长度 {low}–{high}（训练中见过）",
    },
    "comparison.row.beyond": {
        "en": "Long range: exact match at {low}–{high} (beyond training)",
        "zh": "长距离依赖：长度 {low}–{high}（比训练更长）",
    },
    "comparison.row.all_lengths": {
        "en": "Long range: exact match, all lengths",
        "zh": "长距离依赖：所有长度的完全匹配率",
    },
    "comparison.row.interpretability": {
        "en": "Interpretability: what to look at",
        "zh": "可解释性：能看什么",
    },
    "comparison.parallel.rnn": {
        "en": "sequential: step t waits for t − 1",
        "zh": "顺序：第 t 步要等第 t − 1 步",
    },
    "comparison.parallel.transformer": {
        "en": "parallel: all positions at once",
        "zh": "并行：所有位置同时计算",
    },
    "comparison.describe.rnn": {
        "en": "{cell} + {attention} · hidden {width} · layers {layers}",
        "zh": "{cell} + {attention} · 隐藏层 {width} · {layers} 层",
    },
    "comparison.describe.transformer": {
        "en": "d_model {width} · {layers} layers × {heads} heads",
        "zh": "d_model {width} · {layers} 层 × {heads} 个头",
    },
    "comparison.time.exact": {
        "en": "{seconds:.1f} s (update {step:,})",
        "zh": "{seconds:.1f} 秒（第 {step:,} 次更新）",
    },
    "comparison.time.at_most": {
        "en": "≤ {seconds:.1f} s (by the end of training)",
        "zh": "≤ {seconds:.1f} 秒（训练结束时）",
    },
    "comparison.time.never_reached": {
        "en": "not reached (best {best:.0%})",
        "zh": "未达到（最好 {best:.0%}）",
    },
    "comparison.time.no_evaluations": {"en": "unknown: no evaluation recorded", "zh": "未知：没有评估记录"},
    "comparison.views.rnn": {
        "en": "gates and states; one attention matrix",
        "zh": "门与状态；一个注意力矩阵",
    },
    "comparison.views.transformer": {
        "en": "attention heads: a layer × head grid",
        "zh": "注意力头：层 × 头 的网格",
    },
    "comparison.unknown": {"en": "—", "zh": "—"},
    "comparison.length_chart": {"en": "Exact match by input length", "zh": "不同输入长度下的完全匹配率"},
    "comparison.training_lengths": {"en": "seen in training", "zh": "训练中见过"},
    "comparison.length_note": {
        "en": (
            "{count} held-out inputs of each even length from 2 to {longest}, the same ones for both models; "
            "training saw {low} to {high}."
        ),
        "zh": "每个偶数长度（2 到 {longest}）各 {count} 个留出输入，两个模型用同一批；训练时见过的长度为 {low} 到 {high}。",
    },
    "comparison.length_note_validation": {
        "en": "The task's validation set, grouped by input length (inputs of any length cannot be made for it).",
        "zh": "该任务的验证集，按输入长度分组（此任务无法生成任意长度的输入）。",
    },
    "comparison.look_inside": {"en": "Look inside", "zh": "看看内部"},
    "comparison.open_gates": {"en": "Gates of {name}", "zh": "{name} 的门"},
    "comparison.open_attention": {"en": "Attention of {name}", "zh": "{name} 的注意力"},
    "comparison.save_to_open": {
        "en": "To open your runs' models on the other pages, save them on the Train page.",
        "zh": "要在其他页面打开你训练的模型，请先在训练页面保存它们。",
    },
}
