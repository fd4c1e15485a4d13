//! Request validation: the rules every generated `validate()` applies, and the
//! one place where their messages are worded.

use std::fmt;

/// One rule a request broke: which parameter, the value it had and what the
/// spec allows.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Violation {
    /// The parameter's wire name, as the API documents it (`guidance_scale`).
    pub param: &'static str,
    /// Where inside the parameter, for lists and objects (`[2]`,
    /// `[0].role`); empty for the parameter itself.
    pub at: String,
    /// The rejected value, rendered as it would be sent.
    pub value: String,
    /// What the spec allows instead.
    pub rule: Rule,
}

/// What a parameter's value must satisfy.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// Inclusive bounds; either side may be open.
    Range {
        /// Smallest allowed value, if bounded below.
        min: Option<String>,
        /// Largest allowed value, if bounded above.
        max: Option<String>,
    },
    /// One of a fixed list of values.
    OneOf(Vec<String>),
    /// A finite number (not NaN or infinite, which JSON cannot carry).
    Finite,
    /// A non-empty value.
    NonEmpty,
    /// An input file (image, video, audio) in the form its input type
    /// ([`ImageInput`](crate::ImageInput), [`VideoInput`](crate::VideoInput), ...) says
    /// (`an http(s) URL`, `base64`, ...).
    Image(&'static str),
    /// A list's number of items, within inclusive bounds.
    Length {
        /// The fewest items, if bounded below.
        min: Option<usize>,
        /// The most items, if bounded above.
        max: Option<usize>,
    },
    /// Not sent together with another parameter, which was sent.
    Exclusive(&'static str),
    /// Sent only together with another parameter, which was not sent.
    Requires(&'static str),
    /// This parameter or one of the others must be sent; none was.
    AtLeastOne(&'static [&'static str]),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Range {
                min: Some(min),
                max: Some(max),
            } => write!(f, "between {min} and {max} inclusive"),
            Rule::Range {
                min: Some(min),
                max: None,
            } => write!(f, "at least {min}"),
            Rule::Range {
                min: None,
                max: Some(max),
            } => write!(f, "at most {max}"),
            Rule::Range {
                min: None,
                max: None,
            } => f.write_str("any value"),
            Rule::OneOf(allowed) => write!(f, "one of {}", allowed.join(", ")),
            Rule::Finite => f.write_str("a finite number"),
            Rule::NonEmpty => f.write_str("non-empty"),
            Rule::Image(form) => f.write_str(form),
            Rule::Length { min, max } => match (min, max) {
                (Some(min), Some(max)) => write!(f, "a list of {min} to {max} items"),
                (Some(min), None) => write!(f, "a list of at least {min} items"),
                (None, Some(max)) => write!(f, "a list of at most {max} items"),
                (None, None) => f.write_str("a list"),
            },
            Rule::Exclusive(other) => write!(f, "left out when `{other}` is sent"),
            Rule::Requires(other) => write!(f, "sent together with `{other}`"),
            Rule::AtLeastOne(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                write!(f, "sent (at least one of {} is needed)", names.join(", "))
            }
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}{}` is {}, but must be {}",
            self.param, self.at, self.value, self.rule
        )
    }
}

/// Every rule a request broke, in parameter order. Never empty.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ValidationErrors {
    /// The name of the endpoint whose request failed (`ssd-img2img`).
    pub endpoint: &'static str,
    /// The violations, at least one.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.violations.len();
        write!(
            f,
            "invalid `{}` request ({count} problem{}): ",
            self.endpoint,
            if count == 1 { "" } else { "s" }
        )?;
        for (index, violation) in self.violations.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects violations while a generated `validate()` walks its parameters.
///
/// Generated code calls one method per constrained parameter; keeping the
/// comparisons here means each rule is written (and tested) once.
#[derive(Debug)]
pub struct Checker {
    endpoint: &'static str,
    violations: Vec<Violation>,
    /// Where inside the current parameter the walk is (`[2].role`), and
    /// where each enclosing level started in it.
    at: String,
    levels: Vec<usize>,
}

impl Checker {
    /// Starts checking a request for `endpoint`.
    pub fn new(endpoint: &'static str) -> Self {
        Self {
            endpoint,
            violations: Vec::new(),
            at: String::new(),
            levels: Vec::new(),
        }
    }

    fn push(&mut self, param: &'static str, value: String, rule: Rule) {
        let at = self.at.clone();
        self.violations.push(Violation {
            param,
            at,
            value,
            rule,
        });
    }

    /// Descends into a list item (`[2]`) or an object's field (`.role`).
    pub fn enter(&mut self, step: fmt::Arguments<'_>) {
        use fmt::Write as _;
        self.levels.push(self.at.len());
        // Writing to a `String` cannot fail.
        let _ = self.at.write_fmt(step);
    }

    /// Comes back up from the last [`enter`](Self::enter).
    pub fn leave(&mut self) {
        if let Some(len) = self.levels.pop() {
            self.at.truncate(len);
        }
    }

    /// Checks a list's number of items.
    pub fn list_length(
        &mut self,
        param: &'static str,
        len: usize,
        min: Option<usize>,
        max: Option<usize>,
    ) {
        if min.is_some_and(|min| len < min) || max.is_some_and(|max| len > max) {
            let items = if len == 1 { "item" } else { "items" };
            self.push(param, format!("{len} {items}"), Rule::Length { min, max });
        }
    }

    /// Checks a rule between parameters against the names of those sent.
    pub fn constraint(&mut self, constraint: crate::Constraint, sent: &[&str]) {
        use crate::Constraint;
        let is_sent = |name: &str| sent.contains(&name);
        match constraint {
            Constraint::Exclusive(names) => {
                let mut present = names.iter().copied().filter(|name| is_sent(name));
                if let Some(first) = present.next() {
                    for other in present {
                        self.push(other, "sent".to_owned(), Rule::Exclusive(first));
                    }
                }
            }
            Constraint::Requires(param, needed) => {
                if is_sent(param) && !is_sent(needed) {
                    self.push(param, "sent".to_owned(), Rule::Requires(needed));
                }
            }
            Constraint::AtLeastOne(names) => {
                if let Some(first) = names.first().filter(|_| !names.iter().any(|n| is_sent(n))) {
                    self.push(first, "missing".to_owned(), Rule::AtLeastOne(names));
                }
            }
        }
    }

    /// Checks an integer against inclusive bounds.
    pub fn int_range(
        &mut self,
        param: &'static str,
        value: i64,
        min: Option<i64>,
        max: Option<i64>,
    ) {
        let below = min.is_some_and(|min| value < min);
        let above = max.is_some_and(|max| value > max);
        if below || above {
            let rule = Rule::Range {
                min: min.map(|m| m.to_string()),
                max: max.map(|m| m.to_string()),
            };
            self.push(param, value.to_string(), rule);
        }
    }

    /// Checks a number against inclusive bounds; NaN and infinities never pass.
    pub fn number_range(
        &mut self,
        param: &'static str,
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) {
        if !value.is_finite() {
            self.push(param, value.to_string(), Rule::Finite);
            return;
        }
        let below = min.is_some_and(|min| value < min);
        let above = max.is_some_and(|max| value > max);
        if below || above {
            let rule = Rule::Range {
                min: min.map(|m| m.to_string()),
                max: max.map(|m| m.to_string()),
            };
            self.push(param, value.to_string(), rule);
        }
    }

    /// Checks a number that has no bounds: it must still be finite to be sent.
    pub fn finite(&mut self, param: &'static str, value: f64) {
        self.number_range(param, value, None, None);
    }

    /// Checks an integer against a list of allowed values.
    pub fn int_one_of(&mut self, param: &'static str, value: i64, allowed: &[i64]) {
        if !allowed.contains(&value) {
            let allowed = allowed.iter().map(ToString::to_string).collect();
            self.push(param, value.to_string(), Rule::OneOf(allowed));
        }
    }

    /// Checks a number against a list of allowed values.
    pub fn number_one_of(&mut self, param: &'static str, value: f64, allowed: &[f64]) {
        if !allowed.contains(&value) {
            let allowed = allowed.iter().map(ToString::to_string).collect();
            self.push(param, value.to_string(), Rule::OneOf(allowed));
        }
    }

    /// Checks that an input (an image, say) is not empty.
    pub fn non_empty(&mut self, param: &'static str, value: &str) {
        if value.is_empty() {
            self.push(param, "empty".to_owned(), Rule::NonEmpty);
        }
    }

    /// Checks an input file: present, and in the form it was made as.
    pub fn media(&mut self, param: &'static str, image: &crate::Media) {
        if image.is_empty() {
            return self.push(param, "empty".to_owned(), Rule::NonEmpty);
        }
        if let Some(form) = image.problem() {
            // The start only: base64 can be megabytes.
            let text = image.as_str();
            let shown = match text.char_indices().nth(40) {
                Some((cut, _)) => format!("{:?}...", &text[..cut]),
                None => format!("{text:?}"),
            };
            self.push(param, shown, Rule::Image(form));
        }
    }

    /// Ends the walk: `Ok` when nothing was violated.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors {
                endpoint: self.endpoint,
                violations: self.violations,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(f: impl FnOnce(&mut Checker)) -> Vec<String> {
        let mut checker = Checker::new("test");
        f(&mut checker);
        match checker.finish() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.violations.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn integer_bounds_are_inclusive() {
        assert!(violations(|c| c.int_range("samples", 1, Some(1), Some(4))).is_empty());
        assert!(violations(|c| c.int_range("samples", 4, Some(1), Some(4))).is_empty());
        assert_eq!(
            violations(|c| c.int_range("samples", 5, Some(1), Some(4))),
            ["`samples` is 5, but must be between 1 and 4 inclusive"]
        );
        assert_eq!(
            violations(|c| c.int_range("samples", 0, Some(1), None)),
            ["`samples` is 0, but must be at least 1"]
        );
    }

    #[test]
    fn numbers_must_be_finite() {
        assert_eq!(
            violations(|c| c.finite("scale", f64::NAN)),
            ["`scale` is NaN, but must be a finite number"]
        );
        assert_eq!(
            violations(|c| c.number_range("scale", f64::INFINITY, Some(0.0), Some(1.0))),
            ["`scale` is inf, but must be a finite number"]
        );
    }

    #[test]
    fn all_violations_are_reported_together() {
        let mut checker = Checker::new("ssd-1b");
        checker.int_one_of("img_width", 640, &[512, 768]);
        checker.number_range("strength", 1.5, Some(0.1), Some(1.0));
        let message = checker.finish().unwrap_err().to_string();
        assert_eq!(
            message,
            "invalid `ssd-1b` request (2 problems): `img_width` is 640, but must be one of 512, 768; \
             `strength` is 1.5, but must be between 0.1 and 1 inclusive"
        );
    }

    #[test]
    fn list_lengths_are_inclusive_and_named() {
        assert!(violations(|c| c.list_length("refs", 3, Some(1), Some(3))).is_empty());
        assert_eq!(
            violations(|c| c.list_length("refs", 4, Some(1), Some(3))),
            ["`refs` is 4 items, but must be a list of 1 to 3 items"]
        );
        assert_eq!(
            violations(|c| c.list_length("refs", 0, Some(1), None)),
            ["`refs` is 0 items, but must be a list of at least 1 items"]
        );
    }

    #[test]
    fn rules_between_parameters_name_both() {
        use crate::Constraint;
        let exclusive = Constraint::Exclusive(&["image_url", "first_frame_url"]);
        assert_eq!(
            violations(|c| c.constraint(exclusive, &["image_url", "first_frame_url"])),
            ["`first_frame_url` is sent, but must be left out when `image_url` is sent"]
        );
        assert!(violations(|c| c.constraint(exclusive, &["image_url"])).is_empty());
        let requires = Constraint::Requires("last_frame_url", "first_frame_url");
        assert_eq!(
            violations(|c| c.constraint(requires, &["last_frame_url"])),
            ["`last_frame_url` is sent, but must be sent together with `first_frame_url`"]
        );
        let one = Constraint::AtLeastOne(&["image_url", "first_frame_url"]);
        assert_eq!(
            violations(|c| c.constraint(one, &["prompt"])),
            ["`image_url` is missing, but must be sent (at least one of `image_url`, `first_frame_url` is needed)"]
        );
        assert!(violations(|c| c.constraint(one, &["first_frame_url"])).is_empty());
    }

    #[test]
    fn nested_places_are_shown_after_the_parameter() {
        let found = violations(|c| {
            c.enter(format_args!("[2]"));
            c.enter(format_args!(".weight"));
            c.number_range("palette", 2.0, Some(0.0), Some(1.0));
            c.leave();
            c.leave();
            c.number_range("scale", 2.0, Some(0.0), Some(1.0));
        });
        assert_eq!(
            found,
            [
                "`palette[2].weight` is 2, but must be between 0 and 1 inclusive",
                "`scale` is 2, but must be between 0 and 1 inclusive"
            ]
        );
    }
}
