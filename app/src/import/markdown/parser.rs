//! The walk over the blocks: what each heading, paragraph, bullet and table adds, then where every item is placed.

use super::*;

pub(super) struct Open {
    pub(super) level: u8,
    pub(super) role: Role,
    pub(super) index: usize,
    /// The heading's words without numbering or parentheses ("Critical Issues").
    pub(super) label: String,
    /// The heading as plain text ("Week 2 (3 days)"), for a plan item's note.
    pub(super) text: String,
    pub(super) line: usize,
}

/// Named headings around a point of the document: (heading index, level, name).
pub(super) type Names = Vec<(usize, u8, String)>;

/// An item before it is placed: where it sits decides its category.
pub(super) struct Pending {
    pub(super) item: ItemDoc,
    pub(super) line: usize,
    /// Named headings around it: (heading index, level, name).
    pub(super) names: Vec<(usize, u8, String)>,
    /// Where it goes when no named heading holds it.
    pub(super) fallback: String,
}

/// An item of a plan or priority matrix, before it is compared with the checklist.
pub(super) struct PlanItem {
    pub(super) item: ItemDoc,
    pub(super) line: usize,
    /// The phase it sits in ("Week 2 (3 days)").
    pub(super) phase: String,
    /// Its own priority marker, else its phase's.
    pub(super) priority: Option<Priority>,
    /// Its own effort, else its phase's.
    pub(super) effort: Option<f64>,
    /// The whole line as plain text ("Day 1-2: Implement authentication, CORS").
    pub(super) text: String,
}

/// Parses a Markdown readiness document. `Err` only when nothing at all was recognised.
pub fn parse(text: &str) -> Result<Parsed, String> {
    let blocks = blocks(text);
    if text.trim_start().starts_with(report::MARK) {
        return parse_report(&blocks);
    }
    let mut walk = Walk::new(&blocks);
    for block in &blocks {
        match block {
            Block::Heading { level, text, line } => walk.heading(*level, text, *line),
            Block::Para { text } => walk.paragraph(text),
            Block::Item {
                checked,
                text,
                line,
            } => walk.bullet(*checked, text, *line),
            Block::Table { header, rows, line } => walk.table(header, rows, *line),
        }
    }
    walk.finish()
}

/// What the walk over the blocks has found so far, before items are placed in categories.
struct Walk<'a> {
    blocks: &'a [Block],
    /// The first heading is the document's title (a single `#` with sections under it).
    title_is_first: bool,
    title: Option<String>,
    /// Headings seen so far: the next heading's index.
    headings: usize,
    /// The headings around the current block, outermost first.
    stack: Vec<Open>,
    warnings: Vec<String>,
    /// Items in document order, before they are placed.
    pending: Vec<Pending>,
    /// Summary sections whose bullets were skipped: (heading, its index, bullets).
    skipped: Vec<(String, usize, usize)>,
    category_scores: Vec<(Names, String, i32)>,
    table_scores: Vec<(String, i32)>,
    risks: Vec<RiskDoc>,
    document_score: Option<i32>,
    /// Headings that hold an item somewhere below them.
    holds_items: HashSet<usize>,
    /// Gap headings: (heading index, the item it is unless items turn up below it).
    gap_candidates: Vec<(usize, Pending)>,
    /// The first paragraphs under each heading (a gap heading's description).
    last_paragraphs: HashMap<usize, Vec<String>>,
    /// Headings that carry a score: each is a category, whatever is under it. (index, line, name)
    scored: Vec<(usize, usize, String)>,
    plan_items: Vec<PlanItem>,
    /// Bullets that are no item (no checkbox, no marker, no section that makes them one).
    unplaced: Vec<usize>,
    /// "Production-ready within 30 days", first said.
    ready_within: Option<u32>,
}

