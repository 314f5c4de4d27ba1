"""Labels that several model pages share (``input.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
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
