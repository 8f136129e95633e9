//! Where everything found goes: items to their categories, plan tasks not already in the checklist, scores and risks.

use super::parser::{Names, Pending, PlanItem};
use super::*;

/// The document's categories as they are made, and the titles each holds, so that placing n
/// items stays linear.
pub(super) struct Layout {
    pub(super) doc: Document,
    /// Category position by name key.
    pub(super) positions: HashMap<String, usize>,
    /// Title keys per category.
    pub(super) titles: Vec<HashSet<String>>,
    /// Items placed so far (bounded by [`MAX_IMPORT_ITEMS`]).
    pub(super) placed: usize,
    /// Headings that carry a score.
    pub(super) scored_at: HashSet<usize>,
    /// The heading level that carries the document's structure.
    pub(super) category_level: Option<u8>,
}

impl Layout {
    /// The category named `name`, made when the document has none by that name yet.
    pub(super) fn category_at(&mut self, name: &str) -> Result<usize, String> {
        let key = name_key(name);
        if let Some(at) = self.positions.get(&key) {
            return Ok(*at);
        }
        if self.doc.categories.len() == MAX_IMPORT_CATEGORIES {
            return Err(too_many("categories", MAX_IMPORT_CATEGORIES));
        }
        self.doc.categories.push(CategoryDoc::new(name.to_owned()));
        self.titles.push(HashSet::new());
        self.positions.insert(key, self.doc.categories.len() - 1);
        Ok(self.doc.categories.len() - 1)
    }

    /// An item's category: the innermost heading with a score around it, else its named
    /// heading at the structure's level, else its nearest named heading, else its section.
    pub(super) fn category_for(&self, names: &[(usize, u8, String)], fallback: &str) -> String {
        names
            .iter()
            .rev()
            .find(|(index, _, _)| self.scored_at.contains(index))
            .or_else(|| {
                names
                    .iter()
                    .find(|(_, level, _)| Some(*level) == self.category_level)
            })
            .or_else(|| names.last())
            .map_or_else(|| fallback.to_owned(), |(_, _, n)| n.clone())
    }

    /// Counts one more item placed, refusing the document past the limit.
    pub(super) fn count_one(&mut self) -> Result<(), String> {
        self.placed += 1;
        if self.placed > MAX_IMPORT_ITEMS {
            return Err(too_many("items", MAX_IMPORT_ITEMS));
        }
        Ok(())
    }

    /// Items go to their category in document order; scored headings become categories
    /// where they stand, items or not. A repeated title is kept once, with a warning.
    pub(super) fn place_items(
        &mut self,
        pending: Vec<Pending>,
        scored: &[(usize, usize, String)],
        warnings: &mut Vec<String>,
    ) -> Result<(), String> {
        let mut duplicates = 0usize;
        let mut scored_left = scored.iter().peekable();
        for p in pending {
            while let Some((_, _, name)) = scored_left.next_if(|(_, at, _)| *at < p.line) {
                self.category_at(name)?;
            }
            let category = self.category_for(&p.names, &p.fallback);
            let at = self.category_at(&category)?;
            if !self.titles[at].insert(name_key(&p.item.title)) {
                duplicates += 1;
                if duplicates <= 5 {
                    warnings.push(format!(
                        "Line {}: “{}” repeats an item of “{}”; kept the first.",
                        p.line, p.item.title, self.doc.categories[at].name
                    ));
                }
                continue;
            }
            self.count_one()?;
            self.doc.categories[at].items.push(p.item);
        }
        for (_, _, name) in scored_left {
            self.category_at(name)?;
        }
        if duplicates > 5 {
            warnings.push(format!(
                "{} more repeated items were left out.",
                duplicates - 5
            ));
        }
        Ok(())
    }

