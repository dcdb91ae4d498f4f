"""What every static figure must show: axes labelled with their unit, plain tick labels (no offset text)."""
from __future__ import annotations


def _axes_with_data(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and (ax.lines or ax.collections or ax.patches)]


def check_figure(fig) -> None:
    """Assert that every axes with data has labelled axes, units on x, and no offset or scientific tick text."""
    fig.canvas.draw()
    for ax in _axes_with_data(fig):
        assert ax.get_xlabel(), f"unlabelled x axis in axes {fig.axes.index(ax)}"
        assert "(" in ax.get_xlabel(), f"x axis without a unit: {ax.get_xlabel()!r}"
        shows_y = any(t.get_visible() and t.get_text() for t in ax.get_yticklabels())
        assert ax.get_ylabel() or not shows_y, f"unlabelled y axis in axes {fig.axes.index(ax)}"
    for ax in _axes_with_data(fig):
        assert not ax.xaxis.get_offset_text().get_text() and not ax.yaxis.get_offset_text().get_text()


def legends_beside_the_data(fig) -> None:
    """Assert that no legend of ``fig`` covers the plotting area of its axes."""
    fig.canvas.draw()
    for ax in _axes_with_data(fig):
        legend = ax.get_legend()
        if legend is not None:
            box, area = legend.get_window_extent(), ax.get_window_extent()
            assert not box.overlaps(area), f"legend over the data of axes {fig.axes.index(ax)}"
