//! The shapes the generated files fill in.
//!
//! The generator writes each endpoint as a short declaration: the request
//! struct with its documented fields, each field marked with its wire name,
//! kind, default and bounds. The macros below expand a declaration into the
//! struct, its constants, constructor, setters, `validate()`, the
//! `Endpoint` and `RequestFields` impls and the client methods. Writing
//! that per-field and per-endpoint code once here, instead of once per
//! endpoint in the generated files, keeps the generated crate about a third
//! of the size it would otherwise be (see `BENCHMARKS.md`), and keeps a new
//! model's diff down to its declaration.
//!
//! The declarations are valid Rust item syntax, so the generator can format
//! them with prettyplease and readers see ordinary doc comments and fields.
//! Kinds are the spec's type names: `string`, `image`, `boolean`,
//! `integer`, `number`, `enum`, `object`, and for a list `[list item]`
//! with the item's kind (one token tree, so that every helper can take it).

/// Defines a request type from its generated declaration.
// `crate::Client`, `crate::Queue` and `crate::blocking::*` below are the
// calling crate's: the generated crate's wrappers, which alone may take
// inherent methods (the runtime's own types are foreign to it).
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
#[doc(hidden)]
macro_rules! define_request {
    (
        $(#[doc = $doc:expr])*
        #[endpoint($slug:literal, $path:literal, $output:ident)]
        #[client($method:ident, $title:literal)]
        $(#[queued($deadline:literal)])?
        $(#[rules($($rules:tt)*)])?
        #[new($($new:tt)*)]
        $(#[$attr:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        $crate::__segmind_record! {
            [$slug, "request", [$($($rules)*)?]]
            $(#[doc = $doc])*
            #[new($($new)*)]
            $(#[$attr])*
            pub struct $name { $($body)* }
        }

        impl $crate::Endpoint for $name {
            const SLUG: &'static str = $slug;
            const PATH: &'static str = $path;
            type Output = $crate::$output;
            #[inline]
            fn validate(&self) -> ::std::result::Result<(), $crate::ValidationErrors> {
                $name::validate(self)
            }
        }

        $crate::__segmind_client_methods! {
            $name, $method, $title, $path, $output,
            [$(queued [$deadline])?]
        }

        impl crate::Queue {
            #[doc = concat!(
                "Submits a ", $title, " request to the queue (`POST /v2", $path,
                "`) after validating it; wait for its result with `wait`.\n\n",
                "The future is `'static` and `Send`, like the client's."
            )]
            #[inline]
            pub fn $method(
                &self,
                request: impl ::std::convert::Into<$name>,
            ) -> $crate::ResponseFuture<$crate::Job<$crate::$output>> {
self.submit_owned(::std::convert::Into::<$name>::into(request))
            }
        }

        #[cfg(feature = "blocking")]
        impl crate::blocking::Queue {
            #[doc = concat!(
                "Submits a ", $title, " request to the queue (`POST /v2", $path,
                "`) after validating it; wait for its result with `wait`."
            )]
            #[inline]
            pub fn $method(
                &self,
                request: impl ::std::convert::Into<$name>,
            ) -> ::std::result::Result<$crate::Job<$crate::$output>, $crate::Error> {
                self.submit(&request.into())
            }
        }
    };
}

/// Defines the type of an object parameter (or of a list's items) from its
/// generated declaration: a struct built like a request, sent as a JSON
/// object inside one.
#[macro_export]
#[doc(hidden)]
macro_rules! define_object {
    (
        $(#[doc = $doc:expr])*
        #[object($label:literal)]
        #[new($($new:tt)*)]
        $(#[$attr:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        $crate::__segmind_record! {
            [$label, "object", []]
            $(#[doc = $doc])*
            #[new($($new)*)]
            $(#[$attr])*
            pub struct $name { $($body)* }
        }

        impl $crate::ToWire for $name {
            #[inline]
            fn to_wire(&self) -> ::std::option::Option<$crate::Wire<'_>> {
                ::std::option::Option::Some($crate::Wire::Object(self))
            }
        }
    };
}

/// What requests and objects share: the struct, its constants, constructor,
/// setters, `validate()`, `RequestFields` and the serde and `Debug` impls.
/// `[$label, $what, [rules]]` names it in messages (a slug and "request",
/// or a type and "object") and lists the rules between its fields.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_record {
    (
        [$label:literal, $what:literal, [$($rule:ident($($rule_param:literal),* $(,)?)),* $(,)?]]
        $(#[doc = $doc:expr])*
        #[new($($required:ident($required_kind:tt $required_ty:ty)),* $(,)?)]
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $field_doc:expr])*
                #[param($mode:ident, $wire:literal, $kind:tt $(, $narrow:ident)?)]
                $(#[default($default_name:ident = $default:expr)])?
                $(#[min($min_name:ident = $min:expr)])?
                $(#[max($max_name:ident = $max:expr)])?
                $(#[one_of($allowed_name:ident = [$($allowed:expr),* $(,)?])])?
                $(#[min_items($min_items_name:ident = $min_items:expr)])?
                $(#[max_items($max_items_name:ident = $max_items:expr)])?
                pub $field:ident: $ty:ty,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        #[must_use = "a request does nothing until it is sent"]
        #[non_exhaustive]
        $(#[$attr])*
        pub struct $name {
            $(
                $(#[doc = $field_doc])*
                pub $field: $crate::__segmind_field_type!($mode $ty),
            )*
        }

        // By hand rather than derived, for `#[inline]`: then, like every
        // other per-endpoint function here, they are compiled to machine
        // code only in the crates that call them, not for every endpoint in
        // this one (see `BENCHMARKS.md`, compile cost).
        impl ::std::clone::Clone for $name {
            #[inline]
            fn clone(&self) -> Self {
                Self {
                    $($field: ::std::clone::Clone::clone(&self.$field),)*
                }
            }
        }

        impl ::std::cmp::PartialEq for $name {
            #[inline]
            // A type without fields compares `other` to nothing.
            #[allow(unused_variables)]
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$field == other.$field)*
            }
        }

        // The spec's numbers are the vendor's: a default of 3.14 is not a
        // mistyped `PI`.
        #[allow(clippy::approx_constant)]
        impl $name {
            $(
                $(
                    #[doc = concat!(
                        "The documented default of `", $wire,
                        "`, applied by the server when the parameter is not sent."
                    )]
                    pub const $default_name: $crate::__segmind_constant_type!($kind $ty) = $default;
                )?
                $(
                    #[doc = concat!("The smallest value `", $wire, "` accepts (inclusive).")]
                    pub const $min_name: $crate::__segmind_bound_type!($kind $ty) = $min;
                )?
                $(
                    #[doc = concat!("The largest value `", $wire, "` accepts (inclusive).")]
                    pub const $max_name: $crate::__segmind_bound_type!($kind $ty) = $max;
                )?
                $(
                    #[doc = concat!("The only values `", $wire, "` accepts.")]
                    pub const $allowed_name: &'static [$crate::__segmind_bound_type!($kind $ty)] = &[$($allowed),*];
                )?
                $(
                    #[doc = concat!("The fewest items `", $wire, "` accepts (inclusive).")]
                    pub const $min_items_name: usize = $min_items;
                )?
                $(
                    #[doc = concat!("The most items `", $wire, "` accepts (inclusive).")]
                    pub const $max_items_name: usize = $max_items;
                )?
            )*

            /// A value with the given required parameters and every
            /// optional one unset, so that the server applies its defaults.
            #[allow(clippy::too_many_arguments)]
            #[inline]
            pub fn new(
                $($required: $crate::__segmind_argument_type!($required_kind $required_ty)),*
            ) -> Self {
                Self {
                    $($field: $crate::__segmind_initial!($mode $kind $field),)*
                }
            }

            $(
                #[doc = concat!(
                    "Sets [`", stringify!($field), "`](#structfield.", stringify!($field), ")."
                )]
                #[inline]
                pub fn $field(
                    mut self,
                    value: $crate::__segmind_argument_type!($kind $($narrow)? $ty),
                ) -> Self {
                    self.$field = $crate::__segmind_store!($mode $kind $($narrow)? value);
                    self
                }
            )*

            /// The rule `validate` applies to each parameter, in field order.
            const CHECKS: &'static [(&'static str, $crate::Check)] = &[$(
                (
                    $wire,
                    $crate::__segmind_check!(
                        $kind
                        [$(Self::$min_name)?] [$(Self::$max_name)?] [$(Self::$allowed_name)?]
                        [$(Self::$min_items_name)?] [$(Self::$max_items_name)?]
                    ),
                ),
            )*];

            /// The rules between parameters that `validate` checks.
            const RULES: &'static [$crate::Constraint] = &[$(
                $crate::__segmind_rule!($rule $($rule_param),*),
            )*];

            /// Checks every documented range, allowed value and rule between
            /// parameters, reporting all violations at once. The client calls
            /// this before sending.
            #[inline]
            pub fn validate(&self) -> ::std::result::Result<(), $crate::ValidationErrors> {
                $crate::validate_request($label, self, Self::CHECKS, Self::RULES)
            }
        }

        impl $crate::RequestFields for $name {
            // A request without parameters uses neither argument.
            #[allow(unused_variables)]
            #[inline]
            fn write(&self, out: &mut $crate::FieldWriter<'_>) {
                $(out.field($wire, &self.$field);)*
            }
            #[allow(unused_variables)]
            #[inline]
            fn read(
                fields: &mut $crate::FieldReader,
            ) -> ::std::result::Result<Self, ::serde_json::Error> {
                ::std::result::Result::Ok(Self {
                    $($field: $crate::__segmind_read!($mode fields $wire),)*
                })
            }
            #[inline]
            fn checks(&self) -> &'static [(&'static str, $crate::Check)] {
                Self::CHECKS
            }
            #[inline]
            fn apply_defaults(&mut self) {
                $($(
                    $crate::__segmind_fill_default!($kind self.$field, Self::$default_name);
                )?)*
            }
        }

        $crate::impl_request_traits!($name, $label, $what);
    };
}