    /// A plan's phases become the document's phases, in the order they first appear; a plan
    /// line schedules the checklist items it names (each comma-separated part naming items
    /// whose words it holds, or the same task), and an item named by several lines goes to
    /// the phase of the line that names it most closely (the largest share of its words; the
    /// earlier line on a tie). A line that names no item is added: to the category it names
    /// ("Payments: …"), else to "Plan", noting its phase. A line that names exactly one item
    /// gives it its effort when it has none.
    pub(super) fn place_plan(
        &mut self,
        plan_items: Vec<PlanItem>,
        warnings: &mut Vec<String>,
    ) -> Result<(), String> {
        // Every checklist item with its words: (category, index, words).
        let mut catalog: Vec<(usize, usize, HashSet<String>)> = self
            .doc
            .categories
            .iter()
            .enumerate()
            .flat_map(|(c, cat)| {
                cat.items
                    .iter()
                    .enumerate()
                    .map(move |(i, item)| (c, i, plan_words(&item.title)))
            })
            .collect();
        // The best line so far for each item: (share of its words, phase).
        let mut best: HashMap<(usize, usize), (f64, String)> = HashMap::new();
        let mut restated: Vec<usize> = Vec::new();
        let mut unnamed: Vec<String> = Vec::new();
        for p in plan_items {
            let phase = self.phase_for(&p.phase);
            let mut item = p.item;
            let (named, missing) = named_items(&p.text, &catalog);
            if !named.is_empty() {
                // The line's own effort ("(2 hours)"), not its phase's.
                if let [(c, i, _)] = named.as_slice() {
                    let it = &mut self.doc.categories[*c].items[*i];
                    if it.effort_hours.is_none() {
                        it.effort_hours = item.effort_hours;
                    }
                }
                for (c, i, share) in named {
                    let entry = best.entry((c, i)).or_insert((0.0, String::new()));
                    if share > entry.0 {
                        *entry = (share, phase.clone());
                    }
                }
                unnamed.extend(
                    missing
                        .into_iter()
                        .map(|m| format!("“{m}” (line {})", p.line)),
                );
                restated.push(p.line);
                continue;
            }
            // "**Day 3-4**: Load testing": the label is no title.
            if DAY_LABEL
                .replace(&format!("{}:", item.title), "")
                .trim()
                .is_empty()
            {
                let rest = DAY_LABEL.replace(&p.text, "").trim().to_owned();
                if !rest.is_empty() {
                    item.title = truncate(&rest, MAX_TITLE);
                    item.description = String::new();
                }
            }
            let key = name_key(&item.title);
            let words = content_words(&item.title);
            if self.titles.iter().any(|t| t.contains(&key))
                || catalog.iter().any(|(_, _, k)| same_task(&words, k))
            {
                restated.push(p.line);
                continue;
            }
            let named = item.title.split_once(':').and_then(|(head, rest)| {
                let rest = rest.trim();
                (!rest.is_empty())
                    .then(|| {
                        self.positions
                            .get(&name_key(head))
                            .map(|at| (*at, rest.to_owned()))
                    })
                    .flatten()
            });
            let at = match named {
                Some((at, rest)) => {
                    item.title = rest;
                    at
                }
                None => self.category_at("Plan")?,
            };
            item.priority = p.priority.unwrap_or(Priority::Medium);
            item.effort_hours = p.effort;
            let note = format!("Plan: {}", p.phase);
            item.description = if item.description.is_empty() {
                note
            } else {
                format!("{note}\n\n{}", item.description)
            };
            if !self.titles[at].insert(name_key(&item.title)) {
                restated.push(p.line);
                continue;
            }
            self.count_one()?;
            item.phase = Some(phase.clone());
            let index = self.doc.categories[at].items.len();
            // Its own line names it exactly: no later line takes it.
            best.insert((at, index), (f64::INFINITY, phase));
            catalog.push((at, index, plan_words(&item.title)));
            self.doc.categories[at].items.push(item);
        }
        for ((c, i), (_, phase)) in best {
            self.doc.categories[c].items[i].phase = Some(phase);
        }
        if !restated.is_empty() {
            warnings.push(format!(
                "Lines {}: {} plan item{} restate{} the checklist and {} not added again; the items they name are scheduled into their phases.",
                lines_list(&restated),
                restated.len(),
                if restated.len() == 1 { "" } else { "s" },
                if restated.len() == 1 { "s" } else { "" },
                if restated.len() == 1 { "was" } else { "were" },
            ));
        }
        if !unnamed.is_empty() {
            let shown: Vec<&str> = unnamed.iter().take(5).map(String::as_str).collect();
            warnings.push(format!(
                "{} part{} of plan lines named no checklist item and {} not added: {}{}.",
                unnamed.len(),
                if unnamed.len() == 1 { "" } else { "s" },
                if unnamed.len() == 1 { "was" } else { "were" },
                shown.join(", "),
                if unnamed.len() > 5 { ", …" } else { "" },
            ));
        }
        Ok(())
    }

    /// The name of the phase a plan heading makes, the phase added to the document the
    /// first time.
    fn phase_for(&mut self, heading: &str) -> String {
        let (name, goal) = phase_name(heading);
        let key = name_key(&name);
        if let Some(p) = self.doc.phases.iter().find(|p| name_key(&p.name) == key) {
            return p.name.clone();
        }
        self.doc.phases.push(crate::import::doc::PhaseDoc {
            name: name.clone(),
            goal,
            target_date: None,
        });
        name
    }

    /// Scores stated in a category's heading or text, then score tables.
    pub(super) fn apply_scores(
        &mut self,
        named: Vec<(Names, String, i32)>,
        tables: Vec<(String, i32)>,
    ) -> Result<(), String> {
        for (names, name, score) in named {
            let category = self.category_for(&names, &name);
            if let Some(at) = self.positions.get(&name_key(&category)) {
                self.doc.categories[*at].assessor_score.get_or_insert(score);
            }
        }
        for (name, score) in tables {
            let key = name_key(&name);
            let at = match self
                .positions
                .get(&key)
                .copied()
                .or_else(|| find_category(&self.doc.categories, &name))
            {
                Some(at) => at,
                None => self.category_at(&name)?,
            };
            self.doc.categories[at].assessor_score = Some(score);
        }
        Ok(())
    }

    /// Risks, each in the category its title names, if any.
    pub(super) fn attach_risks(&mut self, risks: Vec<RiskDoc>) -> Result<(), String> {
        if risks.len() > MAX_IMPORT_RISKS {
            return Err(too_many("risks", MAX_IMPORT_RISKS));
        }
        for mut r in risks {
            if let Some(i) = find_category(&self.doc.categories, &r.title) {
                r.category = Some(self.doc.categories[i].name.clone());
            }
            self.doc.risks.push(r);
        }
        Ok(())
    }
}
