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

/// Re-reads one run of characters that a code page could have produced from UTF-8 bytes.
/// Returns the repaired run and how many multi-byte characters it recovered.
fn repair_run(run: &[char], table: &HashMap<char, u8>) -> (String, usize) {
    let mut out = String::new();
    let mut recovered = 0;
    let mut start = 0;
    while start < run.len() {
        // The longest stretch whose characters all map to bytes.
        let Some(&b0) = table.get(&run[start]) else {
            out.push(run[start]);
            start += 1;
            continue;
        };
        let mut bytes = vec![b0];
        let mut end = start + 1;
        while let Some(&b) = run.get(end).and_then(|c| table.get(c)) {
            bytes.push(b);
            end += 1;
        }
        // Valid UTF-8 pieces become their characters; the rest stays as written. Each
        // character stands for exactly one byte, so byte offsets are character offsets.
        let mut at = start;
        for chunk in bytes.utf8_chunks() {
            let valid = chunk.valid();
            if !valid.is_empty() {
                out.push_str(valid);
                recovered += valid.chars().count();
                at += valid.len();
            }
            let invalid = chunk.invalid().len();
            out.extend(&run[at..at + invalid]);
            at += invalid;
        }
        start = end;
    }
    (out, recovered)
}

/// Repairs mojibake from Windows-1252 or Mac Roman, whichever explains the text better.
/// Returns the text, how many characters were recovered, and from which code page.
pub fn repair_mojibake(text: &str) -> (String, usize, Option<&'static str>) {
    if text.is_ascii() {
        return (text.to_owned(), 0, None);
    }
    let attempt = |table: &HashMap<char, u8>| {
        let mut out = String::with_capacity(text.len());
        let mut recovered = 0;
        let mut run: Vec<char> = Vec::new();
        let mut flush = |run: &mut Vec<char>, out: &mut String| {
            if !run.is_empty() {
                let (fixed, n) = repair_run(run, table);
                out.push_str(&fixed);
                recovered += n;
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
        (out, recovered)
    };
    let (cp, cp_n) = attempt(&CP1252);
    let (mac, mac_n) = attempt(&MAC_ROMAN);
    match (cp_n, mac_n) {
        (0, 0) => (text.to_owned(), 0, None),
        (c, m) if c >= m => (cp, c, Some("Windows-1252")),
        (_, m) => (mac, m, Some("Mac Roman")),
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
