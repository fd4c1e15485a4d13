//! Synthetic specs for measuring the generator and the generated crate at
//! the scale of a full model catalogue.
//!
//! Each synthetic spec is a copy of one real spec (cycling through them in
//! path order) with a unique slug, path and title, so the parameter mix, the
//! comments and the shared-enum references are exactly those of the real
//! ones. `enums.yaml` is kept as it is. Used by `cargo xtask scale` and the
//! generator benchmarks; pure, like the rest of the pipeline.

use crate::spec::SHARED_ENUMS_FILE;
use crate::SpecSource;

/// The slug of the `number`th (1-based) synthetic spec made from the spec
/// whose slug is `template`, zero-padded to `width` digits:
/// `synthetic-0001-ssd-canny`.
pub fn slug(number: usize, width: usize, template: &str) -> String {
    format!("synthetic-{number:0width$}-{template}")
}

/// `count` synthetic endpoint specs plus the shared `enums.yaml`, made from
/// the real `sources`. Paths keep the folder of the real specs.
///
/// Fails when there is no endpoint spec to copy, or when one does not have
/// exactly one top-level `slug:`, `path:` and `title:` line to rewrite.
pub fn synthesize(sources: &[SpecSource], count: usize) -> Result<Vec<SpecSource>, String> {
    let mut templates: Vec<&SpecSource> = Vec::new();
    let mut out = Vec::with_capacity(count + 1);
    for source in sources {
        let (_, name) = split_path(&source.path);
        if name == SHARED_ENUMS_FILE {
            out.push(source.clone());
        } else {
            templates.push(source);
        }
    }
    templates.sort_by(|a, b| a.path.cmp(&b.path));
    if templates.is_empty() && count > 0 {
        return Err("no endpoint spec to copy".to_owned());
    }
    let width = count.to_string().len().max(4);
    for number in 1..=count {
        let template = templates[(number - 1) % templates.len()];
        let (folder, name) = split_path(&template.path);
        let stem = name.strip_suffix(".yaml").unwrap_or(name);
        let new_slug = slug(number, width, stem);
        let text = rewrite(&template.text, &new_slug, number, stem)
            .map_err(|problem| format!("{}: {problem}", template.path))?;
        out.push(SpecSource {
            path: format!("{folder}{new_slug}.yaml"),
            text,
        });
    }
    Ok(out)
}

/// The folder (with its trailing `/`, or empty) and the file name.
fn split_path(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(index) => path.split_at(index + 1),
        None => ("", path),
    }
}

/// Replaces the top-level `slug:`, `path:` and `title:` lines.
fn rewrite(text: &str, new_slug: &str, number: usize, template: &str) -> Result<String, String> {
    let mut seen = [0usize; 3];
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let replaced = if line.starts_with("slug:") {
            seen[0] += 1;
            format!("slug: {new_slug}\n")
        } else if line.starts_with("path:") {
            seen[1] += 1;
            format!("path: /{new_slug}\n")
        } else if line.starts_with("title:") {
            seen[2] += 1;
            format!("title: Synthetic {number}, shaped like {template}\n")
        } else {
            out.push_str(line);
            continue;
        };
        out.push_str(&replaced);
    }
    for (key, times) in ["slug", "path", "title"].iter().zip(seen) {
        if times != 1 {
            return Err(format!(
                "expected one top-level `{key}:` line to rewrite, found {times}"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, text: &str) -> SpecSource {
        SpecSource {
            path: path.to_owned(),
            text: text.to_owned(),
        }
    }

    const DEMO: &str =
        "# comment\nslug: demo\npath: /demo\ntitle: Demo\nparams:\n  slug:\n    type: string\n";

    #[test]
    fn copies_cycle_through_the_templates_with_unique_names() {
        let sources = [
            source("spec/enums.yaml", "enums: {}\n"),
            source("spec/demo.yaml", DEMO),
            source("spec/a.yaml", &DEMO.replace("demo", "a")),
        ];
        let out = synthesize(&sources, 3).unwrap();
        let paths: Vec<&str> = out.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "spec/enums.yaml",
                "spec/synthetic-0001-a.yaml",
                "spec/synthetic-0002-demo.yaml",
                "spec/synthetic-0003-a.yaml"
            ]
        );
        assert_eq!(
            out[2].text,
            "# comment\nslug: synthetic-0002-demo\npath: /synthetic-0002-demo\n\
             title: Synthetic 2, shaped like demo\nparams:\n  slug:\n    type: string\n"
        );
    }

    #[test]
    fn numbers_widen_past_four_digits() {
        assert_eq!(slug(7, 5, "x"), "synthetic-00007-x");
        let out = synthesize(&[source("spec/demo.yaml", DEMO)], 10_000).unwrap();
        assert_eq!(out[0].path, "spec/synthetic-00001-demo.yaml");
    }

    #[test]
    fn a_spec_without_a_slug_line_is_an_error() {
        let error = synthesize(&[source("spec/demo.yaml", "path: /x\ntitle: X\n")], 1).unwrap_err();
        assert!(
            error.contains("spec/demo.yaml") && error.contains("`slug:`"),
            "{error}"
        );
    }
}
