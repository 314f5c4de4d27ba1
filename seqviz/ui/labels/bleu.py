"""Labels of the BLEU page (``bleu.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "bleu.intro": {
        "en": (
            "BLEU counts how many of the candidate's n-grams (n = 1..4) also appear in a reference, each "
            "n-gram counted at most as often as one reference holds it (clipping), then takes the geometric "
            "mean of the four precisions and multiplies by a brevity penalty for candidates shorter than the "
            "references. The numbers below come from seqviz's own code; the last line shows sacrebleu's."
        ),
        "zh": (
            "BLEU 统计候选译文中的 n 元组（n = 1..4）有多少也出现在参考译文里，每个 n 元组最多按某一条参考中"
            "出现的次数计数（截断），然后对四个精确率取几何平均，并对比参考更短的候选乘以简短惩罚。"
            "下面的数值由 seqviz 自己的代码算出；最后一行给出 sacrebleu 的结果作对照。"
        ),
    },
    "bleu.candidate": {"en": "Candidate", "zh": "候选译文"},
    "bleu.references": {"en": "References (one per line)", "zh": "参考译文（每行一条）"},
    "bleu.tokenize": {"en": "Tokenizer (sacrebleu's)", "zh": "分词器（sacrebleu 的）"},
    "bleu.smooth": {"en": "Smoothing", "zh": "平滑"},
    "bleu.lowercase": {"en": "Lowercase", "zh": "转为小写"},
    "bleu.from_model": {"en": "Use a model's translation", "zh": "使用模型的翻译"},
    "bleu.from_model_help": {
        "en": (
            "Translate a held-out example with the selected checkpoint (greedy) as the candidate. Its target "
            "becomes the reference unless you typed references of your own, which are kept."
        ),
        "zh": "用所选检查点（贪心）翻译一个留出的例子作为候选译文。若你没有自己输入参考译文，就以它的目标句为参考；你输入的参考译文会保留。",
    },
    "bleu.from_model_done": {
        "en": "Candidate: {model}'s translation of {source}; reference: that example's target {target}.",
        "zh": "候选译文：{model} 对 {source} 的翻译；参考译文：该例子的目标句 {target}。",
    },
    "bleu.from_model_kept": {
        "en": (
            "Candidate: {model}'s translation of {source}. Your references are kept; that example's own "
            "target is {target}."
        ),
        "zh": "候选译文：{model} 对 {source} 的翻译。你的参考译文保持不变；该例子自己的目标句是 {target}。",
    },
    "bleu.tokenize_auto": {"en": "auto (zh for Chinese, else 13a)", "zh": "自动（中文用 zh，否则 13a）"},
    "bleu.tokenize_auto_zh": {
        "en": "Tokenizer: zh, chosen because the text holds Chinese characters (13a would see one token).",
        "zh": "分词器：zh。文本含有汉字，所以自动选用它（13a 会把整句当作一个词元）。",
    },
    "bleu.tokenize_auto_13a": {
        "en": "Tokenizer: 13a, sacrebleu's default (no Chinese characters in the text).",
        "zh": "分词器：13a，sacrebleu 的默认分词器（文本中没有汉字）。",
    },
    "bleu.no_references": {"en": "Type at least one reference.", "zh": "请至少输入一条参考译文。"},
    "bleu.score_line": {
        "en": "BLEU = {score:.2f} (sentence level, effective order, {smooth} smoothing, tokenizer {tokenize})",
        "zh": "BLEU = {score:.2f}（句子级，有效阶数，{smooth} 平滑，分词器 {tokenize}）",
    },
    # ----------------------------------------------------------------------------------------- matches
    "bleu.matches_header": {"en": "Matching n-grams", "zh": "匹配的 n 元组"},
    "bleu.legend_symbols": {
        "en": "✓ green: matched. ✂ orange: clipped (a reference holds it, but fewer times). "
        "✗ grey: no reference holds it.",
        "zh": "✓ 绿色：匹配。✂ 橙色：被截断（参考中有，但次数更少）。✗ 灰色：没有参考包含它。",
    },
    "bleu.legend": {
        "en": "Green: matched. Orange: clipped (a reference holds it, but fewer times). Grey: no reference holds it.",
        "zh": "绿色：匹配。橙色：被截断（参考中有，但次数更少）。灰色：没有参考包含它。",
    },
    "bleu.order_line": {
        "en": "**{n}-grams**: {matched} of {total} matched → p{n} = {precision:.2f}%",
        "zh": "**{n} 元组**：{total} 个中匹配 {matched} 个 → p{n} = {precision:.2f}%",
    },
    "bleu.ngram_table": {"en": "Every {n}-gram", "zh": "全部 {n} 元组"},
    "bleu.col.ngram": {"en": "n-gram", "zh": "n 元组"},
    "bleu.col.count": {"en": "count in candidate", "zh": "候选中的次数"},
    "bleu.col.max_ref": {"en": "max count in one reference", "zh": "单条参考中的最大次数"},
    "bleu.col.clipped": {"en": "clipped count", "zh": "截断后的次数"},
    "bleu.col.n": {"en": "n", "zh": "n"},
    "bleu.col.matches": {"en": "matches (clipped)", "zh": "匹配数（截断后）"},
    "bleu.col.total": {"en": "candidate n-grams", "zh": "候选 n 元组数"},
    "bleu.col.precision": {"en": "precision p_n (%)", "zh": "精确率 p_n（%）"},
    # ------------------------------------------------------------------------------------------ formulas
    "bleu.bp_header": {"en": "Brevity penalty", "zh": "简短惩罚"},
    "bleu.bp_text": {
        "en": ("The candidate has c = {c} tokens; the closest reference length is r = {r}. {verdict}"),
        "zh": "候选有 c = {c} 个词元；最接近的参考长度 r = {r}。{verdict}",
    },
    "bleu.bp_short": {
        "en": "c < r, so BP = exp(1 − r/c) = {bp:.4f}: a short candidate cannot win on precision alone.",
        "zh": "c < r，所以 BP = exp(1 − r/c) = {bp:.4f}：太短的候选不能只靠精确率取胜。",
    },
    "bleu.bp_long": {"en": "c ≥ r, so BP = 1.", "zh": "c ≥ r，所以 BP = 1。"},
    "bleu.formulas_header": {"en": "Two formulas, the same counts", "zh": "两个公式，同样的计数"},
    "bleu.standard": {"en": "Standard BLEU (sacrebleu)", "zh": "标准 BLEU（sacrebleu）"},
    "bleu.course": {"en": "The course's variant", "zh": "课程中的变体"},
    "bleu.course_note": {
        "en": (
            "d2l's bleu(pred, label, k = 4), against the first reference only, without smoothing: longer "
            "n-grams weigh less (1/2^n), and the penalty compares the two lengths directly. The product runs "
            "over n = 1 … min(4, len_pred): an order the prediction is too short for is skipped, not counted "
            "as 0. Any zero precision among the orders used makes the score 0."
        ),
        "zh": (
            "即 d2l 的 bleu(pred, label, k = 4)，只用第一条参考计算，不做平滑：越长的 n 元组权重越小（1/2^n），"
            "惩罚项直接比较两个长度。连乘只取 n = 1 … min(4, len_pred)：候选太短、没有该阶 n 元组时跳过这一阶，"
            "而不是记为 0。所用各阶中任一精确率为 0 时得分为 0。"
        ),
    },
    "bleu.course_skipped": {
        "en": "Skipped here: n = {orders} (the prediction has only {length} tokens).",
        "zh": "这里跳过了 n = {orders}（候选只有 {length} 个词元）。",
    },
    "bleu.course_empty": {
        "en": "The prediction is empty: it has no n-grams, so the course's score is 0 (BP = 0).",
        "zh": "候选为空：没有任何 n 元组，所以课程变体的得分为 0（BP = 0）。",
    },
    "bleu.sacrebleu_equal": {
        "en": "sacrebleu.sentence_bleu gives {theirs:.6f}; seqviz gives {ours:.6f}: equal.",
        "zh": "sacrebleu.sentence_bleu 得 {theirs:.6f}；seqviz 得 {ours:.6f}：两者相等。",
    },
    "bleu.sacrebleu_differs": {
        "en": "sacrebleu.sentence_bleu gives {theirs:.6f} but seqviz gives {ours:.6f}: please report this.",
        "zh": "sacrebleu.sentence_bleu 得 {theirs:.6f}，而 seqviz 得 {ours:.6f}：请报告这个问题。",
    },
    # -------------------------------------------------------------------------------------------- corpus
    "bleu.corpus_header": {"en": "Corpus BLEU on two files", "zh": "两个文件的语料级 BLEU"},
    "bleu.corpus_intro": {
        "en": (
            "Upload the system output and its reference, UTF-8, one sentence per line (up to {limit} MB and "
            "{lines:,} lines each; python -m seqviz bleu scores longer files)."
        ),
        "zh": (
            "上传系统输出和参考译文，UTF-8 编码，每行一句（每个文件不超过 {limit} MB、{lines:,} 行；"
            "更长的文件请用 python -m seqviz bleu 计算）。"
        ),
    },
    "bleu.hyp_file": {"en": "System output", "zh": "系统输出"},
    "bleu.ref_file": {"en": "Reference", "zh": "参考译文"},
    "bleu.line_mismatch": {
        "en": "The output has {hyp} lines and the reference {ref}: they must match line for line.",
        "zh": "系统输出有 {hyp} 行而参考译文有 {ref} 行：两者必须逐行对应。",
    },
    "bleu.corpus_score": {
        "en": "Corpus BLEU = {score:.2f} over {lines:,} sentences (summed statistics; sacrebleu's corpus_bleu gives {theirs:.2f})",
        "zh": "语料级 BLEU = {score:.2f}，共 {lines:,} 句（统计量求和；sacrebleu 的 corpus_bleu 得 {theirs:.2f}）",
    },
    "bleu.worst_first": {"en": "Sentence-level scores, worst first", "zh": "句子级得分，从最差开始"},
    "bleu.col.line": {"en": "line", "zh": "行"},
    "bleu.col.hypothesis": {"en": "output", "zh": "输出"},
    "bleu.col.reference": {"en": "reference", "zh": "参考"},
    "bleu.col.bleu": {"en": "BLEU", "zh": "BLEU"},
}
