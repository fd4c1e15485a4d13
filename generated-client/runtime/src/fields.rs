//! Serialisation, deserialisation and `Debug` of the generated request
//! types, written once here instead of derived for each type.
//!
//! A request type implements [`RequestFields`]: it lists its set parameters
//! with their wire names ([`RequestFields::write`]) and builds itself from a
//! JSON object's fields ([`RequestFields::read`]). The generic code that
//! talks to serde lives in this module and is instantiated once per
//! serializer or deserializer, not once per request type, which keeps the
//! generated crate cheap to compile as the number of endpoints grows.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::{
    AudioInput, Checker, Endpoint, FileInput, ImageInput, Media, ValidationErrors, VideoInput,
    WireEnum,
};

/// One parameter's value as it goes on the wire.
#[derive(Clone, Copy)]
pub enum Wire<'a> {
    /// Text, or an enum's wire string.
    Str(&'a str),
    /// An input file (an image, video, audio or other file: a URL or
    /// base64), sent as a string.
    Media(&'a Media),
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A JSON array, whose items are walked one by one.
    List(&'a dyn WireList),
    /// A JSON object: one of the generated object types, walked like a
    /// request.
    Object(&'a dyn RequestFields),
}

/// A list parameter's items, each in its wire form; implemented for `Vec`
/// of every value type.
pub trait WireList {
    /// Passes each item to `each`, in order.
    fn each_item(&self, each: &mut dyn FnMut(Wire<'_>));
}

impl<T: ToWire> WireList for Vec<T> {
    fn each_item(&self, each: &mut dyn FnMut(Wire<'_>)) {
        for item in self {
            if let Some(wire) = item.to_wire() {
                each(wire);
            }
        }
    }
}

impl<T: ToWire> ToWire for Vec<T> {
    fn to_wire(&self) -> Option<Wire<'_>> {
        Some(Wire::List(self))
    }
}

impl serde::Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Wire::Str(text) => serializer.serialize_str(text),
            Wire::Media(media) => serializer.serialize_str(media.as_str()),
            Wire::Int(n) => serializer.serialize_i64(n),
            Wire::Number(n) => serializer.serialize_f64(n),
            Wire::Bool(b) => serializer.serialize_bool(b),
            Wire::List(list) => {
                use serde::ser::SerializeSeq;
                let mut seq = serializer.serialize_seq(None)?;
                let mut failed = None;
                list.each_item(&mut |item| {
                    if failed.is_none() {
                        failed = seq.serialize_element(&item).err();
                    }
                });
                match failed {
                    Some(error) => Err(error),
                    None => seq.end(),
                }
            }
            Wire::Object(object) => serialize_request(object, serializer),
        }
    }
}

/// Shows text and numbers as `Debug` does, and input files as [`Media`]
/// does (inline base64 only by its length).
struct DebugWire<'a>(Wire<'a>);

impl fmt::Debug for DebugWire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Wire::Str(text) => fmt::Debug::fmt(text, f),
            Wire::Media(media) => fmt::Debug::fmt(media, f),
            Wire::Int(n) => fmt::Debug::fmt(&n, f),
            Wire::Number(n) => fmt::Debug::fmt(&n, f),
            Wire::Bool(b) => fmt::Debug::fmt(&b, f),
            Wire::List(list) => {
                let mut out = f.debug_list();
                list.each_item(&mut |item| {
                    out.entry(&DebugWire(item));
                });
                out.finish()
            }
            Wire::Object(object) => {
                let mut out = f.debug_map();
                each_field(object, &mut |_, name, value| {
                    out.entry(&name, &DebugWire(value));
                });
                out.finish()
            }
        }
    }
}

/// A parameter value's wire form; `None` for an unset optional parameter,
/// which is not sent.
pub trait ToWire {
    /// The value on the wire, if it is sent.
    fn to_wire(&self) -> Option<Wire<'_>>;
}

impl ToWire for String {
    fn to_wire(&self) -> Option<Wire<'_>> {
        Some(Wire::Str(self))
    }
}

/// `ToWire` for each input file type, through the [`Media`] they share.
macro_rules! media_to_wire {
    ($($ty:ty),*) => {$(
        impl ToWire for $ty {
            fn to_wire(&self) -> Option<Wire<'_>> {
                Some(Wire::Media(self))
            }
        }
    )*};
}

media_to_wire!(ImageInput, VideoInput, AudioInput, FileInput);

impl ToWire for i64 {
    fn to_wire(&self) -> Option<Wire<'_>> {
        Some(Wire::Int(*self))
    }
}

impl ToWire for f64 {
    fn to_wire(&self) -> Option<Wire<'_>> {
        Some(Wire::Number(*self))
    }
}