/// Defines an enum whose variants stand for exact wire strings.
#[macro_export]
#[doc(hidden)]
macro_rules! define_wire_enum {
    (
        $(#[doc = $doc:expr])*
        #[name($spec_name:literal)]
        pub enum $name:ident {
            $($variant:ident = $wire:literal,)*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("The wire value `", stringify!($wire), "`.")]
                $variant,
            )*
        }

        impl $name {
            /// Every variant, in the order the spec lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The exact string sent to the API.
            #[inline]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)*
                }
            }
        }

        // `Debug` prints the variant's name, as a derive would, from a
        // table rather than a `match` compiled for every enum.
        impl ::std::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                const NAMES: &[&str] = &[$(stringify!($variant),)*];
                f.write_str(NAMES[*self as usize])
            }
        }

        impl $crate::WireEnum for $name {
            const NAME: &'static str = $spec_name;
            const ALL: &'static [Self] = &[$(Self::$variant,)*];
            #[inline]
            fn as_str(&self) -> &'static str {
                $name::as_str(*self)
            }
        }

        $crate::impl_wire_enum_traits!($name);
    };
}

/// Defines `AnyRequest`, `ENDPOINTS` and `ENDPOINT_INFO` over every endpoint, each variant
/// and match arm behind its endpoint's cargo feature. The code stays valid,
/// and warning-free, with any set of endpoints compiled in, none included.
#[macro_export]
#[doc(hidden)]
macro_rules! define_any_request {
    (
        $(#[doc = $doc:expr])*
        pub enum AnyRequest {
            $(
                #[cfg(feature = $feature:literal)]
                $variant:ident = $slug:literal,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        // Request types differ in size by however many parameters their
        // endpoints have (kilobytes apart at worst). Boxing each variant would
        // cost an allocation per request and change every match on it, for
        // a value that lives only while one request is dispatched.
        #[allow(
            clippy::large_enum_variant,
            reason = "a short-lived dispatch value; see the comment above"
        )]
        pub enum AnyRequest {
            $(
                #[cfg(feature = $feature)]
                #[doc = concat!("A `", $slug, "` request.")]
                $variant($variant),
            )*
        }

        // `#[inline]` throughout: these methods touch every endpoint, and are
        // then compiled in the crates that call them rather than, for every
        // user, in this one (a fifth of its compile time at 200 endpoints).
        // They match on `*self`, not `self`: a match on a reference to an
        // enum without variants is not exhaustive, one on the enum itself is.
        impl AnyRequest {
            /// Reads a JSON request body for the endpoint `slug`; `None` when no
            /// endpoint compiled in has that slug. Unknown fields and wrong types
            /// are errors.
            #[inline]
            pub fn from_json(
                slug: &str,
                body: ::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<Self, ::serde_json::Error>> {
                match slug {
                    $(
                        #[cfg(feature = $feature)]
                        $slug => ::std::option::Option::Some(
                            $crate::request_from_json(body).map(Self::$variant),
                        ),
                    )*
                    _ => {
                        drop(body);
                        ::std::option::Option::None
                    }
                }
            }

            /// The request as the server reads it: every optional parameter
            /// left unset whose spec documents a default, set to that default
            /// (the mock answers from this).
            #[inline]
            pub fn with_defaults(self) -> Self {
                match self {
                    $(
                        #[cfg(feature = $feature)]
                        Self::$variant(mut request) => {
                            $crate::RequestFields::apply_defaults(&mut request);
                            Self::$variant(request)
                        }
                    )*
                }
            }

            /// The endpoint's slug.
            #[inline]
            pub fn slug(&self) -> &'static str {
                match *self {
                    $(
                        #[cfg(feature = $feature)]
                        Self::$variant(_) => $slug,
                    )*
                }
            }

            /// Checks every documented range and allowed value.
            #[inline]
            pub fn validate(&self) -> ::std::result::Result<(), $crate::ValidationErrors> {
                match *self {
                    $(
                        #[cfg(feature = $feature)]
                        Self::$variant(ref request) => request.validate(),
                    )*
                }
            }

            /// The JSON body that would be sent.
            #[inline]
            pub fn to_json(&self) -> ::std::result::Result<::serde_json::Value, ::serde_json::Error> {
                match *self {
                    $(
                        #[cfg(feature = $feature)]
                        Self::$variant(ref request) => {
                            ::std::result::Result::Ok($crate::request_to_json(request))
                        }
                    )*
                }
            }
        }

        /// The slug of every endpoint compiled in (each is a cargo feature,
        /// all on by default), sorted.
        pub const ENDPOINTS: &[&str] = &[$(
            #[cfg(feature = $feature)]
            $slug,
        )*];

        /// Slug, path and kind of answer of every endpoint compiled in, in
        /// the order of [`ENDPOINTS`].
        pub const ENDPOINT_INFO: &[$crate::EndpointInfo] = &[$(
            #[cfg(feature = $feature)]
            $crate::EndpointInfo::of::<$variant>(),
        )*];
    };
}

// Helpers of `define_request`, one small decision each.

/// A field's type: required fields hold the value, optional ones an `Option`.
/// The client methods of one endpoint: a synchronous call, or for a
/// long-running model (`#[queued]`, from the spec's `queue`) submit and wait
/// through the queue, up to the spec's deadline.
// `crate::Client`, `crate::Queue` and `crate::blocking::*` below are the
// calling crate's: the generated crate's wrappers, which alone may take
// inherent methods (the runtime's own types are foreign to it).
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_client_methods {
    ($name:ident, $method:ident, $title:literal, $path:literal, $output:ident, []) => {
        impl crate::Client {
            #[doc = concat!(
                "Calls ", $title, " (`POST ", $path,
                "`): validates `request`, sends it and decodes the answer.\n\n",
                "The future (`ResponseFuture`) owns what it needs (`'static` and `Send`), so it can be ",
                "handed to `tokio::spawn`. Pass the request by value, or a reference, ",
                "which is cloned."
            )]
            #[inline]
            pub fn $method(
                &self,
                request: impl ::std::convert::Into<$name>,
            ) -> $crate::ResponseFuture<$crate::$output> {
                self.send_owned(::std::convert::Into::<$name>::into(request))
            }
        }

        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #[doc = concat!(
                "Calls ", $title, " (`POST ", $path,
                "`): validates `request`, sends it and decodes the answer."
            )]
            #[inline]
            pub fn $method(
                &self,
                request: impl ::std::convert::Into<$name>,
            ) -> ::std::result::Result<$crate::$output, $crate::Error> {
                self.send(&request.into())
            }
        }
    };
    ($name:ident, $method:ident, $title:literal, $path:literal, $output:ident, [queued [$deadline:literal]]) => {
        impl crate::Client {
            #[doc = concat!(
                "Runs ", $title, " through the queue (`POST /v2", $path,
                "`, then polls), as its page advises for a long-running model: validates `request`, ",
                "submits it and waits for the result",
                ", up to ", $deadline, " s",
                ".\n\n",
                "A wait that runs out is [`Error::JobDeadline`](crate::Error::JobDeadline), whose request id ",
                "collects the job later (`client.queue().job_for::<", stringify!($name), ">(id)`); the job goes on. ",
                "To submit and wait yourself, use [`queue()`](Self::queue); for the synchronous API, ",
                "`send`.\n\n",
                "The future (`ResponseFuture`) owns what it needs (`'static` and `Send`), so it can be ",
                "handed to `tokio::spawn`."
            )]
            #[inline]
            pub fn $method(
                &self,
                request: impl ::std::convert::Into<$name>,
            ) -> $crate::ResponseFuture<$crate::$output> {
                self.run_queued_owned(
                    ::std::convert::Into::<$name>::into(request),
                    $deadline,
                )
            }
        }

        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #[doc = concat!(
                "Runs ", $title, " through the queue (`POST /v2", $path,
                "`, then polls), as its page advises: validates `request`, submits it and waits",
                " up to ", $deadline, " s",
                "; see the async client's method."
            )]
            #[inline]
            pub fn $method(
                &self,
                request: impl ::std::convert::Into<$name>,
            ) -> ::std::result::Result<$crate::$output, $crate::Error> {
                self.run_queued(&request.into(), $deadline)
            }
        }
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_field_type {
    (required $ty:ty) => { $ty };
    (optional $ty:ty) => { ::std::option::Option<$ty> };
}