impl<'a> Walk<'a> {
    fn new(blocks: &'a [Block]) -> Self {
        let levels: Vec<u8> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, .. } => Some(*level),
                _ => None,
            })
            .collect();
        let h1s = levels.iter().filter(|l| **l == 1).count();
        Walk {
            blocks,
            title_is_first: levels.first() == Some(&1) && h1s == 1 && levels.len() > 1,
            title: None,
            headings: 0,
            stack: Vec::new(),
            warnings: Vec::new(),
            pending: Vec::new(),
            skipped: Vec::new(),
            category_scores: Vec::new(),
            table_scores: Vec::new(),
            risks: Vec::new(),
            document_score: None,
            holds_items: HashSet::new(),
            gap_candidates: Vec::new(),
            last_paragraphs: HashMap::new(),
            scored: Vec::new(),
            plan_items: Vec::new(),
            unplaced: Vec::new(),
            ready_within: None,
        }
    }

    /// Inside a summary or a plan: scores and gap headings there restate the checklist.
    fn aside(&self) -> bool {
        self.stack
            .iter()
            .any(|o| matches!(o.role, Role::Summary | Role::Plan { .. }))
    }

    fn heading(&mut self, level: u8, text: &str, line: usize) {
        while self.stack.last().is_some_and(|o| o.level >= level) {
            self.stack.pop();
        }
        let role = if self.headings == 0 && self.title_is_first {
            self.title = Some(clean_name(&plain(text)));
            Role::Title
        } else {
            classify(text)
        };
        let index = self.headings;
        self.headings += 1;
        if let Role::Name {
            name,
            priority,
            marker,
            score,
        } = &role
        {
            match score {
                Some(s) if is_overall(name) => {
                    self.document_score.get_or_insert(*s);
                }
                Some(s) if !self.aside() => {
                    let mut names = names_of(&self.stack);
                    names.push((index, level, name.clone()));
                    self.category_scores.push((names, name.clone(), *s));
                    self.scored.push((index, line, name.clone()));
                }
                Some(_) => {}
                None if !self.aside() => {
                    self.gap_heading(index, line, text, name, *priority, *marker)
                }
                None => {}
            }
        }
        let label = if matches!(role, Role::Priority(_)) {
            priority_label(text)
        } else {
            clean_name(&PARENS.replace_all(&NUMBERING.replace(&plain(text), ""), " "))
        };
        self.stack.push(Open {
            level,
            role,
            index,
            label,
            text: plain(text),
            line,
        });
    }

    /// A named heading under a priority section (or marked ❌) is a gap unless items turn up
    /// below it. A heading that is nothing but an effort names no gap.
    fn gap_heading(
        &mut self,
        index: usize,
        line: usize,
        text: &str,
        name: &str,
        priority: Option<Priority>,
        marker: Option<Status>,
    ) {
        let under_priority = self
            .stack
            .iter()
            .any(|o| matches!(o.role, Role::Priority(_)))
            && !self
                .stack
                .iter()
                .any(|o| matches!(o.role, Role::Name { .. }));
        if !under_priority && marker != Some(Status::Open) {
            return;
        }
        let effort = effort_in(text);
        let title = match &effort {
            Some((_, whole)) => {
                clean_name(&NUMBERING.replace(&plain(&text.replace(whole.as_str(), " ")), ""))
            }
            None => name.to_owned(),
        };
        if title.trim().is_empty() {
            return;
        }
        let mut item = ItemDoc::new(truncate(&title, MAX_TITLE));
        item.status = marker.unwrap_or(Status::Open);
        item.priority = priority
            .or_else(|| enclosing_priority(&self.stack))
            .unwrap_or(Priority::Medium);
        item.effort_hours = effort.map(|(h, _)| h);
        if BLOCKING.is_match(text) {
            item.blocking = Some(true);
        }
        self.gap_candidates.push((
            index,
            Pending {
                item,
                line,
                names: names_of(&self.stack),
                fallback: fallback_of(&self.stack),
            },
        ));
    }

    fn paragraph(&mut self, text: &str) {
        self.ready_within = self.ready_within.or_else(|| ready_within_days(text));
        if let Some(top) = self.stack.last() {
            let paras = self.last_paragraphs.entry(top.index).or_default();
            let para = plain_keep_marks(text).trim().to_owned();
            // Labels such as "Recommendation:" introduce code or lists, say nothing.
            if paras.len() < 3 && !para.ends_with(':') {
                paras.push(para);
            }
        }
        let lower = text.to_lowercase();
        if !(lower.contains("score") || lower.contains("rating")) {
            return;
        }
        let Some(s) = score_in(text) else {
            return;
        };
        if lower.contains("overall") || lower.contains("total") || self.stack.is_empty() {
            self.document_score.get_or_insert(s);
        } else if !self.aside() {
            let names = names_of(&self.stack);
            if let Some((index, _, name)) = names.last() {
                self.category_scores.push((names.clone(), name.clone(), s));
                // "## Security" then "**Score: 3/10**": as if the heading said so.
                if !self.scored.iter().any(|(i, _, _)| i == index)
                    && let Some(o) = self.stack.iter().find(|o| o.index == *index)
                {
                    self.scored.push((*index, o.line, name.clone()));
                }
            }
        }
    }

    fn bullet(&mut self, checked: Option<bool>, text: &str, line: usize) {
        self.ready_within = self.ready_within.or_else(|| ready_within_days(text));
        let summary = self
            .stack
            .iter()
            .find(|o| o.role == Role::Summary)
            .map(|o| o.index);
        if let Some(at) = summary {
            match self.skipped.iter_mut().find(|(_, i, _)| *i == at) {
                Some((_, _, n)) => *n += 1,
                None => self.skipped.push((heading_text(self.blocks, at), at, 1)),
            }
            return;
        }
        let marked = lead_status(NUMBERING.replace(text.trim(), "").as_ref());
        // In a plan (no named heading inside it), every bullet is a task of the plan.
        let phase = self
            .stack
            .iter()
            .rev()
            .find(|o| matches!(o.role, Role::Plan { .. } | Role::Name { .. }))
            .filter(|o| matches!(o.role, Role::Plan { .. }))
            .map(|o| o.text.clone());
        match phase {
            Some(phase) => self.plan_task(phase, checked, marked, text, line),
            None => self.checklist_item(checked, marked, text, line),
        }
    }

    fn plan_task(
        &mut self,
        phase: String,
        checked: Option<bool>,
        marked: Option<Status>,
        text: &str,
        line: usize,
    ) {
        let status = match checked {
            Some(true) => Status::Done,
            Some(false) => status_words(text).unwrap_or(Status::Open),
            None => marked.unwrap_or(Status::Open),
        };
        let Some(item) = item_of(text, status) else {
            return;
        };
        let (mut priority, mut effort) = (priority_marker(text), item.effort_hours);
        for o in self.stack.iter().rev() {
            if let Role::Plan {
                priority: p,
                effort: e,
            } = o.role
            {
                priority = priority.or(p);
                effort = effort.or(e);
            }
        }
        self.plan_items.push(PlanItem {
            item,
            line,
            phase,
            priority,
            effort,
            text: plain(text),
        });
    }

    fn checklist_item(
        &mut self,
        checked: Option<bool>,
        marked: Option<Status>,
        text: &str,
        line: usize,
    ) {
        let bullets = self.stack.iter().rev().find_map(|o| match o.role {
            Role::Generic { bullets } => Some(bullets),
            Role::Name { .. }
            | Role::Priority(_)
            | Role::Summary
            | Role::Title
            | Role::Plan { .. } => None,
        });
        let status = match checked {
            Some(true) => Some(Status::Done),
            Some(false) => Some(status_words(text).unwrap_or(Status::Open)),
            None => marked.or(bullets.flatten()),
        };
        let Some(status) = status else {
            self.unplaced.push(line);
            return;
        };
        let Some(mut item) = item_of(text, status) else {
            return;
        };
        if checked == Some(false) {
            strip_status_note(&mut item);
        }
        if priority_marker(text).is_none() {
            item.priority = enclosing_priority(&self.stack).unwrap_or(Priority::Medium);
        }
        self.holds_items.extend(self.stack.iter().map(|o| o.index));
        self.pending.push(Pending {
            item,
            line,
            names: names_of(&self.stack),
            fallback: fallback_of(&self.stack),
        });
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>], line: usize) {
        read_table(
            header,
            rows,
            line,
            &mut self.table_scores,
            &mut self.risks,
            &mut self.document_score,
            &mut self.warnings,
        );
    }

    /// Gap headings that hold no items become items, described by their first paragraphs;
    /// then everything in document order.
    fn adopt_gaps(&mut self) {
        for (index, mut gap) in std::mem::take(&mut self.gap_candidates) {
            if self.holds_items.contains(&index) {
                continue;
            }
            if let Some(paras) = self.last_paragraphs.get(&index) {
                gap.item.description = truncate(&paras.join("\n\n"), 2000);
            }
            self.pending.push(gap);
        }
        self.pending.sort_by_key(|p| p.line);
    }

    /// The level whose named headings most often directly hold items carries the structure.
    fn category_level(&self) -> Option<u8> {
        let mut per_level: HashMap<u8, HashSet<usize>> = HashMap::new();
        for p in &self.pending {
            if let Some((index, level, _)) = p.names.last() {
                per_level.entry(*level).or_default().insert(*index);
            }
        }
        per_level
            .iter()
            .max_by_key(|(level, set)| (set.len(), std::cmp::Reverse(**level)))
            .map(|(level, _)| *level)
    }

    /// Places everything found: items, scored headings, plan tasks, scores and risks.
    fn finish(mut self) -> Result<Parsed, String> {
        self.adopt_gaps();
        let mut layout = Layout {
            doc: Document::new(self.title.clone().unwrap_or_default()),
            positions: HashMap::new(),
            titles: Vec::new(),
            placed: 0,
            scored_at: self.scored.iter().map(|(index, _, _)| *index).collect(),
            category_level: self.category_level(),
        };
        let pending = std::mem::take(&mut self.pending);
        layout.place_items(pending, &self.scored, &mut self.warnings)?;
        let plan = std::mem::take(&mut self.plan_items);
        layout.place_plan(plan, &mut self.warnings)?;
        let (named, tables) = (
            std::mem::take(&mut self.category_scores),
            std::mem::take(&mut self.table_scores),
        );
        layout.apply_scores(named, tables)?;
        layout.attach_risks(std::mem::take(&mut self.risks))?;
        self.warn_skipped();
        let Layout { mut doc, .. } = layout;
        if doc.categories.is_empty() && doc.risks.is_empty() {
            return Err(
                "No checklist items (- [ ] / - [x]), status bullets (❌ ✅ ⚠️), scores or risk \
                 tables were found in this document."
                    .into(),
            );
        }
        if doc.project.name.is_empty() {
            doc.project.name = "Imported project".into();
        }
        // Work "immediate" or "this week" comes before the weeks after it.
        doc.phases.sort_by_key(|p| {
            let lower = p.name.to_lowercase();
            !(lower.starts_with("immediate") || lower.starts_with("this week"))
        });
        Ok(Parsed {
            doc,
            warnings: self.warnings,
            document_score: self.document_score,
            ready_within_days: self.ready_within,
        })
    }

    /// Warnings for summary bullets skipped and bullets read as no item.
    fn warn_skipped(&mut self) {
        for (section, index, n) in &self.skipped {
            let line = self
                .blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Heading { line, .. } => Some(*line),
                    _ => None,
                })
                .nth(*index)
                .unwrap_or_default();
            self.warnings.push(format!(
                "Line {line}: skipped {n} bullet{} in “{section}”: a summary repeats the checklist.",
                if *n == 1 { "" } else { "s" }
            ));
        }
        let unplaced = &self.unplaced;
        if !unplaced.is_empty() {
            self.warnings.push(format!(
                "Lines {}: {} bullet{} with no checkbox and no ✅ ❌ ⚠️ marker, outside a list of \
                 gaps or strengths, {} not read as items.",
                lines_list(unplaced),
                unplaced.len(),
                if unplaced.len() == 1 { "" } else { "s" },
                if unplaced.len() == 1 { "was" } else { "were" },
            ));
        }
    }
}

