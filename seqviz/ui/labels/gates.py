"""Labels of the LSTM & GRU page (``gates.*``), English and 简体中文. The gate names (``gate.*``) are shared
with the Train page and live in ``labels/train.py``."""

LABELS: dict[str, dict[str, str]] = {
    "gates.intro": {
        "en": (
            "A recurrent cell reads one token per step and carries a state forward. Here is every number it "
            "computed for your input, replayed from the model's own weights (equal to PyTorch's module to "
            "about 1e-6): the gates, the cell state c_t (LSTM only) and the hidden state h_t, one row per unit."
        ),
        "zh": (
            "循环单元每一步读入一个词元，并把状态传给下一步。这里列出它对你的输入算出的每一个数，"
            "都由模型自己的权重逐步重放得到（与 PyTorch 模块的结果相差约 1e-6）："
            "各个门、细胞状态 c_t（仅 LSTM）和隐藏状态 h_t，每个单元一行。"
        ),
    },
    # ------------------------------------------------------------------------------------------ choices
    "gates.part": {"en": "Recurrent part", "zh": "循环部分"},
    "gates.part.encoder": {"en": "encoder", "zh": "编码器"},
    "gates.part.decoder": {"en": "decoder", "zh": "解码器"},
    "gates.part.lm": {"en": "language model", "zh": "语言模型"},
    "gates.layer": {"en": "Layer", "zh": "层"},
    "gates.direction": {"en": "Direction", "zh": "方向"},
    "gates.direction.0": {"en": "forward →", "zh": "正向 →"},
    "gates.direction.1": {"en": "backward ←", "zh": "反向 ←"},
    "gates.sort": {"en": "Order units by", "zh": "单元排序"},
    "gates.sort.index": {"en": "index", "zh": "编号"},
    "gates.sort.variance": {"en": "variance of h_t", "zh": "h_t 的方差"},
    "gates.sort.change": {"en": r"change $|h_t - h_{t-1}|$", "zh": r"变化量 $|h_t - h_{t-1}|$"},
    "gates.sort_help": {
        "en": (
            "Variance: units whose h_t moves most over this input. Change: units that move most from one "
            "step to the next. Most of the other units sit nearly still on any one input."
        ),
        "zh": "方差：在这段输入上 h_t 起伏最大的单元。变化量：相邻两步之间变化最大的单元。其余单元在一段输入上大多几乎不动。",
    },
    "gates.units": {"en": "Units shown", "zh": "显示的单元数"},
    "gates.units_help": {
        "en": "The first units in the chosen order; the downloads always hold all of them.",
        "zh": "按所选顺序显示前几个单元；下载的文件总是包含全部单元。",
    },
    "gates.reads": {
        "en": "{part} of {name}: {mode}, {units} units, {layers} layer(s), {directions}; it reads {steps} steps.",
        "zh": "{name} 的{part}：{mode}，{units} 个单元，{layers} 层，{directions}；共读入 {steps} 步。",
    },
    "gates.directions.1": {"en": "one direction", "zh": "单向"},
    "gates.directions.2": {"en": "bidirectional", "zh": "双向"},
    "gates.decoder_reads": {
        "en": (
            "The decoder reads <sos> and then its own greedy output, one token per step: these are the "
            "tokens on the time axis (output: {output})."
        ),
        "zh": "解码器先读入 <sos>，再逐个读入自己贪心生成的词元：时间轴上就是这些词元（输出：{output}）。",
    },
    "gates.lm_reads": {
        "en": "The language model reads <sos> and then each token of the text, predicting the next one.",
        "zh": "语言模型先读入 <sos>，再逐个读入文本中的词元，每一步预测下一个词元。",
    },
    # ------------------------------------------------------------------------------------------- tabs
    "gates.tab.heatmaps": {"en": "Gates and states", "zh": "门与状态"},
    "gates.tab.step": {"en": "One step, one unit", "zh": "单步与单个单元"},
    "gates.tab.gradients": {"en": "RNN vs LSTM vs GRU: gradient flow", "zh": "RNN、LSTM 与 GRU：梯度流"},
    # -------------------------------------------------------------------------------------- heatmaps
    "gates.cell_state": {"en": "cell state c_t", "zh": "细胞状态 c_t"},
    "gates.heatmap_title": {"en": "{quantity}", "zh": "{quantity}"},
    "gates.axis.time": {"en": "token read at step t", "zh": "第 t 步读入的词元"},
    "gates.axis.step": {"en": "step t", "zh": "时间步 t"},
    "gates.axis.unit": {"en": "unit", "zh": "单元"},
    # one caption per kind of cell: a GRU has no c_t, a plain RNN no gates
    "gates.heatmaps_note.LSTM": {
        "en": (
            "Sigmoid gates on a fixed 0–1 scale (dark: open); g_t and h_t on −1…1; c_t, which is "
            "unbounded, on a symmetric scale around its largest value. The dotted lines mark the chosen step "
            "and unit."
        ),
        "zh": (
            "sigmoid 门使用固定的 0–1 色标（颜色越深门越开）；g_t 和 h_t 使用 −1…1；"
            "细胞状态 c_t 没有上下界，使用以其最大绝对值为界的对称色标。虚线标出所选的步和单元。"
        ),
    },
    "gates.heatmaps_note.GRU": {
        "en": (
            "Sigmoid gates r_t and z_t on a fixed 0–1 scale (dark: open); n_t and h_t on −1…1. A GRU keeps "
            "no separate cell state: h_t is all it carries. The dotted lines mark the chosen step and unit."
        ),
        "zh": (
            "sigmoid 门 r_t 与 z_t 使用固定的 0–1 色标（颜色越深门越开）；n_t 和 h_t 使用 −1…1。"
            "GRU 没有单独的细胞状态，它传下去的只有 h_t。虚线标出所选的步和单元。"
        ),
    },
    "gates.heatmaps_note.RNN": {
        "en": "h_t on −1…1 (tanh). The dotted lines mark the chosen step and unit.",
        "zh": "h_t 使用 −1…1 色标（tanh）。虚线标出所选的步和单元。",
    },
    "gates.download_json": {"en": "Trace (JSON)", "zh": "完整轨迹（JSON）"},
    "gates.download_csv": {"en": "Heatmaps (CSV)", "zh": "热力图数据（CSV）"},
    # ------------------------------------------------------------------------------------ step and unit
    "gates.step": {"en": "Step t", "zh": "时间步 t"},
    "gates.unit": {"en": "Unit", "zh": "单元"},
    "gates.unit_option": {"en": "u{unit}", "zh": "u{unit}"},
    "gates.trajectory_title": {
        "en": "Unit u{unit} over time",
        "zh": "单元 u{unit} 随时间的变化",
    },
    "gates.equations_header": {
        "en": "The equations at step {step} (token {token}), unit u{unit}",
        "zh": "第 {step} 步（词元 {token}）、单元 u{unit} 的公式",
    },
    "gates.equations_hold.LSTM": {
        "en": (
            "Gates, c_t and h_t come from the trace; the arguments of σ and tanh from the layer's weights. "
            "With these numbers every equation holds to {residual:.1e}."
        ),
        "zh": "门、c_t 和 h_t 取自轨迹；σ 与 tanh 的自变量由该层权重算出。代入这些数值，每条公式的误差都不超过 {residual:.1e}。",
    },
    "gates.equations_hold.GRU": {
        "en": (
            "Gates and h_t come from the trace; the arguments of σ and tanh from the layer's weights. "
            "With these numbers every equation holds to {residual:.1e}."
        ),
        "zh": "门和 h_t 取自轨迹；σ 与 tanh 的自变量由该层权重算出。代入这些数值，每条公式的误差都不超过 {residual:.1e}。",
    },
    "gates.equations_hold.RNN": {
        "en": (
            "A plain RNN has no gates: h_t comes from the trace, the two products from the layer's weights. "
            "With these numbers the equation holds to {residual:.1e}."
        ),
        "zh": "普通 RNN 没有门：h_t 取自轨迹，两个乘积由该层权重算出。代入这些数值，公式的误差不超过 {residual:.1e}。",
    },
    "gates.gru_pytorch": {
        "en": "As PyTorch computes it (numbers above)",
        "zh": "PyTorch 的算法（上面的数值）",
    },
    "gates.gru_course": {"en": "As the course writes it", "zh": "课程中的写法"},
    "gates.gru_note": {
        "en": (
            "The two GRUs differ in where the reset gate acts. PyTorch multiplies it into W_hn h_{t−1} + b_hn, "
            "after the matrix product; the course (Cho et al. 2014, d2l) multiplies it into h_{t−1}, before "
            "the product. Both keep the old state with z_t (h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t; some texts "
            "swap z_t and 1 − z_t). A model trained one way is a different function the other way; the numbers "
            "shown here are PyTorch's, because that is what this model ran."
        ),
        "zh": (
            "两种 GRU 的重置门作用位置不同。PyTorch 把重置门乘在 W_hn h_{t−1} + b_hn 上，即矩阵乘法之后；"
            "课程（Cho 等 2014，d2l）把它乘在 h_{t−1} 上，即矩阵乘法之前。两者都用 z_t 保留旧状态"
            "（h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t；也有教材把 z_t 与 1 − z_t 互换）。"
            "按一种方式训练的模型换成另一种方式就是另一个函数；这里显示的是 PyTorch 的数值，因为模型实际就是这样运行的。"
        ),
    },
    "gates.no_gates": {
        "en": "A plain RNN has no gates: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).",
        "zh": "普通 RNN 没有门：h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)。",
    },
    "gates.download_step": {"en": "This step's numbers (CSV)", "zh": "本步数值（CSV）"},
    "gates.download_trajectory": {"en": "This unit over time (CSV)", "zh": "该单元随时间的数值（CSV）"},
    # ------------------------------------------------------------------------------------------ gradients
    "gates.gradients_intro": {
        "en": (
            "How far back can the loss reach? With L the sum of the last hidden state's units, the curves "
            "show ‖∂L/∂h_t‖ for every step t (log scale). Each step back multiplies the gradient by the "
            "recurrent Jacobian: for a plain RNN that product shrinks geometrically (vanishing gradients), "
            "while the LSTM's cell state and the GRU's update gate keep a path open. The cells are fresh "
            "(untrained, seed {seed}) and of this model's size, reading this input's embedded tokens; the "
            "dashed line is this model's own trained cell (layer 1, forward)."
        ),
        "zh": (
            "损失能往回影响多远？令 L 为最后一个隐藏状态各单元之和，曲线给出每一步 t 的 ‖∂L/∂h_t‖（对数坐标）。"
            "每往回一步，梯度都要乘一次循环雅可比矩阵：普通 RNN 的乘积按几何级数缩小（梯度消失），"
            "而 LSTM 的细胞状态和 GRU 的更新门保留了一条通路。这些单元是新建的（未训练，随机种子 {seed}），"
            "大小与本模型相同，读入的是本输入的词嵌入；虚线是本模型自己训练好的单元（第 1 层，正向）。"
        ),
    },
    "gates.length": {"en": "Sequence length T (the input repeated)", "zh": "序列长度 T（重复输入）"},
    "gates.length_help": {
        "en": (
            "Vanishing needs distance: the input's own embedded tokens are repeated until the sequence has "
            "T steps."
        ),
        "zh": "梯度消失需要距离：把输入自己的词嵌入重复，直到序列长为 T 步。",
    },
    "gates.truncation": {"en": "Truncated BPTT: k steps", "zh": "截断 BPTT：k 步"},
    "gates.truncation_help": {
        "en": "The state is detached k steps before the loss, so the gradient stops there.",
        "zh": "在损失之前 k 步处把状态分离（detach），梯度就停在那里。",
    },
    "gates.full_title": {"en": "Full BPTT: ‖∂L/∂h_t‖", "zh": "完整 BPTT：‖∂L/∂h_t‖"},
    "gates.truncated_title": {
        "en": "Truncated BPTT (k = {k}): ‖∂L/∂h_t‖",
        "zh": "截断 BPTT（k = {k}）：‖∂L/∂h_t‖",
    },
    "gates.gradient_axis": {"en": "‖∂L/∂h_t‖", "zh": "‖∂L/∂h_t‖"},
    "gates.truncated_note": {
        "en": (
            "Truncated: every step more than k = {k} steps before the loss gets exactly zero gradient (left off "
            "the log scale); inside the window the gradients equal the full ones."
        ),
        "zh": "截断时，距损失超过 k = {k} 步的位置梯度恰好为零（对数坐标上不画出）；窗口内的梯度与完整 BPTT 相同。",
    },
    "gates.cell.RNN": {"en": "RNN (fresh)", "zh": "RNN（新建）"},
    "gates.cell.LSTM": {"en": "LSTM (fresh)", "zh": "LSTM（新建）"},
    "gates.cell.GRU": {"en": "GRU (fresh)", "zh": "GRU（新建）"},
    "gates.cell.checkpoint": {"en": "this model ({mode})", "zh": "本模型（{mode}）"},
    "gates.col.cell": {"en": "Cell", "zh": "单元类型"},
    "gates.col.first": {"en": "‖∂L/∂h_1‖", "zh": "‖∂L/∂h_1‖"},
    "gates.col.last": {"en": "‖∂L/∂h_T‖", "zh": "‖∂L/∂h_T‖"},
    "gates.col.ratio": {"en": "ratio first / last", "zh": "首 / 末 之比"},
    "gates.download_gradients": {"en": "Gradient norms (CSV)", "zh": "梯度范数（CSV）"},
    # -------------------------------------------------------------------------- units that mean something
    "gates.tab.units": {"en": "Units that mean something", "zh": "有含义的单元"},
    "gates.units.intro": {
        "en": (
            "Some tasks have a variable the model *must* track: reversing needs to know how many letters are "
            "left. Over held-out examples, every hidden unit h and cell unit c is ranked by its correlation "
            "r with that variable; a linear probe reads it from all units at once (scored on examples it "
            "was not fitted on); and clamping the best units while decoding shows whether the model uses them."
        ),
        "zh": (
            "有些任务里有一个模型*必须*记住的变量：倒写字符串时要知道还剩几个字母。我们在验证样例上把每个隐藏单元 h "
            "和细胞单元 c 按它与该变量的相关系数 r 排序；用线性探针从全部单元一起读出这个变量（在没参与拟合的样例上评分）；"
            "再在解码时把排名靠前的单元钳住，看模型是否真的依赖它们。"
        ),
    },
    "gates.units.none": {
        "en": "This model's task has no known latent variable; choose a model of one of these tasks: {tasks}.",
        "zh": "这个模型的任务没有已知的隐变量；请选择以下任务之一的模型：{tasks}。",
    },
    "gates.units.not_on_part": {
        "en": "This task's variable is defined on the decoder only, not the {part}; choose the decoder above.",
        "zh": "这个任务的变量只在解码器上有定义，{part}上没有；请在上方选择解码器。",
    },
    "gates.units.variable.reverse": {
        "en": "Variable: letters still to come (encoder: to read; decoder: to write), 0 at <eos>.",
        "zh": "变量：还剩几个字母（编码器：还要读的；解码器：还要写的），<eos> 处为 0。",
    },
    "gates.units.variable.copy": {
        "en": "Variable: the position of the letter being read or written (0 first).",
        "zh": "变量：正在读或写的字母的位置（从 0 开始）。",
    },
    "gates.units.variable.dates": {
        "en": "Variable: which field of the date the character belongs to (year, month, day, separator, end).",
        "zh": "变量：当前字符属于日期的哪一部分（年、月、日、分隔符、结束）。",
    },
    "gates.units.variable.addition": {
        "en": "Variable: the carry into the column being written (the sum is written from its first digit).",
        "zh": "变量：正在写的那一位收到的进位（和从最高位开始写）。",
    },
    "gates.units.name.reverse": {"en": "letters to go", "zh": "剩余字母数"},
    "gates.units.name.copy": {"en": "position", "zh": "位置"},
    "gates.units.name.dates": {"en": "field", "zh": "字段"},
    "gates.units.name.addition": {"en": "carry", "zh": "进位"},
    "gates.units.examples": {"en": "Held-out examples", "zh": "验证样例数"},
    "gates.units.class": {"en": "Rank units by correlation with", "zh": "按与下列类别的相关性排序"},
    "gates.units.class.year": {"en": "year", "zh": "年"},
    "gates.units.class.month": {"en": "month", "zh": "月"},
    "gates.units.class.day": {"en": "day", "zh": "日"},
    "gates.units.class.separator": {"en": "separator", "zh": "分隔符"},
    "gates.units.class.end": {"en": "end", "zh": "结束"},
    "gates.units.class.no_carry": {"en": "no carry", "zh": "无进位"},
    "gates.units.class.carry": {"en": "carry", "zh": "有进位"},
    "gates.units.wait": {"en": "Tracing {count} held-out examples…", "zh": "正在追踪 {count} 个验证样例…"},
    "gates.units.probe_accuracy": {"en": "Probe accuracy (held out)", "zh": "探针准确率（留出集）"},
    "gates.units.baseline": {"en": "Majority baseline", "zh": "多数类基线"},
    "gates.units.probe_note.count": {
        "en": (
            "{steps} steps of {examples} examples; the probe (ridge least squares on all units) was fitted "
            "on the others and scored on {held} examples: a prediction counts when it rounds to the value."
        ),
        "zh": "共 {examples} 个样例的 {steps} 步；探针（对全部单元做岭回归最小二乘）在其余样例上拟合，在 {held} 个样例上评分：预测四舍五入后等于真值才算对。",
    },
    "gates.units.probe_note.category": {
        "en": (
            "{steps} steps of {examples} examples; the probe (logistic regression on all units) was fitted "
            "on the others and scored on {held} examples."
        ),
        "zh": "共 {examples} 个样例的 {steps} 步；探针（对全部单元做逻辑回归）在其余样例上拟合，在 {held} 个样例上评分。",
    },
    "gates.units.heatmap_title": {
        "en": "The {count} best-correlated units on the first example",
        "zh": "相关性最强的 {count} 个单元在第一个样例上的取值",
    },
    "gates.units.download_json": {"en": "Units study (JSON)", "zh": "单元分析（JSON）"},
    "gates.units.download_csv": {"en": "Every unit ranked (CSV)", "zh": "全部单元排名（CSV）"},
    "gates.units.encoder_no_ablation": {
        "en": "Ablation clamps decoder units while it decodes: choose the decoder above to try it.",
        "zh": "消融是在解码时钳住解码器的单元：请在上方选择解码器再试。",
    },
    "gates.units.ablation": {"en": "Ablation: decode with units clamped", "zh": "消融：钳住单元后解码"},
    "gates.units.ablate_units": {"en": "Units to clamp", "zh": "要钳住的单元"},
    "gates.units.clamp": {"en": "Clamp to", "zh": "钳位值"},
    "gates.units.ablate_run": {"en": "Decode the held-out examples", "zh": "解码验证样例"},
    "gates.units.em_before": {"en": "Exact match before", "zh": "消融前完全匹配率"},
    "gates.units.em_after": {"en": "Exact match after", "zh": "消融后完全匹配率"},
    "gates.units.changed": {"en": "Outputs changed", "zh": "改变的输出"},
    "gates.units.col.source": {"en": "Input", "zh": "输入"},
    "gates.units.col.reference": {"en": "Reference", "zh": "参考答案"},
    "gates.units.col.before": {"en": "Before", "zh": "消融前"},
    "gates.units.col.after": {"en": "After", "zh": "消融后"},
    "gates.units.download_changes": {"en": "Changed outputs (CSV)", "zh": "改变的输出（CSV）"},
    "gates.units.nothing_changed": {
        "en": "No output changed: the model does without these units.",
        "zh": "没有任何输出改变：模型不依赖这些单元。",
    },
}
