"""Charts for the partnership dashboards, drawn on the server as inline SVG with pygal.

The app's Content-Security-Policy (default-src 'self') blocks inline <style> and style="", so
pygal's stylesheet is thrown away and its look redone with SVG presentation attributes, which
CSP does not govern. Nothing loads from elsewhere and nothing runs: no script, no URL.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from xml.etree import ElementTree as ET

import pygal
from markupsafe import Markup
from pygal.etree import etree as pygal_etree
from pygal.style import Style

# Our restyling walks xml.etree nodes; keep pygal on them even if lxml gets installed.
pygal_etree.to_etree()

# Okabe-Ito: blue, orange and green first as the most distinct trio; yellow last because it
# is barely visible on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
# Dash patterns and markers tell lines apart for readers who cannot tell the colours apart.
DASHES = ("", "9 5", "2 4", "12 4 2 4", "5 3", "1 3", "16 6", "6 3 2 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")
Series = Sequence[tuple[str, Sequence[float | int | None]]]

NO_FIGURES = "No figures for this period"
SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 760
INK, MUTED, GRID, AXIS = "#1b1b1b", "#505a5f", "#e1e3e5", "#8e9396"  # app.css's ink and muted
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'
LABEL, LEGEND, TITLE = 14, 14, 18

# pygal measures text from these sizes to lay the chart out, so they match what we draw.
_STYLE = Style(
    font_family=FONT, colors=PALETTE, label_font_size=LABEL, major_label_font_size=LABEL,
    legend_font_size=LEGEND, title_font_size=TITLE, value_font_size=LABEL,
)  # fmt: skip


def line_chart(title: str, labels: list[str], series: Series, *, y_title: str = "") -> Markup:
    """A trend over weeks or months, one line per series."""
    if _empty(labels, series):
        return _placeholder(title)
    chart = pygal.Line(
        **_common(title, labels, series), height=400, y_title=y_title, dots_size=4,
        legend_box_size=30, x_labels_major_every=_label_every(labels),
        show_minor_x_labels=False, allow_interruptions=True,  # a missing week is a gap
        margin_right=48,  # the last week's label is centred on the chart's right edge
    )  # fmt: skip
    return _draw(chart, series, category_axis="x", lines=True)


def bar_chart(title: str, labels: list[str], series: Series, *, horizontal: bool = True) -> Markup:
    """A breakdown (by school, by year group): horizontal bars suit long names."""
    if _empty(labels, series):
        return _placeholder(title)
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    if horizontal:  # pygal stacks rows from the bottom; people read the list from the top
        labels, series = labels[::-1], [(name, list(values)[::-1]) for name, values in series]
    # Horizontal charts grow with the rows so each bar stays a readable thickness.
    rows = len(labels) * max(24, 14 * len(series) + 10) if horizontal else 260
    chart = kind(**_common(title, labels, series), height=rows + 110 + 40 * (len(series) > 1))
    return _draw(chart, series, category_axis="y" if horizontal else "x", lines=False)


def _label_every(labels: list[str]) -> int:
    """Show every Nth week so the labels (about 0.55 em a letter) never overlap."""
    fits = (WIDTH - 100) // (max(len(label) for label in labels) * LABEL * 0.55 + 16)
    return math.ceil(len(labels) / max(fits, 1))


def _legend_columns(series: Series) -> int:
    """As many legend columns as the longest name lets fit side by side (at most four)."""
    longest = max((len(name) for name, _ in series), default=1)
    fits = int(WIDTH // (longest * LEGEND * 0.55 + 60))
    return max(1, min(len(series), 4, fits))


def _empty(labels: list[str], series: Series) -> bool:
    return not labels or all(not v for _, values in series for v in values)


def _common(title: str, labels: list[str], series: Series) -> dict[str, object]:
    values = [v for _, vs in series for v in vs if v is not None]
    return {
        "title": title, "x_labels": labels, "style": _STYLE, "width": WIDTH,
        "js": [], "disable_xml_declaration": True, "y_labels": _ticks(values),
        "show_legend": len(series) > 1, "legend_at_bottom": True,
        "legend_at_bottom_columns": _legend_columns(series), "truncate_label": 40,
        "truncate_legend": 40, "value_formatter": _number, "margin": 12, "spacing": 12,
    }  # fmt: skip


def _ticks(values: list[float | int]) -> list[float]:
    """About five round steps from zero, whole numbers for counts (pygal's own show 0.2)."""
    low, high = min([0, *values]), max([0, *values])
    raw = (high - low) / 5 or 1
    size = 10 ** math.floor(math.log10(raw))
    counts = all(isinstance(v, int) for v in values)
    # Counts skip the 2.5 step (2.5 - 0.5 = 2 again) so every tick is a whole number.
    step = next(m * size for m in (1, 2, 2.5 - counts / 2, 5, 10) if m * size >= raw)
    if counts:
        step = max(1, round(step))
    first, last = math.floor(low / step), math.ceil(high / step)
    return [i * step for i in range(first, last + 1)]


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _draw(chart: object, series: Series, *, category_axis: str, lines: bool) -> Markup:
    for name, values in series:
        chart.add(name, list(values))  # type: ignore[attr-defined]
    root: ET.Element = chart.render_tree()  # type: ignore[attr-defined]
    names = [name for name, _ in series]
    _restyle(root, names, f"axis {category_axis}", lines, serie=None)
    return _finish(root)


def _restyle(node: ET.Element, names: list[str], cat: str, lines: bool, serie: int | None) -> None:
    for child in list(node):
        cls = child.get("class", "")
        classes = set(cls.split())
        # A tick's <title> is noise unless it holds the full text of a shortened label.
        shortened = (node.findtext("text") or "").endswith("…")
        tick_tip = child.tag == "title" and "guides" in node.get("class", "") and not shortened
        if child.tag in ("defs", "desc", ET.Comment) or tick_tip or "tooltip-overlay" in classes:
            node.remove(child)  # pygal's CSS, JS-tooltip data, tick tooltips, credits with URLs
            continue
        n = next((int(c[6:]) for c in classes if c.startswith(("serie-", "color-"))), serie)
        colour, dash = PALETTE[(n or 0) % len(PALETTE)], DASHES[(n or 0) % len(DASHES)]
        child.attrib.pop("id", None)  # legend ids would repeat when a page has two charts
        if "background" in classes:
            child.set("fill", "#fff")
        elif child.tag == "path" and "line" in classes and n is None:
            if "guide" in classes and cat in node.get("_axis", ""):
                node.remove(child)  # grid lines across categories only add clutter
                continue
            child.set("stroke", GRID if "guide" in classes else AXIS)
            child.set("fill", "none")
        elif child.tag == "path" and "line" in classes:
            _set(child, stroke=colour, fill="none", stroke_width=2.5, stroke_linejoin="round")
            if dash:
                child.set("stroke-dasharray", dash)
        elif child.tag == "circle" and "dot" in classes:
            node.remove(child)
            node.append(_marker(n or 0, float(child.get("cx", 0)), float(child.get("cy", 0))))
            continue
        elif child.tag == "rect" and n is not None and lines and "legends" in node.get("_in", ""):
            x, y, w = (float(child.get(k, 0)) for k in ("x", "y", "width"))
            mid = y + float(child.get("height", 0)) / 2
            sample = _set(ET.Element("path"), d=f"M{x} {mid} h{w}", stroke=colour, stroke_width=2.5)
            if dash:
                sample.set("stroke-dasharray", dash)
            node.remove(child)
            node.extend([sample, _marker(n, x + w / 2, mid)])
            continue
        elif child.tag == "rect" and n is not None:
            _set(child, fill=colour, stroke="none")
        elif child.tag == "text":
            _style_text(child, classes, node.get("_in", ""))
        if child.tag == "g":
            child.set("_in", f"{node.get('_in', '')} {cls}")
            child.set("_axis", cls if "axis" in classes else node.get("_axis", ""))
            if {"dots", "bar"} & classes and n is not None:
                _tooltip(child, names[n])
            _restyle(child, names, cat, lines, n)
            del child.attrib["_in"], child.attrib["_axis"]


def _style_text(text: ET.Element, classes: set[str], within: str) -> None:
    if "plot_title" in classes:
        _set(text, fill=INK, font_size=TITLE, font_weight=600, text_anchor="middle")
    elif "title" in classes:  # the axis titles
        _set(text, fill=MUTED, font_size=LABEL, text_anchor="middle")
    elif "axis x" in within:
        _set(text, fill=MUTED, font_size=LABEL, text_anchor="middle")
    elif "axis y" in within:
        _set(text, fill=MUTED, font_size=LABEL, text_anchor="end")
    else:
        _set(text, fill=INK, font_size=LEGEND)


def _tooltip(group: ET.Element, name: str) -> None:
    """A <title> gives the browser's own hover tip, which needs no script."""
    found = {d.get("class", ""): d.text or "" for d in group.iter("desc")}
    tip = ET.Element("title")
    tip.text = f"{name}, {found.get('x_label', '')}: {found.get('value', '')}"
    group.insert(0, tip)


def _marker(n: int, x: float, y: float) -> ET.Element:
    shape, r = MARKERS[n % len(MARKERS)], 4.5
    points = {
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "triangle": [(0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)],
        "diamond": [(0, -r * 1.3), (r * 1.3, 0), (0, r * 1.3), (-r * 1.3, 0)],
    }
    if shape == "circle":
        node = ET.Element("circle", cx=f"{x:.2f}", cy=f"{y:.2f}", r=str(r))
    else:
        pts = " ".join(f"{x + dx:.2f},{y + dy:.2f}" for dx, dy in points[shape])
        node = ET.Element("polygon", points=pts)
    # A white rim keeps markers apart where lines cross.
    return _set(node, fill=PALETTE[n % len(PALETTE)], stroke="#fff", stroke_width=1.5)


def _set(node: ET.Element, **attrs: object) -> ET.Element:
    for key, value in attrs.items():
        node.set(key.replace("_", "-"), str(value))
    return node


def _placeholder(title: str) -> Markup:
    root = ET.Element("svg", xmlns=SVG_NS, viewBox=f"0 0 {WIDTH} 110")
    ET.SubElement(root, "title").text = title
    _set(ET.SubElement(root, "rect", width=str(WIDTH), height="110"), fill="#fff", stroke=GRID)
    for y, words, size in ((40, title, TITLE), (80, NO_FIGURES, LABEL + 2)):
        text = ET.SubElement(root, "text", x=str(WIDTH // 2), y=str(y))
        text.text = words
        _set(text, fill=INK if size == TITLE else MUTED, font_size=size, text_anchor="middle")
    return _finish(root)


def _finish(root: ET.Element) -> Markup:
    # A random id, so that two charts on one page never share their title's id.
    chart_id = f"chart-{uuid.uuid4().hex[:12]}"
    for heading in root.findall("title"):  # pygal writes exactly one, with the chart's title
        heading.set("id", f"{chart_id}-title")
    _set(root, id=chart_id, role="img", aria_labelledby=f"{chart_id}-title", width="100%")
    _set(root, font_family=FONT, **{"class": "cme-chart"})
    # ElementTree escapes every label and title here; Markup only vouches for the result.
    return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704
