//! The TypeScript declarations of the browser API's plain objects (src/web/settings.d.ts) against
//! the Rust types they describe: the same fields, each of a type its default
//! value has, and every closed set of names spelled out in full. Samplers and schedules must stay
//! `string`, so that a new one is a Rust file and an enum arm, with nothing to edit here.

use diffusion_playground::choice::{Choice, names};
use diffusion_playground::lab::{
    Conditioning, DigitLabConfig, FunctionLabConfig, Inpainting, Lab2dConfig, Model, RunConfig,
    TRAINED_ENERGY, Trained2dConfig, Trained2dRun,
};
use diffusion_playground::presets::Preset;
use diffusion_playground::training::{LiveConfig, TrainingData};
use diffusion_playground::{sampler, schedule};
use serde::Serialize;
use serde_json::Value;

const DECLARATIONS: &str = include_str!("../src/web/settings.d.ts");

/// The fields of `export interface <name>`, as (field, type) in order.
fn interface(name: &str) -> Vec<(String, String)> {
    let start = format!("export interface {name} {{\n");
    let body = DECLARATIONS
        .split_once(start.as_str())
        .unwrap_or_else(|| panic!("settings.d.ts declares no interface {name}"))
        .1;
    let body = &body[..body.find("\n}").expect("the interface ends")];
    body.lines()
        .filter(|line| line.starts_with("  ") && !line.trim_start().starts_with(['/', '*']))
        .map(|line| {
            let (field, ty) = line
                .trim()
                .split_once(": ")
                .expect("a field: `name: type;`");
            let ty = ty.strip_suffix(';').expect("a field ends with ;");
            (field.trim_end_matches('?').to_string(), ty.to_string())
        })
        .collect()
}

/// The quoted names of a union such as `'a' | 'b'`, sorted.
fn union(ty: &str) -> Vec<String> {
    let mut names: Vec<String> = ty
        .split(" | ")
        .map(|n| n.trim_matches('\'').to_string())
        .collect();
    names.sort();
    names
}

fn choices<T: Choice>() -> Vec<String> {
    names::<T>().into_iter().map(String::from).collect()
}

/// The names a field of a closed set may take; `None` for a field that is not one.
fn closed_set(field: &str) -> Option<Vec<String>> {
    Some(match field {
        "preset" => choices::<Preset>(),
        "conditioning" => choices::<Conditioning>(),
        "model" => choices::<Model>(),
        "inpainting" => choices::<Inpainting>(),
        "data" => choices::<TrainingData>(),
        // The settings samplers read besides their step count, each once.
        "parameter" => {
            let mut names: Vec<String> = Vec::new();
            for entry in sampler::catalogue() {
                let value = serde_json::to_value(entry.parameter).unwrap();
                if let Some(name) = value.as_str().filter(|n| !names.iter().any(|m| m == n)) {
                    names.push(name.to_string());
                }
            }
            names
        }
        _ => return None,
    })
}

/// Checks interface `name` against `value`, serialised as the browser gets it.
fn check(name: &str, value: impl Serialize) {
    let Value::Object(fields) = serde_json::to_value(value).unwrap() else {
        panic!("{name} is not an object");
    };
    let declared = interface(name);
    // serde_json's map is sorted, so the order is not compared.
    let rust: Vec<&String> = fields.keys().collect();
    let mut typescript: Vec<&String> = declared.iter().map(|(f, _)| f).collect();
    typescript.sort();
    assert_eq!(
        typescript, rust,
        "{name}: fields differ from the Rust type's"
    );
    for (field, ty) in &declared {
        let ok = match (&fields[field], closed_set(field)) {
            (Value::String(_), Some(mut names)) => {
                names.sort();
                union(ty.trim_end_matches(" | null")) == names
            }
            // A catalogue's names (samplers, schedules, data sets of the energy networks).
            (Value::String(_), None) => ty == "string",
            // A field that may also be null is seen here with a value.
            (Value::Number(_), _) => ty.trim_end_matches(" | null") == "number",
            (Value::Bool(_), _) => ty.trim_end_matches(" | null") == "boolean",
            (Value::Null, _) => ty.ends_with("| null"),
            (Value::Array(_), _) => ty.ends_with("[]") || ty.starts_with('['),
            (Value::Object(_), _) => false,
        };
        assert!(
            ok,
            "{name}.{field}: declared `{ty}`, Rust has {}",
            fields[field]
        );
    }
}

#[test]
fn the_settings_objects_are_declared_as_the_labs_read_them() {
    check("Lab2dSettings", Lab2dConfig::default());
    check("FunctionLabSettings", FunctionLabConfig::default());
    check("DigitLabSettings", DigitLabConfig::default());
    check("TrainerSettings", LiveConfig::default());
    check("TrainedSamplesSettings", Trained2dConfig::default());
    for label in [None, Some(1)] {
        check("TrainedRun", Trained2dRun { label, exact: true });
    }
    // `label` is null by default: the declared type must also allow a number.
    check("DigitRunSettings", RunConfig::default());
    let label = &interface("DigitRunSettings")[4];
    assert_eq!(
        (label.0.as_str(), label.1.as_str()),
        ("label", "number | null")
    );
}

#[test]
fn the_catalogues_are_declared_as_the_page_reads_them() {
    // Every entry, so that `parameter` is seen both null and named.
    for entry in sampler::catalogue() {
        check("SamplerEntry", entry);
    }
    for entry in schedule::catalogue() {
        check("ScheduleEntry", entry);
    }
    check("TrainedEnergy", TRAINED_ENERGY);
}

/// The checker itself refuses a declaration that does not fit.
#[test]
#[should_panic(expected = "fields differ")]
fn a_missing_field_is_caught() {
    check(
        "ScheduleEntry",
        serde_json::json!({ "name": "vp", "label": "VP", "extra": 1 }),
    );
}
