use super::{Backend, EnergyNetworks, ScoreNetwork, js_error};
use crate::choice;
use crate::lab::{self, Lab2dConfig};
use burn::tensor::Tensor;
use wasm_bindgen::prelude::*;

/// The 2D lab of [`crate::lab`] for the page.
#[wasm_bindgen]
pub struct Lab2d {
    inner: lab::Lab2d,
}

#[wasm_bindgen]
impl Lab2d {
    /// `settings` is JSON with any of the fields of `Lab2dConfig`; the rest take defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(backend: &Backend, settings: &str) -> Result<Lab2d, JsError> {
        let config = Lab2dConfig::from_json(settings).map_err(js_error)?;
        let inner = lab::Lab2d::new(config, None, &backend.device).map_err(js_error)?;
        Ok(Lab2d { inner })
    }

    /// The same with the score network trained on the data set, for `model: "learned"`.
    pub fn with_network(
        backend: &Backend,
        settings: &str,
        network: &ScoreNetwork,
    ) -> Result<Lab2d, JsError> {
        let config = Lab2dConfig::from_json(settings).map_err(js_error)?;
        let inner =
            lab::Lab2d::new(config, Some(network.0.clone()), &backend.device).map_err(js_error)?;
        Ok(Lab2d { inner })
    }

    /// The default settings as JSON, for the page's controls.
    pub fn default_settings() -> String {
        serde_json::to_string(&Lab2dConfig::default()).expect("settings serialise")
    }

    /// The settings in use as JSON.
    pub fn settings(&self) -> String {
        serde_json::to_string(self.inner.config()).expect("settings serialise")
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

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.is_done()
    }

    #[wasm_bindgen(getter)]
    pub fn moves_total(&self) -> usize {
        self.inner.moves_total()
    }

    /// The current state, without moving.
    pub fn frame(&self) -> Frame {
        Frame::from(self.inner.frame())
    }

    /// Moves every run once and returns the new state, or `undefined` when done. Only queues
    /// work on WebGPU; `Frame.read` waits for it.
    pub fn step(&mut self) -> Option<Frame> {
        self.inner.step().map(Frame::from)
    }

    /// eps of every method at time `t` for the points `xy` (flattened pairs); read the returned
    /// frame for [method][n][2] flattened.
    pub fn eps_field(&self, t: f64, xy: &[f32]) -> Result<Frame, JsError> {
        let points = self.inner.eps_field(t, xy).map_err(js_error)?;
        Ok(Frame {
            index: self.inner.index(),
            t,
            points,
        })
    }

    /// `n` exact samples of the conditioning's target, flattened pairs.
    pub fn target_samples(&self, n: usize) -> Vec<f32> {
        self.inner.target_samples(n)
    }

    /// The forward process at time `t`: read the frame for [x_t | x_0][batch][2] flattened.
    pub fn forward(&self, t: f64) -> Result<Frame, JsError> {
        let points = self.inner.forward(t).map_err(js_error)?;
        Ok(Frame {
            index: 0,
            t,
            points,
        })
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

/// Points computed on the device (every run's state, or an eps field); read it once to draw it.
#[wasm_bindgen]
pub struct Frame {
    index: usize,
    t: f64,
    points: Tensor<2>,
}

impl From<lab::Frame> for Frame {
    fn from(f: lab::Frame) -> Self {
        Frame {
            index: f.index,
            t: f.t,
            points: f.points,
        }
    }
}

impl Frame {
    pub(super) fn new(index: usize, t: f64, points: Tensor<2>) -> Self {
        Frame { index, t, points }
    }
}

#[wasm_bindgen]
impl Frame {
    #[wasm_bindgen(getter)]
    pub fn index(&self) -> usize {
        self.index
    }

    #[wasm_bindgen(getter)]
    pub fn t(&self) -> f64 {
        self.t
    }

    /// All points, [method][x | x0_hat][batch][2] flattened. Asynchronous: the browser may not
    /// block on the GPU.
    pub async fn read(self) -> Result<Vec<f32>, JsValue> {
        super::read_frame(self.points, self.index).await
    }
}
