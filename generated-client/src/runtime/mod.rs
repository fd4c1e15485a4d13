//! The hand-written runtime the generated code builds on. Nothing in here is
//! specific to one endpoint.

mod endpoint;
mod image;
mod validation;
mod wire_enum;

pub use endpoint::Endpoint;
pub use image::ImageInput;
pub use validation::{Checker, Rule, ValidationErrors, Violation};
pub use wire_enum::{deserialize_wire, parse_wire, UnknownVariant, WireEnum};
