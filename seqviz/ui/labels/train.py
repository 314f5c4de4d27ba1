"""Labels of the Train page (``train.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "train.intro": {
        "en": (
            "Train a small sequence-to-sequence model here and watch it learn: the loss falls, the "
            "validation exact match rises, and the probe sentence's attention turns from a blur into a "
            "clean alignment. Runs take seconds to a minute on a CPU. Save a run to explore it on every "
            "other page."
        ),
        "zh": (
            "在这里训练一个小型序列到序列模型，看着它学会：损失下降，验证集完全匹配率上升，"
            "探针句子的注意力从一片模糊变成清晰的对齐。在 CPU 上训练只需几秒到一分钟。"
            "保存后，就能在其他页面里继续探索这个模型。"
        ),
    },
    "train.settings": {"en": "Settings", "zh": "设置"},
    "train.live": {"en": "Live training", "zh": "实时训练"},
    # ------------------------------------------------------------------------------------ what to train
    "train.start_from": {"en": "Start from", "zh": "起点"},
    "train.start_from.new": {"en": "A new model", "zh": "新模型"},
    "train.start_from.checkpoint": {
        "en": "A saved checkpoint (train further)",
        "zh": "已保存的检查点（继续训练）",
    },
    "train.data": {"en": "Data", "zh": "数据"},
    "train.data.task": {"en": "A built-in task", "zh": "内置任务"},
    "train.data.corpus": {"en": "My parallel corpus (TSV)", "zh": "我的平行语料（TSV）"},
    "train.task": {"en": "Task", "zh": "任务"},
    "train.corpus_upload": {
        "en": "Tab-separated file: source<TAB>target per line",
        "zh": "制表符分隔文件：每行「源文<TAB>译文」",
    },
    "train.corpus_help": {
        "en": "UTF-8 text, one pair per line; a Tatoeba export works as is. Up to 20 MB.",
        "zh": "UTF-8 文本，每行一对句子；Tatoeba 导出的文件可直接使用。最大 20 MB。",
    },
    "train.corpus_needed": {"en": "Upload a corpus file to train on it.", "zh": "请先上传语料文件。"},
    "train.corpus_loaded": {
        "en": "{pairs:,} pairs loaded ({skipped} lines skipped).",
        "zh": "已读入 {pairs:,} 对句子（跳过 {skipped} 行）。",
    },
    "train.checkpoint": {"en": "Checkpoint to train further", "zh": "要继续训练的检查点"},
    "train.checkpoint_upload": {
        "en": "Or upload a checkpoint (a .zip, or config.json + model.safetensors)",
        "zh": "或上传检查点（.zip，或 config.json 加 model.safetensors）",
    },
    "train.checkpoint_uploaded": {"en": "Installed checkpoint “{name}”.", "zh": "已安装检查点「{name}」。"},
    "train.checkpoint_corpus": {
        "en": "This model was trained on a user corpus: upload that corpus to train it further.",
        "zh": "这个模型是用用户语料训练的：请上传那份语料再继续训练。",
    },
    "train.no_seq2seq": {
        "en": "No seq2seq checkpoint to train further yet.",
        "zh": "还没有可以继续训练的序列到序列检查点。",
    },
    # ----------------------------------------------------------------------------------------- the model
    "train.model": {"en": "Model", "zh": "模型"},
    "train.arch": {"en": "Architecture", "zh": "架构"},
    "train.arch.rnn": {"en": "RNN (encoder–decoder)", "zh": "RNN（编码器–解码器）"},
    "train.arch.transformer": {"en": "Transformer", "zh": "Transformer"},
    "train.arch_help": {
        "en": (
            "An RNN reads one token after another and keeps a state; a Transformer reads all tokens at once "
            "with self-attention, several heads per layer."
        ),
        "zh": "RNN 一个词元接一个词元地读，并保存一个状态；Transformer 用自注意力一次读入所有词元，每层有多个头。",
    },
    "train.heads": {"en": "Attention heads", "zh": "注意力头数"},
    "train.heads_help": {
        "en": "Each layer's attention is split into this many heads, each with d_model / heads numbers.",
        "zh": "每层的注意力分成这么多个头，每个头有 d_model / 头数 个数。",
    },
    "train.d_model": {"en": "d_model (width of every token vector)", "zh": "d_model（每个词元向量的维度）"},
    "train.d_model_help": {
        "en": "The Transformer's width, the RNN's hidden size: the feed-forward layers are 4 × d_model wide.",
        "zh": "Transformer 的宽度，相当于 RNN 的隐藏层维度；前馈层宽 4 × d_model。",
    },
    "train.transformer_lr": {
        "en": (
            "A Transformer starts at learning rate {lr} with a {warmup}-update warm-up, on batches that mix "
            "every length: at the RNN's 5e-3, or on batches of one length each, its evaluations swing between "
            "good and useless."
        ),
        "zh": (
            "Transformer 默认学习率为 {lr}，先预热 {warmup} 步，每个批次混合各种长度：用 RNN 的 5e-3，"
            "或每个批次只有一种长度时，它的评估结果会在好坏之间大幅摇摆。"
        ),
    },
    "train.probe_attention_transformer": {
        "en": "Cross-attention of the last decoder layer, mean over heads: output tokens (rows) × input positions (columns)",
        "zh": "最后一层解码器的交叉注意力（各头平均）：输出词元（行）× 输入位置（列）",
    },
    "train.probe_encoder_outputs": {
        "en": "Encoder output vectors (top layer, after its final norm): input positions × numbers. A Transformer has no gates.",
        "zh": "编码器输出向量（最上层，最终归一化之后）：输入位置 × 数值。Transformer 没有门。",
    },
    "train.cell": {"en": "Recurrent cell", "zh": "循环单元"},
    "train.attention": {"en": "Attention", "zh": "注意力"},
    "train.attention.none": {"en": "none (context vector only)", "zh": "无（只用上下文向量）"},
    "train.attention.bahdanau": {"en": "Bahdanau (additive)", "zh": "Bahdanau（加性）"},
    "train.attention.luong-dot": {"en": "Luong dot", "zh": "Luong 点积"},
    "train.attention.luong-general": {"en": "Luong general", "zh": "Luong 通用（general）"},
    "train.bidirectional": {"en": "Bidirectional encoder", "zh": "双向编码器"},
    "train.layers": {"en": "Layers", "zh": "层数"},
    "train.embedding_size": {"en": "Embedding size", "zh": "嵌入维度"},
    "train.hidden_size": {"en": "Hidden size", "zh": "隐藏层维度"},
    # ------------------------------------------------------------------------------------- the training
    "train.training": {"en": "Training", "zh": "训练"},
    "train.learning_rate": {"en": "Learning rate", "zh": "学习率"},
    "train.teacher_forcing": {"en": "Teacher forcing", "zh": "教师强制（teacher forcing）比例"},
    "train.teacher_forcing_help": {
        "en": (
            "The probability of feeding the decoder the reference token instead of its own previous "
            "output. 1.0 is pure teacher forcing; lower values train on the model's own mistakes "
            "(scheduled sampling)."
        ),
        "zh": "解码器输入参考词元（而不是自己上一步的输出）的概率。1.0 为完全教师强制；更低的值让模型在自己的错误上训练（计划采样）。",
    },
    "train.tf_decay": {"en": "Decay teacher forcing to", "zh": "教师强制比例逐渐降到"},
    "train.tf_decay_on": {"en": "Decay it during training", "zh": "训练中逐渐降低"},
    "train.budget": {"en": "Budget", "zh": "训练预算"},
    "train.budget.steps": {"en": "Steps", "zh": "步数"},
    "train.budget.seconds": {"en": "Seconds", "zh": "秒数"},
    "train.steps": {"en": "Updates", "zh": "更新步数"},
    "train.seconds": {"en": "Seconds of training", "zh": "训练秒数"},
    "train.advanced": {"en": "More settings", "zh": "更多设置"},
    "train.advanced.model": {"en": "More settings (model)", "zh": "更多设置（模型）"},
    "train.advanced.training": {"en": "More settings (training)", "zh": "更多设置（训练）"},
    "train.batch_size": {"en": "Batch size", "zh": "批大小"},
    "train.seed": {"en": "Random seed", "zh": "随机种子"},
    "train.clip_norm": {"en": "Gradient clipping (max norm)", "zh": "梯度裁剪（最大范数）"},
    "train.dropout": {"en": "Dropout", "zh": "Dropout 比例"},
    "train.copy": {"en": "Copy mechanism (pointer-generator)", "zh": "复制机制（指针生成网络）"},
    "train.coverage": {"en": "Coverage", "zh": "覆盖机制（coverage）"},
    "train.eval_every": {"en": "Validate every … updates", "zh": "每隔多少步验证一次"},
    "train.probe_every": {"en": "Snapshot the probe every … updates", "zh": "每隔多少步给探针拍一次快照"},
    "train.target_em": {"en": "Stop early at exact match", "zh": "完全匹配率达到多少时提前停止"},
    "train.target_em_help": {"en": "0 means never stop early.", "zh": "0 表示不提前停止。"},
    "train.device": {"en": "Device", "zh": "设备"},
    "train.probe": {"en": "Probe input (watched while it trains)", "zh": "探针输入（训练时持续观察）"},
    "train.probe_help": {
        "en": "Empty: the first validation example, “{example}”.",
        "zh": "留空则使用第一个验证样例：「{example}」。",
    },
    "train.start": {"en": "Start training", "zh": "开始训练"},
    "train.busy": {
        "en": "This session already has a run going: stop it or let it finish first.",
        "zh": "本会话已有一个训练在进行：请先停止它或等它结束。",
    },
    # -------------------------------------------------------------------------------------- live view
    "train.none_yet": {
        "en": "No run yet: choose the settings on the left and press “Start training”.",
        "zh": "还没有训练：在左侧选好设置，然后点「开始训练」。",
    },
    "train.run_label": {"en": "Run #{number}: {label}", "zh": "第 {number} 次训练：{label}"},
    "train.state.waiting": {"en": "Waiting for a free slot", "zh": "正在排队等待空位"},
    "train.state.running": {"en": "Training", "zh": "训练中"},
    "train.state.paused": {"en": "Paused", "zh": "已暂停"},
    "train.state.finished": {"en": "Finished", "zh": "已结束"},
    "train.state.stopped": {"en": "Stopped", "zh": "已停止"},
    "train.state.diverged": {"en": "Stopped: the loss diverged", "zh": "已停止：损失发散"},
    "train.state.failed": {"en": "Failed", "zh": "失败"},
    "train.queue": {
        "en": "Queued: number {position} in line. {running} of {slots} training slots on this server are busy.",
        "zh": "排队中：第 {position} 位。本服务器 {slots} 个训练名额中有 {running} 个正在使用。",
    },
    "train.cluster_slots": {
        "en": "Training runs on the Ray cluster at {address}: {training} of this server's runs training, "
        "{waiting} waiting for a free CPU.",
        "zh": "训练在 Ray 集群 {address} 上进行：本服务器有 {training} 个运行正在训练，{waiting} 个在等待空闲 CPU。",
    },
    "train.cluster_waiting": {
        "en": "Waiting for a free CPU on the Ray cluster: {ahead} of this server's runs are ahead of this one.",
        "zh": "正在等待 Ray 集群上的空闲 CPU：本服务器还有 {ahead} 个运行排在它前面。",
    },
    "train.cluster_node": {
        "en": "Running on the cluster (node {where}).",
        "zh": "在集群上运行（节点 {where}）。",
    },
    "train.slots": {
        "en": "Server: {running} of {slots} training slots busy, {queued} waiting.",
        "zh": "服务器：{slots} 个训练名额中 {running} 个在用，{queued} 个在排队。",
    },
    "train.progress": {
        "en": "step {step:,} of {total} · {elapsed:.1f} s · {eta}",
        "zh": "第 {step:,} 步 / 共 {total} 步 · {elapsed:.1f} 秒 · {eta}",
    },
    "train.progress_time": {
        "en": "step {step:,} · {elapsed:.1f} s of {budget:g} s · {eta}",
        "zh": "第 {step:,} 步 · {elapsed:.1f} 秒 / 共 {budget:g} 秒 · {eta}",
    },
    "train.eta": {"en": "about {seconds:.0f} s left", "zh": "约剩 {seconds:.0f} 秒"},
    "train.eta_unknown": {"en": "estimating time left…", "zh": "正在估算剩余时间…"},
    "train.done_eta": {"en": "done", "zh": "完成"},
    "train.pause": {"en": "Pause", "zh": "暂停"},
    "train.resume": {"en": "Resume", "zh": "继续"},
    "train.stop": {"en": "Stop", "zh": "停止"},
    "train.end.steps": {
        "en": "Done: all {step:,} updates finished.",
        "zh": "完成：全部 {step:,} 步已训练完。",
    },
    "train.end.time": {
        "en": "Done: the time budget is used up after {step:,} updates.",
        "zh": "完成：训练时间已用完，共 {step:,} 步。",
    },
    "train.end.target": {
        "en": "Done early: the target exact match was reached at update {step:,}.",
        "zh": "提前完成：第 {step:,} 步时达到了目标完全匹配率。",
    },
    "train.end.stopped": {"en": "Stopped at update {step:,}.", "zh": "已在第 {step:,} 步停止。"},
    "train.end.closed": {
        "en": "Stopped at update {step:,} because its browser tab was closed.",
        "zh": "浏览器标签页已关闭，训练在第 {step:,} 步停止。",
    },
    "train.end.cancelled": {"en": "Cancelled before it started.", "zh": "在开始之前就取消了。"},
    "train.diverged": {"en": "The run diverged: {message}", "zh": "训练发散了：{message}"},
    "train.failed": {"en": "The run failed: {message}", "zh": "训练出错：{message}"},
    "train.metric.loss": {"en": "Loss", "zh": "损失"},
    "train.metric.perplexity": {"en": "Perplexity", "zh": "困惑度"},
    "train.metric.grad_norm": {"en": "Gradient norm", "zh": "梯度范数"},
    "train.metric.tokens_per_s": {"en": "Tokens / s", "zh": "每秒词元数"},
    "train.metric.exact_match": {"en": "Exact match", "zh": "完全匹配率"},
    "train.metric.exact_match_percent": {"en": "Exact match %", "zh": "完全匹配率 %"},
    "train.metric.bleu": {"en": "BLEU", "zh": "BLEU"},
    "train.metric.token_accuracy": {"en": "Token accuracy", "zh": "词元准确率"},
    "train.metric.learning_rate": {"en": "Learning rate", "zh": "学习率"},
    "train.metric.teacher_forcing": {"en": "Teacher forcing", "zh": "教师强制比例"},
    "train.step_axis": {"en": "step", "zh": "步数"},
    "train.run_axis": {"en": "run", "zh": "训练"},
    "train.curves.loss": {
        "en": "Loss (cross-entropy per target token)",
        "zh": "损失（每个目标词元的交叉熵）",
    },
    "train.curves.perplexity": {"en": "Perplexity = exp(loss)", "zh": "困惑度 = exp(损失)"},
    "train.curves.validation": {"en": "Validation", "zh": "验证集"},
    "train.curves.grad_norm": {"en": "Gradient norm (before clipping)", "zh": "梯度范数（裁剪前）"},
    "train.no_points": {
        "en": "The first numbers arrive after a few updates.",
        "zh": "训练几步之后就会出现第一批数字。",
    },
    "train.no_eval": {
        "en": "Validation runs every {every} updates.",
        "zh": "每 {every} 步在验证集上评估一次。",
    },
    # -------------------------------------------------------------------------------------------- probe
    "train.probe_header": {"en": "Watch it learn: the probe input", "zh": "看它学会：探针输入"},
    "train.snapshot": {"en": "Snapshot (drag to go back in time)", "zh": "快照（拖动可回看过去）"},
    "train.snapshot_at": {
        "en": "At step {step:,} ({elapsed:.1f} s) the model writes: “{output}”",
        "zh": "第 {step:,} 步（{elapsed:.1f} 秒）时模型输出：「{output}」",
    },
    "train.probe_attention": {
        "en": "Attention: which input positions (columns) each output token (rows) looked at",
        "zh": "注意力：每个输出词元（行）关注了哪些输入位置（列）",
    },
    "train.probe_gate": {"en": "Encoder gate to show", "zh": "要显示的编码器门"},
    "train.probe_gates": {
        "en": "Encoder {gate} (top layer, forward direction): input positions × units",
        "zh": "编码器{gate}（最上层，正向）：输入位置 × 单元",
    },
    "train.no_attention": {
        "en": "This model has no attention: all it knows of the input is the final context vector.",
        "zh": "这个模型没有注意力：它对输入的全部了解只有最后的上下文向量。",
    },
    "train.no_snapshots": {"en": "The first snapshot is taken at step 0.", "zh": "第 0 步会拍下第一张快照。"},
    "train.source_axis": {"en": "input", "zh": "输入"},
    "train.output_axis": {"en": "output", "zh": "输出"},
    "train.unit_axis": {"en": "unit", "zh": "单元"},
    "train.weight": {"en": "weight", "zh": "权重"},
    # ---------------------------------------------------------------------------------- saving the run
    "train.save_header": {"en": "Keep this model", "zh": "保存这个模型"},
    "train.save_name": {"en": "Checkpoint name", "zh": "检查点名称"},
    "train.save": {"en": "Save", "zh": "保存"},
    "train.saved": {
        "en": "Saved as “{name}”. It is now the model of every page:",
        "zh": "已保存为「{name}」。现在所有页面都会使用它：",
    },
    "train.overwrite": {"en": "Replace my checkpoint of the same name", "zh": "覆盖我自己的同名检查点"},
    "train.exists": {
        "en": "A checkpoint named “{name}” exists; tick “Replace” to overwrite it.",
        "zh": "已有名为「{name}」的检查点；勾选「覆盖」才会替换它。",
    },
    "train.download": {"en": "Download as .zip", "zh": "下载 .zip"},
    "train.save_unfinished": {
        "en": "Stop the run or let it finish, then save it here.",
        "zh": "先停止训练或等它结束，然后在这里保存。",
    },
    "train.nothing_to_save": {
        "en": "This run stopped before its first update: there is nothing to save.",
        "zh": "这次训练在第一步之前就停止了，没有可保存的内容。",
    },
    # ------------------------------------------------------------------------------------ compare runs
    "train.compare_header": {"en": "Compare runs", "zh": "比较多次训练"},
    "train.compare_help": {
        "en": "Overlay the curves of this session's runs, e.g. LSTM vs GRU vs RNN, attention vs none, teacher forcing 1.0 vs 0.5.",
        "zh": "叠加本会话中各次训练的曲线，例如 LSTM、GRU 与 RNN，有无注意力，教师强制 1.0 与 0.5。",
    },
    "train.compare_runs": {"en": "Runs", "zh": "训练"},
    "train.compare_metric": {"en": "Curve", "zh": "曲线"},
    "train.compare_x": {"en": "Against", "zh": "横轴"},
    "train.compare_x.step": {"en": "updates", "zh": "更新步数"},
    "train.compare_x.elapsed": {"en": "seconds", "zh": "秒"},
    "train.compare_need_two": {
        "en": "Train at least two runs in this session to compare them.",
        "zh": "本会话至少训练两次才能比较。",
    },
    "train.col.run": {"en": "Run", "zh": "训练"},
    "train.col.state": {"en": "State", "zh": "状态"},
    "train.col.steps": {"en": "Updates", "zh": "步数"},
    "train.col.seconds": {"en": "Seconds", "zh": "秒"},
    # ----------------------------------------------------- gate names (shared with the gates page)
    "gate.input": {"en": "input gate i_t", "zh": "输入门 i_t"},
    "gate.forget": {"en": "forget gate f_t", "zh": "遗忘门 f_t"},
    "gate.cell": {"en": "cell candidate g_t", "zh": "候选细胞状态 g_t"},
    "gate.output": {"en": "output gate o_t", "zh": "输出门 o_t"},
    "gate.reset": {"en": "reset gate r_t", "zh": "重置门 r_t"},
    "gate.update": {"en": "update gate z_t", "zh": "更新门 z_t"},
    "gate.new": {"en": "candidate n_t", "zh": "候选状态 n_t"},
    "gate.hidden": {"en": "hidden state h_t", "zh": "隐藏状态 h_t"},
}
