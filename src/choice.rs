//! Closed sets of named choices: samplers, schedules, the labs' data sets, models and
//! conditionings. Each is one enum whose serde names are the values the page sends and the URL
//! carries, so a new choice is one variant and nothing else lists the names.
//!
//! Such an enum derives serde with `#[serde(remote = "Self")]`, which leaves the derived code as
//! plain functions, and [`choice!`](crate::choice!) wraps it: the list of names is read back
//! from the derived deserializer, and an unknown name is refused with a message that says which
//! setting it was and what it can be (serde's own, "unknown variant", says neither).

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// An enum of named choices; implemented by [`choice!`](crate::choice!).
pub trait Choice: Copy + PartialEq + Serialize + 'static {
    /// What one of them is, in messages: "sampler", "data set".
    const WHAT: &'static str;

    /// The deserializer serde derived (`remote = "Self"`), which knows the names.
    fn derived<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Implements serde and [`Choice`] for an enum that derives serde with `remote = "Self"`.
#[macro_export]
macro_rules! choice {
    ($ty:ty, $what:literal) => {
        impl $crate::choice::Choice for $ty {
            const WHAT: &'static str = $what;

            fn derived<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                <$ty>::deserialize(deserializer)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$ty>::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::choice::deserialize(deserializer)
            }
        }
    };
}

/// Every choice, in the order the enum declares them.
pub fn all<T: Choice>() -> Vec<T> {
    let mut all: Vec<T> = Vec::new();
    // serde lists aliases beside the names: keep each choice once.
    for value in accepted::<T>().iter().filter_map(|n| parse::<T>(n).ok()) {
        if !all.contains(&value) {
            all.push(value);
        }
    }
    all
}

/// The name of a choice, as serde writes it.
pub fn name<T: Choice>(value: T) -> &'static str {
    let written = serde_json::to_value(value).ok();
    accepted::<T>()
        .iter()
        .find(|n| written.as_ref().is_some_and(|w| w == **n))
        .copied()
        .unwrap_or_default()
}

/// Every name, in order, without aliases.
pub fn names<T: Choice>() -> Vec<&'static str> {
    all::<T>().into_iter().map(name).collect()
}

/// The choice called `name`, or a message naming the setting and its choices.
pub fn parse<T: Choice>(name: &str) -> Result<T, String> {
    T::derived(de::value::StrDeserializer::<de::value::Error>::new(name)).map_err(|_| {
        format!(
            "unknown {} '{name}' (one of {})",
            T::WHAT,
            names::<T>().join(", ")
        )
    })
}

/// Reads a choice from its name; what [`choice!`](crate::choice!) deserializes with.
pub fn deserialize<'de, D: Deserializer<'de>, T: Choice>(deserializer: D) -> Result<T, D::Error> {
    let name = String::deserialize(deserializer)?;
    parse(&name).map_err(de::Error::custom)
}

/// The names the derived deserializer accepts, aliases included: it hands them to
/// `deserialize_enum`, where [`Probe`] keeps them.
fn accepted<T: Choice>() -> &'static [&'static str] {
    match T::derived(Probe) {
        Err(Probed::Names(names)) => names,
        _ => &[],
    }
}

/// A deserializer that only asks an enum for its names.
struct Probe;

#[derive(Debug)]
enum Probed {
    Names(&'static [&'static str]),
    NotAnEnum,
}

impl std::fmt::Display for Probed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a probe for an enum's names")
    }
}

impl std::error::Error for Probed {}

impl de::Error for Probed {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Probed::NotAnEnum
    }
}

impl<'de> Deserializer<'de> for Probe {
    type Error = Probed;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed::NotAnEnum)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Probed> {
        Err(Probed::Names(variants))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::ScheduleKind;

    /// Names come from serde, aliases are accepted but not listed, and an unknown name is
    /// refused with the setting and its choices.
    #[test]
    fn names_aliases_and_messages() {
        assert_eq!(names::<ScheduleKind>(), ["vp", "cosine", "ve"]);
        assert_eq!(parse::<ScheduleKind>("vp-linear"), Ok(ScheduleKind::Vp));
        assert_eq!(name(ScheduleKind::Ve), "ve");
        let err = serde_json::from_str::<ScheduleKind>(r#""linear""#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown schedule 'linear' (one of vp, cosine, ve)"),
            "{err}"
        );
        assert!(serde_json::from_str::<ScheduleKind>("3").is_err());
        assert_eq!(
            serde_json::to_string(&ScheduleKind::Cosine).unwrap(),
            r#""cosine""#
        );
    }
}
