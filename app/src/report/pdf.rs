//! The report as PDF, made in-process with krilla (PDF writing, font subsetting and text
//! shaping) from the same report model as the HTML and Markdown. DejaVu Sans, shipped in
//! `app/fonts`, is embedded (subset), so any Latin, Greek or Cyrillic text and most symbols
//! print; a character the font lacks (emoji, CJK) is left out or shown as "?", never a box.
//!
//! Layout is done first into pages of drawing operations (so the footer knows the page
//! count), then each page is drawn.

use std::sync::LazyLock;

use krilla::{
    Document,
    color::rgb,
    geom::{PathBuilder, Point, Rect},
    metadata::Metadata,
    num::NormalizedF32,
    page::PageSettings,
    paint::Fill,
    text::{Font, TextDirection},
};
use skrifa::{FontRef, MetadataProvider, instance::LocationRef, instance::Size};

use super::{
    model::{self, Report},
    sections::{Col, Table},
};
use crate::{error::AppError, risks::matrix::Level};

static REGULAR_BYTES: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD_BYTES: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// A font for drawing (krilla) and measuring (skrifa).
struct Face {
    font: Font,
    bytes: &'static [u8],
}

impl Face {
    fn load(bytes: &'static [u8]) -> Option<Face> {
        Some(Face {
            font: Font::new(bytes.into(), 0)?,
            bytes,
        })
    }

    fn reader(&self) -> Option<FontRef<'static>> {
        FontRef::new(self.bytes).ok()
    }
}

static FACES: LazyLock<Option<(Face, Face)>> =
    LazyLock::new(|| Some((Face::load(REGULAR_BYTES)?, Face::load(BOLD_BYTES)?)));

// A4 in points, and the text area.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 20.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const BODY: f32 = 9.0;
const SMALL: f32 = 8.0;

#[derive(Clone, Copy)]
struct Colour(u8, u8, u8);

const BLACK: Colour = Colour(0x1f, 0x23, 0x28);
const MUTED: Colour = Colour(0x59, 0x63, 0x6e);
const RULE: Colour = Colour(0xd0, 0xd7, 0xde);
const SHADE: Colour = Colour(0xf3, 0xf4, 0xf6);
const RED: Colour = Colour(0xcf, 0x22, 0x2e);
const AMBER: Colour = Colour(0x9a, 0x67, 0x00);
const GREEN: Colour = Colour(0x1a, 0x7f, 0x37);

fn level_colour(l: Level) -> Colour {
    match l {
        Level::Low => Colour(0xd8, 0xf0, 0xdc),
        Level::Medium => Colour(0xfc, 0xf0, 0xc8),
        Level::High => Colour(0xfd, 0xdc, 0xc4),
        Level::Critical => Colour(0xf8, 0xc9, 0xcc),
    }
}

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
}

