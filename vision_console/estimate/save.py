"""The Estimate page's last section: apply the inputs to the scanner, or hand a draft over.

A saved scanner gets a PATCH of the fields that changed (filters, sampling rate, model, and the
session coverage in the current era), after a before/after review of its monthly cost; a draft
opens the Scanners page's create form with its filters, rate and model. Read-only consoles and
invalid inputs save nothing, and say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from vision_api import Scanner, VisionAPIError
from vision_console import cache, connection, cost, models_catalog, navigation, render
from vision_console import format as fmt
from vision_console.estimate.inputs import Inputs
from vision_console.estimate.results import Shown
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import form_session, templates
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.form import ScannerForm


def section(chosen: Inputs, shown: Shown) -> None:
    """Save to the scanner, or create one from the draft, when the inputs allow it."""
    st.divider()
    if connection.current().read_only:
        st.info("This console is read-only: estimates only, no saving.", icon=":material/lock:")
    elif cost.check_sampling_rate(chosen.rate) or chosen.query_error:
        st.caption("Correct the inputs above to save them.")
    elif chosen.scanner is not None:
        save_section(chosen.scanner, shown.basis, shown.month, chosen)
    else:
        draft_section(chosen, shown.month)


def save_changes(
    scanner: Scanner,
    query: Mapping[str, Any],
    rate: float,
    model: str,
    sampling_mode: str | None = None,
) -> dict[str, Any]:
    """The PATCH body: only the query, sampling rate, model and coverage that differ.

    ``sampling_mode`` None (the seed era) is never sent.
    """
    saved: dict[str, Any] = {
        "query": scanner.query,
        "sampling_rate": scanner.sampling_rate,
        "model": scanner.model,
    }
    proposed: dict[str, Any] = {"query": dict(query), "sampling_rate": rate, "model": model}
    if sampling_mode is not None:
        saved["sampling_mode"] = scanner.sampling_mode
        proposed["sampling_mode"] = sampling_mode
    return forms.changed_fields(saved, proposed)


def before_after(
    scanner: Scanner,
    basis: cost.VolumeBasis,
    after: cost.MonthlyCost,
    model: str,
    query_changed: bool,
) -> pd.DataFrame:
    """The confirmation's table: the scanner's month as saved, and as it would be.

    With the query unchanged both months come from the same estimate, so the comparison is
    exact; with a new query "before" is the server's own cached estimate of the saved scanner.
    """
    before_price = models_catalog.scanner_price(scanner)
    if query_changed:
        before_observations = scanner.estimated_monthly_observations
    else:
        before_observations = cost.observations_at(basis, scanner.sampling_rate)
    before_credits = None if before_observations is None else before_observations * before_price

    def money(credits: int | None) -> str:
        if credits is None:
            return "not estimated yet"
        return fmt.credits_and_money(credits)

    rows = [
        (
            "Sampling rate",
            fmt.sampling_rate(scanner.sampling_rate),
            fmt.sampling_rate(after.sampling_rate),
        ),
        (
            "Model",
            models_catalog.model_option_label(scanner.model, scanner.credits_per_observation),
            models_catalog.model_option_label(model, after.credits_per_observation),
        ),
        (
            "Observations / month",
            "not estimated yet" if before_observations is None else fmt.count(before_observations),
            fmt.count(after.observations),
        ),
        ("Credits / month", money(before_credits), money(after.credits)),
    ]
    return pd.DataFrame(rows, columns=["", "Before", "After"]).set_index("")


def draft_form(
    query: Mapping[str, Any], rate: float, model: str, sampling_mode: str | None = None
) -> forms.ScannerForm:
    """A blank create form carrying the draft's filters, sampling rate, model and coverage.

    The filters are split by the shared builder, so the Scanners form shows them in its own
    widgets, with anything the builder cannot show in its JSON box.
    """
    state, remainder = query_builder.split_query(query)
    form = replace(
        templates.blank_form(),
        query=state,
        query_extra=query_builder.remainder_to_text(remainder),
        sampling_rate=rate,
        model=model,
    )
    return form if sampling_mode is None else replace(form, sampling_mode=sampling_mode)


def save_section(
    scanner: Scanner, basis: cost.VolumeBasis, month: cost.MonthlyCost, chosen: Inputs
) -> None:
    """Apply the changed inputs to ``scanner``, after a before/after review."""
    st.subheader("Apply to the scanner")
    model = chosen.model
    changes = save_changes(scanner, chosen.query, chosen.rate, model, chosen.sampling_mode)
    review_key = f"estimate:review:{scanner.id}"
    if not changes:
        st.session_state.pop(review_key, None)
        st.caption("These inputs match the saved scanner: nothing to save.")
        return
    labels = {
        "query": "filters",
        "sampling_rate": "sampling rate",
        "model": "model",
        "sampling_mode": "sampling mode",
    }
    st.caption("Changed: " + ", ".join(labels[name] for name in changes) + ".")
    if not st.session_state.get(review_key):
        st.button(
            "Review and save…",
            key=f"estimate:save:{scanner.id}",
            icon=":material/save:",
            on_click=lambda: st.session_state.update({review_key: True}),
        )
        return
    with st.container(border=True):
        st.markdown("**Save these changes to** " + render.escape_markdown(scanner.name) + "?")
        volume_changed = "query" in changes or "sampling_mode" in changes
        table = before_after(scanner, basis, month, model, query_changed=volume_changed)
        # A dataframe shows cells as text: st.table would render an API-sent model id as Markdown.
        st.dataframe(table, width="stretch")
        confirm, cancel = st.columns(2)
        if cancel.button("Cancel", key=f"estimate:cancel:{scanner.id}", width="stretch"):
            st.session_state.pop(review_key, None)
            st.rerun()
        if confirm.button(
            "Confirm and save",
            key=f"estimate:confirm:{scanner.id}",
            type="primary",
            width="stretch",
        ):
            try:
                cache.update_scanner(scanner.id, **changes)
            except (VisionAPIError, cache.ReadOnlyError) as error:
                render.show_api_error(error, "save the scanner")
                return
            st.session_state.pop(review_key, None)
            st.toast(
                f"Saved: {fmt.count(month.observations, 'observation')} and "
                f"{fmt.credits(month.credits)} a month."
            )
            st.rerun()


def draft_section(chosen: Inputs, month: cost.MonthlyCost) -> None:
    """Hand the draft's filters, rate, model and coverage to the Scanners page's create form."""
    query, rate, model = chosen.query, chosen.rate, chosen.model
    st.subheader("Create a scanner from this draft")
    st.caption(
        f"Opens the create form with these filters, a {fmt.sampling_rate(rate)} sampling rate and "
        f"{render.escape_markdown(models_catalog.model_label(model))} "
        f"(≈ {fmt.credits(month.credits)} a month); you add the name, type and prompt."
    )
    if st.button("Create a scanner with these settings", type="primary", icon=":material/add:"):
        open_create_form(draft_form(query, rate, model, chosen.sampling_mode))


def open_create_form(seed: ScannerForm) -> None:
    """Open the Scanners page's create form seeded with ``seed`` (its own form session)."""
    form_session.open_seeded(seed, "estimate")
    st.switch_page(navigation.SCANNERS.path)
