//! Emitters: each turns part of the checked model into tokens or text.

mod cli;
mod docs;
mod endpoint;
mod enums;
mod features;
mod floor;
mod index;
mod markdown;
mod openapi;

pub use cli::cli_table;
pub use docs::escape_markdown;
pub use endpoint::endpoint_file;
pub use features::features;
pub use floor::floor;
pub use index::{index, shared_enums};
pub use markdown::reference;
pub use openapi::{openapi, OPENAPI_PATH};
