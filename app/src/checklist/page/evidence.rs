//! The item page's evidence card: who or what vouched for the item and until when, and (for
//! editors) re-attesting it and how long its evidence holds.

use super::*;
use crate::checklist::{
    api::{AttestItem, SetItemValidFor},
    model::ItemView,
};

/// The evidence card's actions, made once by the page.
#[derive(Clone, Copy)]
pub(super) struct EvidenceActions {
    pub(super) attest: ServerAction<AttestItem>,
    pub(super) valid_for: ServerAction<SetItemValidFor>,
}

impl EvidenceActions {
    pub(super) fn new() -> Self {
        Self {
            attest: page_action::<AttestItem>(),
            valid_for: page_action::<SetItemValidFor>(),
        }
    }
}

/// "for ever" or "90 days".
fn period(days: Option<i32>) -> String {
    match days {
        None => "does not run out".to_owned(),
        Some(1) => "1 day".to_owned(),
        Some(d) => format!("{d} days"),
    }
}

/// The sentence saying how the item's "done" stands.
fn standing(i: &ItemView) -> String {
    let Some(kind) = i.evidence_kind.filter(|_| i.status == Status::Done) else {
        return "Not done: nothing to vouch for yet.".to_owned();
    };
    let who = match (kind, &i.evidence_by) {
        (crate::scoring::EvidenceKind::Attested, Some(name)) => format!(" by {name}"),
        _ => String::new(),
    };
    let when = i
        .evidence_at
        .as_deref()
        .map(|t| format!(" on {}", t.get(..10).unwrap_or(t)))
        .unwrap_or_default();
    let until = match (i.stale, i.evidence_until) {
        (true, Some(d)) => format!(
            ". Stale since {}: counts as open until re-attested or re-measured.",
            d.succ_opt().unwrap_or(d)
        ),
        (false, Some(d)) => format!(". Holds until {d}."),
        (_, None) => ". Does not run out.".to_owned(),
    };
    format!("{}{who}{when}{until}", kind.label())
}

/// The evidence card.
#[component]
pub(super) fn EvidenceCard(i: ItemView, edit: bool, actions: EvidenceActions) -> impl IntoView {
    let attest_error = action_error(actions.attest);
    let valid_error = action_error(actions.valid_for);
    let line = standing(&i);
    let own = i.valid_for_days;
    let category_default = if own.is_none() {
        i.effective_valid_for_days
    } else {
        None
    };
    let choices = crate::checklist::model::VALID_FOR_CHOICES
        .iter()
        .map(|d| {
            view! {
                <option value=d.to_string() selected=own == Some(*d)>
                    {period(Some(*d))}
                </option>
            }
        })
        .collect_view();
    let custom = own
        .filter(|d| !crate::checklist::model::VALID_FOR_CHOICES.contains(d))
        .map(|d| view! { <option value=d.to_string() selected=true>{period(Some(d))}</option> });
    view! {
        <section class="card" aria-labelledby="item-evidence">
            <h2 id="item-evidence">"Evidence"</h2>
            <p class=if i.stale { "evidence-line stale" } else { "evidence-line" }>{line}</p>
            <p class="muted">
                "Valid for: "
                {period(i.effective_valid_for_days)}
                {own.is_none().then_some(" (the category's)")}
            </p>
            {edit
                .then(|| {
                    view! {
                        {(i.status == Status::Done)
                            .then(|| {
                                view! {
                                    <ActionForm action=actions.attest>
                                        <FormError error=attest_error />
                                        <input type="hidden" name="item_id" value=i.id />
                                        <input type="hidden" name="version" value=i.version />
                                        <button type="submit" class=if i.stale { "" } else { "secondary" }>
                                            "Re-attest: still true today"
                                        </button>
                                    </ActionForm>
                                }
                            })}
                        <ActionForm action=actions.valid_for attr:class="inline-form">
                            <FormError error=non_field_error(valid_error) />
                            <input type="hidden" name="item_id" value=i.id />
                            <input type="hidden" name="version" value=i.version />
                            <label>
                                "Evidence valid for"
                                <select name="valid_for_days">
                                    <option value="" selected=own.is_none()>
                                        {format!("The category's ({})", period(category_default))}
                                    </option>
                                    {choices}
                                    {custom}
                                </select>
                            </label>
                            <FieldError error=valid_error field="valid_for_days" />
                            <button type="submit" class="secondary">"Save"</button>
                        </ActionForm>
                    }
                })}
        </section>
    }
}
