use super::{Backend, ScoreNetwork, js_error};
use crate::choice;
use crate::lab::{self, FunctionLabConfig};
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
    /// `settings` is JSON with any of the fields of `FunctionLabConfig`, with the exact model.
    #[wasm_bindgen(constructor)]
    pub fn new(backend: &Backend, settings: &str) -> Result<FunctionLab, JsError> {
        Self::build(backend, settings, None)
    }

    /// The same with the learned model available.
    pub fn with_network(
        backend: &Backend,
        settings: &str,
        network: &ScoreNetwork,
    ) -> Result<FunctionLab, JsError> {
        Self::build(backend, settings, Some(network.0.clone()))
    }

    fn build(
        backend: &Backend,
        settings: &str,
        network: Option<Rc<ScoreMlp>>,
    ) -> Result<FunctionLab, JsError> {
        let config = FunctionLabConfig::from_json(settings).map_err(js_error)?;
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

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.is_done()
    }

    #[wasm_bindgen(getter)]
    pub fn moves_total(&self) -> usize {
        self.inner.moves_total()
    }

    pub fn frame(&self) -> super::Frame {
        super::Frame::new(self.inner.index(), self.inner.t(), self.inner.frame())
    }

    /// Moves every run once; `undefined` when done.
    pub fn step(&mut self) -> Option<super::Frame> {
        let points = self.inner.step()?;
        Some(super::Frame::new(
            self.inner.index(),
            self.inner.t(),
            points,
        ))
    }
}