impl ToWire for bool {
    fn to_wire(&self) -> Option<Wire<'_>> {
        Some(Wire::Bool(*self))
    }
}

impl<T: WireEnum> ToWire for T {
    fn to_wire(&self) -> Option<Wire<'_>> {
        Some(Wire::Str(self.as_str()))
    }
}

impl<T: ToWire> ToWire for Option<T> {
    fn to_wire(&self) -> Option<Wire<'_>> {
        match self {
            Some(value) => value.to_wire(),
            None => None,
        }
    }
}

/// What a [`FieldWriter`] passes each set parameter to: its position among
/// all the request's parameters, its wire name and its value.
type Sink<'a> = dyn FnMut(usize, &'static str, Wire<'_>) + 'a;

/// Receives a request's parameters in spec order; see
/// [`RequestFields::write`].
pub struct FieldWriter<'a> {
    sink: &'a mut Sink<'a>,
    index: usize,
}

impl FieldWriter<'_> {
    /// Passes on the parameter `name` unless it is an unset optional one.
    #[inline]
    pub fn field<T: ToWire>(&mut self, name: &'static str, value: &T) {
        if let Some(wire) = value.to_wire() {
            (self.sink)(self.index, name, wire);
        }
        self.index += 1;
    }
}

/// The members of a JSON object, taken one by one by
/// [`RequestFields::read`]. Whatever is left at the end is an unknown field.
///
/// An optional parameter that cannot be read is kept as the reader's error
/// (the first one wins) and read as `None`, and the request is then refused
/// with that error: so a generated `read` needs no early return per
/// optional parameter, each of which would make the compiler elaborate the
/// drops of every field read before it, for every endpoint.
#[derive(Debug)]
pub struct FieldReader {
    map: Map<String, Value>,
    taken: Vec<&'static str>,
    error: Option<serde_json::Error>,
}

impl FieldReader {
    /// A required parameter: missing or of the wrong type is an error.
    pub fn required<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
    ) -> Result<T, serde_json::Error> {
        self.taken.push(name);
        // Plain matches rather than `map`/`map_err`: fewer instantiations
        // per parameter type (one per generated enum).
        match self.map.remove(name) {
            Some(value) => read_value(name, value),
            None => Err(de::Error::missing_field(name)),
        }
    }

    /// An optional parameter: missing or `null` is `None`; one that cannot
    /// be read is `None` too, with its error kept (see above).
    pub fn optional<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        self.taken.push(name);
        match self.map.remove(name) {
            None | Some(Value::Null) => None,
            Some(value) => match read_value(name, value) {
                Ok(value) => Some(value),
                Err(error) => {
                    self.error.get_or_insert(error);
                    None
                }
            },
        }
    }

    /// Fails on the first member no parameter took.
    fn finish(self) -> Result<(), serde_json::Error> {
        let Some(unknown) = self.map.keys().next() else {
            return Ok(());
        };
        let expected = self
            .taken
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ");
        Err(de::Error::custom(format_args!(
            "unknown field `{unknown}`, expected one of {expected}"
        )))
    }
}

fn invalid(name: &str, error: serde_json::Error) -> serde_json::Error {
    de::Error::custom(format_args!("invalid value for `{name}`: {error}"))
}

/// Reads one parameter's value. A JSON number without a fraction is a
/// whole number, whatever its spelling: `92.0` reads as the integer `92`,
/// as JSON Schema's `type: integer` (and so the OpenAPI document) and most
/// servers read it. A number with a fraction where an integer is expected
/// is refused as not a whole number.
fn read_value<T: DeserializeOwned>(name: &str, mut value: Value) -> Result<T, serde_json::Error> {
    whole_numbers_as_integers(&mut value);
    let fraction = value.as_f64().filter(|_| value.is_f64());
    match T::deserialize(value) {
        Ok(value) => Ok(value),
        // An integer parameter (one that reads 0 but not 0.5) given a
        // fraction: say so in words rather than in Rust types.
        Err(_)
            if fraction.is_some()
                && T::deserialize(Value::from(0_i64)).is_ok()
                && T::deserialize(Value::from(0.5)).is_err() =>
        {
            Err(de::Error::custom(format_args!(
                "invalid value for `{name}`: {} is not a whole number, and `{name}` is an integer",
                fraction.unwrap_or_default()
            )))
        }
        Err(error) => Err(invalid(name, error)),
    }
}

