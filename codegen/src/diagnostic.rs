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

/// Words spec authors reach for that the format spells differently; a
/// synonym is only suggested where its target is among the known words.
const SYNONYMS: &[(&str, &str)] = &[
    ("minimum", "min"),
    ("maximum", "max"),
    ("options", "values"),
    ("choices", "values"),
    ("enum_values", "values"),
    ("optional", "required"),
    ("examples", "example"),
    ("desc", "description"),
    ("summary", "description"),
    ("int", "integer"),
    ("float", "number"),
    ("double", "number"),
    ("decimal", "number"),
    ("bool", "boolean"),
    ("str", "string"),
    ("text", "string"),
    ("url", "image"),
    ("file", "image"),
    ("choice", "enum"),
    ("select", "enum"),
];

/// Lower case with only letters and digits: `Euler_A` and `euler a` agree.
fn normalized(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The known word `found` most likely means, if any: one that differs only
/// in case, spaces or punctuation, a common synonym, or a close spelling.
pub fn closest<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let known: Vec<&'a str> = known.into_iter().collect();
    let key = normalized(found);
    if let Some(same) = known
        .iter()
        .find(|k| !key.is_empty() && normalized(k) == key)
    {
        return Some(same);
    }
    let synonym = SYNONYMS.iter().find(|(from, _)| *from == key);
    if let Some(target) = synonym.and_then(|(_, to)| known.iter().find(|k| *k == to)) {
        return Some(target);
    }
    known
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(found, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn near_misses() {
        let keys = ["default", "min", "max", "values", "required"];
        assert_eq!(closest("defualt", keys), Some("default"));
        assert_eq!(closest("minimum", keys), Some("min"));
        assert_eq!(closest("choices", keys), Some("values"));
        assert_eq!(closest("optional", keys), Some("required"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("int", ["string", "integer"]), Some("integer"));
        // A synonym whose target is not allowed here is not suggested.
        assert_eq!(closest("int", ["string"]), None);
        let schedulers = ["Euler a", "Euler", "DPM2 a Karras"];
        assert_eq!(closest("EULER A", schedulers), Some("Euler a"));
        assert_eq!(closest("dpm2_a_karras", schedulers), Some("DPM2 a Karras"));
        assert_eq!(closest("", schedulers), None);
    }
}
