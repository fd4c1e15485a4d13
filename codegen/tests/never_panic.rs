//! Property tests: no input makes the loader, the checks or the generator
//! panic or hang, and generation is deterministic and independent of the
//! order of the spec files.
//!
//! Inputs are arbitrary text and mutations of the real specs in `spec/`
//! (the corpus): lines deleted, duplicated or swapped, characters flipped,
//! values replaced by other YAML scalars. Each property runs 256 cases by
//! default; for a long run set `PROPTEST_CASES`, for example
//! `PROPTEST_CASES=100000 cargo test --release -p codegen --test never_panic`.

use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use codegen::{workspace, Diagnostics};
use codegen::{GeneratedFile, SpecSource};
use proptest::prelude::*;

/// Longer than any honest run takes, even unoptimised on a busy machine.
const HANG: Duration = Duration::from_secs(20);

fn corpus() -> Vec<SpecSource> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    workspace::read_specs(&root).expect("spec/ is readable")
}

/// Generates in another thread so that a hang fails the test instead of
/// stalling it.
fn generate(sources: Vec<SpecSource>) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        let _ = send.send(codegen::generate(&sources));
    });
    match receive.recv_timeout(HANG) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("generation took longer than {HANG:?}"),
        // The generator thread panicked; its message is already printed.
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the generator panicked"),
    }
}

/// Runs the whole generator twice and in reverse file order, and checks
/// that it answers the same each time, and sensibly.
fn exercise(sources: Vec<SpecSource>) {
    let first = generate(sources.clone());
    let again = generate(sources.clone());
    assert_eq!(first, again, "generation is not deterministic");
    let mut reversed = sources.clone();
    reversed.reverse();
    assert_eq!(
        first,
        generate(reversed),
        "generation depends on file order"
    );
    if let Err(problems) = &first {
        assert!(!problems.0.is_empty(), "rejected without a reason");
        for problem in &problems.0 {
            assert!(
                sources.iter().any(|s| s.path == problem.file) || problem.file == "spec",
                "a problem names an unknown file: {problem}"
            );
            assert!(
                !problem.message.contains("internal error"),
                "the generator emitted code that does not parse: {problem}"
            );
        }
    }
}

/// The corpus with `path`'s text replaced (or added).
fn with(path: &str, text: String) -> Vec<SpecSource> {
    let mut sources: Vec<SpecSource> = corpus().into_iter().filter(|s| s.path != path).collect();
    sources.push(SpecSource {
        path: path.to_owned(),
        text,
    });
    sources
}

/// One edit to a spec's text; positions are taken modulo the text's size.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    FlipChar(usize, char),
    ReplaceValue(usize, &'static str),
}

/// Scalars of every YAML type, and ones that are tricky to read.
const SCALARS: &[&str] = &[
    "~",
    "null",
    "true",
    "no",
    "0",
    "-1",
    "1e400",
    ".nan",
    "-.inf",
    "0x1F",
    "9223372036854775808",
    "1.5",
    "''",
    "\"\"",
    "[]",
    "{}",
    "[1, 2]",
    "{a: b}",
    "&a x",
    "*a",
    "!!binary aGk=",
    "|",
    ">-",
    "\"\\u202e\"",
    "'*/ #['",
    "-",
    "? x",
    "enum",
    "image",
    "Euler a",
    // Enum values that name their variant, well and badly.
    "{value: Euler, name: EulerAgain}",
    "{value: Euler, name: Euler}",
    "{value: x, name: lower}",
    "{value: x, name: ALL}",
    "{value: [x], name: {}}",
    "{name: X}",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (
            any::<usize>(),
            prop_oneof![any::<char>(), proptest::char::range(' ', '~')]
        )
            .prop_map(|(at, c)| Mutation::FlipChar(at, c)),
        (any::<usize>(), proptest::sample::select(SCALARS))
            .prop_map(|(at, s)| Mutation::ReplaceValue(at, s)),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let n = lines.len();
    match *mutation {
        Mutation::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => lines.insert(i % n, lines[i % n].clone()),
        Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
        Mutation::FlipChar(at, c) => {
            let mut chars: Vec<char> = text.chars().collect();
            let len = chars.len();
            chars[at % len] = c;
            return chars.into_iter().collect();
        }
        Mutation::ReplaceValue(i, scalar) => {
            let line = &mut lines[i % n];
            if let Some(colon) = line.find(": ") {
                line.replace_range(colon + 2.., scalar);
            } else if let Some(dash) = line.find("- ") {
                line.replace_range(dash + 2.., scalar);
            }
        }
    }
    lines.join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Shrinking a failure is worth little next to its first report.
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_text_as_an_endpoint_spec(text in any::<String>()) {
        exercise(vec![SpecSource { path: "spec/fuzz.yaml".to_owned(), text }]);
    }

    #[test]
    fn yaml_like_text_as_endpoint_and_enums_specs(
        endpoint in "([a-z_]{1,8}: ?|  |- |[\\[\\]{},'\"#&*!|>:-]|[0-9.]{1,4}|\n){0,60}",
        enums in "(enums:\n|  [a-z]{1,4}:\n|    (values|description): |\\[|\\]|[A-Za-z0-9 ,]{1,8}|\n){0,30}",
    ) {
        exercise(vec![
            SpecSource { path: "spec/fuzz.yaml".to_owned(), text: endpoint },
            SpecSource { path: "spec/enums.yaml".to_owned(), text: enums },
        ]);
    }

    #[test]
    fn mutated_real_specs(
        file in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let corpus = corpus();
        let target = &corpus[file % corpus.len()];
        let text = mutations.iter().fold(target.text.clone(), |text, m| apply(&text, m));
        exercise(with(&target.path, text));
    }
}

#[test]
fn the_corpus_is_the_real_specs_and_generates() {
    let corpus = corpus();
    // At least the five seed endpoints and enums.yaml; a model added later
    // joins the corpus.
    assert!(corpus.len() >= 6, "five endpoints and enums.yaml");
    exercise(corpus);
}
