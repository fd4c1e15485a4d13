//! Support for the generated enums: each variant stands for one exact wire
//! string, and the traits every such enum needs are implemented here once.

use std::fmt;

/// An enum whose variants serialise to fixed wire strings (`"Euler a"`).
///
/// Generated enums implement this; `Display`, `FromStr`, `Serialize` and
/// `Deserialize` all go through it so the wire strings live in one match.
pub trait WireEnum: Sized + Copy + 'static {
    /// The name used in messages (the spec's enum or parameter name).
    const NAME: &'static str;
    /// Every variant, in the order the spec lists them.
    const ALL: &'static [Self];
    /// The exact string the API expects for this variant.
    fn as_str(&self) -> &'static str;
}

/// A string that is not one of an enum's wire values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownVariant {
    /// The enum's name (`scheduler`).
    pub enum_name: &'static str,
    /// The string that did not match.
    pub found: String,
    /// Every accepted wire string, in spec order.
    pub expected: Vec<&'static str>,
}

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}; expected one of ",
            self.found, self.enum_name
        )?;
        for (index, value) in self.expected.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{value}\"")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownVariant {}

/// Looks a wire string up among `T`'s variants; matching is exact.
///
/// Written as plain loops rather than iterator adapters: this function is
/// instantiated once per generated enum, and adapters would add a dozen
/// more instantiations each (measured in the crate's compile time).
pub fn parse_wire<T: WireEnum>(text: &str) -> Result<T, UnknownVariant> {
    for variant in T::ALL {
        if variant.as_str() == text {
            return Ok(*variant);
        }
    }
    let mut expected = Vec::with_capacity(T::ALL.len());
    for variant in T::ALL {
        expected.push(variant.as_str());
    }
    Err(UnknownVariant {
        enum_name: T::NAME,
        found: text.to_owned(),
        expected,
    })
}

/// Deserialises a wire string into `T`, naming the allowed values on failure.
pub fn deserialize_wire<'de, T: WireEnum, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let text: std::borrow::Cow<'de, str> = serde::Deserialize::deserialize(deserializer)?;
    parse_wire(&text).map_err(serde::de::Error::custom)
}

/// Implements `Display`, `FromStr`, `Serialize` and `Deserialize` for a
/// generated enum in terms of its [`WireEnum`] impl.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_wire_enum_traits {
    ($ty:ty) => {
        impl ::std::fmt::Display for $ty {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::WireEnum::as_str(self))
            }
        }
        impl ::std::str::FromStr for $ty {
            type Err = $crate::UnknownVariant;
            #[inline]
            // Not `Self::Err`: a variant named `Err` would shadow it.
            fn from_str(text: &str) -> ::std::result::Result<Self, $crate::UnknownVariant> {
                $crate::parse_wire(text)
            }
        }
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::WireEnum::as_str(self))
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::deserialize_wire(deserializer)
            }
        }
    };
}
