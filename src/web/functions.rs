use super::objects::{FunctionLabSettingsIn, FunctionLabSettingsOut, settings_from};
use super::{Backend, Frame, ScoreNetwork, js_error};
use crate::choice;
use crate::lab::{self, FunctionLabConfig, Lab};
use crate::network::ScoreMlp;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The function lab of [`crate::lab::FunctionLab`] for the page.
#[wasm_bindgen]
pub struct FunctionLab {
    inner: lab::FunctionLab,
}

#[wasm_bindgen]
impl FunctionLab {
    /// `settings` has any of the fields of `FunctionLabSettings`, with the exact model.
    #[wasm_bindgen(constructor)]
    pub fn new(
        backend: &Backend,
        settings: Option<FunctionLabSettingsIn>,
    ) -> Result<FunctionLab, JsError> {
        Self::build(backend, settings, None)
    }

    /// The same with the learned model available.
    pub fn with_network(
        backend: &Backend,
        settings: Option<FunctionLabSettingsIn>,
        network: &ScoreNetwork,
    ) -> Result<FunctionLab, JsError> {
        Self::build(backend, settings, Some(network.0.clone()))
    }

    fn build(
        backend: &Backend,
        settings: Option<FunctionLabSettingsIn>,
        network: Option<Rc<ScoreMlp>>,
    ) -> Result<FunctionLab, JsError> {
        let config: FunctionLabConfig = settings_from(settings.map(Into::into))?;
        let inner = lab::FunctionLab::new(config, network, &backend.device).map_err(js_error)?;
        Ok(FunctionLab { inner })
    }

    /// Method names in the order of a frame's blocks.
    pub fn methods() -> Vec<String> {
        let names = lab::FUNCTION_METHODS.map(choice::name);
        names.map(String::from).to_vec()
    }

    /// The grid the functions live on.
    pub fn grid(&self) -> Vec<f64> {
        self.inner.grid().to_vec()
    }

    /// The exact posterior mean on the grid.
    pub fn posterior_mean(&self) -> Vec<f64> {
        self.inner.posterior_band().0
    }

    /// The exact posterior standard deviation on the grid.
    pub fn posterior_sd(&self) -> Vec<f64> {
        self.inner.posterior_band().1
    }

    /// The exact posterior probability of each place of the motif (where its first value lies
    /// on the grid); empty without a motif.
    pub fn motif_places(&self) -> Vec<f64> {
        self.inner.motif_places().to_vec()
    }
}

super::lab_api!(FunctionLab, FunctionLabConfig, FunctionLabSettingsOut);
