"""A Chinese character-level language-model corpus that seqviz writes itself: short sentences from templates.

A Chinese class needs a language model whose probability strip shows Chinese characters. No text is
downloaded: a small grammar of everyday words (people, times, places, actions, measure words with their
nouns) fills a dozen sentence templates, with a seeded ``random.Random``, so the same seed always writes the
same corpus. The vocabulary stays small (a few hundred common characters), so a small LSTM learns words,
measure words and sentence ends within a few hundred updates, and its held-out perplexity means something:
the held-out sentences are new combinations of the same grammar.

Sentences are grouped into short paragraphs, one per line, so ``split_corpus`` can hold out whole lines.
"""

from __future__ import annotations

import random

DEFAULT_SEED = 0
DEFAULT_SENTENCES = 3_000
SENTENCES_PER_LINE = 6

_PEOPLE = (
    "我", "你", "他", "她", "我们", "他们", "老师", "学生", "妈妈", "爸爸", "小明", "小红",
    "哥哥", "姐姐", "弟弟", "妹妹", "同学们", "朋友们", "奶奶", "爷爷",
)  # fmt: skip
_TIMES = (
    "今天", "明天", "昨天", "早上", "晚上", "下午", "中午", "周末", "现在", "每天",
    "星期一", "星期三", "星期五", "春天", "冬天",
)  # fmt: skip
_PLACES = ("学校", "家里", "公园", "河边", "图书馆", "教室里", "山上", "市场", "花园里", "火车站")
_ACTIONS = (
    "看书", "写字", "吃饭", "喝茶", "唱歌", "跑步", "画画", "学中文", "做作业", "买水果",
    "打球", "听音乐", "种花", "看报纸", "洗衣服", "说话", "休息", "上课", "读课文", "做饭",
)  # fmt: skip
_LIKES = ("想", "要", "喜欢", "不想", "很想")
_ADVERBS = ("很", "非常", "有点儿", "真", "不太")
_FEELINGS = ("高兴", "忙", "累", "快乐", "安静", "开心", "认真", "着急")
_WEATHER = ("热", "冷", "好", "晴朗", "暖和")
_NUMBERS = ("一", "两", "三", "四", "五", "六", "七", "八", "九", "十")
# noun -> its measure word: 三本书, 两只猫, 一杯茶
_COUNTED = (
    ("书", "本"), ("猫", "只"), ("狗", "只"), ("鸟", "只"), ("苹果", "个"), ("朋友", "个"),
    ("茶", "杯"), ("水", "杯"), ("花", "朵"), ("笔", "支"), ("纸", "张"), ("桌子", "张"),
    ("河", "条"), ("鱼", "条"), ("车", "辆"), ("衣服", "件"),
)  # fmt: skip
_THINGS = ("天空", "河水", "花园", "教室", "城市", "月亮", "太阳", "山")
_COLOURS = ("蓝", "绿", "红", "白", "黄")


def _sentence(rng: random.Random) -> str:
    """One sentence from one of the templates, ending in 。 or ？ (or a quotation)."""
    person, time, place = rng.choice(_PEOPLE), rng.choice(_TIMES), rng.choice(_PLACES)
    action, adverb = rng.choice(_ACTIONS), rng.choice(_ADVERBS)
    noun, measure = rng.choice(_COUNTED)
    number = rng.choice(_NUMBERS)
    template = rng.randrange(12)
    if template == 0:
        return f"{person}{time}在{place}{action}。"
    if template == 1:
        return f"{person}{time}{rng.choice(_LIKES)}{action}。"
    if template == 2:
        return f"{person}{adverb}{rng.choice(_FEELINGS)}。"
    if template == 3:
        return f"{time}的天气{adverb}{rng.choice(_WEATHER)}。"
    if template == 4:
        return f"{person}有{number}{measure}{noun}。"
    if template == 5:
        return f"{person}{time}在{place}{action}吗？"
    if template == 6:
        return f"{person}说：“我{time}要去{place}{action}。”"
    if template == 7:
        return f"因为{person}{adverb}{rng.choice(_FEELINGS)}，所以{time}在家里休息。"
    if template == 8:
        return f"{rng.choice(_THINGS)}是{rng.choice(_COLOURS)}色的。"
    if template == 9:
        return f"{place}有{number}{measure}{noun}。"
    if template == 10:
        return f"{person}先{action}，然后{rng.choice(_ACTIONS)}。"
    friend = rng.choice([other for other in _PEOPLE if other != person])
    return f"{person}和{friend}一起去{place}。"


def chinese_corpus(sentences: int = DEFAULT_SENTENCES, seed: int = DEFAULT_SEED) -> str:
    """``sentences`` sentences from the grammar, ``SENTENCES_PER_LINE`` to a line; the same seed gives the
    same text on every machine (``random.Random`` is specified to be reproducible for a given seed)."""
    rng = random.Random(seed)
    written = [_sentence(rng) for _ in range(sentences)]
    lines = ["".join(written[i : i + SENTENCES_PER_LINE]) for i in range(0, sentences, SENTENCES_PER_LINE)]
    return "\n".join(lines) + "\n"
