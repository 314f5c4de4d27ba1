"""Labels of the forecasting page (``forecast.*`` and its card ``page.forecast.*``), English and 简体中文."""

LABELS: dict[str, dict[str, str]] = {
    "page.forecast.title": {"en": "Sequence models: forecasting", "zh": "序列模型：预测"},
    "page.forecast.teaches": {
        "en": (
            "The Markov assumption (an MLP on the last τ values) against a latent state (an RNN), and why "
            "k-step-ahead predictions get worse as each prediction feeds the next."
        ),
        "zh": "马尔可夫假设（用最近 τ 个值的 MLP）与隐状态（RNN）的对比，以及为什么 k 步预测会随着预测不断喂回而变差。",
    },
    "forecast.intro": {
        "en": (
            "A noisy periodic series x_t. Two models learn to predict the next value from the first {share}% "
            "of it: an MLP that sees only the last τ values (the Markov assumption), and a recurrent network "
            "whose hidden state h_t summarises everything it has read. A one-step-ahead prediction reads the "
            "true past; a k-step-ahead prediction must feed its own predictions back in k − 1 times, and each "
            "carries the error of the last."
        ),
        "zh": (
            "一个带噪声的周期序列 x_t。两个模型用前 {share}% 学习预测下一个值：只看最近 τ 个值的 MLP（马尔可夫假设），"
            "以及用隐藏状态 h_t 概括已读全部内容的循环网络。单步预测读入真实的过去；k 步预测则要把自己的预测"
            "喂回去 k − 1 次，每一次都带着上一次的误差。"
        ),
    },
    "forecast.period": {"en": "Period", "zh": "周期"},
    "forecast.noise": {"en": "Noise σ", "zh": "噪声 σ"},
    "forecast.tau": {"en": "τ (MLP window)", "zh": "τ（MLP 窗口）"},
    "forecast.k": {"en": "k (steps ahead)", "zh": "k（向前预测步数）"},
    "forecast.cell": {"en": "Latent model", "zh": "隐状态模型"},
    "forecast.cell.rnn": {"en": "RNN", "zh": "RNN"},
    "forecast.cell.lstm": {"en": "LSTM", "zh": "LSTM"},
    "forecast.cell.gru": {"en": "GRU", "zh": "GRU"},
    "forecast.apply": {"en": "Train with these settings", "zh": "用这些设置训练"},
    "forecast.training": {"en": "Training both models…", "zh": "正在训练两个模型……"},
    "forecast.trained": {
        "en": "Trained in {seconds:.1f} s ({updates} full-batch Adam updates each, seeded).",
        "zh": "训练用时 {seconds:.1f} 秒（各 {updates} 次全批量 Adam 更新，固定随机种子）。",
    },
    "forecast.train_label": {"en": "training part", "zh": "训练部分"},
    "forecast.mlp_title": {
        "en": "Markov MLP on the last τ = {tau} values",
        "zh": "基于最近 τ = {tau} 个值的马尔可夫 MLP",
    },
    "forecast.latent_title": {"en": "{cell} with a latent state h_t", "zh": "带隐状态 h_t 的 {cell}"},
    "forecast.one_step": {"en": "1 step ahead", "zh": "单步预测"},
    "forecast.k_step": {"en": "{k} steps ahead", "zh": "{k} 步预测"},
    "forecast.free": {"en": "free run (only its own predictions)", "zh": "自由运行（只用自己的预测）"},
    "forecast.horizon_title": {"en": "Test error against the horizon k", "zh": "测试误差随预测步数 k 的变化"},
    "forecast.floor": {"en": "noise floor σ²", "zh": "噪声下限 σ²"},
    "forecast.mlp": {"en": "Markov MLP", "zh": "马尔可夫 MLP"},
    "forecast.latent": {"en": "{cell} (latent state)", "zh": "{cell}（隐状态）"},
    "forecast.horizon_note": {
        "en": (
            "No model can beat the noise floor σ² on noisy data. The MLP's error grows with k because its "
            "window soon holds only its own predictions; a latent model that has learned the period can keep "
            "the phase in h_t. Test part only (after the shaded training part)."
        ),
        "zh": (
            "在有噪声的数据上，任何模型都无法低于噪声下限 σ²。MLP 的误差随 k 增大，因为它的窗口很快就只剩自己的预测；"
            "学到周期的隐状态模型则能把相位保存在 h_t 中。只统计测试部分（阴影训练部分之后）。"
        ),
    },
    "forecast.download": {"en": "Series and predictions (CSV)", "zh": "序列与预测（CSV）"},
}
