use super::objects::{TrainedEnergyOut, to_js};
use super::{Backend, js_error, load_on};
use crate::lab::{self, TRAINED_ENERGY};
use crate::network::TimeMlpConfig;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The trained intermediate energy and force networks of a 2D data set on one backend
/// (`weights/energy-<data>.bpk`, `weights/force-<data>.bpk`), for `Lab2d.use_energy_networks`.
#[wasm_bindgen]
pub struct EnergyNetworks(pub(super) lab::EnergyNetworks);

#[wasm_bindgen]
impl EnergyNetworks {
    /// The networks trained on `data` (one of the data sets of `trained()`).
    pub fn load(
        backend: &Backend,
        energy: &[u8],
        force: &[u8],
        data: &str,
    ) -> Result<EnergyNetworks, JsError> {
        if !TRAINED_ENERGY.data.contains(&data) {
            return Err(js_error(format!("no energy networks for '{data}'")));
        }
        let load = |config: TimeMlpConfig, bytes: &[u8], name: &str| {
            load_on(|d| config.init(d), bytes, &backend.device)
                .map(Rc::new)
                .map_err(|e| js_error(format!("{name}-{data}.bpk: {e}")))
        };
        Ok(EnergyNetworks(lab::EnergyNetworks {
            energy: load(TimeMlpConfig::energy(2), energy, "energy")?,
            force: load(TimeMlpConfig::force(2), force, "force")?,
        }))
    }

    /// What the networks learned: `{ data: [...], beta, center: [x1, x2] }`.
    pub fn trained() -> TrainedEnergyOut {
        to_js(&TRAINED_ENERGY)
    }
}