/// What a constructor or setter accepts: the `Into*` traits of the runtime's `argument` module
/// for text, images, numbers and integers that fit in `i32`, each with an error
/// message that says what to pass instead; for a list, any iterable of what
/// one item takes.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_argument_type {
    (string $ty:ty) => { impl $crate::IntoText };
    (image $ty:ty) => { impl $crate::IntoImage };
    (video $ty:ty) => { impl $crate::IntoVideo };
    (audio $ty:ty) => { impl $crate::IntoAudio };
    (file $ty:ty) => { impl $crate::IntoFile };
    // Numbers take anything that converts to `f64` without loss, so an
    // integer literal (`guidance_scale(7)`) or an `f32` is a number too.
    (number $ty:ty) => { impl $crate::IntoNumber };
    // Integers whose range fits in `i32` (marked `narrow` by the generator)
    // take any integer type that fits. Wider ones stay `i64`: in a generic
    // setter an integer literal falls back to `i32`, and
    // `seed(98_877_465_625)` would not compile.
    (integer narrow $ty:ty) => { impl $crate::IntoInteger };
    ([list string] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item: $crate::IntoText>
    };
    ([list image] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item: $crate::IntoImage>
    };
    ([list video] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item: $crate::IntoVideo>
    };
    ([list audio] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item: $crate::IntoAudio>
    };
    ([list file] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item: $crate::IntoFile>
    };
    ([list number] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item: $crate::IntoNumber>
    };
    ([list integer narrow] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item: $crate::IntoInteger>
    };
    ([list $($item:tt)*] $ty:ty) => {
        impl ::std::iter::IntoIterator<Item = <$ty as ::std::iter::IntoIterator>::Item>
    };
    ($kind:tt $ty:ty) => { $ty };
}

