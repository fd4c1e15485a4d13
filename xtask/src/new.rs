//! `cargo xtask new <slug>`: a commented spec skeleton for a new endpoint,
//! to fill in from the vendor's API page.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use codegen::workspace::SPEC_DIR;

/// Whether `slug` can name an endpoint: what the spec checks accept
/// (ASCII letters, digits, `.`, `_`, `-`), starting with a letter or digit.
pub fn valid_slug(slug: &str) -> bool {
    slug.starts_with(|c: char| c.is_ascii_alphanumeric())
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// The skeleton: every key of the format, with the optional ones shown as
/// comments, so that the file is valid YAML and says what to fill in.
pub fn skeleton(slug: &str) -> String {
    format!(
        r#"# yaml-language-server: $schema=./schema/spec.schema.json
# Source: <the vendor page this spec is written from>. Where the page
# contradicts itself, say here (or beside the field) which line you followed
# and why.
slug: "{slug}"               # must equal the file name without .yaml
path: /{slug}                # relative to https://api.segmind.com/v1
title: TODO                  # a short human title
description: >-
  TODO: what the model does, in a sentence or two.
returns: image               # image (bytes, or base64 JSON when asked) | json
params:                      # in the order the docs and constructor should use
  prompt:                    # the wire name, exactly as the API spells it
    type: string             # string | integer | number | boolean | image | enum
    required: true           # leave out (or false) for optional parameters
    description: TODO what the prompt describes.
    example: a lighthouse at dawn
  # steps:
  #   type: integer
  #   default: 25            # the server's default; not on required parameters
  #   min: 1                 # inclusive bounds, for integer and number
  #   max: 100
  #   description: Number of denoising steps.
  # img_width:
  #   type: integer
  #   allowed: [512, 768]    # the only values accepted
  #   description: Output width in pixels.
  # scheduler:
  #   type: enum
  #   enum: scheduler        # a shared enum from enums.yaml, or inline:
  #   # values: [euler, dpmpp_2m]
  #   description: Sampling method.
"#
    )
}

/// Writes `spec/<slug>.yaml` under `root`, refusing an invalid slug or an
/// existing file.
pub fn main(root: &Path, slug: &str) -> ExitCode {
    if !valid_slug(slug) {
        eprintln!(
            "error: {slug:?} is not a valid slug: use ASCII letters, digits, '.', '_' and '-', \
             starting with a letter or digit (like sd1.5-img2img)"
        );
        return ExitCode::FAILURE;
    }
    let relative = format!("{SPEC_DIR}/{slug}.yaml");
    match write_new(&root.join(&relative), &skeleton(slug)) {
        Ok(()) => {
            eprintln!("wrote {relative}; fill it in, then run `cargo xtask gen`");
            ExitCode::SUCCESS
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            eprintln!("error: {relative} already exists; not overwriting it");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: cannot write {relative}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Creates the file only if it does not exist, atomically.
pub fn write_new(path: &Path, text: &str) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["ssd-1b", "sd1.5-img2img", "a", "2nd_pass"] {
            assert!(valid_slug(ok), "{ok}");
        }
        for bad in ["", "-x", ".x", "a/b", "a b", "../x", "é", "x.yaml/"] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn the_skeleton_loads_and_generates() {
        // Slugs YAML would read as a number or a boolean unquoted included.
        for (slug, module) in [("my-model", "my_model"), ("1.5", "n1_5"), ("true", "true_")] {
            let source = codegen::SpecSource {
                path: format!("spec/{slug}.yaml"),
                text: skeleton(slug),
            };
            let files =
                codegen::generate(&[source]).unwrap_or_else(|problems| panic!("{problems}"));
            assert!(
                files
                    .iter()
                    .any(|f| f.path.ends_with(&format!("/{module}.rs"))),
                "{slug}"
            );
        }
    }

    #[test]
    fn refuses_to_overwrite() {
        let dir = std::env::temp_dir().join(format!("xtask-new-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(SPEC_DIR)).unwrap();
        assert_eq!(main(&dir, "demo"), ExitCode::SUCCESS);
        let written = std::fs::read_to_string(dir.join("spec/demo.yaml")).unwrap();
        assert_eq!(written, skeleton("demo"));
        assert_eq!(main(&dir, "demo"), ExitCode::FAILURE);
        assert_eq!(main(&dir, "../escape"), ExitCode::FAILURE);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
