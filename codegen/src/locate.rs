//! Where things are in a spec's text.
//!
//! serde_yaml's values carry no positions, so a file that has problems is
//! read a second time as a stream of parser events, each with its line and
//! column, and every path a diagnostic can name (`params.steps.default`,
//! `params.mode.values[1]`) is mapped to where it starts. A mapping entry is
//! located at its key, a list item at the item.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

use crate::spec::join;

/// Line and column (both 1-based) of every path in one YAML document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Positions {
    first: HashMap<String, (usize, usize)>,
    /// Keys that repeat one earlier in the same mapping, in document order.
    repeated: Vec<(String, (usize, usize))>,
    /// Every key of each mapping that has a path, in document order, as
    /// written (`None` for a key that is not a scalar). A key that is not a
    /// string (`123:`) names no path, but has a place in its mapping.
    keys: HashMap<String, Vec<WrittenKey>>,
}

/// A mapping key as written (`None` when it is not a scalar) and where it is.
type WrittenKey = (Option<String>, (usize, usize));

/// A mapping or list being walked. `path` is `None` inside a node that no
/// diagnostic can name, such as a mapping used as a key.
enum Frame {
    Mapping {
        path: Option<String>,
        /// The key whose value comes next, or `None` when a key comes next.
        key: Option<Option<String>>,
        /// A block mapping's start event is marked after its first key, so a
        /// mapping not located at a key of its own (the document, a list
        /// item) is moved back to its first key when that comes earlier.
        settle: Option<String>,
    },
    Sequence {
        path: Option<String>,
        next: usize,
    },
}

impl Positions {
    /// Indexes the first document of `text`. Text the event parser rejects
    /// is indexed up to the error, so a position is found where it can be.
    pub fn index(text: &str) -> Self {
        let mut positions = HashMap::new();
        let mut repeated = Vec::new();
        let mut keys: HashMap<String, Vec<_>> = HashMap::new();
        let mut parser = Parser::new_from_str(text);
        // An explicit stack rather than recursion: nesting depth is up to the
        // input, and deep input must not overflow the stack.
        let mut stack: Vec<Frame> = Vec::new();
        let mut started = false;
        while let Ok((event, marker)) = parser.next_token() {
            let here = (marker.line(), marker.col() + 1);
            let (opens, is_node) = match &event {
                Event::StreamEnd | Event::DocumentEnd => break,
                Event::SequenceStart(..) | Event::MappingStart(..) => (true, true),
                Event::Scalar(..) | Event::Alias(..) => (false, true),
                Event::SequenceEnd | Event::MappingEnd => {
                    stack.pop();
                    if stack.is_empty() {
                        break;
                    }
                    (false, false)
                }
                Event::Nothing | Event::StreamStart | Event::DocumentStart => (false, false),
            };
            if !is_node {
                continue;
            }
            // The path of this node, recording it (first occurrence wins).
            let path = match stack.last_mut() {
                None if started => break,
                None => {
                    started = true;
                    Some(String::new())
                }
                Some(Frame::Sequence { path, next }) => {
                    let item = path.as_ref().map(|p| format!("{p}[{next}]"));
                    *next += 1;
                    item
                }
                Some(Frame::Mapping { path, key, settle }) => match key.take() {
                    // This node is a key: only a scalar key names a path.
                    None => {
                        let name = match &event {
                            Event::Scalar(text, ..) => Some(text.clone()),
                            _ => None,
                        };
                        if let Some(parent) = path {
                            keys.entry(parent.clone())
                                .or_default()
                                .push((name.clone(), here));
                        }
                        let entry = path.as_ref().zip(name.as_ref()).map(|(p, n)| join(p, n));
                        if let Some(entry) = &entry {
                            if positions.contains_key(entry) {
                                repeated.push((entry.clone(), here));
                            } else {
                                positions.insert(entry.clone(), here);
                            }
                        }
                        *key = Some(entry);
                        if let Some(start) = settle.take().and_then(|p| positions.get_mut(&p)) {
                            *start = here.min(*start);
                        }
                        // A key that is itself a mapping or list names nothing.
                        if opens {
                            stack.push(Frame::Mapping {
                                path: None,
                                key: None,
                                settle: None,
                            });
                        }
                        continue;
                    }
                    // This node is the value of the key before it, which was
                    // already located at the key.
                    Some(entry) => entry,
                },
            };
            if let Some(path) = &path {
                positions.entry(path.clone()).or_insert(here);
            }
            if opens {
                stack.push(match event {
                    Event::SequenceStart(..) => Frame::Sequence { path, next: 0 },
                    _ => Frame::Mapping {
                        settle: path.clone(),
                        path,
                        key: None,
                    },
                });
            } else if stack.is_empty() {
                break;
            }
        }
        Self {
            first: positions,
            repeated,
            keys,
        }
    }