/// The type of a default's constant: text defaults are `&'static str`.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_constant_type {
    (string $ty:ty) => { &'static str };
    (image $ty:ty) => { &'static str };
    (video $ty:ty) => { &'static str };
    (audio $ty:ty) => { &'static str };
    (file $ty:ty) => { &'static str };
    ($kind:tt $ty:ty) => { $ty };
}

/// The type of a bound's constant: the value's, or for a list its items'.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_bound_type {
    ([list integer $($narrow:ident)?] $ty:ty) => {
        i64
    };
    ([list number] $ty:ty) => {
        f64
    };
    ($kind:tt $ty:ty) => {
        $ty
    };
}

/// A field's value in `new`: the argument, or unset.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_initial {
    (required $kind:tt $value:ident) => {
        $crate::__segmind_convert!($kind $value)
    };
    (optional $kind:tt $value:ident) => {
        ::std::option::Option::None
    };
}

/// The value a setter stores: the argument converted, and for an optional
/// parameter wrapped in `Some`.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_store {
    (required $($value:tt)*) => {
        $crate::__segmind_convert!($($value)*)
    };
    (optional $($value:tt)*) => {
        ::std::option::Option::Some($crate::__segmind_convert!($($value)*))
    };
}

/// An argument converted to what the field holds, through the trait its
/// type says it takes (see `__segmind_argument_type`).
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_convert {
    (string $value:ident) => {
        $crate::IntoText::into_text($value)
    };
    (image $value:ident) => {
        $crate::IntoImage::into_image($value)
    };
    (video $value:ident) => {
        $crate::IntoVideo::into_video($value)
    };
    (audio $value:ident) => {
        $crate::IntoAudio::into_audio($value)
    };
    (file $value:ident) => {
        $crate::IntoFile::into_file($value)
    };
    (number $value:ident) => {
        $crate::IntoNumber::into_f64($value)
    };
    (integer narrow $value:ident) => {
        $crate::IntoInteger::into_i64($value)
    };
    ([list string] $value:ident) => {
        $value
            .into_iter()
            .map($crate::IntoText::into_text)
            .collect()
    };
    ([list image] $value:ident) => {
        $value
            .into_iter()
            .map($crate::IntoImage::into_image)
            .collect()
    };
    ([list video] $value:ident) => {
        $value
            .into_iter()
            .map($crate::IntoVideo::into_video)
            .collect()
    };
    ([list audio] $value:ident) => {
        $value
            .into_iter()
            .map($crate::IntoAudio::into_audio)
            .collect()
    };
    ([list file] $value:ident) => {
        $value
            .into_iter()
            .map($crate::IntoFile::into_file)
            .collect()
    };
    ([list number] $value:ident) => {
        $value
            .into_iter()
            .map($crate::IntoNumber::into_f64)
            .collect()
    };
    ([list integer narrow] $value:ident) => {
        $value
            .into_iter()
            .map($crate::IntoInteger::into_i64)
            .collect()
    };
    ([list $($item:tt)*] $value:ident) => {
        $value.into_iter().collect()
    };
    ($kind:tt $value:ident) => {
        $value
    };
}

/// A rule between parameters, from the generated `#[rules(...)]`.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_rule {
    (exclusive $($param:literal),*) => {
        $crate::Constraint::Exclusive(&[$($param),*])
    };
    (requires $param:literal, $needed:literal) => {
        $crate::Constraint::Requires($param, $needed)
    };
    (at_least_one $($param:literal),*) => {
        $crate::Constraint::AtLeastOne(&[$($param),*])
    };
}

