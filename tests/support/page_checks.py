"""What the page-level browser tests share (every page, and every page on a projector): each page's URL
and title, its main chart found by title and proven drawn, and the scripts that measure clipped text."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from seqviz.ui import PAGES

FIRST_RUN_TIMEOUT = 120_000  # ms: a cold page on a slow machine (Forecasting trains two models on first open)
MAIN = '[data-testid="stMainBlockContainer"]'

# The label of each page's main chart: the figure title it is found by. BLEU draws no chart (tables and
# formulas), the Train page draws none until a run starts, and the home page is cards and a picker: those
# three are checked by their main content instead (see check_main_content).
MAIN_CHART = {
    "forecast": "forecast.mlp_title",
    "gates": "gate.hidden",  # every cell type has an h_t heatmap; which gates come before it depends on it
    "attention": "attention.heatmap_title",
    "decoding": "decoding.chart.attention",
    "beam": "beam.tree_title",
    "lm": "lm.strip_title",
    "embeddings": "embeddings.title",
    "comparison": "comparison.length_chart",  # the shipped pair's exact match by input length
}


@dataclass(frozen=True)
class AppPage:
    id: str
    path: str  # URL path: the file name without its leading number and .py
    title_key: str


APP_PAGES = (
    AppPage("home", "/", "home.title"),
    *(AppPage(p.key, "/" + Path(p.path).stem.split("_", 1)[1], p.title_key) for p in PAGES),
)

# Finds the first chart whose title holds ``parts`` in order (a plotly chart, or a Vega-Lite chart with a view
# of that title: a grid's panel titles count); reports its size and drawn marks. Plotly: the traces' paths
# with a non-empty box and heatmap images with data (plotly 6 puts the traces under .overplot, older
# versions under .plot; grid lines and axes live elsewhere and do not count). Vega-Lite: the marks' paths
# in SVG, or the canvas it draws on above 2,000 data points.
MAIN_CHART_JS = """
([selector, parts]) => {
  const titles = chart => chart.dataset.testid === 'stPlotlyChart'
    ? [...chart.querySelectorAll('.gtitle')] : [...chart.querySelectorAll('.role-title-text text')];
  const holds = text => {
    let at = 0;
    for (const part of parts) {
      const i = text.indexOf(part, at);
      if (i < 0) return false;
      at = i + part.length;
    }
    return true;
  };
  const all = [...document.querySelectorAll(selector)];
  const chart = all.find(c => titles(c).some(t => holds(t.textContent)));
  if (!chart) return {found: false, titles: all.map(c => titles(c).map(t => t.textContent).join(' | '))};
  const plotly = chart.dataset.testid === 'stPlotlyChart';
  const surface = chart.querySelector(plotly ? 'svg.main-svg' : 'svg.marks, canvas.marks');
  const box = surface ? surface.getBoundingClientRect() : {width: 0, height: 0};
  const drawn = m => {
    if (m.tagName.toLowerCase() === 'image') return (m.href.baseVal || '').startsWith('data:');
    try { const b = m.getBBox(); return b.width > 0 || b.height > 0; } catch (e) { return false; }
  };
  const traces = ['.overplot', '.plot'].map(g => `.cartesianlayer ${g} path, .cartesianlayer ${g} image`);
  const marks = plotly ? [...chart.querySelectorAll(traces.join(', '))].filter(drawn).length
    : surface && surface.tagName.toLowerCase() === 'canvas' ? 1
    : [...chart.querySelectorAll('.role-mark path')].filter(drawn).length;
  return {found: true, title: titles(chart).map(t => t.textContent).join(' | '), width: box.width,
          height: box.height, marks};
}
"""
CHART_DRAWN = (
    f"args => {{ const r = ({MAIN_CHART_JS})(args);"
    " return r.found && r.marks > 0 && r.width > 200 && r.height > 60; }"  # the LM strip: one line of text
)

# Draws 中, 文 and U+E000 (Private Use Area: no font has it, so it is always the .notdef box or nothing)
# with the element's own font. A font stack without CJK glyphs draws 中 and 文 as the same box, identical to
# U+E000's, so the pixels tell whether Chinese really renders.
GLYPHS_JS = """
async el => {
  await document.fonts.ready;
  const style = getComputedStyle(el);
  const font = `${style.fontStyle} ${style.fontWeight} 64px ${style.fontFamily}`;
  const draw = ch => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 96;
    const g = canvas.getContext('2d');
    g.font = font;
    g.fillStyle = '#000';
    g.textBaseline = 'top';
    g.fillText(ch, 8, 8);
    return Array.from(g.getImageData(0, 0, 96, 96).data.filter((_, i) => i % 4 === 3));
  };
  const zhong = draw('中'), wen = draw('文'), pua = draw('\\ue000');
  const same = (a, b) => a.every((v, i) => v === b[i]);
  return {font, ink: zhong.filter(v => v > 0).length,
          zhongIsWen: same(zhong, wen), zhongIsPua: same(zhong, pua)};
}
"""


def literal_parts(template: str) -> list[str]:
    """A label's fixed text around its ``{placeholders}``: "Search tree (k = {width}, {penalty})" ->
    ["Search tree (k = ", ", ", ")"]."""
    return [literal for literal, _, _, _ in string.Formatter().parse(template) if literal]


CLIPPED_TEXT_JS = """
(main) => {
  const root = document.querySelector(main);
  const clipped = [];
  for (const el of root.querySelectorAll('p, span, div, li, h1, h2, h3, h4, label, button')) {
    if (el.closest('.katex-mathml') || el.children.length > 3) continue;
    const style = getComputedStyle(el);
    const hides = style.overflowX === 'hidden' || style.textOverflow === 'ellipsis'
      || style.overflow === 'hidden';
    if (hides && el.scrollWidth > el.clientWidth + 2 && el.innerText.trim().length > 1) {
      clipped.push(el.innerText.trim().slice(0, 60));
    }
  }
  for (const el of root.querySelectorAll('[data-testid="stButtonGroup"] > div')) {  // pills
    if (el.scrollWidth > el.clientWidth + 2) clipped.push('pills scroll: ' + el.innerText.slice(0, 30));
  }
  for (const el of root.querySelectorAll('.katex-display, [data-testid="stMetricValue"]')) {
    if (el.scrollWidth > el.clientWidth + 2) clipped.push('formula or metric: ' + el.innerText.slice(0, 40));
  }
  return clipped;
}
"""