/// Pages of operations and a cursor.
struct Layout<'f> {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    faces: &'f (Face, Face),
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'f> Layout<'f> {
    fn font(&self, bold: bool) -> &FontRef<'static> {
        if bold { &self.bold } else { &self.regular }
    }

    /// The text with characters the font cannot show removed (pictographs and their joiners)
    /// or replaced by "?", and control characters as spaces.
    fn printable(&self, text: &str, bold: bool) -> String {
        let charmap = self.font(bold).charmap();
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_control() {
                out.push(' ');
            } else if charmap.map(c).is_some() {
                out.push(c);
            } else if !c.is_alphanumeric() || u32::from(c) >= 0x1F000 {
                // Emoji, variation selectors, joiners: decoration, left out.
            } else {
                out.push('?');
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = self.font(bold);
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.6)
            })
            .sum()
    }

    /// Lines of at most `width`, broken at spaces (a word longer than a line is cut).
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line is cut into pieces that fit.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if self.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` still fits.
    fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, colour: Colour, text: &str) {
        let text = self.printable(text, bold);
        if !text.is_empty() {
            self.page().push(Op::Text {
                x,
                y,
                size,
                bold,
                colour,
                text,
            });
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        self.page().push(Op::Rect { x, y, w, h, colour });
    }

    fn paragraph(&mut self, text: &str, size: f32, bold: bool, colour: Colour) {
        let text = self.printable(text, bold);
        for line in self.wrap(&text, size, bold, WIDTH) {
            self.need(size * 1.4);
            self.y += size * 1.4;
            let y = self.y;
            self.text(MARGIN, y, size, bold, colour, &line);
        }
    }

    fn heading(&mut self, text: &str) {
        // Keep a heading with at least three lines of what follows.
        self.need(60.0);
        self.y += 14.0;
        self.paragraph(text, 13.0, true, BLACK);
        self.y += 2.0;
        let y = self.y + 2.0;
        self.rect(MARGIN, y, WIDTH, 0.6, RULE);
        self.y += 6.0;
    }

    /// A table: cells wrap; numbers align right; the header row repeats on every page the
    /// table runs onto.
    fn table(&mut self, table: &Table) {
        let (columns, rows) = (&table.columns, &table.rows);
        let total: f32 = columns.iter().map(|c| c.2).sum();
        let widths: Vec<f32> = columns.iter().map(|c| c.2 / total * WIDTH).collect();
        let pad = 3.0;
        let lead = SMALL * 1.35;
        let header: Vec<String> = columns.iter().map(|c| c.0.to_owned()).collect();
        let draw_row = |l: &mut Layout<'_>, cells: &[String], bold: bool, shade: bool| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| {
                    let c = l.printable(c, bold);
                    l.wrap(&c, SMALL, bold, w - 2.0 * pad)
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            let height = lines as f32 * lead + 2.0 * pad;
            (wrapped, height, shade)
        };
        let (head, head_h, _) = draw_row(self, &header, true, true);
        let put =
            |l: &mut Layout<'_>, wrapped: &[Vec<String>], height: f32, bold: bool, shade: bool| {
                let top = l.y;
                if shade {
                    l.rect(MARGIN, top, WIDTH, height, SHADE);
                }
                let mut x = MARGIN;
                for ((lines, w), col) in wrapped.iter().zip(&widths).zip(columns) {
                    for (n, line) in lines.iter().enumerate() {
                        let tx = if col.1 == Col::Num {
                            x + w - pad - l.width(line, SMALL, bold)
                        } else {
                            x + pad
                        };
                        let ty = top + pad + (n as f32 + 1.0) * lead - 2.0;
                        l.text(tx, ty, SMALL, bold, BLACK, line);
                    }
                    x += w;
                }
                l.y = top + height;
                l.rect(MARGIN, l.y, WIDTH, 0.4, RULE);
            };
        self.need(head_h * 2.0);
        put(self, &head, head_h, true, true);
        for row in rows {
            let (wrapped, height, _) = draw_row(self, row, false, false);
            if self.y + height > BOTTOM {
                self.new_page();
                put(self, &head, head_h, true, true);
            }
            put(self, &wrapped, height, false, false);
        }
        self.y += 6.0;
    }
}

fn verdict_colour(v: crate::scoring::Verdict) -> Colour {
    match v {
        crate::scoring::Verdict::Ready => GREEN,
        crate::scoring::Verdict::ReadyWithGaps | crate::scoring::Verdict::AwaitingSignOff => AMBER,
        crate::scoring::Verdict::NotReady => RED,
    }
}

fn lay_out(report: &Report, l: &mut Layout<'_>) {
    l.y = MARGIN;
    l.paragraph(&report.name, 20.0, true, BLACK);
    l.paragraph(&report.subtitle(), BODY, false, MUTED);
    l.y += 8.0;

    // The verdict, in words and colour.
    l.need(40.0);
    let top = l.y;
    let verdict = report.verdict.label();
    let vw = l.width(verdict, 14.0, true) + 16.0;
    l.rect(MARGIN, top, vw, 24.0, verdict_colour(report.verdict));
    l.text(
        MARGIN + 8.0,
        top + 17.0,
        14.0,
        true,
        Colour(255, 255, 255),
        verdict,
    );
    l.text(
        MARGIN + vw + 12.0,
        top + 17.0,
        12.0,
        false,
        BLACK,
        &report.overall_text(),
    );
    l.y = top + 30.0;
    for (label, value) in report.facts() {
        l.paragraph(&format!("{label}: {value}"), BODY, false, BLACK);
    }

    l.heading("Categories");
    l.table(&report.categories_table());

    l.heading("Blocking gaps");
    let blocking = report.blocking_table();
    if blocking.rows.is_empty() {
        l.paragraph("None: nothing blocks the release.", BODY, false, BLACK);
    } else {
        l.table(&blocking);
    }

    if !report.risks.is_empty() {
        l.heading("Risks");
        if let Some(h) = &report.heat {
            heat_maps(l, h);
        }
        l.paragraph("Highest open risk per category", BODY, true, BLACK);
        l.table(&report.risk_levels_table());
        l.paragraph("Risk register", BODY, true, BLACK);
        l.table(&report.register_table());
    }

    if let Some((title, overall, lines)) = report.changes() {
        l.heading(&title);
        l.paragraph(&overall, BODY, false, BLACK);
        for line in lines {
            l.paragraph(&format!("• {line}"), BODY, false, BLACK);
        }
    }

    if !report.owners.is_empty() {
        l.heading("Open items by owner");
        l.table(&report.owners_table());
    }

    l.heading("Sign-off");
    let signoffs = report.signoff_lines();
    if signoffs.is_empty() {
        l.paragraph("Not signed off yet.", BODY, false, BLACK);
    }
    for line in signoffs {
        l.paragraph(&line, BODY, false, BLACK);
    }

    l.heading("Checklist");
    for (heading, table) in report.checklist() {
        l.need(40.0);
        l.y += 4.0;
        l.paragraph(&heading, 10.0, true, BLACK);
        if table.rows.is_empty() {
            l.paragraph("No items.", BODY, false, MUTED);
        } else {
            l.table(&table);
        }
    }
}

/// The current and target heat maps side by side, each cell with its count and level word.
fn heat_maps(l: &mut Layout<'_>, h: &model::Heat) {
    let (ls, is) = (h.matrix.likelihood_steps(), h.matrix.impact_steps());
    let cell = 24.0f32.min((WIDTH / 2.0 - 40.0) / is.max(1) as f32);
    let height = cell * ls as f32 + 30.0;
    l.need(height);
    let top = l.y;
    for (n, (caption, counts)) in [("Current risk", &h.current), ("Target risk", &h.target)]
        .into_iter()
        .enumerate()
    {
        let left = MARGIN + n as f32 * (WIDTH / 2.0) + 20.0;
        l.text(left, top + 10.0, BODY, true, BLACK, caption);
        for li in 0..ls {
            // Highest likelihood on top.
            let row = ls - 1 - li;
            let y = top + 16.0 + row as f32 * cell;
            for ii in 0..is {
                let x = left + ii as f32 * cell;
                let level = h.matrix.level(
                    i32::try_from(li + 1).unwrap_or(1),
                    i32::try_from(ii + 1).unwrap_or(1),
                );
                l.rect(
                    x + 1.0,
                    y + 1.0,
                    cell - 2.0,
                    cell - 2.0,
                    level_colour(level),
                );
                let count = counts.get(li).and_then(|r| r.get(ii)).copied().unwrap_or(0);
                let text = count.to_string();
                let w = l.width(&text, BODY, count > 0);
                l.text(
                    x + (cell - w) / 2.0,
                    y + cell / 2.0 + 1.0,
                    BODY,
                    count > 0,
                    BLACK,
                    &text,
                );
                let word = &level.label()[..1];
                l.text(x + 3.0, y + cell - 3.0, 5.0, false, MUTED, word);
            }
        }
        l.text(
            left,
            top + 16.0 + ls as f32 * cell + 9.0,
            6.5,
            false,
            MUTED,
            "Likelihood up, impact right; L/M/H/C = level",
        );
    }
    l.y = top + height + 4.0;
}

/// The report as a PDF file.
pub fn render(report: &Report) -> Result<Vec<u8>, AppError> {
    let faces = FACES.as_ref().ok_or(AppError::Internal)?;
    let (Some(regular), Some(bold)) = (faces.0.reader(), faces.1.reader()) else {
        return Err(AppError::Internal);
    };
    let mut layout = Layout {
        regular,
        bold,
        faces,
        pages: Vec::new(),
        y: MARGIN,
    };
    lay_out(report, &mut layout);
    let total = layout.pages.len();
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} — readiness report", report.name))
            .creator("Preflight".to_owned())
            .language("en".to_owned()),
    );
    let pages = std::mem::take(&mut layout.pages);
    for (n, ops) in pages.into_iter().enumerate() {
        let Some(settings) = PageSettings::from_wh(PAGE_W, PAGE_H) else {
            return Err(AppError::Internal);
        };
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let footer = layout.printable(
            &format!(
                "{} · readiness report · page {} of {total}",
                report.name,
                n + 1
            ),
            false,
        );
        let footer_op = Op::Text {
            x: MARGIN,
            y: PAGE_H - MARGIN + 6.0,
            size: 7.0,
            bold: false,
            colour: MUTED,
            text: footer,
        };
        for op in ops.iter().chain(std::iter::once(&footer_op)) {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    colour,
                    text,
                } => {
                    surface.set_fill(Some(fill(*colour)));
                    let face = if *bold {
                        &layout.faces.1
                    } else {
                        &layout.faces.0
                    };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        face.font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect { x, y, w, h, colour } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| {
        tracing::error!(error = ?e, "PDF generation failed");
        AppError::Internal
    })
}

fn fill(c: Colour) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}
