"""Issue 15 item 16 on the Observations page: its figures read as every page's do
(``vision_console.format``): separators, singular at one, the same trailing-window words."""

from __future__ import annotations

from vision_console.observations import filters, retry_panel, state


def test_the_view_options_label_names_rows_and_the_window_as_other_pages_do() -> None:
    assert filters.view_options_label(state.View(scanner="s", size=25, days=30)) == (
        "25 rows · last 30 days"
    )
    assert filters.view_options_label(state.View(scanner="s", size=50, days=1)) == (
        "50 rows · last day"
    )


def test_the_bulk_retry_outcome_counts_with_separators_and_singulars() -> None:
    outcome = retry_panel.Outcome(asked=1_200, started=1_199, refused={"Quota exceeded.": 1})
    assert outcome.sentence() == (
        "Retried 1,199 of 1,200 failed observations. Not retried: 1 × Quota exceeded. "
        "Their new observations appear as the scans start."
    )
    assert retry_panel.Outcome(asked=1, started=0, refused={"Busy": 1}).sentence() == (
        "Retried 0 of 1 failed observation. Not retried: 1 × Busy."
    )
