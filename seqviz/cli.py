"""``python -m seqviz``: train, eval, translate and trace from a terminal.

Every error a user can cause is one line on stderr and exit code 2; no traceback reaches the terminal
(``SEQVIZ_DEBUG=1`` shows it for developers).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from seqviz import settings
from seqviz.errors import SeqvizError
from seqviz.export.json_export import (
    attribution_to_json,
    beam_to_json,
    bench_row_to_json,
    bleu_to_json,
    cli_json_line,
    finite_floats,
    language_model_trace_to_json,
    output_score_to_json,
    text_trace_to_json,
    training_summary_to_json,
    transformer_trace_to_json,
    translation_to_json,
)
from seqviz.terminal import EscapingStream, unescaped

EXIT_USAGE = 2
EXIT_INTERNAL = 1
# The longest output decoding may produce: default_max_len's own ceiling and beam search's
# MAX_OUTPUT_TOKENS. Greedy decoding runs one decoder step per token, so an unbounded --max-len is
# unbounded work for a model that never writes <eos>.
MAX_DECODE_TOKENS = 400
# Input files (bleu --hyp / --ref) are read at most this far: /dev/zero or a runaway log must be refused,
# not read forever. 64 MB and a million lines are far beyond any test set BLEU is computed on.
MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024
MAX_INPUT_LINES = 1_000_000


class CliError(SeqvizError):
    """A bad flag combination found after parsing."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _whole_number(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"{text!r} must be {'positive' if low == 1 else f'at least {low}'}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def _max_len(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_DECODE_TOKENS:
        raise argparse.ArgumentTypeError(
            f"the maximum length is {MAX_DECODE_TOKENS} output tokens, not {value:,}"
        )
    return value


def _seed(text: str) -> int:
    from seqviz.checkpoints.meta import MAX_SEED

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"the seed must be from 0 to {MAX_SEED:,}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1")
    return value


