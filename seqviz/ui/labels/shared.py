"""Labels the whole app shares, English and 简体中文: the chrome (language, presentation mode, sidebar), the home
page, the model picker and its descriptions, metrics, and the inputs several model pages share (``input.*``)."""

LABELS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------------------------ shared chrome
    "lang.label": {"en": "Language · 语言", "zh": "语言 · Language"},
    "present.toggle": {"en": "Presentation mode", "zh": "演示模式"},
    "present.help": {
        "en": "Bigger text and no sidebar, for a projector. The URL keeps it (present=1).",
        "zh": "放大字号并隐藏侧边栏，适合投影。网址会记住这个设置（present=1）。",
    },
    "present.exit": {"en": "Exit presentation mode", "zh": "退出演示模式"},
    "present.about": {"en": "About this page", "zh": "关于本页"},
    "nav.home": {"en": "Home", "zh": "首页"},
    "error.title": {"en": "Cannot continue: {message}", "zh": "无法继续：{message}"},
    "error.unexpected": {
        "en": "Something went wrong inside seqviz. The details below help us fix it.",
        "zh": "seqviz 内部出错了。下面的详细信息可以帮助我们修复。",
    },
    "cluster.waiting": {
        "en": "Training on the Ray cluster: waiting for a free CPU there…",
        "zh": "在 Ray 集群上训练：正在等待空闲 CPU……",
    },
    "cluster.running": {"en": "Training on the Ray cluster…", "zh": "正在 Ray 集群上训练……"},
    "cluster.node": {"en": "Trained on the cluster (node {where}).", "zh": "在集群上训练（节点 {where}）。"},
    "cluster.failed": {
        "en": "The cluster could not train this: {message}",
        "zh": "集群无法完成这次训练：{message}",
    },
    # ---------------------------------------------------------------------------------------- home page
    "home.title": {"en": "seqviz: watch sequence models think", "zh": "seqviz：看序列模型如何思考"},
    "home.intro": {
        "en": (
            "seqviz opens up recurrent sequence models while they work. Pick a small trained model and "
            "follow it one step at a time: how the gates of an LSTM or GRU open and close, where the "
            "attention of a translation model looks, which hypotheses a beam search keeps and which it "
            "drops, and how BLEU turns matching n-grams into one score. Every number on screen comes from "
            "the model's real weights and the real decoder, so what you see is exactly what the model did."
        ),
        "zh": (
            "seqviz 把循环序列模型在运行时的内部过程摊开给你看。选一个训练好的小模型，一步一步跟着它走："
            "LSTM 和 GRU 的各个门怎样开合，翻译模型的注意力落在哪些词上，束搜索留下了哪些候选、"
            "又舍弃了哪些，BLEU 又是怎样把匹配上的 n-gram 汇总成一个分数的。"
            "屏幕上的每个数字都来自模型真实的权重和真实的解码过程，你看到的就是模型实际做的事。"
        ),
    },
    "home.pages_header": {"en": "What you can explore", "zh": "可以探索的内容"},
    "home.open": {"en": "Open {page}", "zh": "打开「{page}」"},
    "home.open_short": {"en": "Open", "zh": "打开"},
    "home.model_header": {"en": "Model", "zh": "模型"},
    "home.device_header": {"en": "Compute device", "zh": "计算设备"},
    # -------------------------------------------------------------------------------------- page cards
    "page.gates.title": {"en": "LSTM & GRU gates", "zh": "LSTM 与 GRU 的门"},
    "page.gates.teaches": {
        "en": (
            "Watch the input, forget and output gates, the cell state and the hidden state at every time "
            "step, with each equation shown next to its live numbers."
        ),
        "zh": "逐个时间步观察输入门、遗忘门、输出门以及细胞状态和隐藏状态，每条公式旁边都标出实际数值。",
    },
    "page.attention.title": {"en": "Attention", "zh": "注意力"},
    "page.attention.teaches": {
        "en": (
            "See which source words the decoder looks at for each word it writes, and how additive "
            "(Bahdanau) and dot-product (Luong) attention differ."
        ),
        "zh": (
            "看解码器每写一个词时关注源句中的哪些词，"
            "并比较加性注意力（Bahdanau）与点积注意力（Luong）的区别。"
        ),
    },
    "page.decoding.title": {"en": "Decoding stepper", "zh": "逐步解码"},
    "page.decoding.teaches": {
        "en": (
            "Generate one token at a time, inspect the probability of every candidate, force a different "
            "choice and see how the rest of the output changes."
        ),
        "zh": "一次生成一个词元，查看每个候选的概率；换一个选择试试，看后面的输出会怎样变化。",
    },
    "page.beam.title": {"en": "Beam search", "zh": "束搜索"},
    "page.beam.teaches": {
        "en": (
            "Explore the whole search tree: kept, pruned and finished hypotheses, raw and "
            "length-normalized scores, and where beam search beats greedy decoding."
        ),
        "zh": (
            "展开整棵搜索树：保留的、被剪掉的和已结束的候选，原始分数与长度归一化分数，"
            "以及束搜索胜过贪心解码的地方。"
        ),
    },
    "page.bleu.title": {"en": "BLEU", "zh": "BLEU"},
    "page.bleu.teaches": {
        "en": (
            "See which n-grams match the reference, how clipping caps repeated words, and how the "
            "precisions and the brevity penalty combine into the score sacrebleu reports."
        ),
        "zh": (
            "看哪些 n-gram 与参考译文匹配、截断计数如何限制重复的词，"
            "以及各阶精确率和简短惩罚如何合成 sacrebleu 给出的分数。"
        ),
    },
    "page.train.title": {"en": "Train", "zh": "训练"},
    "page.train.teaches": {
        "en": (
            "Train a small model live on a toy task, watch the loss fall and the gates learn, then pause, "
            "resume or save it as a checkpoint."
        ),
        "zh": (
            "在玩具任务上现场训练一个小模型，看损失下降、看各个门逐渐学会该做什么；"
            "可以随时暂停、继续，或保存为检查点。"
        ),
    },
    "page.lm.title": {"en": "Sequence & language models", "zh": "序列模型与语言模型"},
    "page.lm.teaches": {
        "en": (
            "Predict the next token, see how surprised the model is by each one, and how that per-token "
            "surprisal adds up to perplexity; train full and truncated BPTT side by side."
        ),
        "zh": (
            "预测下一个词元，看模型对每个词元有多“意外”，以及这些逐词元的惊异度如何汇总成困惑度；"
            "并并排训练完整 BPTT 与截断 BPTT。"
        ),
    },
    # ------------------------------------------------------------------------------------- model picker
    "model.label": {"en": "Checkpoint", "zh": "检查点"},
    "model.help": {
        "en": "The trained model every page uses. The URL keeps the choice (ckpt=…).",
        "zh": "各个页面共用的已训练模型。网址会记住这个选择（ckpt=…）。",
    },
    "model.option": {"en": "{name} · {task}", "zh": "{name} · {task}"},
    "model.option_user": {"en": "{name} · {task} · yours", "zh": "{name} · {task} · 我的"},
    "model.option_shared": {"en": "{name} · {task} · shared", "zh": "{name} · {task} · 全班共享"},
    "model.none": {
        "en": "No checkpoint yet: train one with `python -m seqviz train ...`, then reload this page.",
        "zh": "还没有检查点：先用 `python -m seqviz train ...` 训练一个，再刷新本页。",
    },
    "model.missing": {
        "en": "The checkpoint {name} from the link is not here; showing {fallback} instead.",
        "zh": "链接中的检查点 {name} 不在这里，已改为显示 {fallback}。",
    },
    "model.unavailable": {
        "en": "Checkpoints cannot be listed right now: {error}",
        "zh": "暂时无法列出检查点：{error}",
    },
    "model.kind": {"en": "Kind", "zh": "类型"},
    "model.kind.seq2seq": {"en": "sequence to sequence", "zh": "序列到序列"},
    "model.kind.language_model": {"en": "language model", "zh": "语言模型"},
    "model.kind.transformer": {"en": "Transformer (sequence to sequence)", "zh": "Transformer（序列到序列）"},
    "model.arch.transformer": {
        "en": "Transformer, {heads} heads per layer",
        "zh": "Transformer，每层 {heads} 个头",
    },
    "model.arch.d_model": {"en": "d_model {size}", "zh": "d_model {size} 维"},
    "error.model.rnn_only": {
        "en": "{name} is a Transformer: this view shows the parts of an RNN (gates, recurrent states, its one attention module)",
        "zh": "{name} 是 Transformer：这个视图展示的是 RNN 的部件（门、循环状态、它唯一的注意力模块）",
    },
    "model.task": {"en": "Task", "zh": "任务"},
    "metric.exact_match": {"en": "exact match", "zh": "完全匹配率"},
    "metric.token_accuracy": {"en": "token accuracy", "zh": "词元准确率"},
    "metric.bleu": {"en": "BLEU", "zh": "BLEU"},
    "metric.perplexity": {"en": "perplexity", "zh": "困惑度"},
    "metric.size": {"en": "validation examples", "zh": "验证样本数"},
    "model.summary": {"en": "Architecture", "zh": "结构"},
    "model.details": {
        "en": "**Kind:** {kind}  \n**Task:** {task}  \n**Architecture:** {summary}",
        "zh": "**类型：**{kind}  \n**任务：**{task}  \n**结构：**{summary}",
    },
    "model.arch.language_model": {"en": "{cell} language model", "zh": "{cell} 语言模型"},
    "model.arch.attention.none": {"en": "no attention", "zh": "无注意力"},
    "model.arch.attention.bahdanau": {"en": "Bahdanau attention", "zh": "Bahdanau 注意力"},
    "model.arch.attention.luong-dot": {"en": "Luong attention (dot)", "zh": "Luong 注意力（点积）"},
    "model.arch.attention.luong-general": {
        "en": "Luong attention (general)",
        "zh": "Luong 注意力（双线性）",
    },
    "model.arch.bidirectional": {"en": "bidirectional encoder", "zh": "双向编码器"},
    "model.arch.copy": {"en": "copy mechanism", "zh": "复制机制"},
    "model.arch.coverage": {"en": "coverage", "zh": "覆盖机制"},
    "model.arch.layers": {"en": "{count} layers", "zh": "{count} 层"},
    "model.arch.layer_one": {"en": "1 layer", "zh": "1 层"},
    "model.arch.hidden": {"en": "hidden size {size}", "zh": "隐藏层 {size} 维"},
    "model.metrics": {"en": "Metrics", "zh": "指标"},
    "model.origin.shipped": {"en": "Shipped with seqviz.", "zh": "随 seqviz 提供。"},
    "model.origin.user": {
        "en": "Yours: trained or uploaded under this link's personal key (me=…). Only you see it.",
        "zh": "你的模型：在本链接的个人密钥（me=…）下训练或上传。只有你能看到。",
    },
    "model.origin.shared": {
        "en": "Shared with the class: everyone sees it.",
        "zh": "已分享给全班：每个人都能看到。",
    },
    "url.ckpt_too_long": {
        "en": "The link's checkpoint name (ckpt=) has {length:,} characters, more than {limit:,}: ignored.",
        "zh": "链接中的检查点名称（ckpt=）有 {length:,} 个字符，超过 {limit:,} 个：已忽略。",
    },
    "url.value_too_long": {
        "en": "The link's value for {name} has {length:,} characters, more than {limit:,}: ignored.",
        "zh": "链接中 {name} 的值有 {length:,} 个字符，超过 {limit:,} 个：已忽略。",
    },
    # ------------------------------------------------------------------------------------------- device
    "device.detecting": {"en": "Detecting the compute device…", "zh": "正在检测计算设备…"},
    "device.auto": {"en": "Models run on: {device}", "zh": "模型运行在：{device}"},
    "device.cpu": {"en": "CPU ({threads} threads)", "zh": "CPU（{threads} 个线程）"},
    "device.cuda": {"en": "CUDA GPU: {name}", "zh": "CUDA 显卡：{name}"},
    "device.mps": {"en": "Apple GPU (MPS)", "zh": "苹果 GPU（MPS）"},
    "device.available": {"en": "Available here: {devices}", "zh": "本机可用：{devices}"},
    "device.pinned": {
        "en": "Chosen by SEQVIZ_DEVICE={value}.",
        "zh": "由环境变量 SEQVIZ_DEVICE={value} 指定。",
    },
    "device.failed": {
        "en": "Could not detect the compute device: {error}",
        "zh": "无法检测计算设备：{error}",
    },
    "input.label": {"en": "Input", "zh": "输入"},
    "input.help": {
        "en": "Type any text; symbols the model never saw are read as <unk>. The URL keeps it (text=…).",
        "zh": "可输入任意文本；模型没见过的符号会被当作 <unk>。网址会记住输入（text=…）。",
    },
    "input.examples": {"en": "Examples from the validation set", "zh": "验证集中的例子"},
    "input.unknown_effect": {
        "en": (
            "{count} of {total} tokens are not in the model's vocabulary (marked). The model reads each of them "
            "as <unk>, so its output is made without them."
        ),
        "zh": "{total} 个词元中有 {count} 个不在模型词表里（已标出）。模型把它们都读成 <unk>，所以输出并没有用到它们。",
    },
    "input.unknown_effect_copy": {
        "en": (
            "{count} of {total} tokens are not in the model's vocabulary (marked). The encoder reads each of "
            "them as <unk>, but this copy model can still copy them into its output."
        ),
        "zh": "{total} 个词元中有 {count} 个不在模型词表里（已标出）。编码器把它们读成 <unk>，但这个复制模型仍可以把它们复制到输出中。",
    },
    "input.vocabulary": {
        "en": "What the model can read: its vocabulary of {count} tokens",
        "zh": "模型能读懂什么：它的词表（{count} 个词元）",
    },
    "input.vocabulary_word": {"en": "token", "zh": "词元"},
    "input.unknown": {
        "en": "Not in the model's vocabulary, read as <unk>: {tokens}",
        "zh": "以下符号不在模型词表中，按 <unk> 处理：{tokens}",
    },
}
