"""Dashboard charts: self-contained, accessible SVG that the app's CSP lets the browser draw."""

from __future__ import annotations

import itertools
import re
from xml.etree import ElementTree as ET

from markupsafe import Markup

from cme.web.charts import NO_FIGURES, PALETTE, bar_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert(1)</script> & "x"'
WEEKS = [f"w/c {d} {m}" for m in ("Sep", "Oct", "Nov") for d in (1, 8, 15, 22)]


def parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_a_line_chart_is_a_labelled_svg_image_that_scales() -> None:
    svg = line_chart("Open cases by week", WEEKS, [("Open", list(range(12)))], y_title="Children")
    assert isinstance(svg, Markup) and not str(svg).startswith("<?xml")
    root = parse(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    title = root.find(f"{NS}title")
    assert title is not None and title.text == "Open cases by week"
    assert root.get("aria-labelledby") == title.get("id")
    assert "Children" in texts(root)


def test_no_script_no_stylesheet_no_outside_address() -> None:
    for svg in (
        line_chart("Trend", WEEKS, [("A", [1] * 12), ("B", [None, *[2] * 11])]),
        bar_chart("By school", ["Oak", "Elm"], [("Open", [3, 4]), ("Closed", [1, 2])]),
        bar_chart("By year", ["Y1", "Y2"], [("Open", [3, 4])], horizontal=False),
        line_chart("Nothing", [], []),
    ):
        text = str(svg)
        assert "<script" not in text and "javascript" not in text.lower()
        # default-src 'self' blocks <style> and style="", so the look must be attributes only.
        assert "<style" not in text and "style=" not in text
        addresses = set(re.findall(r"https?://[^\s\"'<>]*", text))
        assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
        assert "xlink:href" not in text and " href=" not in text


def test_series_get_palette_colours_and_differ_by_dash_and_marker_too() -> None:
    series = [(f"S{i}", [i, i + 1, i + 2]) for i in range(3)]
    root = parse(line_chart("Trend", ["Jan", "Feb", "Mar"], series))
    lines = [p for p in root.iter(f"{NS}path") if p.get("stroke") in PALETTE]
    plotted = {p.get("stroke"): p.get("stroke-dasharray") for p in lines}
    assert set(plotted) == set(PALETTE[:3])
    assert len(set(plotted.values())) == 3  # solid, dashed, dotted
    markers = {
        (m.tag, m.get("fill")) for m in root.iter() if m.tag in (f"{NS}circle", f"{NS}polygon")
    }
    assert {fill for _, fill in markers} == set(PALETTE[:3])
    shapes = [m.get("points", "").count(",") for m in root.iter(f"{NS}polygon")]
    assert {4, 3} <= set(shapes)  # squares and triangles beside the circles
    assert {"S0", "S1", "S2"} <= set(texts(root))  # a legend names them


def test_bars_use_the_palette_and_list_the_first_label_at_the_top() -> None:
    root = parse(bar_chart("By school", ["Alpha", "Beta", "Gamma"], [("Open", [5, 1, 3])]))
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") == PALETTE[0]]
    assert len(bars) == 3
    widths = {float(b.get("width", 0)): float(b.get("y", 0)) for b in bars}
    assert widths[max(widths)] < widths[min(widths)]  # Alpha (5) sits above Beta (1)
    labels = [t for t in root.iter(f"{NS}text") if t.text in ("Alpha", "Beta", "Gamma")]
    assert [t.text for t in sorted(labels, key=lambda t: float(t.get("y", 0)))] == [
        "Alpha",
        "Beta",
        "Gamma",
    ]


def test_labels_and_titles_from_data_are_escaped() -> None:
    for svg in (
        bar_chart(EVIL, [EVIL, "Oak"], [(EVIL, [2, 1]), ("Other", [1, 1])]),
        line_chart(EVIL, [EVIL, "Feb"], [(EVIL, [1, 2])]),
        line_chart(EVIL, [], []),
    ):
        text = str(svg)
        assert "<script>" not in text and "</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in text
        assert EVIL in texts(parse(svg)) or parse(svg).findtext(f"{NS}title") == EVIL


def test_empty_data_gives_a_small_placeholder() -> None:
    for svg in (
        line_chart("Weekly", [], []),
        line_chart("Weekly", WEEKS, [("Open", [0] * 12), ("Closed", [None] * 12)]),
        bar_chart("By school", ["Oak"], []),
    ):
        root = parse(svg)
        assert NO_FIGURES in texts(root) and root.get("role") == "img"
        assert root.findtext(f"{NS}title") == root.findtext(f"{NS}text")
        height = float(root.get("viewBox", "").split()[3])
        assert height < 150


def test_missing_values_are_gaps_not_errors() -> None:
    months = ["Jan", "Feb", "Mar", "Apr", "May"]
    root = parse(line_chart("Trend", months, [("A", [1, 2, None, 4, 5])]))
    markers = [m for m in root.iter() if m.get("fill") == PALETTE[0]]
    assert len(markers) == 4
    lines = [p for p in root.iter(f"{NS}path") if p.get("stroke") == PALETTE[0]]
    assert len(lines) == 2  # before and after the missing month, not joined across it


def test_many_labels_are_thinned_so_they_do_not_overlap() -> None:
    weeks = [f"w/c {n} wk" for n in range(52)]
    root = parse(line_chart("A year", weeks, [("Open", list(range(52)))]))
    shown = [t for t in root.iter(f"{NS}text") if (t.text or "").startswith("w/c")]
    assert 3 <= len(shown) <= 12 and shown[0].text == "w/c 0 wk"
    xs = [float(t.get("x", 0)) for t in shown]
    widest = max(len(t.text or "") for t in shown) * 14 * 0.6  # 14px labels
    assert min(b - a for a, b in itertools.pairwise(xs)) > widest


def test_counts_get_whole_number_ticks_and_two_charts_have_distinct_ids() -> None:
    first = parse(bar_chart("By year", ["Y1", "Y2"], [("Open", [3, 7])], horizontal=False))
    ticks = [t.text or "" for t in first.iter(f"{NS}text") if (t.text or "").isdigit()]
    assert ticks and all(t.isdigit() for t in ticks) and "7" <= max(ticks, key=int)
    assert not [t for t in texts(first) if re.fullmatch(r"\d+\.\d+", t)]
    second = parse(bar_chart("By year", ["Y1", "Y2"], [("Open", [3, 7])], horizontal=False))
    assert first.get("id") != second.get("id")