/// Sets an unset optional field to its documented default (the constant's
/// value, converted to what the field holds).
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_fill_default {
    (string $field:expr, $default:expr) => {
        if $field.is_none() {
            $field = ::std::option::Option::Some(::std::string::String::from($default));
        }
    };
    (image $field:expr, $default:expr) => {
        if $field.is_none() {
            $field = ::std::option::Option::Some($crate::ImageInput::verbatim($default));
        }
    };
    ($kind:tt $field:expr, $default:expr) => {
        if $field.is_none() {
            $field = ::std::option::Option::Some($default);
        }
    };
}

/// How `read` takes a field from a JSON object.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_read {
    (required $fields:ident $wire:literal) => {
        $fields.required($wire)?
    };
    // No `?`: a value that cannot be read is kept by the reader (see
    // `FieldReader`).
    (optional $fields:ident $wire:literal) => {
        $fields.optional($wire)
    };
}

/// The rule `validate` applies, from the kind, a list's item kind and the
/// bounds (`[min]`, `[max]`, `[allowed]`, then a list's `[min_items]` and
/// `[max_items]`, each possibly empty). A list's bounds on values apply to
/// each item; an object is checked by its own type's rules.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_check {
    (
        [list $item:ident $($narrow:ident)?] $min:tt $max:tt $allowed:tt
        [$($min_items:expr)?] [$($max_items:expr)?]
    ) => {
        $crate::Check::List {
            min_items: $crate::__segmind_option!($($min_items)?),
            max_items: $crate::__segmind_option!($($max_items)?),
            item: &$crate::__segmind_check!($item $min $max $allowed [] []),
        }
    };
    (object [] [] [] [] []) => { $crate::Check::Object };
    ($kind:ident $min:tt $max:tt $allowed:tt [] []) => {
        $crate::__segmind_scalar_check!($kind $min $max $allowed)
    };
}

