use super::objects::{Lab2dSettingsIn, Lab2dSettingsOut, settings_from};
use super::{Backend, EnergyNetworks, Frame, ScoreNetwork, js_error};
use crate::choice;
use crate::lab::{self, Lab, Lab2dConfig};
use wasm_bindgen::prelude::*;

/// The 2D lab of [`crate::lab`] for the page.
#[wasm_bindgen]
pub struct Lab2d {
    inner: lab::Lab2d,
}

#[wasm_bindgen]
impl Lab2d {
    /// `settings` has any of the fields of `Lab2dSettings`; the rest take defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(backend: &Backend, settings: Option<Lab2dSettingsIn>) -> Result<Lab2d, JsError> {
        let config: Lab2dConfig = settings_from(settings.map(Into::into))?;
        let inner = lab::Lab2d::new(config, None, &backend.device).map_err(js_error)?;
        Ok(Lab2d { inner })
    }

    /// The same with the score network trained on the data set, for `model: "learned"`.
    pub fn with_network(
        backend: &Backend,
        settings: Option<Lab2dSettingsIn>,
        network: &ScoreNetwork,
    ) -> Result<Lab2d, JsError> {
        let config: Lab2dConfig = settings_from(settings.map(Into::into))?;
        let inner =
            lab::Lab2d::new(config, Some(network.0.clone()), &backend.device).map_err(js_error)?;
        Ok(Lab2d { inner })
    }

    /// Adds the runs of the trained energy networks, before the first step; refused unless the
    /// settings are the energy they learned (`EnergyNetworks.trained()`).
    pub fn use_energy_networks(&mut self, networks: &EnergyNetworks) -> Result<(), JsError> {
        self.inner
            .use_energy_networks(networks.0.clone())
            .map_err(js_error)
    }

    /// Method names of this lab's runs, in the order of a frame's blocks.
    pub fn run_methods(&self) -> Vec<String> {
        let names = self.inner.methods().iter().map(|&m| choice::name(m));
        names.map(String::from).collect()
    }

    /// eps of every method at time `t` for the points `xy` (flattened pairs); read the returned
    /// frame for [method][n][2] flattened.
    pub fn eps_field(&self, t: f64, xy: &[f32]) -> Result<Frame, JsError> {
        let points = self.inner.eps_field(t, xy).map_err(js_error)?;
        let level = (t, self.inner.schedule().sigma(t));
        Ok(Frame::at(self.inner.runs()[0].index(), level, points))
    }

    /// `n` exact samples of the conditioning's target, flattened pairs.
    pub fn target_samples(&self, n: usize) -> Vec<f32> {
        self.inner.target_samples(n)
    }

    /// The forward process at time `t`: read the frame for [x_t | x_0][batch][2] flattened.
    pub fn forward(&self, t: f64) -> Result<Frame, JsError> {
        let points = self.inner.forward(t).map_err(js_error)?;
        Ok(Frame::at(0, (t, self.inner.schedule().sigma(t)), points))
    }

    /// The exact target's density of x1 at each of `xs`.
    pub fn exact_x1_density(&self, xs: &[f64]) -> Vec<f64> {
        self.inner.exact_x1_density(xs)
    }

    /// `n` exact samples of the data, flattened pairs.
    pub fn data_samples(&self, n: usize) -> Vec<f32> {
        self.inner.data_samples(n)
    }
}

super::lab_api!(Lab2d, Lab2dConfig, Lab2dSettingsOut);
