//! Uploaded bytes to clean text.
//!
//! Readiness documents travel through editors, wikis and chat tools, and often arrive as
//! mojibake: UTF-8 bytes that were decoded as Windows-1252 ("âœ…" for ✅) or as Mac Roman
//! ("‚úÖ"). [`repair_mojibake`] turns such runs back into the real characters and leaves text
//! that is already clean alone.

use std::{collections::HashMap, sync::LazyLock};

use encoding_rs::{Encoding, MACINTOSH, WINDOWS_1252};

/// What [`decode`] had to do to the input, for the importer's warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with `\n` line endings.
    pub text: String,
    /// The bytes were not UTF-8 and were read as Windows-1252.
    pub not_utf8: bool,
    /// Characters repaired from mojibake.
    pub repaired: usize,
    /// The code page the mojibake came from.
    pub repaired_from: Option<&'static str>,
}

/// Decodes an uploaded document: drops a byte-order mark, reads non-UTF-8 bytes as
/// Windows-1252 (a superset of Latin-1), normalises line endings, drops NUL bytes and repairs
/// mojibake.
pub fn decode(bytes: &[u8]) -> Decoded {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (raw, not_utf8) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => {
            let (s, _, _) = WINDOWS_1252.decode(bytes);
            (s.into_owned(), true)
        }
    };
    let text: String = raw
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "");
    let (text, repaired, repaired_from) = repair_mojibake(&text);
    Decoded {
        text,
        not_utf8,
        repaired,
        repaired_from,
    }
}

/// Byte of each non-ASCII character a single-byte code page decodes to.
fn reverse_table(encoding: &'static Encoding) -> HashMap<char, u8> {
    (0x80u8..=0xFF)
        .filter_map(|b| {
            let byte = [b];
            let (s, had_errors) = encoding.decode_without_bom_handling(&byte);
            let mut chars = s.chars();
            match (chars.next(), chars.next(), had_errors) {
                (Some(c), None, false) => Some((c, b)),
                _ => None,
            }
        })
        .collect()
}

static CP1252: LazyLock<HashMap<char, u8>> = LazyLock::new(|| reverse_table(WINDOWS_1252));
static MAC_ROMAN: LazyLock<HashMap<char, u8>> = LazyLock::new(|| reverse_table(MACINTOSH));

/// What one code page's mojibake looks like: the byte each character stands for, the bytes a
/// saved text usually lost (they have no character there), and whether a lost byte is a
/// continuation byte (Windows-1252: 0x81, 0x8D, 0x8F, 0x90, 0x9D) or a lead byte (Mac Roman:
/// 0xF0 is the Apple logo, a private-use character most tools drop).
struct CodePage {
    name: &'static str,
    bytes: &'static LazyLock<HashMap<char, u8>>,
    lost: &'static [u8],
    lost_lead: bool,
}

static CODE_PAGES: [CodePage; 2] = [
    CodePage {
        name: "Windows-1252",
        bytes: &CP1252,
        lost: &[0x81, 0x8D, 0x8F, 0x90, 0x9D],
        lost_lead: false,
    },
    CodePage {
        name: "Mac Roman",
        bytes: &MAC_ROMAN,
        lost: &[0xF0],
        lost_lead: true,
    },
];

/// Symbols readiness documents use, preferred when a lost byte could be filled in more than
/// one way.
const KNOWN: [char; 24] = [
    '✅', '❌', '⚠', '\u{FE0F}', '🔴', '🟠', '🟡', '🟢', '🚀', '🎯', '📊', '📋', '🏆', '✓', '✗',
    '→', '•', '–', '—', '“', '”', '‘', '’', '…',
];

/// Whether a character filled in from a guessed byte is plausible: a symbol or pictograph (a
/// letter would be a guess too far).
fn plausible(c: char) -> bool {
    KNOWN.contains(&c) || matches!(c as u32, 0x2000..=0x2BFF | 0x1F000..=0x1FAFF | 0xFE0F)
}

