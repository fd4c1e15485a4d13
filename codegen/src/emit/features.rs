//! The `[features]` region of the crate's `Cargo.toml`: one feature per
//! endpoint, all on by default.

use std::fmt::Write as _;

use crate::model::Model;

/// The region's lines (without its marker lines).
pub fn features(model: &Model) -> String {
    let mut toml = String::new();
    // Writing to a String cannot fail; `let _` keeps the code free of unwraps.
    let _ = writeln!(
        toml,
        "# Do not edit this region by hand: `cargo xtask gen` writes it from spec/*.yaml.\n\
         # One feature per endpoint, all on by default, with TLS by rustls. To compile only\n\
         # the endpoints you call, depend on the crate with `default-features = false` and\n\
         # name them, and a TLS feature (`rustls`, `rustls-native-roots` or `native-tls`)."
    );
    if model.endpoints.is_empty() {
        let _ = writeln!(toml, "default = [\"rustls\"]");
    } else {
        let _ = writeln!(toml, "default = [");
        let _ = writeln!(toml, "    \"rustls\",");
        for endpoint in &model.endpoints {
            let _ = writeln!(toml, "    \"{}\",", endpoint.feature);
        }
        let _ = writeln!(toml, "]");
    }
    for endpoint in &model.endpoints {
        let _ = writeln!(toml, "{} = [] # POST {}", endpoint.feature, endpoint.path);
    }
    toml
}
