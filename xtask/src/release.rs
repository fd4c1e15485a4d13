//! The last release and the version rule for breaking changes.
//!
//! The repository keeps its releases in `CHANGELOG.md`: the first
//! `## [X.Y.Z]` heading is the last release. Its baseline commit is the tag
//! `vX.Y.Z` when the repository has it, and otherwise the commit that added
//! that heading (cutting a release is one commit: the version bumped in
//! `generated-client/Cargo.toml` and the "Unreleased" entries moved under a
//! new heading). Tags may be lost when a repository is copied; the heading
//! travels with the history.

use std::fmt;
use std::path::Path;

use crate::git;

/// The changelog, relative to the workspace root.
pub const CHANGELOG: &str = "CHANGELOG.md";
/// The crate whose version the guard reads.
pub const CRATE_MANIFEST: &str = codegen::MANIFEST_PATH;

/// A `major.minor.patch` version (pre-release suffixes are not used here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
        let version = Version {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(version)
    }

    /// Whether going from `self` to `next` may break users: a major bump,
    /// or before 1.0 a minor one (Cargo's reading of semver).
    pub fn allows_breaking(self, next: Version) -> bool {
        if self.major == 0 {
            next.major > 0 || next.minor > self.minor
        } else {
            next.major > self.major
        }
    }

    /// The smallest version that may break users of `self`.
    pub fn next_breaking(self) -> Version {
        if self.major == 0 {
            Version {
                major: 0,
                minor: self.minor + 1,
                patch: 0,
            }
        } else {
            Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            }
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The latest released version the changelog lists, with its heading
/// line: the first `## [X.Y.Z]` heading (`## [Unreleased]` is skipped).
pub fn latest_heading(changelog: &str) -> Option<(Version, &str)> {
    changelog.lines().find_map(|line| {
        let rest = line.strip_prefix("## [")?;
        let (inside, _) = rest.split_once(']')?;
        Version::parse(inside).map(|version| (version, line))
    })
}

/// The crate's own version, from `[package]` in its manifest.
pub fn crate_version(manifest: &str) -> Option<Version> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version") {
                let value = value.trim_start().strip_prefix('=')?.trim();
                return Version::parse(value.trim_matches('"'));
            }
        }
    }
    None
}

/// The last release and where its specs are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    /// The commit to compare with; `None` when the heading is not committed
    /// yet (a release being cut): the working tree is then the release.
    pub commit: Option<String>,
    /// How the commit was found, for messages.
    pub found_by: String,
}

impl Release {
    /// "0.1.0 (commit 1a2b3c4d5e, tag v0.1.0)".
    pub fn describe(&self) -> String {
        match &self.commit {
            Some(commit) => format!(
                "{} (commit {}, {})",
                self.version,
                git::short(commit),
                self.found_by
            ),
            None => format!("{} ({})", self.version, self.found_by),
        }
    }
}

/// Finds the last release of the workspace at `root`.
pub fn last_release(root: &Path) -> Result<Release, String> {
    let text = std::fs::read_to_string(root.join(CHANGELOG))
        .map_err(|e| format!("cannot read {CHANGELOG}: {e}"))?;
    let (version, heading) = latest_heading(&text).ok_or_else(|| {
        format!(
            "{CHANGELOG} has no released version yet (a heading like `## [0.1.0] - 2026-01-31`)"
        )
    })?;
    let tag = format!("v{version}");
    if let Ok(commit) = git::commit(root, &format!("refs/tags/{tag}")) {
        return Ok(Release {
            version,
            commit: Some(commit),
            found_by: format!("tag {tag}"),
        });
    }
    let needle = format!("## [{version}]");
    let committed = git::file_at(root, "HEAD", CHANGELOG)
        .is_some_and(|head| head.lines().any(|line| line.starts_with(&needle)));
    if !committed {
        return Ok(Release {
            version,
            commit: None,
            found_by: format!("`{heading}` is not committed yet: the working tree is the release"),
        });
    }
    match git::last_commit_touching(root, CHANGELOG, &needle)? {
        Some(commit) => Ok(Release {
            version,
            commit: Some(commit),
            found_by: format!("the commit that added `{needle}` to {CHANGELOG}"),
        }),
        None => Err(format!(
            "HEAD's {CHANGELOG} lists {version}, but no commit in this history adds its heading (a shallow clone? `git fetch --unshallow`)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(
            v("0.1.0"),
            Version {
                major: 0,
                minor: 1,
                patch: 0
            }
        );
        for bad in ["", "1", "1.2", "1.2.3.4", "1.x.3", "-1.0.0"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_breaking_change_needs_a_major_bump_or_a_minor_one_before_1_0() {
        assert!(!v("0.1.0").allows_breaking(v("0.1.0")));
        assert!(!v("0.1.0").allows_breaking(v("0.1.7")));
        assert!(v("0.1.0").allows_breaking(v("0.2.0")));
        assert!(v("0.1.0").allows_breaking(v("1.0.0")));
        assert!(!v("1.2.0").allows_breaking(v("1.3.0")));
        assert!(v("1.2.0").allows_breaking(v("2.0.0")));
        assert_eq!(v("0.1.3").next_breaking(), v("0.2.0"));
        assert_eq!(v("1.4.2").next_breaking(), v("2.0.0"));
    }

    #[test]
    fn the_latest_release_is_the_first_versioned_heading() {
        let text = "# Changelog\n\n## [Unreleased]\n\n- x\n\n## [0.2.0] - 2027-01-01\n\n## [0.1.0] - 2026-12-07\n";
        let (version, heading) = latest_heading(text).unwrap();
        assert_eq!(version, v("0.2.0"));
        assert_eq!(heading, "## [0.2.0] - 2027-01-01");
        assert_eq!(latest_heading("# Changelog\n## [Unreleased]\n"), None);
    }

    #[test]
    fn the_crate_version_is_read_from_package_only() {
        let manifest = "[package]\nname = \"segmind\"\nversion = \"0.3.1\"\n\n[dependencies]\nversion = \"9.9.9\"\n";
        assert_eq!(crate_version(manifest), Some(v("0.3.1")));
        assert_eq!(crate_version("[dependencies]\nversion = \"1.0.0\"\n"), None);
    }
}