    /// The `index`-th key (0-based) of the mapping at `path`, as written,
    /// and where it is.
    pub fn nth_key(&self, path: &str, index: usize) -> Option<(Option<&str>, (usize, usize))> {
        let (name, at) = self.keys.get(path)?.get(index)?;
        Some((name.as_deref(), *at))
    }

    /// The first key that repeats an earlier one of its mapping, and where
    /// the repeat is: serde_yaml rejects such a file but points at the
    /// mapping, not at the key.
    pub fn first_repeated_key(&self) -> Option<(&str, (usize, usize))> {
        self.repeated.first().map(|(path, at)| (path.as_str(), *at))
    }

    /// The position of `path`, or else of its nearest parent that has one
    /// (a missing key is reported where its mapping is).
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        let mut path = path;
        loop {
            if let Some(position) = self.first.get(path) {
                return Some(*position);
            }
            if path.is_empty() {
                return None;
            }
            // Drop the last `.key` or `[index]`.
            path = &path[..path.rfind(['.', '[']).unwrap_or(0)];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Positions;

    const TEXT: &str = "\
# comment
slug: demo
params:
  steps:
    type: integer
    values: [a, 'b']
  list:
    - one
    - {x: 1}
    - y: 2
      z: 3
  img.width:
    type: integer
? [complex]
: ignored
";

    #[test]
    fn keys_items_and_parents() {
        let positions = Positions::index(TEXT);
        assert_eq!(positions.find(""), Some((2, 1)));
        assert_eq!(positions.find("slug"), Some((2, 1)));
        assert_eq!(positions.find("params.steps"), Some((4, 3)));
        assert_eq!(positions.find("params.steps.type"), Some((5, 5)));
        assert_eq!(positions.find("params.steps.values[1]"), Some((6, 17)));
        assert_eq!(positions.find("params.list[1]"), Some((9, 7)));
        assert_eq!(positions.find("params.list[1].x"), Some((9, 8)));
        assert_eq!(positions.find("params.list[2]"), Some((10, 7)));
        assert_eq!(positions.find("params.list[2].z"), Some((11, 7)));
        assert_eq!(positions.find("params.img.width.type"), Some((13, 5)));
        // Missing paths fall back to the nearest parent that exists.
        assert_eq!(positions.find("params.steps.default"), Some((4, 3)));
        assert_eq!(positions.find("params.steps.values[7]"), Some((6, 5)));
        assert_eq!(positions.find("title"), Some((2, 1)));
        assert_eq!(positions.first_repeated_key(), None);
        assert_eq!(positions.nth_key("params", 1), Some((Some("list"), (7, 3))));
        assert_eq!(positions.nth_key("", 2).map(|(name, _)| name), Some(None));
        assert_eq!(positions.nth_key("params", 3), None);
        let positions = Positions::index("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
        assert_eq!(positions.first_repeated_key(), Some(("b.c", (4, 3))));
    }

    #[test]
    fn broken_or_empty_text_finds_what_it_can() {
        assert_eq!(Positions::index("").find("slug"), None);
        let positions = Positions::index("slug: demo\nparams: [unclosed\n");
        assert_eq!(positions.find("slug"), Some((1, 1)));
        // Deep nesting neither overflows the stack nor hangs.
        let deep = "[".repeat(100_000);
        let _ = Positions::index(&deep);
    }
}
