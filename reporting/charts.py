"""Charts of the bilan as SVG, drawn by matplotlib on the server with text kept as text.

Each function takes the bilan dict (`reporting.indicators.compute_bilan`) and returns SVG markup;
the dashboard shows it as an image, the PDF inlines it. Counts under 5 of dropout reasons are
drawn as "moins de 5" (publication rule of indicators.md).
"""

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from django.conf import settings
from matplotlib import font_manager
from matplotlib import pyplot as plt

from .indicators.codes import Programme
from .indicators.codes import UnisversCode as U
from .indicators.codes import VillagesCode as V
from .indicators.publication import publish_count
from .labels import label_for

ACCENT = "#1d4e89"
SECOND = "#e8a317"
GREY = "#8a94a6"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "source-sans-3.52.0"


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


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    # An SVG shown as an image cannot load the page's web font: name fallbacks after it.
    svg = svg.replace("'Source Sans 3'", "'Source Sans 3', 'Source Sans Pro', Arial, sans-serif")
    return svg[svg.index("<svg") :]


def _hbar(title: str, items: list[tuple[str, int, str]], color=ACCENT) -> str:
    """Horizontal bars; `items` are (label, value to draw, text shown at the end of the bar)."""
    _configure_fonts()
    height = 0.45 * max(len(items), 1) + 0.9
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
    return _svg(fig)


def outcomes_chart(bilan: dict) -> str:
    outcomes = bilan[Programme.UNISVERS][U.OUTCOMES]
    items = [(label_for("outcome", code), n, str(n)) for code, n in outcomes.items()]
    return _hbar("Sorties par situation", items)


def dropout_reasons_chart(bilan: dict) -> str:
    reasons = bilan[Programme.UNISVERS][U.DROPOUT_REASONS]
    items = []
    for code, n in reasons.items():
        shown = publish_count(n)
        # A count that may not be published is not drawn either.
        items.append((label_for("dropout_reason", code), n if shown == n else 0, str(shown)))
    return _hbar("Motifs d'abandon", items, color=SECOND)


def monthly_chart(bilan: dict) -> str:
    _configure_fonts()
    monthly = bilan[Programme.VILLAGES][V.MONTHLY]
    months = [row["month"][5:] + "/" + row["month"][2:4] for row in monthly]
    fig, ax = plt.subplots(figsize=(6.2, 2.6))
    ax.plot(months, [row["people"] for row in monthly], color=ACCENT, marker="o", label="Personnes")
    ax.plot(
        months, [row["attended"] for row in monthly], color=SECOND, marker="s", label="Présences"
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
    return _svg(fig)


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
    return _hbar("Âge des personnes (Vill@ges connectés)", items)


def skills_chart(bilan: dict) -> str:
    skills = bilan[Programme.VILLAGES][V.SKILLS]
    items = [(label_for("skill_level", code), n, str(n)) for code, n in skills.items()]
    return _hbar("Compétences numériques (dernier diagnostic)", items, color=SECOND)


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
    return _svg(fig)


def bilan_charts(bilan: dict) -> dict[str, str]:
    return {
        "target": target_gauge(bilan),
        "outcomes": outcomes_chart(bilan),
        "dropout_reasons": dropout_reasons_chart(bilan),
        "monthly": monthly_chart(bilan),
        "age": age_chart(bilan),
        "skills": skills_chart(bilan),
    }
