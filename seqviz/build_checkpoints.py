"""Rebuild the shipped checkpoints: ``make checkpoints`` (or ``python -m seqviz.build_checkpoints``).

Each recipe trains on its task until validation exact match reaches ``target`` (or its time budget runs
out), saves to ``checkpoints/<name>`` and records its metrics in ``checkpoints/README.md``. Seeds are fixed,
so a rebuild on the same machine gives the same weights.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from seqviz.checkpoints.store import (
    DEFAULT_ROOT,
    check_checkpoint_destination,
    list_checkpoints,
    save_checkpoint,
)
from seqviz.data.tasks import get_task
from seqviz.device import configure_cpu_threads, pick_device
from seqviz.errors import CheckpointError, SeqvizError
from seqviz.training.config import training_defaults
from seqviz.training.workflows import ModelChoice, train_task


@dataclass(frozen=True)
class Recipe:
    name: str
    task: str
    choice: ModelChoice
    target: float | None = 0.97  # early stop at this validation exact match (None: train the whole budget)
    max_seconds: float | None = 240.0  # None: the steps alone decide (the same run on any machine)
    steps: int | None = None  # an update budget too, where a run must not depend on the machine's speed
    learning_rate: float | None = None  # None: the architecture's default (training.config.ARCH_TRAINING)
    note: str = ""
    extra: dict = field(default_factory=dict)


LSTM_BAHDANAU = ModelChoice(cell="lstm", attention="bahdanau")
# About as many parameters as LSTM_BAHDANAU on reverse (243k vs 307k): d_model 64, 2 + 2 layers, 4 heads of 16
TRANSFORMER = ModelChoice(arch="transformer", hidden_size=64, num_layers=2, num_heads=4)

RECIPES = [
    Recipe("reverse-lstm-bahdanau", "reverse", LSTM_BAHDANAU),
    Recipe("reverse-gru-luong-general", "reverse", ModelChoice(cell="gru", attention="luong-general")),
    Recipe(
        "reverse-lstm-none",
        "reverse",
        ModelChoice(cell="lstm", attention="none"),
        target=0.99,
        max_seconds=120,
        note="no attention: the whole input passes through one final state (the bottleneck)",
    ),
    Recipe(
        "reverse-bilstm-bahdanau",
        "reverse",
        ModelChoice(cell="lstm", attention="bahdanau", bidirectional=True),
        note="bidirectional encoder (64 units each way): every h_j has read the whole input",
    ),
    Recipe(
        "reverse-transformer",
        "reverse",
        TRANSFORMER,
        learning_rate=2e-3,  # what built the shipped one (the Train page starts at 1e-3: see ARCH_TRAINING)
        steps=3000,  # alone: a time budget would also set the learning rate's decay, by the machine's speed
        max_seconds=None,
        note="Transformer: self-attention instead of recurrence; every head's weights on the Attention page",
    ),
    Recipe("dates-lstm-bahdanau", "dates", LSTM_BAHDANAU),
    Recipe(
        "dates-lstm-bahdanau-copy-coverage",
        "dates",
        ModelChoice(cell="lstm", attention="bahdanau", copy=True, coverage=True),
        note="pointer-generator copy (p_gen per step) and coverage",
    ),
    Recipe("num2words-lstm-bahdanau", "num2words", LSTM_BAHDANAU),
    Recipe("num2zh-lstm-bahdanau", "num2zh", LSTM_BAHDANAU),
    Recipe("en-fr-lstm-bahdanau", "en-fr", LSTM_BAHDANAU),
    Recipe("en-zh-lstm-bahdanau", "en-zh", LSTM_BAHDANAU),
    Recipe(
        "en-zh-transformer",
        "en-zh",
        TRANSFORMER,
        learning_rate=2e-3,  # what built the shipped one (the Train page starts at 1e-3: see ARCH_TRAINING)
        steps=3000,
        max_seconds=None,
        note="the en-zh task's sentences through a Transformer, beside the LSTM's",
    ),
    Recipe(
        "en-fr-names-lstm-bahdanau-copy",
        "en-fr-names",
        ModelChoice(cell="lstm", attention="bahdanau", copy=True),
        note="copy over the extended vocabulary: validation names were never seen, yet come through",
    ),
    Recipe(
        "en-fr-names-lstm-bahdanau",
        "en-fr-names",
        LSTM_BAHDANAU,
        target=None,  # nothing to reach: only the sentences without a name can ever be right
        steps=300,
        max_seconds=900,  # the steps decide; this only bounds a very busy machine
        note="no copy: every name is `<unk>` to it, so it writes `<unk>` (the unknown-word problem)",
    ),
]


@dataclass(frozen=True)
class LanguageModelRecipe:
    name: str
    steps: int = 150  # the corpus is a few KB: past ~150 updates held-out perplexity rises (overfitting)
    note: str = ""
    corpus: str = "en"  # seqviz.data.lm_corpus.lm_corpus_text: "en" (prose) or "zh" (generated sentences)


LANGUAGE_MODEL_RECIPES = [
    LanguageModelRecipe(
        "charlm-lstm", note="character LSTM on the seqviz corpus; perplexity on held-out text"
    ),
    LanguageModelRecipe(
        "charlm-zh-lstm",
        steps=300,
        corpus="zh",
        note="character LSTM on Chinese sentences seqviz writes from a small grammar (seed 0)",
    ),
]


def build_language_model(recipe: LanguageModelRecipe, root: Path, device) -> dict:
    from seqviz.data.lm_corpus import lm_corpus_text
    from seqviz.training.trainer import LanguageModelTrainConfig
    from seqviz.training.workflows import LanguageModelChoice, train_language_model

    config = LanguageModelTrainConfig(
        steps=recipe.steps,
        batch_size=32,
        sequence_length=128,
        bptt=32,
        learning_rate=5e-3,
        eval_every=200,
        seed=0,
    )
    checkpoint, result = train_language_model(
        lm_corpus_text(recipe.corpus),
        LanguageModelChoice(),
        config,
        device,
        name=recipe.name,
        corpus=recipe.corpus if recipe.corpus != "en" else None,
    )
    path = save_checkpoint(checkpoint, root / recipe.name)
    perplexity = checkpoint.metrics["perplexity"]
    print(f"{recipe.name}: perplexity {perplexity:.3f} after {result.steps} steps -> {path}", flush=True)
    return checkpoint.metrics


def build(recipe: Recipe, root: Path, device) -> dict:
    defaults = training_defaults(recipe.choice.arch)  # its learning rate, warm-up and batching
    config = replace(
        defaults,
        steps=recipe.steps,
        max_seconds=recipe.max_seconds,
        learning_rate=recipe.learning_rate or defaults.learning_rate,
        seed=0,
        eval_every=200,
        target_exact_match=recipe.target,
    )
    started = time.perf_counter()
    checkpoint, result, _ = train_task(get_task(recipe.task), recipe.choice, config, device)
    path = save_checkpoint(checkpoint, root / recipe.name)
    metrics = checkpoint.metrics
    print(
        f"{recipe.name}: exact match {metrics['exact_match']:.3f} after {result.steps} steps, "
        f"{time.perf_counter() - started:.0f} s ({result.stop_reason}) -> {path}",
        flush=True,
    )
    return metrics


def _cell(value: float, digits: int) -> str:
    return "—" if value != value else f"{value:.{digits}f}"  # NaN: the metric does not apply


def write_readme(root: Path) -> None:
    notes = {recipe.name: recipe.note for recipe in [*RECIPES, *LANGUAGE_MODEL_RECIPES]}
    lines = [
        "# Shipped checkpoints",
        "",
        "Rebuilt by `make checkpoints` (`python -m seqviz.build_checkpoints`). Each folder holds",
        "`model.safetensors` and `config.json` (config, vocabularies, task, training history, metrics).",
        "Seq2seq metrics are on each task's 500-example validation set, which training never sees; the",
        "language model's perplexity is on the held-out last tenth of its corpus.",
        "",
        "| checkpoint | task | model | exact match | token accuracy | BLEU | perplexity | note |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for info in list_checkpoints(root):
        m = {
            key: info.metrics.get(key, float("nan"))
            for key in ("exact_match", "token_accuracy", "bleu", "perplexity")
        }
        lines.append(
            f"| `{info.name}` | {info.task} | {info.summary} | {_cell(m['exact_match'], 3)} | "
            f"{_cell(m['token_accuracy'], 3)} | {_cell(m['bleu'], 1)} | {_cell(m['perplexity'], 3)} | "
            f"{notes.get(info.name, '')} |"
        )
    readme = root / README
    check_readme_is_ours(readme)
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")


README = "README.md"
README_TITLE = "# Shipped checkpoints"


def check_readme_is_ours(readme: Path) -> None:
    """The README is rewritten only when it is absent or one this module wrote (its first line is ours):
    ``--root`` may name a folder whose README belongs to the user."""
    if not readme.exists():
        return
    try:
        with open(readme, encoding="utf-8", errors="replace") as handle:
            first = handle.readline(len(README_TITLE) + 2).rstrip("\n")
    except OSError as error:
        raise CheckpointError(f"cannot read {readme} ({error.strerror or error})") from None
    if not readme.is_file() or first != README_TITLE:
        raise CheckpointError(f"{readme} was not written by seqviz; it is left alone: choose another --root")


def check_outputs(root: Path, names: list[str]) -> None:
    """Every folder and file this run will write, checked before hours of training."""
    for name in names:
        check_checkpoint_destination(root / name)
    check_readme_is_ours(root / README)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqviz.build_checkpoints")
    parser.add_argument("--only", nargs="*", help="rebuild only these checkpoint names")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    if device.type == "cpu":
        configure_cpu_threads()
    wanted = [r for r in [*RECIPES, *LANGUAGE_MODEL_RECIPES] if not args.only or r.name in args.only]
    if args.only and len(wanted) != len(args.only):
        known = ", ".join(r.name for r in [*RECIPES, *LANGUAGE_MODEL_RECIPES])
        print(f"error: unknown checkpoint name; choose from {known}", file=sys.stderr)
        return 2
    try:
        check_outputs(args.root, [recipe.name for recipe in wanted])
    except SeqvizError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.root.mkdir(parents=True, exist_ok=True)
    for recipe in wanted:
        if isinstance(recipe, LanguageModelRecipe):
            build_language_model(recipe, args.root, device)
        else:
            build(recipe, args.root, device)
    write_readme(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
