"""Error sentences in both languages, by the ``code`` a ``SeqvizError`` carries (``error.<code>``).

The core raises with an English message plus ``code`` and ``params`` (``seqviz.errors``); ``seqviz.ui``
shows ``error.<code>`` filled with the params when the code is here, else the English message. Params that
are codes themselves are translated too: ``what`` by ``error.what.<value>``, ``kind`` by
``model.kind.<value>``; params ending in ``_bytes`` are written as sizes. The English texts here say the
same as the core's messages; the CLI keeps printing the core's own text.
"""

LABELS: dict[str, dict[str, str]] = {
    # what the error is about (the ``what`` param)
    "error.what.input": {"en": "input", "zh": "输入"},
    "error.what.output": {"en": "output", "zh": "输出"},
    "error.what.reference": {"en": "reference", "zh": "参考译文"},
    "error.what.target": {"en": "target", "zh": "目标文本"},
    "error.what.text": {"en": "text", "zh": "文本"},
    "error.what.probe input": {"en": "probe input", "zh": "探测输入"},
    # typed text (seqviz.inference, seqviz.explain.bptt_study)
    "error.input.not_text": {"en": "the {what} must be text", "zh": "{what}必须是文本"},
    "error.input.too_long": {
        "en": "the {what} is {length:,} characters long; the limit is {limit:,}",
        "zh": "{what}有 {length:,} 个字符，上限是 {limit:,} 个",
    },
    "error.input.empty": {
        "en": "the {what} is empty: type something for the model to read",
        "zh": "{what}是空的：请输入一些文字给模型读",
    },
    "error.input.too_many_tokens": {
        "en": "the {what} has {count:,} tokens; the limit is {limit:,}",
        "zh": "{what}有 {count:,} 个词元，上限是 {limit:,} 个",
    },
    "error.text.too_short": {
        "en": "the text needs at least {limit:,} characters to train on",
        "zh": "训练文本至少需要 {limit:,} 个字符",
    },
    # checkpoints (seqviz.checkpoints.store, seqviz.inference)
    "error.checkpoint.unknown": {
        "en": "there is no checkpoint named {name}",
        "zh": "没有名为 {name} 的检查点",
    },
    "error.checkpoint.bad_name": {
        "en": "{name} is not a checkpoint name",
        "zh": "{name} 不是有效的检查点名称",
    },
    "error.checkpoint.not_seq2seq": {
        "en": "{name} is a {kind}, not a translation model; choose a seq2seq checkpoint",
        "zh": "{name} 是{kind}模型，不是翻译模型；请选择一个序列到序列检查点",
    },
    # uploaded text files (seqviz.explain.bleu.sentences_from_bytes)
    "error.file.too_big": {
        "en": "{name}: {size_bytes} is over the limit of {limit_bytes}",
        "zh": "{name}：文件大小 {size_bytes}，超过了 {limit_bytes} 的上限",
    },
    "error.file.empty": {
        "en": "{name}: the file is empty; BLEU needs one sentence per line",
        "zh": "{name}：文件是空的；BLEU 需要每行一句",
    },
    "error.file.not_utf8": {
        "en": "{name}: line {line:,} is not valid UTF-8",
        "zh": "{name}：第 {line:,} 行不是有效的 UTF-8 文本",
    },
    "error.file.too_many_lines": {
        "en": "{name}: {lines:,} lines is over the limit of {limit:,}",
        "zh": "{name}：共 {lines:,} 行，超过了 {limit:,} 行的上限",
    },
    # uploaded parallel corpora (seqviz.data.corpus)
    "error.corpus.not_utf8": {
        "en": "line {line:,} is not valid UTF-8 text; save the file as UTF-8",
        "zh": "第 {line:,} 行不是有效的 UTF-8 文本；请把文件另存为 UTF-8 编码",
    },
    "error.corpus.too_big": {
        "en": "the corpus is {size_bytes}, over the limit of {limit_bytes}",
        "zh": "语料有 {size_bytes}，超过了 {limit_bytes} 的上限",
    },
    "error.corpus.too_many_lines": {
        "en": "the corpus has {lines:,} lines, over the limit of {limit:,}",
        "zh": "语料有 {lines:,} 行，超过了 {limit:,} 行的上限",
    },
    "error.corpus.no_tab": {
        "en": 'line {line:,} has no TAB between source and target: "{text}"',
        "zh": "第 {line:,} 行的源文本和目标文本之间没有 TAB：“{text}”",
    },
    "error.corpus.empty_source": {
        "en": 'line {line:,} has an empty source: "{text}"',
        "zh": "第 {line:,} 行的源文本是空的：“{text}”",
    },
    "error.corpus.empty_target": {
        "en": 'line {line:,} has an empty target: "{text}"',
        "zh": "第 {line:,} 行的目标文本是空的：“{text}”",
    },
    "error.corpus.all_too_long": {
        "en": "the corpus has no usable pairs: {count:,} longer than {limit:,} tokens on a side",
        "zh": "语料中没有可用的句对：有 {count:,} 对的某一边超过 {limit:,} 个词元",
    },
    "error.corpus.no_pairs": {
        "en": "the corpus has no usable pairs: write one source<TAB>target pair per line",
        "zh": "语料中没有可用的句对：请每行写一对“源文本<TAB>目标文本”",
    },
    # attribution (seqviz.explain.attribution)
    "error.explain.too_many_tokens": {
        "en": "the input has {count:,} tokens; explaining is limited to {limit:,}",
        "zh": "输入有 {count:,} 个词元，解释最多支持 {limit:,} 个",
    },
    "error.explain.target_too_long": {
        "en": "the target has {count:,} tokens with <eos>; explaining is limited to {limit:,}",
        "zh": "目标输出（含 <eos>）有 {count:,} 个词元，解释最多支持 {limit:,} 个",
    },
    "error.explain.too_much_work": {
        "en": (
            "integrated gradients with {steps} steps over {rows} output tokens is too much work (limit "
            "{limit:,}): use fewer steps or a shorter input"
        ),
        "zh": "{steps} 步积分梯度乘以 {rows} 个输出词元，计算量超过上限 {limit:,}：请减少步数或缩短输入",
    },
    "error.explain.unknown_token": {"en": "the model cannot write '{token}'", "zh": "模型写不出“{token}”"},
    "error.explain.impossible_token": {
        "en": "the model can never write '{token}' at output position {position}",
        "zh": "模型在输出第 {position} 个位置永远写不出“{token}”",
    },
    "error.explain.same_token": {
        "en": "the alternative '{token}' is the chosen token itself: pick another",
        "zh": "备选词元“{token}”就是所选的词元本身：请换一个",
    },
    "error.explain.no_attention": {
        "en": "{name} has no attention to compare with",
        "zh": "{name} 没有注意力可供比较",
    },
    # sizes, for params ending in _bytes
    "error.size.mb": {"en": "{value:,} MB", "zh": "{value:,} MB"},
    "error.size.bytes": {"en": "{value:,} bytes", "zh": "{value:,} 字节"},
}
