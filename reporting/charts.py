"""Charts of the bilan as SVG, drawn by matplotlib on the server with text kept as text.

Each function takes the bilan dict (`reporting.indicators.compute_bilan`) and returns SVG markup;
the dashboard shows it as an image, the PDF inlines it. Counts under 5 of dropout reasons are
drawn as "moins de 5" (publication rule of indicators.md). A bilan with `previous` also gets a
two-year chart per programme, one with `years` a trend chart per programme.

No label is ever clipped: an SVG shown as an image cannot load the page's web font, so a reader
may see it in a wider fallback font. Each figure's saved box is measured with a font wider than
Source Sans 3 and Arial (DejaVu Sans), so its text fits whichever font draws it
(`reporting/tests/test_charts.py` checks every text of every chart against the box).
"""

import datetime
import hashlib
import io
import json
import re
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from django.conf import settings
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox, offset_copy

from ceis.templatetags import french as _french
from ceis.templatetags.french import format_number

from . import labels as _labels
from .indicators import compare as _compare
from .indicators import publication as _publication
from .indicators.codes import Programme
from .indicators.codes import UnisversCode as U
from .indicators.codes import VillagesCode as V
from .indicators.compare import PREVIOUS, YEARS, count_change
from .indicators.publication import WITHHELD_LABEL, breakdown_withheld, publish_count
from .labels import label_for

ACCENT = "#1d4e89"
SECOND = "#e8a317"
GREY = "#8a94a6"
PREVIOUS_COLOR = "#b3bccb"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "source-sans-3.52.0"
# Wider than Source Sans 3 and than Arial, the fallbacks named in the SVG: measured with it, a
# label has room in any of them.
WIDE_FONT = "DejaVu Sans"
MARGIN_INCHES = 0.04


@cache
def _configure_fonts():
    for path in FONT_DIR.glob("*.ttf"):
        font_manager.fontManager.addfont(str(path))
    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "font.family": "Source Sans 3",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": GREY,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
        }
    )


def _wide_box(fig):
    """The figure's tight box (inches), widened so that every text drawn in `WIDE_FONT` from
    its anchor (right-aligned labels grow to the left) would still be inside."""
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)
    left, right = box.x0, box.x1
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text() or not text.get_in_layout():
            continue
        extent = text.get_window_extent(renderer)
        if extent.width == 0:
            continue
        wide = text.get_fontproperties().copy()
        wide.set_family(WIDE_FONT)
        width, _height, _descent = renderer.get_text_width_height_descent(
            text.get_text(), wide, ismath=False
        )
        align = text.get_horizontalalignment()
        x0 = {"left": extent.x0, "right": extent.x1 - width}.get(
            align, (extent.x0 + extent.x1 - width) / 2
        )
        left = min(left, x0 / fig.dpi)
        right = max(right, (x0 + width) / fig.dpi)
    # A legend's entries follow one another: laid out again in the wide font, the last one ends
    # further right than its own text alone says.
    for legend in fig.findobj(Legend):
        texts = legend.get_texts()
        families = [text.get_fontfamily() for text in texts]
        for text in texts:
            text.set_fontfamily(WIDE_FONT)
        extent = legend.get_window_extent(renderer)
        for text, family in zip(texts, families, strict=True):
            text.set_fontfamily(family)
        left = min(left, extent.x0 / fig.dpi)
        right = max(right, extent.x1 / fig.dpi)
    return Bbox.from_extents(left, box.y0, right, box.y1).padded(MARGIN_INCHES)


