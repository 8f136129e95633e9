//! The document as a flat list of blocks: headings, list items, paragraphs, tables. Code and HTML are never structure.

use super::*;

/// One piece of the document, in order.
#[derive(Clone, Debug)]
pub(super) enum Block {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    Item {
        checked: Option<bool>,
        text: String,
        line: usize,
    },
    /// A paragraph; its lines are `\n`-separated.
    Para { text: String },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        line: usize,
    },
}

pub(super) struct ItemBuf {
    checked: Option<bool>,
    text: String,
    line: usize,
    emitted: bool,
}

pub(super) fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

// Longer than 120 lines: one state machine over pulldown-cmark's events; its state
// is this function's locals, and splitting it would pass them all around.
#[allow(clippy::too_many_lines)]
/// The document as a flat list of blocks; code and HTML are left out.
pub(super) fn blocks(text: &str) -> Vec<Block> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
    let mut out = Vec::new();
    let mut code = 0usize;
    let mut heading: Option<(u8, String, usize)> = None;
    let mut items: Vec<ItemBuf> = Vec::new();
    let mut para: Option<String> = None;
    let mut para_line = 0usize;
    let mut table: Option<(Vec<String>, Vec<Vec<String>>, usize)> = None;
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    let emit = |item: &mut ItemBuf, out: &mut Vec<Block>| {
        if !item.emitted {
            item.emitted = true;
            out.push(Block::Item {
                checked: item.checked,
                text: std::mem::take(&mut item.text),
                line: item.line,
            });
        }
    };
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            _ if code > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((heading_level(level), String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, line)) = heading.take() {
                    out.push(Block::Heading { level, text, line });
                }
            }
            Event::Start(Tag::List(_)) => {
                if let Some(top) = items.last_mut() {
                    emit(top, &mut out);
                }
            }
            Event::Start(Tag::Item) => items.push(ItemBuf {
                checked: None,
                text: String::new(),
                line: line_of(range.start),
                emitted: false,
            }),
            Event::TaskListMarker(checked) => {
                if let Some(top) = items.last_mut() {
                    top.checked = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some(mut top) = items.pop() {
                    emit(&mut top, &mut out);
                }
            }
            Event::Start(Tag::Paragraph) => {
                if items.is_empty() && table.is_none() {
                    para = Some(String::new());
                    para_line = line_of(range.start);
                } else if let Some(top) = items.last_mut()
                    && !top.text.is_empty()
                {
                    top.text.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = para.take() {
                    // "✅ TLS 1.3 only" on a line of its own is an item, as a bullet would be.
                    let marked: Vec<Block> = text
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| lead_status(l.trim()).is_some())
                        .map(|(k, l)| Block::Item {
                            checked: None,
                            text: l.trim().to_owned(),
                            line: para_line + k,
                        })
                        .collect();
                    out.push(Block::Para { text });
                    out.extend(marked);
                }
            }
            Event::Start(Tag::Table(_)) => {
                table = Some((Vec::new(), Vec::new(), line_of(range.start)))
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.0 = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.1.push(std::mem::take(&mut row));
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap_or_default()),
            Event::End(TagEnd::Table) => {
                if let Some((header, rows, line)) = table.take() {
                    out.push(Block::Table { header, rows, line });
                }
            }
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => {
                push_text(&mut heading, &mut cell, &mut para, &mut items, "**");
            }
            Event::Text(t) | Event::Code(t) => {
                push_text(&mut heading, &mut cell, &mut para, &mut items, &t);
            }
            // A paragraph keeps its lines (a line may be a ✅ / ❌ item of its own).
            Event::SoftBreak | Event::HardBreak if heading.is_none() && cell.is_none() => {
                let sep = if para.is_some() { "\n" } else { " " };
                push_text(&mut heading, &mut cell, &mut para, &mut items, sep);
            }
            Event::SoftBreak | Event::HardBreak => {
                push_text(&mut heading, &mut cell, &mut para, &mut items, " ");
            }
            _ => {}
        }
    }
    out
}

pub(super) fn push_text(
    heading: &mut Option<(u8, String, usize)>,
    cell: &mut Option<String>,
    para: &mut Option<String>,
    items: &mut [ItemBuf],
    text: &str,
) {
    let target = if let Some((_, h, _)) = heading.as_mut() {
        h
    } else if let Some(c) = cell.as_mut() {
        c
    } else if let Some(p) = para.as_mut() {
        p
    } else if let Some(top) = items.last_mut().filter(|i| !i.emitted) {
        &mut top.text
    } else {
        return;
    };
    // A runaway paragraph or item cannot make the importer hold more than the document.
    if target.len() < 100_000 {
        target.push_str(text);
    }
}