/// The rule for one value: numbers without bounds are still checked to be
/// finite; images must not be empty. An allowed list wins over a range: the
/// generator has checked it lies inside the range.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_scalar_check {
    (integer [] [] []) => { $crate::Check::None };
    (integer [$($min:expr)?] [$($max:expr)?] [$allowed:expr]) => {
        $crate::Check::IntOneOf($allowed)
    };
    (integer [$($min:expr)?] [$($max:expr)?] []) => {
        $crate::Check::IntRange(
            $crate::__segmind_option!($($min)?),
            $crate::__segmind_option!($($max)?),
        )
    };
    (number [$($min:expr)?] [$($max:expr)?] [$allowed:expr]) => {
        $crate::Check::NumberOneOf($allowed)
    };
    (number [$($min:expr)?] [$($max:expr)?] []) => {
        $crate::Check::NumberRange(
            $crate::__segmind_option!($($min)?),
            $crate::__segmind_option!($($max)?),
        )
    };
    (image [] [] []) => { $crate::Check::NonEmpty };
    (video [] [] []) => { $crate::Check::NonEmpty };
    (audio [] [] []) => { $crate::Check::NonEmpty };
    (file [] [] []) => { $crate::Check::NonEmpty };
    ($kind:ident [] [] []) => { $crate::Check::None };
}

/// `Some(value)`, or `None` when there is no value.
#[macro_export]
#[doc(hidden)]
macro_rules! __segmind_option {
    () => {
        ::std::option::Option::None
    };
    ($value:expr) => {
        ::std::option::Option::Some($value)
    };
}
