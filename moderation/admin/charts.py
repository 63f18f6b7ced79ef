"""The dashboard's charts: stacked bars as SVG geometry."""

from __future__ import annotations

from typing import Any

PALETTE = [
    "#c0392b",
    "#8e44ad",
    "#2980b9",
    "#16a085",
    "#d35400",
    "#2c3e50",
    "#7f8c8d",
    "#27ae60",
    "#f39c12",
    "#e84393",
    "#6c5ce7",
]


def bar_chart(title: str, dates: list[str], series: dict[str, list[int]]) -> dict[str, Any]:
    """A stacked bar chart as SVG geometry (no JavaScript, no external assets)."""
    width, height, pad = 720, 220, 30
    totals = [sum(values[i] for values in series.values()) for i in range(len(dates))]
    top = max([1, *totals])
    slot = (width - pad) / max(len(dates), 1)
    bars = []
    colors = {cat: PALETTE[i % len(PALETTE)] for i, cat in enumerate(sorted(series))}
    for i, _day in enumerate(dates):
        y: float = height - pad
        for category in sorted(series):
            value = series[category][i]
            if not value:
                continue
            h = (height - 2 * pad) * value / top
            y -= h
            bars.append(
                {
                    "x": pad + i * slot + 2,
                    "y": round(y, 1),
                    "w": round(slot - 4, 1),
                    "h": round(h, 1),
                    "color": colors[category],
                    "title": f"{dates[i]} {category}: {value}",
                }
            )
    labels = [{"x": pad + i * slot + slot / 2, "text": d[5:]} for i, d in enumerate(dates)]
    return {
        "title": title,
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "top": top,
        "legend": [{"category": c, "color": colors[c], "total": sum(series[c])} for c in sorted(series)],
        "baseline": height - pad,
    }
