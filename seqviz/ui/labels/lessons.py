"""Labels of the Lessons page (``lessons.*`` and its card ``page.lessons.*``), English and 简体中文. The
lessons' own prose lives in their files (``lessons/*.toml``), both languages side by side."""

LABELS: dict[str, dict[str, str]] = {
    "page.lessons.title": {"en": "Lessons", "zh": "课程"},
    "page.lessons.teaches": {
        "en": "The course step by step on live models: predict, then let the model answer. → and ← move on.",
        "zh": "在真实运行的模型上一步步学完整门课：先预测，再让模型揭晓答案。用 → 和 ← 翻页。",
    },
    "lessons.intro": {
        "en": (
            "Each step explains one idea in a few sentences and opens the live view that shows it, with the "
            "model, input and setting already chosen. Some steps ask you to predict first; some finish when "
            "the model does something (the loss falls below a goal, a forced token changes the output). "
            "→ / Page Down goes on, ← / Page Up goes back, **p** switches presentation mode; the URL names "
            "the step, so a link or QR code brings the whole hall to it."
        ),
        "zh": (
            "每一步用几句话讲清一个概念，并直接打开展示它的实时视图：模型、输入和设置都已选好。"
            "有些步骤要你先做预测；有些步骤要等模型做到某件事才算完成（损失降到目标以下、强制一个词改变了后面的输出）。"
            "→ / Page Down 前进，← / Page Up 后退，按 **p** 切换演示模式；网址记录了当前步骤，"
            "把链接或二维码发给全班，大家就能打开同一步。"
        ),
    },
    "lessons.none": {
        "en": "There are no lessons to show: the lessons/ folder has no readable lesson file.",
        "zh": "没有可显示的课程：lessons/ 文件夹里没有可读取的课程文件。",
    },
    "lessons.bad_file": {"en": "A lesson file was skipped: {problem}", "zh": "跳过了一个课程文件：{problem}"},
    "lessons.pick": {"en": "Lesson", "zh": "课程"},
    "lessons.back": {"en": "Previous", "zh": "上一页"},
    "lessons.next": {"en": "Next", "zh": "下一页"},
    "lessons.keys_help": {
        "en": "Keys: → or Page Down for the next step, ← or Page Up for the previous one.",
        "zh": "按键：→ 或 Page Down 下一步，← 或 Page Up 上一步。",
    },
    "lessons.where": {"en": "Step {step} of {steps}", "zh": "第 {step} 步，共 {steps} 步"},
    "lessons.predict_first": {
        "en": "Choose your answer first: the live view then shows what the model does.",
        "zh": "请先选出你的答案，随后实时视图会揭晓模型的实际表现。",
    },
    "lessons.right": {"en": "Right.", "zh": "答对了。"},
    "lessons.wrong": {"en": "Not this time: the answer is {answer}.", "zh": "这次没答对，答案是：{answer}。"},
    "lessons.measuring": {
        "en": "The models are answering: decoding held-out inputs…",
        "zh": "模型正在作答：解码留出的输入……",
    },
    "lessons.measure.choice": {"en": "Choice", "zh": "选项"},
    "lessons.measure.value": {"en": "Exact match", "zh": "完全匹配率"},
    "lessons.measure.caption": {
        "en": "Measured just now on {examples} held-out inputs per model, greedy decoding.",
        "zh": "刚刚用贪心解码在每个模型的 {examples} 条留出输入上测得。",
    },
    "lessons.event.loss_below.todo": {
        "en": "Goal: train until the loss is below {goal}. Latest loss: {value}.",
        "zh": "目标：训练到损失低于 {goal}。当前最新损失：{value}。",
    },
    "lessons.event.loss_below.done": {
        "en": "Done: the loss fell below {goal} (latest {value}).",
        "zh": "完成：损失已降到 {goal} 以下（最新为 {value}）。",
    },
    "lessons.event.forced_change.todo": {
        "en": "Goal: force a token that changes the rest of the output (Force, in the stepper).",
        "zh": "目标：强制一个词，使后面的输出随之改变（在逐步解码器中使用“强制”）。",
    },
    "lessons.event.forced_change.done": {
        "en": "Done: your forced token changed {count} later output position(s).",
        "zh": "完成：你强制的词改变了之后 {count} 个位置的输出。",
    },
    "lessons.event.forget_gate_above.todo": {
        "en": (
            "Goal: choose a unit whose forget gate stays above {goal} at every step (chosen unit's lowest: "
            "{value}; {count} unit(s) of this layer qualify)."
        ),
        "zh": "目标：选出一个遗忘门在每一步都高于 {goal} 的单元（所选单元的最小值：{value}；本层共有 {count} 个单元符合）。",
    },
    "lessons.event.forget_gate_above.done": {
        "en": "Done: this unit's forget gate never drops below {goal} (lowest {value}): it keeps its cell state.",
        "zh": "完成：这个单元的遗忘门始终不低于 {goal}（最小值 {value}），它一直保留着自己的记忆元。",
    },
    "lessons.open_page": {"en": "Open this view on the {page} page", "zh": "在「{page}」页面打开这个视图"},
    "lessons.train.settings": {
        "en": "Task {task} · {cell} · attention {attention} · hidden size {hidden} · {steps} updates",
        "zh": "任务 {task} · {cell} · 注意力 {attention} · 隐藏层大小 {hidden} · {steps} 次更新",
    },
    "lessons.train.start": {"en": "Train this model", "zh": "训练这个模型"},
}
