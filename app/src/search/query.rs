//! What a search box's text means, parsed once into terms, then written as each backend's query
//! (an FTS5 `MATCH` expression, a PostgreSQL `tsquery`) and used again to highlight the matches.
//!
//! The rules: words separated by spaces must all appear, as whole words (no stemming, so
//! `deploy` does not find "deployment"); `word*` matches words starting with it (`deploy*` finds
//! "deployment"; two letters at least); `"quoted words"` must appear together in that order;
//! `-word` or `-"words"` must not appear. Letters and digits
//! make words; anything else separates them (so `ci.example.com` is the phrase "ci example com"),
//! as the indexes cut the text. Upper and lower case are the same.
//!
//! Parsing here (rather than handing PostgreSQL the text through `websearch_to_tsquery`) keeps
//! both backends to one grammar: FTS5 has its own, and `websearch_to_tsquery` has no prefix
//! matching. Prefixes are asked for, not implied: a prefix of a common word reads the lists of
//! every word it starts (`check*` took ten times `check` over a million items). The words reach the database as letters and digits only, so no text of the user's
//! is ever read as query syntax.

use crate::error::AppError;

/// The longest search text, in characters.
pub const MAX_CHARS: usize = 200;
/// The most terms (words and phrases, excluded ones included).
pub const MAX_TERMS: usize = 12;

/// One term: a word (matching as a prefix when `prefix`) or a phrase of several words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// Lower-case words, in order.
    pub words: Vec<String>,
    /// `word*` (two letters or more): matches words starting with it.
    pub prefix: bool,
}

/// A parsed search: terms that must appear and terms that must not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    /// All must appear.
    pub include: Vec<Term>,
    /// None may appear.
    pub exclude: Vec<Term>,
}

/// The words of `text`: runs of letters and digits, lower-cased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Parses the search box's text; a field error on `q` when it is too long, has too many terms
/// or nothing to look for.
pub fn parse(text: &str) -> Result<SearchQuery, AppError> {
    let text = text.trim();
    if text.chars().count() > MAX_CHARS {
        return Err(AppError::field(
            "q",
            format!("Search for at most {MAX_CHARS} characters."),
        ));
    }
    let mut query = SearchQuery {
        include: Vec::new(),
        exclude: Vec::new(),
    };
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let negated = rest.starts_with('-');
        let body = if negated { &rest[1..] } else { rest };
        let (chunk, quoted, after) = if let Some(inner) = body.strip_prefix('"') {
            let end = inner.find('"').unwrap_or(inner.len());
            (&inner[..end], true, &inner[(end + 1).min(inner.len())..])
        } else {
            let end = body.find(char::is_whitespace).unwrap_or(body.len());
            (&body[..end], false, &body[end..])
        };
        rest = after;
        let words = words(chunk);
        if words.is_empty() {
            continue;
        }
        let prefix =
            !quoted && chunk.ends_with('*') && words.len() == 1 && words[0].chars().count() > 1;
        let term = Term { words, prefix };
        let list = if negated {
            &mut query.exclude
        } else {
            &mut query.include
        };
        if !list.contains(&term) {
            list.push(term);
        }
    }
    if query.include.len() + query.exclude.len() > MAX_TERMS {
        return Err(AppError::field(
            "q",
            format!("Search for at most {MAX_TERMS} words or phrases."),
        ));
    }
    if query.include.is_empty() {
        return Err(AppError::field(
            "q",
            "Type a word to search for (letters or digits).",
        ));
    }
    Ok(query)
}

impl SearchQuery {
    /// The FTS5 `MATCH` expression: each word quoted (so none is read as an operator).
    pub fn fts5(&self) -> String {
        let term = |t: &Term| {
            format!(
                "\"{}\"{}",
                t.words.join(" "),
                if t.prefix { "*" } else { "" }
            )
        };
        let include: Vec<String> = self.include.iter().map(term).collect();
        let mut out = format!("({})", include.join(" AND "));
        for t in &self.exclude {
            out.push_str(" NOT ");
            out.push_str(&term(t));
        }
        out
    }

    /// The PostgreSQL `tsquery` text (for `to_tsquery('simple', …)`): each word a quoted lexeme.
    pub fn tsquery(&self) -> String {
        let term = |t: &Term| {
            let lexemes: Vec<String> = t
                .words
                .iter()
                .map(|w| format!("'{}'{}", w, if t.prefix { ":*" } else { "" }))
                .collect();
            format!("({})", lexemes.join(" <-> "))
        };
        self.include
            .iter()
            .map(term)
            .chain(self.exclude.iter().map(|t| format!("!{}", term(t))))
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// Whether `word` (lower case) is one the query looks for.
    pub fn matches_word(&self, word: &str) -> bool {
        self.include.iter().any(|t| {
            if t.prefix {
                word.starts_with(t.words[0].as_str())
            } else {
                t.words.iter().any(|w| w == word)
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn field(text: &str) -> String {
        parse(text)
            .unwrap_err()
            .field_message("q")
            .unwrap_or_default()
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = parse(r#"  Deploy* "rollback plan" -staging* -"load test" a* "#).unwrap();
        assert_eq!(
            q.include,
            vec![
                Term {
                    words: vec!["deploy".into()],
                    prefix: true
                },
                Term {
                    words: vec!["rollback".into(), "plan".into()],
                    prefix: false
                },
                Term {
                    words: vec!["a".into()],
                    prefix: false
                },
            ]
        );
        assert_eq!(q.exclude.len(), 2);
        assert_eq!(
            q.fts5(),
            r#"("deploy"* AND "rollback plan" AND "a") NOT "staging"* NOT "load test""#
        );
        assert_eq!(
            q.tsquery(),
            "('deploy':*) & ('rollback' <-> 'plan') & ('a') & !('staging':*) & !('load' <-> 'test')"
        );
    }

    #[test]
    fn a_bare_word_is_whole_a_starred_one_a_prefix() {
        assert!(!parse("deploy").unwrap().include[0].prefix);
        assert!(parse("deploy*").unwrap().include[0].prefix);
        assert!(
            !parse("d*").unwrap().include[0].prefix,
            "one letter: whole word"
        );
        assert!(!parse("\"deploy*\"").unwrap().include[0].prefix);
    }

    #[test]
    fn punctuation_separates_words_and_never_reaches_the_query() {
        let q = parse(r#"ci.example.com/runs O'Brien) AND (x* NEAR "unclosed"#).unwrap();
        assert_eq!(q.include[0].words, ["ci", "example", "com", "runs"]);
        assert_eq!(q.include[1].words, ["o", "brien"]);
        for s in [q.fts5(), q.tsquery()] {
            assert!(!s.contains("O'") && !s.contains("x*"), "{s}");
        }
        assert!(q.include.iter().any(|t| t.words == ["unclosed"]));
    }

    #[test]
    fn nothing_to_look_for_too_long_or_too_many_is_a_field_error() {
        assert!(field("").contains("Type a word"));
        assert!(field("🚀🚀 -- \"\" ").contains("Type a word"));
        assert!(field("-staging").contains("Type a word"));
        assert!(field(&"x".repeat(10_000)).contains("at most 200 characters"));
        assert!(field("a b c d e f g h i j k l m").contains("at most 12"));
        assert!(parse(&"é".repeat(200)).is_ok());
    }

    #[test]
    fn highlighting_follows_the_same_rules() {
        let q = parse(r#"deploy* "rollback plan" x* -staging"#).unwrap();
        assert!(q.matches_word("deployment"));
        assert!(q.matches_word("plan") && q.matches_word("x"));
        assert!(!q.matches_word("xy") && !q.matches_word("staging"));
    }
}