def _svg(fig, name: str) -> str:
    """The figure as SVG text; its ids start with `name`, as several charts share a page."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches=_wide_box(fig), metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    # An SVG shown as an image cannot load the page's web font: name fallbacks after it.
    svg = svg.replace("'Source Sans 3'", "'Source Sans 3', 'Source Sans Pro', Arial, sans-serif")
    svg = re.sub(r'id="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{name}-\1"', svg)
    return svg[svg.index("<svg") :]


def _hbar(name: str, title: str, items: list[tuple[str, int, str]], color=ACCENT) -> str:
    """Horizontal bars; `items` are (label, value to draw, text shown at the end of the bar)."""
    _configure_fonts()
    height = 0.3 * max(len(items), 1) + 0.6
    fig, ax = plt.subplots(figsize=(6.2, height))
    labels = [item[0] for item in items][::-1]
    values = [item[1] for item in items][::-1]
    shown = [item[2] for item in items][::-1]
    bars = ax.barh(labels, values, color=color)
    top = max([*values, 1])
    for bar, text in zip(bars, shown, strict=True):
        ax.text(bar.get_width() + top * 0.02, bar.get_y() + bar.get_height() / 2, text, va="center")
    ax.set_xlim(0, top * 1.2)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.set_title(title, loc="left")
    return _svg(fig, name)


def outcomes_chart(bilan: dict) -> str:
    outcomes = bilan[Programme.UNISVERS][U.OUTCOMES]
    items = [(label_for("outcome", code), n, str(n)) for code, n in outcomes.items()]
    return _hbar("outcomes", "Sorties par situation", items)


def dropout_reasons_chart(bilan: dict) -> str:
    reasons = bilan[Programme.UNISVERS][U.DROPOUT_REASONS]
    if breakdown_withheld(Programme.UNISVERS, U.DROPOUT_REASONS, reasons):
        # The dropouts are drawn in the outcomes: one reason shown « moins de 5 » beside the
        # others would be given back by a subtraction, so none is drawn (as in the open data).
        items = [(label_for("dropout_reason", code), 0, WITHHELD_LABEL) for code in reasons]
        return _hbar("dropout-reasons", "Motifs d'abandon", items, color=SECOND)
    items = []
    for code, n in reasons.items():
        shown = publish_count(n)
        # A count that may not be published is not drawn either.
        items.append((label_for("dropout_reason", code), n if shown == n else 0, str(shown)))
    return _hbar("dropout-reasons", "Motifs d'abandon", items, color=SECOND)


def monthly_chart(bilan: dict) -> str:
    _configure_fonts()
    monthly = bilan[Programme.VILLAGES][V.MONTHLY]
    months = [row["month"][5:] + "/" + row["month"][2:4] for row in monthly]
    fig, ax = plt.subplots(figsize=(6.2, 2.3))
    ax.plot(months, [row["people"] for row in monthly], color=ACCENT, marker="o", label="Personnes")
    ax.plot(
        months,
        [row["attended"] for row in monthly],
        color=SECOND,
        marker="s",
        label="Présences des inscrits",
    )
    ax.plot(
        months,
        [row["individual_helps"] for row in monthly],
        color=GREY,
        marker="^",
        label="Accompagnements",
    )
    ax.set_title("Fréquentation mois par mois", loc="left")
    ax.legend(frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.15))
    ax.set_ylim(bottom=0)
    if len(months) > 12:
        for index, tick in enumerate(ax.get_xticklabels()):
            tick.set_visible(index % 3 == 0)
    return _svg(fig, "monthly")


def _rate_items(section: dict, keys: list[tuple[str, str]]) -> list[tuple[str, int, str]]:
    items = []
    for key, label in keys:
        value = section[key]
        percent = round(value["rate"] * 100) if value["rate"] is not None else 0
        text = f"{percent} %" if value["rate"] is not None else "—"
        items.append((label, percent, text))
    return items


def age_chart(bilan: dict) -> str:
    items = _rate_items(
        bilan[Programme.VILLAGES],
        [
            (V.AGE_UNDER_26_RATE, "Moins de 26 ans"),
            (V.AGE_26_59_RATE, "26 à 59 ans"),
            (V.AGE_60_PLUS_RATE, "60 ans et plus"),
        ],
    )
    return _hbar("age", "Âge des personnes (Vill@ges connectés)", items)


def skills_chart(bilan: dict) -> str:
    skills = bilan[Programme.VILLAGES][V.SKILLS]
    items = [(label_for("skill_level", code), n, str(n)) for code, n in skills.items()]
    return _hbar("skills", "Compétences numériques (dernier diagnostic)", items, color=SECOND)


def target_gauge(bilan: dict) -> str:
    _configure_fonts()
    unisvers = bilan[Programme.UNISVERS]
    participants, target = unisvers[U.PARTICIPANTS], unisvers[U.TARGET]
    fig, ax = plt.subplots(figsize=(6.2, 0.7))
    total = max(target or 0, participants, 1)
    ax.barh([0], [total], height=0.5, color="#e3e8f0")
    ax.barh([0], [participants], height=0.5, color=ACCENT)
    ax.set_ylim(-0.5, 0.5)
    caption = (
        f"{participants} participants / objectif {target}"
        if target
        else f"{participants} participants (pas d'objectif pour cette période)"
    )
    ax.set_title(caption, loc="left")
    ax.set_xlim(0, total)
    ax.axis("off")
    return _svg(fig, "target")


def attendance(villages: dict) -> int:
    """Attendance at the workshops: registrations marked present and anonymous attendees."""
    return villages[V.ATTENDED] + villages.get(V.ANONYMOUS_ATTENDEES, 0)


# The key figures compared year on year, per programme: (label, value read from the section).
KEY_COUNTS = {
    Programme.UNISVERS: [
        ("Participants", lambda section: section[U.PARTICIPANTS]),
        ("Sorties", lambda section: section[U.EXITS]),
        ("Sorties positives", lambda section: section[U.POSITIVE_EXITS]),
    ],
    Programme.VILLAGES: [
        ("Personnes accompagnées", lambda section: section[V.PEOPLE]),
        ("Présences aux ateliers", attendance),
        ("Accompagnements individuels", lambda section: section[V.INDIVIDUAL_HELPS]),
        ("Passages en accès libre", lambda section: section[V.FREE_ACCESS_VISITS]),
    ],
}


def period_label(bilan: dict) -> str:
    """ "2026" for a calendar year, else "04/12/2025 – 03/12/2026"."""
    start, end = (datetime.date.fromisoformat(bilan["period"][key]) for key in ("from", "to"))
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"


def _change_text(current: int, previous: int) -> str:
    change = count_change(current, previous)
    if change is None:
        return ""
    percent = round(change * 100)
    return f" ({'+' if percent > 0 else ''}{format_number(percent)} %)".replace("-", "−")


def two_year_chart(bilan: dict, programme: str) -> str:
    """Each key count of the period beside the same period a year earlier: a pair of bars per
    figure, each pair on its own scale (the figures differ by hundreds), values written."""
    _configure_fonts()
    previous = bilan[PREVIOUS]
    rows = [
        (label, read(previous[programme]), read(bilan[programme]))
        for label, read in KEY_COUNTS[programme]
    ]
    fig, ax = plt.subplots(figsize=(6.2, 0.48 * len(rows) + 0.6))
    height = 0.38
    for index, (_label, before, now) in enumerate(reversed(rows)):
        top = max(before, now, 1)
        for offset, value, color, text in (
            (height / 2, before, PREVIOUS_COLOR, format_number(before)),
            (-height / 2, now, ACCENT, format_number(now) + _change_text(now, before)),
        ):
            ax.barh(index + offset, value / top, height=height, color=color)
            ax.text(value / top + 0.02, index + offset, text, va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), [label for label, _, _ in reversed(rows)])
    ax.set_xlim(0, 1.45)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title("Un an après", loc="left")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=PREVIOUS_COLOR),
        plt.Rectangle((0, 0), 1, 1, color=ACCENT),
    ]
    ax.legend(
        handles,
        [period_label(previous), period_label(bilan)],
        frameon=False,
        ncols=2,
        loc="upper left",
        bbox_to_anchor=(0, -0.02),
    )
    return _svg(fig, f"two-year-{programme}")


def trend_chart(years: list[dict], programme: str) -> str:
    """The key counts of each calendar year (`bilan --years`), one line per figure."""
    _configure_fonts()
    labels = [period_label(bilan) for bilan in years]
    fig, ax = plt.subplots(figsize=(6.2, 2.3))
    colors = [ACCENT, SECOND, GREY, "#5b8c5a"]
    ends = []
    for (label, read), color in zip(KEY_COUNTS[programme], colors, strict=False):
        values = [read(bilan[programme]) for bilan in years]
        ax.plot(labels, values, color=color, marker="o", label=label)
        ends.append((values[-1], color))
    ax.set_ylim(bottom=0)
    # The last values written beside their points, moved apart when they are close.
    gap = (ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.08
    beside = offset_copy(ax.transData, fig=fig, x=6, y=0, units="points")
    placed = []
    for value, color in sorted(ends, key=lambda end: end[0]):
        y = max(value, placed[-1] + gap) if placed else value
        placed.append(y)
        ax.text(
            len(labels) - 1,
            y,
            format_number(value),
            transform=beside,
            va="center",
            fontsize=9,
            color=color,
        )
    ax.yaxis.set_major_formatter(lambda value, _position: format_number(int(value)))
    ax.set_title("Année après année", loc="left")
    ax.legend(frameon=False, ncols=2, loc="upper left", bbox_to_anchor=(0, -0.12))
    return _svg(fig, f"trend-{programme}")


# What the drawings depend on besides the figures: this module, the labels, the publication
# rule, the changes year on year, the French number format, and matplotlib. A change to any of
# them gives new cache keys.
_DRAWING_VERSION = hashlib.sha256(
    b"".join(
        Path(module).read_bytes()
        for module in (
            __file__,
            _labels.__file__,
            _publication.__file__,
            _compare.__file__,
            _french.__file__,
        )
    )
    + matplotlib.__version__.encode()
).hexdigest()[:16]
CHARTS_CACHE_SECONDS = 86400


def _figures_key(bilan: dict) -> str:
    """The cache key of a bilan's charts: a digest of its figures (when they were computed
    aside) and of the drawing code."""

    def figures(value):
        if isinstance(value, dict):
            return {key: figures(item) for key, item in value.items() if key != "generated_at"}
        if isinstance(value, list):
            return [figures(item) for item in value]
        return value

    text = json.dumps(figures(bilan), sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"reporting:charts:{_DRAWING_VERSION}:{digest}"


def bilan_charts(bilan: dict) -> dict[str, str]:
    """Every chart of a bilan, drawn once per set of figures: matplotlib takes about a second
    of CPU for them, and the same figures are drawn for the dashboard's result, then for each
    PDF version of that period and site. Kept in the cache (shared by the web processes and
    the workers) under a digest of the figures and of the drawing code."""
    from django.core.cache import cache

    return cache.get_or_set(_figures_key(bilan), lambda: _draw(bilan), CHARTS_CACHE_SECONDS)


def _draw(bilan: dict) -> dict[str, str]:
    charts = {
        "target": target_gauge(bilan),
        "outcomes": outcomes_chart(bilan),
        "dropout_reasons": dropout_reasons_chart(bilan),
        "monthly": monthly_chart(bilan),
        "age": age_chart(bilan),
        "skills": skills_chart(bilan),
    }
    for programme in Programme:
        if bilan.get(PREVIOUS):
            charts[f"two_year_{programme}"] = two_year_chart(bilan, programme)
        if len(bilan.get(YEARS) or ()) > 1:
            charts[f"trend_{programme}"] = trend_chart(bilan[YEARS], programme)
    return charts