/// Length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte).
fn sequence_len(b: u8) -> usize {
    match b {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

fn is_continuation(b: u8) -> bool {
    (0x80..=0xBF).contains(&b)
}

/// The one character `bytes` decode to, if they are exactly one valid UTF-8 character.
fn one_char(bytes: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(bytes).ok()?;
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// The character a damaged sequence most likely was, with one lost byte put back: `seq` is a
/// lead byte short of one continuation byte (Windows-1252), or continuation bytes whose lead
/// was lost (Mac Roman).
fn fill_lost_byte(seq: &[u8], page: &CodePage) -> Option<char> {
    let mut candidates = Vec::new();
    for &lost in page.lost {
        if page.lost_lead {
            let mut b = vec![lost];
            b.extend_from_slice(seq);
            candidates.extend(one_char(&b));
        } else {
            for at in 1..=seq.len() {
                let mut b = seq.to_vec();
                b.insert(at, lost);
                candidates.extend(one_char(&b));
            }
        }
    }
    candidates
        .iter()
        .copied()
        .find(|c| KNOWN.contains(c))
        .or_else(|| candidates.into_iter().find(|c| plausible(*c)))
}

/// What re-reading one run gave: the text, the characters recovered and the bytes they took
/// (how well the code page explains the run).
struct Repaired {
    text: String,
    recovered: usize,
    bytes: usize,
}

/// Re-reads one run of characters that a code page could have produced from UTF-8 bytes:
/// whole UTF-8 characters come back; a character that lost a byte on the way comes back when
/// the byte can be put back, else the damaged sequence is dropped (mojibake is never kept);
/// characters that are no part of a sequence stay as written.
fn repair_run(run: &[char], page: &CodePage) -> Repaired {
    let table = &**page.bytes;
    let mut out = Repaired {
        text: String::new(),
        recovered: 0,
        bytes: 0,
    };
    let mut i = 0;
    while i < run.len() {
        // The stretch from here whose characters all map to bytes.
        let mut bytes = Vec::new();
        let mut end = i;
        while let Some(&b) = run.get(end).and_then(|c| table.get(c)) {
            bytes.push(b);
            end += 1;
        }
        if bytes.is_empty() {
            out.text.push(run[i]);
            i += 1;
            continue;
        }
        // Each character stands for exactly one byte: byte offsets are character offsets.
        let mut at = 0;
        while at < bytes.len() {
            let n = sequence_len(bytes[at]);
            if n > 0
                && let Some(c) = bytes.get(at..at + n).and_then(one_char)
            {
                out.text.push(c);
                out.recovered += 1;
                out.bytes += n;
                at += n;
                continue;
            }
            // A lead byte followed by fewer continuation bytes than it needs.
            let tail = bytes[at + 1..]
                .iter()
                .take(n.saturating_sub(1))
                .take_while(|b| is_continuation(**b))
                .count();
            if n > 0 && tail >= 1 {
                let seq = &bytes[at..=at + tail];
                if let Some(c) = (tail + 2 == n).then(|| fill_lost_byte(seq, page)).flatten() {
                    out.text.push(c);
                    out.recovered += 1;
                    out.bytes += n;
                }
                at += tail + 1;
                continue;
            }
            // Continuation bytes with no lead: a lost lead byte (Mac Roman), or debris.
            let orphans = bytes[at..]
                .iter()
                .take_while(|b| is_continuation(**b))
                .count();
            if orphans >= 2 && page.lost_lead {
                let take = orphans.min(3);
                if let Some(c) = fill_lost_byte(&bytes[at..at + take], page) {
                    out.text.push(c);
                    out.recovered += 1;
                    out.bytes += take + 1;
                    at += take;
                    continue;
                }
            }
            out.text.push(run[i + at]);
            at += 1;
        }
        i = end;
    }
    out
}

/// Repairs mojibake from Windows-1252 or Mac Roman, whichever explains the text better.
/// Returns the text, how many characters were recovered, and from which code page. A damaged
/// sequence (a lead byte short of its continuation bytes) that no lost byte completes is
/// dropped: mojibake is never kept.
pub fn repair_mojibake(text: &str) -> (String, usize, Option<&'static str>) {
    if text.is_ascii() {
        return (text.to_owned(), 0, None);
    }
    let attempt = |page: &CodePage| {
        let mut out = String::with_capacity(text.len());
        let (mut recovered, mut bytes) = (0, 0);
        let mut run: Vec<char> = Vec::new();
        let mut flush = |run: &mut Vec<char>, out: &mut String| {
            if !run.is_empty() {
                let r = repair_run(run, page);
                out.push_str(&r.text);
                recovered += r.recovered;
                bytes += r.bytes;
                run.clear();
            }
        };
        for c in text.chars() {
            if c.is_ascii() {
                flush(&mut run, &mut out);
                out.push(c);
            } else {
                run.push(c);
            }
        }
        flush(&mut run, &mut out);
        (out, recovered, bytes)
    };
    // The code page whose reading turns more of the text's bytes into whole characters.
    let [cp, mac] = &CODE_PAGES;
    let (cp_text, cp_n, cp_bytes) = attempt(cp);
    let (mac_text, mac_n, mac_bytes) = attempt(mac);
    match (cp_bytes, mac_bytes) {
        (0, 0) => (text.to_owned(), 0, None),
        (c, m) if c >= m => (cp_text, cp_n, Some(cp.name)),
        _ => (mac_text, mac_n, Some(mac.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a tool that read UTF-8 bytes as `encoding` would show.
    fn garble(text: &str, encoding: &'static Encoding) -> String {
        encoding
            .decode_without_bom_handling(text.as_bytes())
            .0
            .into_owned()
    }

    const CLEAN: &str = "Status: ✅ done — ⚠️ REQUIRES ATTENTION 🚀 café, naïve, 50 °C, “quoted”";

    #[test]
    fn windows_1252_mojibake_is_repaired() {
        let bad = garble(CLEAN, WINDOWS_1252);
        assert!(bad.contains("âœ…"), "{bad}");
        let (fixed, n, from) = repair_mojibake(&bad);
        assert_eq!(fixed, CLEAN);
        assert!(n > 5);
        assert_eq!(from, Some("Windows-1252"));
    }

    #[test]
    fn mac_roman_mojibake_is_repaired() {
        let bad = garble(CLEAN, MACINTOSH);
        assert!(bad.contains("‚úÖ"), "{bad}");
        let (fixed, _, from) = repair_mojibake(&bad);
        assert_eq!(fixed, CLEAN);
        assert_eq!(from, Some("Mac Roman"));
        // As in the fixtures.
        assert_eq!(repair_mojibake("‚ö†Ô∏è REQUIRES").0, "⚠️ REQUIRES");
        assert_eq!(
            repair_mojibake("\u{F8FF}üî¥ Test coverage").0,
            "🔴 Test coverage"
        );
    }

    #[test]
    fn clean_text_is_left_alone() {
        for text in [
            CLEAN,
            "Müller & Søn — Straße, 10 €, ½ done, ©2026",
            "日本語のテキスト",
            "plain ascii",
            "",
        ] {
            assert_eq!(repair_mojibake(text), (text.to_owned(), 0, None), "{text}");
        }
    }

    #[test]
    fn decoding_handles_boms_line_endings_and_latin_1() {
        let d = decode(b"\xEF\xBB\xBF# Title\r\n- [x] done\r\n");
        assert_eq!(d.text, "# Title\n- [x] done\n");
        assert!(!d.not_utf8);
        let latin1 = decode(b"# Caf\xE9 readiness\n");
        assert_eq!(latin1.text, "# Café readiness\n");
        assert!(latin1.not_utf8);
        let mixed = decode("ok âœ… and clean ✅".as_bytes());
        assert_eq!(mixed.text, "ok ✅ and clean ✅");
        assert_eq!(mixed.repaired_from, Some("Windows-1252"));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // Every byte value, in runs of every length up to 4, in both orders.
        let mut bytes = Vec::new();
        for b in 0u8..=255 {
            for n in 1..=4 {
                bytes.extend(std::iter::repeat_n(b, n));
                bytes.push(b'\n');
            }
        }
        let _ = decode(&bytes);
        bytes.reverse();
        let _ = decode(&bytes);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::decode;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/readiness/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_fixtures_come_back_as_real_characters() {
        for (name, expect) in [
            ("001_a3c27dc2480edb7a.txt", ["✅", "🔴", "⚠️"]),
            ("002_21aca61c4e78909a.txt", ["✅", "❌", "⚠️"]),
        ] {
            let d = decode(&fixture(name));
            assert_eq!(d.repaired_from, Some("Mac Roman"), "{name}");
            for e in expect {
                assert!(d.text.contains(e), "{name}: no {e}");
            }
            for garbled in ["‚úÖ", "‚ö†", "üî¥", "\u{F8FF}"] {
                assert!(!d.text.contains(garbled), "{name}: {garbled} left");
            }
        }
    }
}