/// Rewrites every float without a fraction that fits in an `i64` as that
/// integer, in lists too (an object's own fields are read by its own
/// reader, which does the same). A number parameter reads an integer as
/// the same `f64`, so only integer parameters see the difference.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(number) if number.is_f64() => {
            if let Some(whole) = number.as_f64().and_then(as_whole) {
                *number = whole.into();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// `value` as an `i64`, when it has no fraction and lies strictly between
/// -2^63 and 2^63. The ends are left out: an integer literal just past the
/// 64-bit range (`-9223372036854775809`) is read by serde_json as the float
/// -2^63, and must stay refused, as the document (whose open bounds are the
/// 64-bit ones) refuses it. An integer literal `-9223372036854775808` is
/// read as an `i64`, not a float, and so is accepted.
pub fn as_whole(value: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (value.fract() == 0.0 && value > -LIMIT && value < LIMIT).then_some(value as i64)
}

/// What a generated request type implements so that the functions of this
/// module can serialise, deserialise and show it.
///
/// The functions take `&dyn RequestFields`, so that their code exists once
/// for all request types.
pub trait RequestFields {
    /// Passes every parameter to `out` in spec order; unset optional ones
    /// are skipped by the writer.
    fn write(&self, out: &mut FieldWriter<'_>);

    /// Builds the request from an object's members.
    fn read(fields: &mut FieldReader) -> Result<Self, serde_json::Error>
    where
        Self: Sized;

    /// The rule for each parameter, in `write` order; for the generated
    /// object types, whose checks run inside their parameter's.
    fn checks(&self) -> &'static [(&'static str, Check)] {
        &[]
    }

    /// Sets every unset optional parameter whose spec documents a default
    /// to that default: the request as the server reads it.
    fn apply_defaults(&mut self) {}
}

/// Calls `sink` with each parameter the request sends.
fn each_field<'a>(request: &dyn RequestFields, sink: &'a mut Sink<'a>) {
    request.write(&mut FieldWriter { sink, index: 0 });
}

/// What `validate()` checks about one parameter; a generated request type
/// lists one per parameter, in the order its `write` passes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Check {
    /// Nothing to check (text, booleans, enums).
    None,
    /// An integer within inclusive bounds, either of which may be open.
    IntRange(Option<i64>, Option<i64>),
    /// An integer from a fixed list.
    IntOneOf(&'static [i64]),
    /// A finite number within inclusive bounds, either of which may be open.
    NumberRange(Option<f64>, Option<f64>),
    /// A number from a fixed list.
    NumberOneOf(&'static [f64]),
    /// A non-empty input file or text.
    NonEmpty,
    /// A list: its length within inclusive bounds, and each item checked.
    List {
        /// The fewest items.
        min_items: Option<usize>,
        /// The most items.
        max_items: Option<usize>,
        /// The rule each item follows.
        item: &'static Check,
    },
    /// An object, checked by its own type's rules.
    Object,
}

/// A rule between parameters: which ones may, or must, be sent together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// At most one of them may be sent.
    Exclusive(&'static [&'static str]),
    /// Sending the first needs the second.
    Requires(&'static str, &'static str),
    /// One or more of them must be sent.
    AtLeastOne(&'static [&'static str]),
}

