//! The catalogues the page builds its choices from, so a sampler or schedule added in Rust
//! appears in every demo's form without a line of JavaScript.

use crate::{sampler, schedule};
use wasm_bindgen::prelude::*;

/// Every sampler as JSON: `[{ name, label, short, parameter }]`, `parameter` being the setting it
/// reads besides the step count (`"eta"`, `"snr"` or null) and `short` its name in captions.
#[wasm_bindgen]
pub fn samplers() -> String {
    serde_json::to_string(&sampler::catalogue()).expect("the catalogue serialises")
}

/// Every noise schedule as JSON: `[{ name, label }]`.
#[wasm_bindgen]
pub fn schedules() -> String {
    serde_json::to_string(&schedule::catalogue()).expect("the catalogue serialises")
}
