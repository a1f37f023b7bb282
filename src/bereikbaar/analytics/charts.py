"""Figures drawn as inline SVG with pygal, on the server: no JavaScript, no CDN, and the same
picture on screen, in print and in the weekly email."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from bereikbaar.analytics.base import Figure

# Which columns each figure draws (the first column is the x axis); the table has them all.
PLOT = {
    "channel_mix": range(1, 7),
    "multichannel": [4, 5],
    "preferred_vs_used": [1, 2],
    "emotions": range(1, 6),
    "response_times": [2, 3, 4, 6],
    "sla": [4],
    "phone": [1, 2, 3],
    "callbacks": [1, 2, 3],
    "helpcenter": [1, 2, 3, 4],
    "csat_channel": [2],
    "csat_team": [2],
    "csat_agent": [2],
    "repeat": [3],
    "agent_load": [1, 2, 3],
}
KINDS = {
    "bar": pygal.Bar,
    "stacked": pygal.StackedBar,
    "hstacked": pygal.HorizontalStackedBar,
    "line": pygal.Line,
}
# pygal writes its config into an inline <script> for its optional tooltips; we ship no JS.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1d2329",
    foreground_strong="#1d2329",
    foreground_subtle="#5b6470",
    font_family="system-ui, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
    colors=("#0b5cad", "#e07b00", "#1a8f3a", "#c0392b", "#7d4cc2", "#4a5561", "#b8860b"),
)


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def render(figure: Figure) -> str:
    """The figure as one <svg> element, or "" when there is nothing to draw."""
    kind = KINDS.get(figure.chart)
    if kind is None or not figure.rows:
        return ""
    columns = [
        i for i in PLOT.get(figure.key, range(1, len(figure.columns))) if i < len(figure.columns)
    ]
    chart = kind(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        width=800,
        height=340 if figure.chart != "hstacked" else 80 + 28 * len(figure.rows),
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(columns), 4),
        print_values=False,
        x_label_rotation=30 if len(figure.rows) > 6 and figure.chart != "hstacked" else 0,
        show_minor_x_labels=True,
        truncate_legend=-1,
        truncate_label=-1,
        value_formatter=lambda v: f"{v:.0%}" if figure.unit == "share" else f"{v:g}",
        no_data_text="—",
        range=(0, 5) if figure.key.startswith("csat") else None,
    )
    chart.x_labels = [str(row[0]) for row in figure.rows]
    for i in columns:
        chart.add(str(figure.columns[i]), [_number(row[i]) for row in figure.rows])
    return _SCRIPT.sub("", chart.render(is_unicode=True))
