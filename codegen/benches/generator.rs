//! The generator's cost per spec: load (parse and check), render (emit and
//! format) and both, for the five real specs and for 100 and 1,000 synthetic
//! ones shaped like them (`codegen::synthetic`). Divan reports each figure
//! per spec ("item"), so linear growth shows as a flat time per item.
//!
//! Run: `cargo bench -p codegen --bench generator`.

use std::path::Path;
use std::sync::OnceLock;

use codegen::SpecSource;
use divan::counter::ItemsCount;
use divan::Bencher;

fn main() {
    divan::main();
}

/// The spec counts measured.
const COUNTS: &[usize] = &[5, 100, 1000];

/// The real specs, read once.
fn real() -> &'static [SpecSource] {
    static REAL: OnceLock<Vec<SpecSource>> = OnceLock::new();
    REAL.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        codegen::workspace::read_specs(&root)
            .unwrap_or_else(|error| panic!("cannot read spec/: {error}"))
    })
}

/// `count` endpoint specs (the real ones for 5) plus `enums.yaml`.
fn specs(count: usize) -> Vec<SpecSource> {
    let endpoints = real()
        .iter()
        .filter(|s| !s.path.ends_with("/enums.yaml"))
        .count();
    if count == endpoints {
        real().to_vec()
    } else {
        codegen::synthetic::synthesize(real(), count).unwrap_or_else(|error| panic!("{error}"))
    }
}

/// Everything: what `cargo xtask gen` does between reading and writing files.
#[divan::bench(args = COUNTS, sample_count = 10)]
fn generate(bencher: Bencher, count: usize) {
    let sources = specs(count);
    bencher.counter(ItemsCount::new(count)).bench(|| {
        codegen::generate(divan::black_box(&sources))
            .unwrap_or_else(|problems| panic!("{problems}"))
    });
}

/// YAML parsing and the checks, into the model.
#[divan::bench(args = COUNTS, sample_count = 10)]
fn load(bencher: Bencher, count: usize) {
    let sources = specs(count);
    bencher.counter(ItemsCount::new(count)).bench(|| {
        codegen::load(divan::black_box(&sources)).unwrap_or_else(|problems| panic!("{problems}"))
    });
}

/// Emitting tokens and formatting them with prettyplease, from the model.
#[divan::bench(args = COUNTS, sample_count = 10)]
fn render(bencher: Bencher, count: usize) {
    let model = codegen::load(&specs(count)).unwrap_or_else(|problems| panic!("{problems}"));
    bencher.counter(ItemsCount::new(count)).bench(|| {
        codegen::render(divan::black_box(&model)).unwrap_or_else(|problems| panic!("{problems}"))
    });
}
