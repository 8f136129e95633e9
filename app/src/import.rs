//! Importing readiness documents. This first part turns uploaded bytes into clean text:
//! byte-order marks, line endings, non-UTF-8 files and mojibake.

pub mod text;
