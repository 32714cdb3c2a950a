use super::{Backend, js_error, load_on};
use crate::choice;
use crate::lab::LEARNED;
use crate::network::{ScoreMlp, ScoreMlpConfig};
use crate::presets::Preset;
use crate::toy_data;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A score MLP on one backend: over function values (`weights/mlp1d.bpk`) or over the points of
/// a 2D data set (`weights/mlp2d-<data>.bpk`).
#[wasm_bindgen]
pub struct ScoreNetwork(pub(super) Rc<ScoreMlp>);

#[wasm_bindgen]
impl ScoreNetwork {
    /// The network over the function grid.
    pub fn functions(backend: &Backend, bytes: &[u8]) -> Result<ScoreNetwork, JsError> {
        let config = ScoreMlpConfig::new(toy_data::function_prior().grid.len());
        load(config, backend, bytes, "mlp1d.bpk")
    }

    /// The network trained on the 2D data set `data` (one of `LEARNED`).
    pub fn points(backend: &Backend, bytes: &[u8], data: &str) -> Result<ScoreNetwork, JsError> {
        let learned = choice::parse::<Preset>(data).is_ok_and(|p| LEARNED.contains(&p));
        let classes = toy_data::num_classes(data)
            .filter(|_| learned)
            .ok_or_else(|| js_error(format!("no score network for '{data}'")))?;
        let config = ScoreMlpConfig::new(2).with_num_classes(classes);
        load(config, backend, bytes, &format!("mlp2d-{data}.bpk"))
    }
}

fn load(
    config: ScoreMlpConfig,
    backend: &Backend,
    bytes: &[u8],
    name: &str,
) -> Result<ScoreNetwork, JsError> {
    let network = load_on(|d| config.init(d), bytes, &backend.device)
        .map_err(|e| js_error(format!("{name}: {e}")))?;
    Ok(ScoreNetwork(Rc::new(network)))
}
