"""Errors meant for people, not for stack traces.

Every failure a user can cause (bad text, a bad file, a bad flag) raises a ``SeqvizError`` whose message is
one clear sentence. The CLI prints it as one line and exits 2; the pages show it in an error box.
"""


class SeqvizError(Exception):
    """A problem the user can fix; ``str(error)`` is the message to show them."""


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
