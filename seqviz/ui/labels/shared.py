"""Labels that several model pages share (``input.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "input.label": {"en": "Input", "zh": "输入"},
    "input.help": {
        "en": "Type any text; symbols the model never saw are read as <unk>. The URL keeps it (text=…).",
        "zh": "可输入任意文本；模型没见过的符号会被当作 <unk>。网址会记住输入（text=…）。",
    },
    "input.examples": {"en": "Examples from the validation set", "zh": "验证集中的例子"},
    "input.unknown": {
        "en": "Not in the model's vocabulary, read as <unk>: {tokens}",
        "zh": "以下符号不在模型词表中，按 <unk> 处理：{tokens}",
    },
}
