//! Problems found in the specs, reported all at once and in a stable order.

use std::fmt;

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file as the maintainer knows it (`spec/ssd-canny.yaml`).
    pub file: String,
    /// Line and column (1-based) when they are known.
    pub location: Option<(usize, usize)>,
    /// Where in the document: `params.controlnet_scale.default`; empty for
    /// the whole file.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// A suggestion, such as the known key closest to a misspelt one.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at `path` in `file`.
    pub fn new(file: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            location: None,
            path: path.into(),
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint shown after the message.
    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, sorted by file, position and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts and removes exact repeats so output does not depend on the
    /// order in which checks ran.
    pub fn sorted(mut list: Vec<Diagnostic>) -> Self {
        list.sort();
        list.dedup();
        Self(list)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "error: {diagnostic}")?;
        }
        let count = self.0.len();
        write!(
            f,
            "{count} problem{} found in the specs",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// The known word closest to `found`, if it is close enough to be a typo.
pub fn closest<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(found, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min()
        .map(|(_, candidate)| candidate)
}