pub(super) fn heading_text(blocks: &[Block], index: usize) -> String {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(text),
            _ => None,
        })
        .nth(index)
        .map(|t| clean_name(&NUMBERING.replace(&plain(t), "")))
        .unwrap_or_default()
}

pub(super) fn names_of(stack: &[Open]) -> Vec<(usize, u8, String)> {
    stack
        .iter()
        .filter_map(|o| match &o.role {
            Role::Name { name, .. } => Some((o.index, o.level, name.clone())),
            _ => None,
        })
        .collect()
}

/// The section an item sits in when no named heading holds it: the nearest priority or
/// generic heading's words ("Critical Issues"), else "General".
pub(super) fn fallback_of(stack: &[Open]) -> String {
    stack
        .iter()
        .rev()
        .find(|o| matches!(o.role, Role::Priority(_) | Role::Generic { .. }) && !o.label.is_empty())
        .map(|o| o.label.clone())
        .unwrap_or_else(|| "General".to_owned())
}

pub(super) fn enclosing_priority(stack: &[Open]) -> Option<Priority> {
    stack.iter().rev().find_map(|o| match &o.role {
        Role::Priority(p) => Some(*p),
        Role::Name { priority, .. } => *priority,
        _ => None,
    })
}

/// An item from a bullet's text: title (the bold lead, else the text), description (what
/// follows the lead), inline priority (medium when none), BLOCKING, effort.
pub(super) fn item_of(text: &str, status: Status) -> Option<ItemDoc> {
    let marked = priority_marker(text);
    let blocking = BLOCKING.is_match(text);
    let effort = effort_in(text);
    let mut t = NUMBERING.replace(text.trim(), "").to_string();
    if let Some((_, whole)) = &effort {
        t = t.replace(whole.as_str(), " ");
    }
    let t = t.trim_start_matches(|c: char| is_decoration(c) || c.is_whitespace());
    let (title, description) = match t.strip_prefix("**").and_then(|r| r.split_once("**")) {
        Some((lead, rest)) => {
            let rest = rest.trim().trim_start_matches(['-', '–', '—', ':']).trim();
            (lead.to_owned(), plain(rest))
        }
        None => (t.to_owned(), String::new()),
    };
    let title = clean_title(&plain(&title), MAX_TITLE);
    let title = title.trim_end_matches(['.', ':']).trim().to_owned();
    if title.is_empty() {
        return None;
    }
    let mut item = ItemDoc::new(title);
    item.status = status;
    item.description = description;
    item.priority = marked.unwrap_or(Priority::Medium);
    if blocking {
        item.blocking = Some(true);
    }
    item.effort_hours = effort.map(|(h, _)| h);
    Some(item)
}
