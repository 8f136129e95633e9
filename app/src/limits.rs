//! Limits on text that several features share (one number, stated once).

/// Longest item title.
pub const MAX_TITLE: usize = 200;
/// Longest description or comment (characters).
pub const MAX_TEXT: usize = 20_000;
