//! The checklist's forms: new category and item, category editor, bulk changes.

use super::*;

/// The id of the bulk-change form; row checkboxes join it through their `form` attribute, so
/// the rows' own inline forms need not nest inside it.
pub(super) const BULK_FORM: &str = "bulk-form";

/// Sets one status, assignee or priority on every selected item.
#[component]
pub(super) fn BulkBar(slug: String, members: Vec<Person>, actions: Actions) -> impl IntoView {
    let result = actions.bulk.value();
    let keep = || view! { <option value="">"Keep"</option> };
    let options = |opts: Vec<(String, String)>| {
        opts.into_iter()
            .map(|(value, text)| view! { <option value=value>{text}</option> })
            .collect_view()
    };
    view! {
        <ActionForm action=actions.bulk attr:id=BULK_FORM attr:class="bulk card" attr:aria-label="Change selected items">
            <input type="hidden" name="slug" value=slug />
            <SelectAllRows />
            <label>
                "Set status" <select name="status">{keep()} {options(status_options())}</select>
            </label>
            <label>
                "Reason" <input type="text" name="status_reason" placeholder="for n/a or accepted risk" />
            </label>
            <label>
                "Accepted until" <input type="date" name="accepted_until" />
            </label>
            <label>
                "Set assignee"
                <select name="assignee">
                    {keep()} <option value="none">"Nobody"</option>
                    {options(member_options(&members))}
                </select>
            </label>
            <label>
                "Set priority" <select name="priority">{keep()} {options(priority_options())}</select>
            </label>
            <button type="submit">"Apply to selected"</button>
            {move || match result.get() {
                Some(Ok(n)) => {
                    view! {
                        <p role="status" class="ok">
                            {format!("Updated {n} item{}.", if n == 1 { "" } else { "s" })}
                        </p>
                    }
                        .into_any()
                }
                Some(Err(AppError::Validation(errors))) => {
                    view! {
                        <ul class="form-error" role="alert">
                            {errors.into_values().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
                Some(Err(e)) => {
                    view! {
                        <p class="form-error" role="alert">
                            {e.to_string()}
                            " "
                            <a href="" rel="external">"Reload the checklist"</a>
                        </p>
                    }
                        .into_any()
                }
                None => ().into_any(),
            }}
        </ActionForm>
    }
}

#[component]
pub(super) fn NewItemForm(
    category_id: i32,
    members: Vec<Person>,
    action: ServerAction<CreateItem>,
) -> impl IntoView {
    let error = action_error(action);
    // Only this category's form shows the errors of its last submission.
    let mine = Signal::derive(move || {
        action
            .input()
            .get()
            .is_none_or(|i| i.category_id == category_id)
    });
    let error = Signal::derive(move || error.get().filter(|_| mine.get()));
    view! {
        <details class="add-item">
            <summary>"Add an item"</summary>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="category_id" value=category_id />
                <label>
                    "Title" <input type="text" name="title" required maxlength="200" />
                </label>
                <FieldError error field="title" />
                <div class="row">
                    <label>
                        "Priority"
                        <select name="priority">
                            {Priority::ALL
                                .into_iter()
                                .map(|p| {
                                    view! {
                                        <option value=p.as_str() selected=p == Priority::Medium>
                                            {p.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "Blocking"
                        <select name="blocking">
                            <option value="">"Critical items only"</option>
                            <option value="true">"Yes"</option>
                            <option value="false">"No"</option>
                        </select>
                    </label>
                    <label>
                        "Assignee"
                        <select name="assignee">
                            <option value="">"Nobody"</option>
                            {members
                                .into_iter()
                                .map(|m| view! { <option value=m.id>{m.name}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>"Due" <input type="date" name="due_date" /></label>
                    <label>
                        "Effort (hours)"
                        <input type="number" name="effort_hours" min="0" step="0.5" />
                    </label>
                </div>
                <FieldError error field="due_date" />
                <FieldError error field="effort_hours" />
                <FieldError error field="assignee" />
                <label>
                    "Description (Markdown)"
                    <textarea name="description" rows="3" maxlength="20000"></textarea>
                </label>
                <FieldError error field="description" />
                <button type="submit">"Add item"</button>
            </ActionForm>
        </details>
    }
}

#[component]
pub(super) fn CategoryEditor(c: CategoryView, actions: Actions) -> impl IntoView {
    let id = c.id;
    let error = action_error(actions.update_category);
    let n = c.counts.total();
    let delete_label = format!("Delete “{}” and its {n} item(s)", c.name);
    let valid_for = view! { <ValidForForm c=c.clone() action=actions.category_valid_for /> };
    view! {
        <details class="category-edit">
            <summary>"Category settings"</summary>
            <div class="row">
                <ActionForm action=actions.move_category attr:class="inline">
                    <input type="hidden" name="category_id" value=id />
                    <input type="hidden" name="up" value="true" />
                    <button type="submit" class="secondary">
                        "Move up"
                    </button>
                </ActionForm>
                <ActionForm action=actions.move_category attr:class="inline">
                    <input type="hidden" name="category_id" value=id />
                    <input type="hidden" name="up" value="false" />
                    <button type="submit" class="secondary">
                        "Move down"
                    </button>
                </ActionForm>
            </div>
            <ActionForm action=actions.update_category attr:class="stack">
                <input type="hidden" name="category_id" value=id />
                <input type="hidden" name="version" value=c.version />
                <label>
                    "Name" <input type="text" name="name" required maxlength="120" value=c.name.clone() />
                </label>
                <FieldError error field="name" />
                <div class="row">
                    <label>
                        "Weight"
                        <input type="number" name="weight" min="0" max="100" value=c.weight />
                    </label>
                    <label>
                        "Assessor score (0–100, blank for none)"
                        <input
                            type="number"
                            name="assessor_score"
                            min="0"
                            max="100"
                            value=c.assessor_score.map(|s| s.to_string()).unwrap_or_default()
                        />
                    </label>
                </div>
                <FieldError error field="weight" />
                <FieldError error field="assessor_score" />
                <label>
                    "Assessor's note"
                    <textarea name="assessor_note" rows="2">{c.assessor_note.clone()}</textarea>
                </label>
                <button type="submit">"Save category"</button>
            </ActionForm>
            {valid_for}
            <ActionForm action=actions.delete_category attr:class="stack danger-zone">
                <input type="hidden" name="category_id" value=id />
                <label class="checkbox">
                    <input type="checkbox" required />
                    {delete_label}
                </label>
                <button type="submit" class="danger">
                    "Delete category"
                </button>
            </ActionForm>
        </details>
    }
}

/// How long the evidence of the category's items holds, unless an item says otherwise.
#[component]
fn ValidForForm(c: CategoryView, action: ServerAction<SetCategoryValidFor>) -> impl IntoView {
    let error = action_error(action);
    let current = c.valid_for_days;
    let mut days: Vec<i32> = crate::checklist::model::VALID_FOR_CHOICES.to_vec();
    if let Some(d) = current.filter(|d| !days.contains(d)) {
        days.push(d);
    }
    let choices = days
        .into_iter()
        .map(|d| {
            view! { <option value=d.to_string() selected=current == Some(d)>{format!("{d} days")}</option> }
        })
        .collect_view();
    view! {
        <ActionForm action attr:class="row">
            <input type="hidden" name="category_id" value=c.id />
            <input type="hidden" name="version" value=c.version />
            <label>
                "Evidence of its items holds for"
                <select name="valid_for_days">
                    <option value="" selected=current.is_none()>"ever (no expiry)"</option>
                    {choices}
                </select>
            </label>
            <button type="submit" class="secondary">"Save"</button>
            <FieldError error field="valid_for_days" />
        </ActionForm>
    }
}

#[component]
pub(super) fn NewCategoryForm(slug: String, action: ServerAction<CreateCategory>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card">
            <h2>"New category"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="slug" value=slug />
                <label>
                    "Name" <input type="text" name="name" required maxlength="120" />
                </label>
                <FieldError error field="name" />
                <label>
                    "Weight" <input type="number" name="weight" min="0" max="100" value="1" />
                </label>
                <FieldError error field="weight" />
                <button type="submit">"Add category"</button>
            </ActionForm>
        </section>
    }
}
