//! The plain JS objects the API takes and returns, and their TypeScript declarations
//! (`settings.d.ts`, appended to the generated `.d.ts`): a blog post writes
//! `new Lab2d(backend, { preset: 'blobs', sampler: 'ddim' })`, not JSON.

use super::js_error;
use crate::lab::Settings;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const DECLARATIONS: &str = include_str!("settings.d.ts");

#[wasm_bindgen]
extern "C" {
    /// Any of a 2D lab's settings.
    #[wasm_bindgen(typescript_type = "Partial<Lab2dSettings>")]
    pub type Lab2dSettingsIn;
    #[wasm_bindgen(typescript_type = "Lab2dSettings")]
    pub type Lab2dSettingsOut;
    #[wasm_bindgen(typescript_type = "Partial<FunctionLabSettings>")]
    pub type FunctionLabSettingsIn;
    #[wasm_bindgen(typescript_type = "FunctionLabSettings")]
    pub type FunctionLabSettingsOut;
    #[wasm_bindgen(typescript_type = "Partial<DigitLabSettings>")]
    pub type DigitLabSettingsIn;
    #[wasm_bindgen(typescript_type = "DigitLabSettings")]
    pub type DigitLabSettingsOut;
    #[wasm_bindgen(typescript_type = "Partial<TrainerSettings>")]
    pub type TrainerSettingsIn;
    #[wasm_bindgen(typescript_type = "TrainerSettings")]
    pub type TrainerSettingsOut;
    #[wasm_bindgen(typescript_type = "Partial<TrainedSamplesSettings>")]
    pub type TrainedSamplesSettingsIn;
    #[wasm_bindgen(typescript_type = "TrainedSamplesSettings")]
    pub type TrainedSamplesSettingsOut;
    #[wasm_bindgen(typescript_type = "TrainedRun[]")]
    pub type TrainedRuns;
    #[wasm_bindgen(typescript_type = "SamplerEntry[]")]
    pub type SamplerEntries;
    #[wasm_bindgen(typescript_type = "ScheduleEntry[]")]
    pub type ScheduleEntries;
    #[wasm_bindgen(typescript_type = "TrainedEnergy")]
    pub type TrainedEnergyOut;
}

/// Settings from a plain object, checked as the JSON ones are; none (or `undefined`) are the
/// defaults. The object is read into a JSON value first: read straight into a struct,
/// serde-wasm-bindgen looks up the struct's own fields alone, so a misspelt one would be ignored
/// (RReverser/serde-wasm-bindgen#39) where the JSON reader refuses it. The errors are the JSON
/// reader's, without a position.
pub(super) fn settings_from<S: Settings>(value: Option<JsValue>) -> Result<S, JsError> {
    let settings = match value.filter(|v| !v.is_undefined()) {
        None => S::default(),
        // The API took JSON strings before it took objects.
        Some(value) if value.is_string() => {
            return Err(js_error(format!(
                "bad {}: an object such as {{ steps: 50 }}, not a string",
                S::WHAT
            )));
        }
        Some(value) => {
            let bad = |e: &dyn std::fmt::Display| js_error(format!("bad {}: {e}", S::WHAT));
            let json: serde_json::Value =
                serde_wasm_bindgen::from_value(value).map_err(|e| bad(&e))?;
            serde_json::from_value(json).map_err(|e| bad(&e))?
        }
    };
    settings.validate().map_err(js_error)?;
    Ok(settings)
}

/// `value` as a plain object: `None` as `null`, maps as objects, as JSON would have them.
pub(super) fn to_js<T: JsCast>(value: &impl Serialize) -> T {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .expect("settings and catalogues are plain data")
        .unchecked_into()
}
