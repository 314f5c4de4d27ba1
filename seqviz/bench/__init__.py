"""The benchmark behind ``python -m seqviz bench``: seqviz's training and tracing against reference code.

- ``baselines``: the PyTorch tutorial's and d2l's seq2seq trainers, re-implemented in plain torch;
- ``runs``: timed training runs measured alike (training clock, exact match, tokens/s);
- ``run``: the rows, their targets and the settings of a full or ``--quick`` run;
- ``first_render``, ``browser_render``: a page's first render, its compute alone and in headless Chromium
  against the real app (with the server's peak memory);
- ``rows``, ``report``, ``machine``: what a row is, how reports are written, what the machine was.

Nothing here is imported by the app or the CLI until a benchmark is asked for.
"""
