//! The tier rules, pure: reading the sections a tier names and whether a category is in them.

/// The most sections a tier names.
pub const MAX_SECTIONS: usize = 50;

/// The sections written one per line (or separated by commas), trimmed, without repeats
/// (case-insensitive), in order. `Err` says what is wrong.
pub fn parse_sections(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for s in text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if s.chars().count() > 120 {
            return Err("Section names are at most 120 characters.".into());
        }
        if !out.iter().any(|o| o.to_lowercase() == s.to_lowercase()) {
            out.push(s.to_owned());
        }
    }
    if out.len() > MAX_SECTIONS {
        return Err(format!("A tier names at most {MAX_SECTIONS} sections."));
    }
    Ok(out)
}

/// Whether category `name` is one of `sections` (case-insensitive); every category is when the
/// tier names none.
pub fn in_tier(sections: &[String], name: &str) -> bool {
    sections.is_empty()
        || sections
            .iter()
            .any(|s| s.to_lowercase() == name.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_read_once_each_in_order() {
        assert_eq!(
            parse_sections("Security\n reliability, security\n\nObservability"),
            Ok(vec![
                "Security".to_owned(),
                "reliability".to_owned(),
                "Observability".to_owned()
            ])
        );
        assert_eq!(parse_sections("a\n"), Ok(vec!["a".to_owned()]));
        let many: String = (0..51).map(|n| format!("S{n}\n")).collect();
        assert!(parse_sections(&many).is_err());
    }

    #[test]
    fn a_tier_without_sections_takes_every_category() {
        let s = vec!["Security".to_owned()];
        assert!(in_tier(&s, "security "));
        assert!(!in_tier(&s, "Observability"));
        assert!(in_tier(&[], "Observability"));
    }
}
