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

    /// A plan restates the checklist: a task already there is not added again; the rest go to
    /// the category they name ("Payments: …"), else to "Plan", noting their phase.
    pub(super) fn place_plan(
        &mut self,
        plan_items: Vec<PlanItem>,
        warnings: &mut Vec<String>,
    ) -> Result<(), String> {
        let mut known: Vec<HashSet<String>> = self
            .doc
            .categories
            .iter()
            .flat_map(|c| c.items.iter().map(|i| content_words(&i.title)))
            .collect();
        let mut restated: Vec<usize> = Vec::new();
        for p in plan_items {
            let mut item = p.item;
            let key = name_key(&item.title);
            let words = content_words(&item.title);
            if self.titles.iter().any(|t| t.contains(&key))
                || known.iter().any(|k| same_task(&words, k))
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
            known.push(content_words(&item.title));
            self.doc.categories[at].items.push(item);
        }
        if !restated.is_empty() {
            warnings.push(format!(
                "Lines {}: {} plan item{} restate{} the checklist and {} not added again.",
                lines_list(&restated),
                restated.len(),
                if restated.len() == 1 { "" } else { "s" },
                if restated.len() == 1 { "s" } else { "" },
                if restated.len() == 1 { "was" } else { "were" },
            ));
        }
        Ok(())
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