def build_parser() -> Parser:
    from seqviz.device import DEVICE_CHOICES
    from seqviz.models.config import ATTENTIONS, CELLS
    from seqviz.training.config import ARCH_TRAINING, ARCHITECTURES
    from seqviz.training.config import DEFAULT_MODEL as MODEL
    from seqviz.training.config import DEFAULT_TRAINING as TRAINING

    parser = Parser(prog="python -m seqviz", description="seqviz: watch recurrent sequence models think.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    train = commands.add_parser("train", help="train a seq2seq model on a task or a corpus")
    source = train.add_mutually_exclusive_group(required=True)
    source.add_argument("--task", help="a synthetic task (see `python -m seqviz tasks`)")
    source.add_argument("--corpus", metavar="FILE.tsv", help="a parallel corpus: source<TAB>target per line")
    train.add_argument(
        "--arch", choices=ARCHITECTURES, default=MODEL.arch, help="an RNN encoder-decoder or a Transformer"
    )
    train.add_argument("--cell", choices=CELLS, default=MODEL.cell)
    train.add_argument("--attention", choices=ATTENTIONS, default=MODEL.attention)
    train.add_argument("--bidirectional", action="store_true")
    train.add_argument(
        "--layers", type=_positive_int, default=MODEL.num_layers, help="RNN layers, or Transformer layers"
    )
    train.add_argument(
        "--heads", type=_positive_int, default=MODEL.num_heads, help="Transformer attention heads"
    )
    train.add_argument("--emb", type=_positive_int, default=MODEL.embedding_size, help="embedding size")
    train.add_argument(
        "--hidden", type=_positive_int, default=MODEL.hidden_size, help="hidden size (Transformer: d_model)"
    )
    train.add_argument("--copy", action="store_true", help="pointer-generator copy mechanism")
    train.add_argument("--coverage", action="store_true", help="coverage vector and coverage loss")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=_positive_int)
    budget.add_argument("--max-seconds", type=_positive_float)
    train.add_argument("--batch-size", type=_positive_int, default=TRAINING.batch_size)
    train.add_argument(
        "--lr",
        type=_positive_float,
        default=None,
        help=f"learning rate (default {TRAINING.learning_rate:g} for an RNN, "
        f"{ARCH_TRAINING['transformer']['learning_rate']:g} for a Transformer)",
    )
    train.add_argument(
        "--warmup",
        type=_non_negative_int,
        default=None,
        help=f"updates of linear learning-rate warm-up (default {TRAINING.warmup_steps} for an RNN, "
        f"{ARCH_TRAINING['transformer']['warmup_steps']} for a Transformer)",
    )
    train.add_argument("--teacher-forcing", type=_fraction, default=TRAINING.teacher_forcing)
    train.add_argument("--eval-every", type=_positive_int, default=TRAINING.eval_every)
    train.add_argument(
        "--target-exact-match",
        type=_fraction,
        default=TRAINING.target_exact_match,
        help="stop early once validation exact match reaches this",
    )
    train.add_argument("--seed", type=_seed, default=TRAINING.seed)
    train.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    train.add_argument("--out", required=True, metavar="DIR", help="checkpoint folder to write")
    train.add_argument("--json", action="store_true", help="print the result as JSON")

    evaluate = commands.add_parser(
        "eval", help="exact match, token accuracy, BLEU, perplexity (a language model: perplexity, accuracy)"
    )
    evaluate.add_argument("--checkpoint", required=True, metavar="DIR")
    evaluate.add_argument("--size", type=_positive_int, default=500, help="validation examples (seq2seq)")
    evaluate.add_argument("--device", choices=DEVICE_CHOICES, default="cpu")
    evaluate.add_argument("--json", action="store_true")

    translate = commands.add_parser("translate", help="decode an input greedily, or with --beam K")
    translate.add_argument("--checkpoint", required=True, metavar="DIR")
    translate.add_argument("--input", metavar="TEXT", help="the input (or give it as the last argument)")
    translate.add_argument("text", nargs="?", metavar="TEXT", help="the input, when --input is not given")
    translate.add_argument(
        "--max-len", type=_max_len, default=None, help=f"at most {MAX_DECODE_TOKENS} output tokens"
    )
    translate.add_argument("--beam", type=_positive_int, default=None, metavar="K", help="beam search width")
    translate.add_argument(
        "--length-penalty", type=float, default=None, metavar="ALPHA", help="beam: length penalty alpha"
    )
    translate.add_argument(
        "--penalty",
        choices=("gnmt", "length", "none"),
        default=None,
        help="beam: gnmt ((5+|Y|)/6)^alpha or length |Y|^alpha (default gnmt with --length-penalty, "
        "alpha 1 without it), or none",
    )
    translate.add_argument("--n-best", type=_positive_int, default=None, metavar="N", help="beam: default K")
    translate.add_argument("--json", action="store_true")

    score = commands.add_parser("score", help="the teacher-forced log-probability of an output")
    score.add_argument("--checkpoint", required=True, metavar="DIR")
    score.add_argument("--input", required=True, metavar="SRC")
    score.add_argument("--output", required=True, metavar="TGT", help="scored with <eos> appended")
    score.add_argument("--json", action="store_true")

    trace = commands.add_parser(
        "trace", help="gates, states and attention for an input (a Transformer: every attention head)"
    )
    trace.add_argument("--checkpoint", required=True, metavar="DIR")
    trace.add_argument("--input", required=True, metavar="TEXT")
    trace.add_argument("--target", metavar="TEXT", help="teacher-force this output instead of decoding")
    trace.add_argument("--json", action="store_true")

    from seqviz.explain.attribution import DEFAULT_STEPS, MAX_STEPS, METHODS

    explain = commands.add_parser("explain", help="each output token's attribution to each source token")
    explain.add_argument("--checkpoint", required=True, metavar="DIR")
    explain.add_argument("--input", required=True, metavar="TEXT")
    explain.add_argument("--target", metavar="TEXT", help="explain this output instead of the greedy one")
    explain.add_argument("--method", choices=METHODS, default="integrated-gradients")
    explain.add_argument(
        "--steps", type=_positive_int, default=DEFAULT_STEPS, help=f"integrated gradients: 1 to {MAX_STEPS}"
    )
    explain.add_argument("--json", action="store_true")

    tasks = commands.add_parser("tasks", help="list the synthetic tasks")
    tasks.add_argument("--json", action="store_true")

    bench = commands.add_parser("bench", help="training and trace speed against baselines (minutes)")
    bench.add_argument("--quick", action="store_true", help="short budgets: well under a minute, rough")
    bench.add_argument("--json", action="store_true", help="one JSON object per row")
    bench.add_argument(
        "--out", default="bench/results.md", metavar="FILE.md", help="markdown report to write"
    )

    from seqviz.explain.bleu import DEFAULT_SMOOTH_METHOD, DEFAULT_TOKENIZER, SMOOTH_METHODS, TOKENIZERS

    bleu = commands.add_parser("bleu", help="sacrebleu's BLEU of a hypothesis file against reference files")
    bleu.add_argument("--hyp", required=True, metavar="FILE", help="UTF-8, one hypothesis per line")
    bleu.add_argument(
        "--ref", required=True, action="append", metavar="FILE", help="one per reference set (repeatable)"
    )
    bleu.add_argument("--tokenize", choices=tuple(TOKENIZERS), default=DEFAULT_TOKENIZER)
    bleu.add_argument("--smooth", choices=SMOOTH_METHODS, default=DEFAULT_SMOOTH_METHOD)
    bleu.add_argument("--lowercase", action="store_true")
    bleu.add_argument(
        "--sentence", action="store_true", help="one score per line (sentence BLEU, effective order)"
    )
    bleu.add_argument("--json", action="store_true", help="sacrebleu's field names, one object per score")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; stdout and stderr escape control characters throughout (``seqviz.terminal``)."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(stdout), EscapingStream(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings.check_settings()  # a bad SEQVIZ_* value: one clear line before any work
        return COMMANDS[args.command](args)
    except SeqvizError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return _fail("interrupted", code=130)
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug: still one line, with the traceback on request
        if settings.debug():
            traceback.print_exc()
        return _fail(
            f"internal error ({type(error).__name__}: {error}); set SEQVIZ_DEBUG=1 for details",
            code=EXIT_INTERNAL,
        )


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"seqviz: error: {' '.join(message.split())}", file=sys.stderr)
    return code