/// Checks every set parameter of `request` against its entry in `checks`
/// (wire name and rule, one per parameter in `write` order), then the rules
/// between parameters, reporting all violations at once.
pub fn validate_request(
    endpoint: &'static str,
    request: &dyn RequestFields,
    checks: &[(&'static str, Check)],
    constraints: &[Constraint],
) -> Result<(), ValidationErrors> {
    let mut checker = Checker::new(endpoint);
    let mut sent: Vec<&'static str> = Vec::new();
    each_field(request, &mut |index, name, value| {
        sent.push(name);
        if let Some(&(name, check)) = checks.get(index) {
            check_value(&mut checker, name, check, value);
        }
    });
    for constraint in constraints {
        checker.constraint(*constraint, &sent);
    }
    checker.finish()
}

/// Applies one rule to one value, descending into lists and objects.
fn check_value(checker: &mut Checker, name: &'static str, check: Check, value: Wire<'_>) {
    match (check, value) {
        (Check::IntRange(min, max), Wire::Int(n)) => checker.int_range(name, n, min, max),
        (Check::IntOneOf(allowed), Wire::Int(n)) => checker.int_one_of(name, n, allowed),
        (Check::NumberRange(min, max), Wire::Number(n)) => checker.number_range(name, n, min, max),
        (Check::NumberOneOf(allowed), Wire::Number(n)) => checker.number_one_of(name, n, allowed),
        (Check::NonEmpty, Wire::Media(media)) => checker.media(name, media),
        (Check::NonEmpty, Wire::Str(text)) => checker.non_empty(name, text),
        (
            Check::List {
                min_items,
                max_items,
                item,
            },
            Wire::List(list),
        ) => {
            let mut index = 0;
            list.each_item(&mut |value| {
                checker.enter(format_args!("[{index}]"));
                check_value(checker, name, *item, value);
                checker.leave();
                index += 1;
            });
            checker.list_length(name, index, min_items, max_items);
        }
        (Check::Object, Wire::Object(object)) => {
            let checks = object.checks();
            each_field(object, &mut |index, field, value| {
                if let Some(&(_, check)) = checks.get(index) {
                    checker.enter(format_args!(".{field}"));
                    check_value(checker, name, check, value);
                    checker.leave();
                }
            });
        }
        _ => {}
    }
}

/// Serialises a request as a JSON object of the parameters it sends.
pub fn serialize_request<S: Serializer>(
    request: &dyn RequestFields,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    let mut failed = None;
    each_field(request, &mut |_, name, value| {
        if failed.is_none() {
            failed = map.serialize_entry(name, &value).err();
        }
    });
    match failed {
        Some(error) => Err(error),
        None => map.end(),
    }
}

/// Reads a request from a JSON object: unknown, duplicated or missing
/// fields and values of the wrong type are errors naming the field.
pub fn deserialize_request<'de, R: RequestFields, D: Deserializer<'de>>(
    name: &'static str,
    what: &'static str,
    deserializer: D,
) -> Result<R, D::Error> {
    let map = deserializer.deserialize_map(ObjectVisitor { name, what })?;
    read_request(map).map_err(de::Error::custom)
}

fn read_request<R: RequestFields>(map: Map<String, Value>) -> Result<R, serde_json::Error> {
    let mut fields = FieldReader {
        map,
        taken: Vec::new(),
        error: None,
    };
    // The first error in field order: an optional parameter's kept one
    // comes before a required parameter's that ended the read.
    let read = R::read(&mut fields);
    if let Some(error) = fields.error.take() {
        return Err(error);
    }
    let request = read?;
    fields.finish()?;
    Ok(request)
}

/// Reads a request from a JSON value, which must be an object; for
/// `AnyRequest::from_json`, without going through a `Deserializer`.
pub fn request_from_json<R: RequestFields + Endpoint>(body: Value) -> Result<R, serde_json::Error> {
    match body {
        Value::Object(map) => read_request(map),
        other => Err(de::Error::invalid_type(
            unexpected(&other),
            &ObjectVisitor {
                name: R::SLUG,
                what: "request",
            },
        )),
    }
}

/// The JSON object a request sends; for `AnyRequest::to_json`, without
/// going through a `Serializer`.
pub fn request_to_json(request: &dyn RequestFields) -> Value {
    let mut map = Map::new();
    each_field(request, &mut |_, name, value| {
        map.insert(name.to_owned(), wire_to_json(value));
    });
    Value::Object(map)
}

fn wire_to_json(value: Wire<'_>) -> Value {
    match value {
        Wire::Str(text) => Value::from(text),
        Wire::Media(media) => Value::from(media.as_str()),
        Wire::Int(n) => Value::from(n),
        // Like `serde_json::to_value`: NaN and infinities become `null`.
        Wire::Number(n) => Value::from(n),
        Wire::Bool(b) => Value::from(b),
        Wire::List(list) => {
            let mut items = Vec::new();
            list.each_item(&mut |item| items.push(wire_to_json(item)));
            Value::Array(items)
        }
        Wire::Object(object) => request_to_json(object),
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(text) => de::Unexpected::Str(text),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// Shows a request as its type name and the parameters it sends.
pub fn debug_request(
    request: &dyn RequestFields,
    name: &str,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let mut out = f.debug_struct(name);
    each_field(request, &mut |_, name, value| {
        out.field(name, &DebugWire(value));
    });
    out.finish()
}

/// Collects a JSON object's members, rejecting a member given twice.
struct ObjectVisitor {
    /// What the object is, for messages: a request's slug or an object
    /// type's name.
    name: &'static str,
    /// `request` or `object`.
    what: &'static str,
}

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` {} as a JSON object", self.name, self.what)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let value = access.next_value()?;
            map.insert(key, value);
        }
        Ok(map)
    }
}

/// Implements `Serialize`, `Deserialize` and `Debug` for a generated request
/// type in terms of its [`RequestFields`] impl.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_request_traits {
    ($ty:ident, $name:expr, $what:literal) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::serialize_request(self, serializer)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::deserialize_request($name, $what, deserializer)
            }
        }
        impl ::std::fmt::Debug for $ty {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::debug_request(self, stringify!($ty), f)
            }
        }
        /// A copy, so that the client's methods take a reference as well as
        /// a request by value.
        impl ::std::convert::From<&$ty> for $ty {
            #[inline]
            fn from(request: &$ty) -> Self {
                ::std::clone::Clone::clone(request)
            }
        }
    };
}
