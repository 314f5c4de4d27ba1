"""Errors meant for people, not for stack traces.

Every failure a user can cause (bad text, a bad file, a bad flag) raises a ``SeqvizError`` whose message is
one clear sentence. The CLI prints it as one line and exits 2; the pages show it in an error box.

The message is English. An error a student can cause on a page also carries a ``code`` and the ``params``
its sentence is made of (``InputError("the input is empty: ...", code="input.empty", what="input")``), so a
page can write the same sentence in its own language (``seqviz.ui`` looks up ``error.<code>``) while the
CLI keeps the English text exactly as it was. An error without a code is shown in English everywhere.
"""


class SeqvizError(Exception):
    """A problem the user can fix; ``str(error)`` is the message to show them.

    ``code`` (optional) names the sentence (``"input.too_long"``) and ``params`` hold its values as data
    (numbers, tokens, names, short codes such as ``what="reference"``). Both survive pickling (a training
    child process hands errors back): ``BaseException`` pickles ``args`` and the instance ``__dict__``.
    """

    def __init__(self, *args: object, code: str | None = None, **params: object) -> None:
        super().__init__(*args)
        self.code = code
        self.params = params


class InputError(SeqvizError, ValueError):
    """Text or a value given by the user cannot be used (empty, too long, wrong kind)."""


class CorpusError(SeqvizError, ValueError):
    """A parallel corpus or text file cannot be read; the message names the bad line."""


class CheckpointError(SeqvizError):
    """A checkpoint folder or file is missing, corrupt, hostile or does not fit its config."""


class UnknownTaskError(SeqvizError, KeyError):
    """A task name that is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else "unknown task"