def _print_json(payload: Any) -> None:
    print(cli_json_line(payload))


# ------------------------------------------------------------------------------------------- commands


class ProgressBar:
    """A one-line progress bar on stderr when it is a terminal; periodic plain lines otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_plain = 0.0
        self.trainer = None  # known from the first report on, so Ctrl-C can stop it gracefully

    def on_step(self, trainer, report) -> None:
        self.trainer = trainer
        width = 24
        filled = int(report.progress * width)
        eta = f"ETA {report.eta:4.0f}s" if report.eta is not None else ""
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {report.progress:4.0%} step {report.step} "
            f"loss {report.loss:.3f} ppl {report.perplexity:.2f} {report.tokens_per_s:,.0f} tok/s {eta}"
        )
        if self.tty:
            unescaped(sys.stderr).write("\r" + line.ljust(100))  # numbers only: our own \r may pass
            sys.stderr.flush()
        elif time.monotonic() - self.last_plain > 10:
            self.last_plain = time.monotonic()
            print(line, file=sys.stderr)

    def on_eval(self, trainer, step, result) -> None:
        line = (
            f"step {step}: exact match {result.exact_match:.3f}, token accuracy {result.token_accuracy:.3f}, "
            f"BLEU {result.bleu:.1f}"
        )
        print(("\r" if self.tty else "") + line.ljust(100), file=unescaped(sys.stderr))

    def on_end(self, trainer, result) -> None:
        if self.tty:
            sys.stderr.write("\n")


def _model_words(choice) -> str:
    if choice.arch == "transformer":
        layers, heads, width = choice.num_layers, choice.num_heads, choice.hidden_size
        return f"a Transformer ({layers} layers, {heads} heads, d_model {width})"
    return f"{choice.cell.upper()} + {choice.attention}"


def cmd_train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from seqviz.checkpoints.store import check_checkpoint_destination, save_checkpoint
    from seqviz.data.tasks import get_task
    from seqviz.device import configure_cpu_threads, describe_device, pick_device
    from seqviz.training.config import training_defaults
    from seqviz.training.workflows import ModelChoice, load_corpus_task, train_task

    try:  # before any work: a bad --out found after training would lose the trained model
        check_checkpoint_destination(args.out)
    except SeqvizError as error:
        raise CliError(f"--out: {error}") from None
    task = get_task(args.task) if args.task else load_corpus_task(args.corpus)
    choice = ModelChoice(
        cell=args.cell,
        attention=args.attention,
        embedding_size=args.emb,
        hidden_size=args.hidden,
        num_layers=args.layers,
        bidirectional=args.bidirectional,
        copy=args.copy,
        coverage=args.coverage,
        arch=args.arch,
        num_heads=args.heads,
    ).validate()
    steps = args.steps if args.steps or args.max_seconds else 2000
    given = {"learning_rate": args.lr, "warmup_steps": args.warmup}
    config = replace(
        training_defaults(choice.arch),  # the arch's learning rate, warm-up and batching, unless given
        **{name: value for name, value in given.items() if value is not None},
        steps=steps,
        max_seconds=args.max_seconds,
        batch_size=args.batch_size,
        teacher_forcing=args.teacher_forcing,
        seed=args.seed,
        eval_every=args.eval_every,
        target_exact_match=args.target_exact_match,
    ).validate()
    device = pick_device(args.device)
    if device.type == "cpu":
        configure_cpu_threads()
    if not args.json:
        print(
            f"training {task.name} with {_model_words(choice)} on {describe_device(device)}",
            file=sys.stderr,
        )
    progress = ProgressBar()
    previous = signal.getsignal(signal.SIGINT)

    def interrupt(signum, frame):
        if progress.trainer is None:
            raise KeyboardInterrupt
        print("\nstopping after this step and saving (Ctrl-C again to abort)", file=sys.stderr)
        progress.trainer.stop()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, interrupt)
    try:
        checkpoint, result, _ = train_task(task, choice, config, device, callbacks=[progress])
    finally:
        signal.signal(signal.SIGINT, previous)
    path = save_checkpoint(checkpoint, args.out)
    if args.json:
        _print_json(training_summary_to_json(path, result, checkpoint.metrics))
    else:
        print(f"{result.message}; saved {path}")
        if checkpoint.metrics:
            m = checkpoint.metrics
            print(
                f"validation: exact match {m['exact_match']:.3f}, token accuracy {m['token_accuracy']:.3f}, "
                f"BLEU {m['bleu']:.1f}, perplexity {m['perplexity']:.3f}"
            )
    return 0 if result.stop_reason != "diverged" else EXIT_USAGE


def cmd_eval(args: argparse.Namespace) -> int:
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.device import pick_device
    from seqviz.training.lm_evaluation import LanguageModelEval
    from seqviz.training.workflows import evaluate_checkpoint

    device = pick_device(args.device)
    checkpoint = load_checkpoint(args.checkpoint, device)
    result = evaluate_checkpoint(checkpoint, size=args.size, device=device)
    language_model = isinstance(result, LanguageModelEval)
    if args.json:
        metrics = result.as_eval_dict() if language_model else result.as_dict()
        _print_json(finite_floats(metrics))
    elif language_model:
        print(
            f"{checkpoint.name}: perplexity {result.perplexity:.4f}, next-token accuracy "
            f"{result.token_accuracy:.4f} ({result.size} held-out tokens; exact match and BLEU are "
            "seq2seq metrics)"
        )
    else:
        print(
            f"{checkpoint.name}: exact match {result.exact_match:.4f}, token accuracy "
            f"{result.token_accuracy:.4f}, BLEU {result.bleu:.2f}, perplexity {result.perplexity:.4f} "
            f"({result.size} validation examples)"
        )
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.inference import describe_unknown, greedy_translate

    if (args.input is None) == (args.text is None):
        raise CliError("give the input once: as TEXT or with --input")
    args.input = args.input if args.input is not None else args.text
    if args.beam is not None:
        return _translate_beam(args)
    if args.length_penalty is not None or args.penalty is not None or args.n_best is not None:
        raise CliError("--length-penalty, --penalty and --n-best are beam options: add --beam K")
    checkpoint = load_checkpoint(args.checkpoint)
    translation = greedy_translate(checkpoint, args.input, args.max_len)
    if args.json:
        _print_json(translation_to_json(translation))
    else:
        note = describe_unknown(translation.source)
        if note:
            print(f"note: {note}", file=sys.stderr)
        print(translation.output)
    return 0


def _length_penalty(args: argparse.Namespace):
    """``--penalty`` defaults to gnmt when ``--length-penalty`` is given (none otherwise); a kind without an
    alpha takes alpha 1. A contradiction (``--penalty none --length-penalty 0.6``) is an InputError."""
    from seqviz.explain.beam import LengthPenalty

    kind = args.penalty or ("gnmt" if args.length_penalty is not None else "none")
    alpha = args.length_penalty
    if alpha is None:
        alpha = 0.0 if kind == "none" else 1.0
    return LengthPenalty(kind, alpha)


def _translate_beam(args: argparse.Namespace) -> int:
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.explain.beam import beam_search
    from seqviz.inference import describe_unknown

    penalty = _length_penalty(args)
    checkpoint = load_checkpoint(args.checkpoint)
    result = beam_search(
        checkpoint, args.input, args.beam, max_len=args.max_len, penalty=penalty, n_best=args.n_best
    )
    if args.json:
        _print_json(beam_to_json(result))
        return 0
    note = describe_unknown(result.source)
    if note:
        print(f"note: {note}", file=sys.stderr)
    print("score\tlog_prob\toutput")
    for hypothesis in result.nbest:
        print(f"{hypothesis.score:.4f}\t{hypothesis.log_prob:.4f}\t{hypothesis.output}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.explain.beam import score_output

    checkpoint = load_checkpoint(args.checkpoint)
    scored = score_output(checkpoint, args.input, args.output)
    if args.json:
        _print_json(output_score_to_json(scored))
    else:
        print(f"log P = {scored.log_prob:.4f} over {len(scored.tokens)} tokens (<eos> included)")
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.inference import trace_language_model, trace_text

    checkpoint = load_checkpoint(args.checkpoint)
    if checkpoint.kind == "language_model":
        if args.target is not None:
            raise CliError("--target is for seq2seq checkpoints; a language model reads --input alone")
        payload = language_model_trace_to_json(trace_language_model(checkpoint, args.input))
    elif checkpoint.kind == "transformer":  # no recurrence: its attention, every layer and head
        payload = transformer_trace_to_json(trace_text(checkpoint, args.input, args.target))
    else:
        payload = text_trace_to_json(trace_text(checkpoint, args.input, args.target))
    if args.json:
        _print_json(payload)
        return 0
    if checkpoint.kind == "language_model":
        print(f"{len(payload['predicted_tokens'])} tokens, perplexity {payload['perplexity']:.3f}")
        return 0
    print(f"source: {' '.join(payload['source_tokens'])}")
    print(f"output: {payload['output']}  (log P = {payload['log_prob']:.4f})")
    if checkpoint.kind == "transformer":
        print(
            f"Transformer: {payload['num_layers']} layer(s) x {payload['num_heads']} head(s); encoder "
            "self-attention, decoder masked self-attention and cross-attention per layer and head"
        )
        print("use --json for every weight")
        return 0
    for part in ("encoder", "decoder"):
        info = payload[part]
        gates = ", ".join(info["layers"][0]["gates"]) or "no gates"
        print(
            f"{part}: {info['mode']}, {info['num_layers']} layer(s) x {info['num_directions']} direction(s), "
            f"hidden {info['hidden_size']}, {gates}"
        )
    print("use --json for every number")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.explain.attribution import attribute

    checkpoint = load_checkpoint(args.checkpoint)
    result = attribute(checkpoint, args.input, args.target, [args.method], steps=args.steps)
    payload = attribution_to_json(result, args.method)
    if args.json:
        _print_json(payload)
        return 0
    print(f"{args.method}, rows = output tokens, columns = {' '.join(payload['source_tokens'])}")
    for token, row, tau in zip(
        payload["target_tokens"], payload["attribution"], payload["kendall_tau"], strict=True
    ):
        cells = " ".join(f"{value:+.3f}" for value in row)
        print(f"{token}\t{cells}\ttau {'-' if tau is None else f'{tau:+.2f}'}")
    if "completeness_gap" in payload:
        print(f"largest completeness gap {max(payload['completeness_gap']):.2e}")
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from seqviz.data.tasks import get_task, list_tasks

    rows = [{"name": name, "description": get_task(name).description["en"]} for name in list_tasks()]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['name']:<12} {row['description']}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from seqviz.bench.report import check_writable, format_text, write_markdown
    from seqviz.bench.run import BenchSettings, run_bench

    check_writable(args.out)
    settings = BenchSettings.quick_run() if args.quick else BenchSettings.full()
    report = run_bench(settings, progress=lambda message: print(message, file=sys.stderr, flush=True))
    path = write_markdown(report, args.out)
    if args.json:
        for row in report.rows:
            _print_json(bench_row_to_json(row))
    else:
        print(format_text(report))
        print(f"written to {path}")
    return 0


def cmd_bleu(args: argparse.Namespace) -> int:
    from seqviz.explain.bleu import corpus_bleu, format_bleu, sentence_bleus

    hypotheses = read_input_sentences(args.hyp)
    references = []
    for path in args.ref:
        lines = read_input_sentences(path)
        if len(lines) != len(hypotheses):
            raise CliError(
                f"--ref {path} has {len(lines)} lines but --hyp {args.hyp} has {len(hypotheses)}; "
                "each line is one sentence, so the files must have the same number of lines"
            )
        references.append(lines)
    options = {"tokenize": args.tokenize, "smooth_method": args.smooth, "lowercase": args.lowercase}
    if args.sentence:
        reports = sentence_bleus(hypotheses, references, **options)
    else:
        reports = [corpus_bleu(hypotheses, references, **options)]
    for report in reports:
        if args.json:
            _print_json(bleu_to_json(report))
        else:
            print(format_bleu(report))
    return 0


def read_input_sentences(path: str) -> list[str]:
    """The lines of a UTF-8 file given on the command line, read at most ``MAX_INPUT_FILE_BYTES`` and
    ``MAX_INPUT_LINES`` far: a device (``/dev/zero``), a pipe that never ends or a huge file is refused with
    one line instead of being read forever."""
    from seqviz.explain.bleu import sentences_from_bytes

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a folder, not a text file") from None
    except OSError as error:
        raise CliError(f"{path}: cannot read it ({error.strerror or error})") from None
    if len(data) > MAX_INPUT_FILE_BYTES:
        raise CliError(f"{path}: more than {MAX_INPUT_FILE_BYTES // 2**20} MB; refused")
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")  # \n, \r\n or \r end a line
    if lines > MAX_INPUT_LINES:
        raise CliError(f"{path}: more than {MAX_INPUT_LINES:,} lines; refused")
    return sentences_from_bytes(data, path)


COMMANDS = {
    "train": cmd_train,
    "eval": cmd_eval,
    "translate": cmd_translate,
    "score": cmd_score,
    "trace": cmd_trace,
    "explain": cmd_explain,
    "tasks": cmd_tasks,
    "bench": cmd_bench,
    "bleu": cmd_bleu,
}
