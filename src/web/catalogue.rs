//! The catalogues the page builds its choices from, so a sampler or schedule added in Rust
//! appears in every demo's form without a line of JavaScript.

use super::objects::{SamplerEntries, ScheduleEntries, to_js};
use crate::{sampler, schedule};
use wasm_bindgen::prelude::*;

/// Every sampler: `[{ name, label, short, parameter }]`, `parameter` being the setting it reads
/// besides the step count (`"eta"`, `"snr"` or null) and `short` its name in captions.
#[wasm_bindgen]
pub fn samplers() -> SamplerEntries {
    to_js(&sampler::catalogue())
}

/// Every noise schedule: `[{ name, label }]`.
#[wasm_bindgen]
pub fn schedules() -> ScheduleEntries {
    to_js(&schedule::catalogue())
}
