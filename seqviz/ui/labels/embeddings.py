"""Labels of the Embeddings page (``embeddings.*`` and its card), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "page.embeddings.title": {"en": "Embeddings", "zh": "词嵌入"},
    "page.embeddings.teaches": {
        "en": (
            "See the vectors a model learned for its tokens, flattened to a 2-D map (PCA), and which tokens "
            "it treats as alike."
        ),
        "zh": "把模型为每个词元学到的向量用 PCA 压成二维地图，看看模型把哪些词元当作相近的。",
    },
    "embeddings.intro": {
        "en": (
            "Each token enters the model as a learned vector of {size} numbers (its embedding). Principal "
            "component analysis keeps the two directions along which these vectors differ most: tokens the "
            "model treats alike land close together. It is a projection, so the axis titles say how much "
            "of the variance each direction keeps; the neighbour list measures similarity in the full space."
        ),
        "zh": (
            "每个词元进入模型时都是一个学到的 {size} 维向量（词嵌入）。主成分分析保留这些向量差异最大的两个方向："
            "模型认为相近的词元会落在一起。这只是投影，坐标轴标题给出了每个方向保留的方差比例；"
            "右侧的近邻列表则是在完整空间中计算的相似度。"
        ),
    },
    "embeddings.side": {"en": "Embedding table", "zh": "嵌入表"},
    "embeddings.side.source": {"en": "Source (encoder)", "zh": "源端（编码器）"},
    "embeddings.side.target": {"en": "Target (decoder)", "zh": "目标端（解码器）"},
    "embeddings.side.tokens": {"en": "Tokens (language model)", "zh": "词元（语言模型）"},
    "embeddings.specials": {
        "en": "Include <pad>, <sos>, <eos>, <unk>",
        "zh": "包含 <pad>、<sos>、<eos>、<unk>",
    },
    "embeddings.token": {"en": "Highlight a token and its neighbours", "zh": "高亮一个词元及其近邻"},
    "embeddings.axis": {
        "en": "PC {index} ({share:.1%} of the variance)",
        "zh": "主成分 {index}（占方差 {share:.1%}）",
    },
    "embeddings.kept": {
        "en": (
            "The map keeps {kept:.1%} of the variance ({first:.1%} + {second:.1%}); the other {lost:.1%} lies in "
            "directions it cannot show. Two tokens close on the map may still be far apart in the full "
            "{size}-dimensional space, and near tokens may be drawn apart: the neighbour list, computed in "
            "the full space, is the one to trust."
        ),
        "zh": (
            "这张图保留了 {kept:.1%} 的方差（{first:.1%} + {second:.1%}）；其余 {lost:.1%} 在图上无法显示的方向里。"
            "图上靠得近的两个词元，在完整的 {size} 维空间里可能相距很远，反之亦然：以在完整空间中计算的近邻列表为准。"
        ),
    },
    "embeddings.title": {
        "en": "{count} tokens, {size} dimensions → 2",
        "zh": "{count} 个词元，{size} 维 → 2 维",
    },
    "embeddings.neighbours": {
        "en": "Nearest tokens to “{token}” (cosine similarity)",
        "zh": "与“{token}”最相近的词元（余弦相似度）",
    },
    "embeddings.column.token": {"en": "token", "zh": "词元"},
    "embeddings.column.cosine": {"en": "cosine", "zh": "余弦相似度"},
    "embeddings.download": {"en": "Download the map (CSV)", "zh": "下载坐标（CSV）"},
}
