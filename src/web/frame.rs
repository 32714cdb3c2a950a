use crate::lab;
use burn::tensor::Tensor;
use wasm_bindgen::prelude::*;

/// Values computed on the device (every run's state, or an eps field); read it once to draw it.
#[wasm_bindgen]
pub struct Frame(lab::Frame);

impl From<lab::Frame> for Frame {
    fn from(frame: lab::Frame) -> Self {
        Frame(frame)
    }
}

impl Frame {
    /// Values that belong to no run's progress but to one time and noise level: a field, the
    /// forward process.
    pub(super) fn at(index: usize, (t, sigma): (f64, f64), values: Tensor<2>) -> Self {
        Frame(lab::Frame {
            moves: vec![index],
            times: vec![t],
            sigmas: vec![sigma],
            values,
        })
    }
}

#[wasm_bindgen]
impl Frame {
    /// Moves made so far: the furthest run's (the runs of the 2D and function labs move
    /// together).
    #[wasm_bindgen(getter)]
    pub fn index(&self) -> usize {
        self.0.moves.iter().copied().max().unwrap_or(0)
    }

    /// The time of the first run.
    #[wasm_bindgen(getter)]
    pub fn t(&self) -> f64 {
        self.0.times[0]
    }

    /// sigma(t) of the first run's schedule.
    #[wasm_bindgen(getter)]
    pub fn sigma(&self) -> f64 {
        self.0.sigmas[0]
    }

    /// Moves each run has made.
    #[wasm_bindgen(getter)]
    pub fn moves(&self) -> Vec<usize> {
        self.0.moves.clone()
    }

    /// The time each run is at.
    #[wasm_bindgen(getter)]
    pub fn times(&self) -> Vec<f64> {
        self.0.times.clone()
    }

    /// sigma(t) of each run's schedule.
    #[wasm_bindgen(getter)]
    pub fn sigmas(&self) -> Vec<f64> {
        self.0.sigmas.clone()
    }

    /// The values, flattened rows: [run][x | x0_hat][batch][dimension] for a lab's state.
    /// Asynchronous: the browser may not block on the GPU.
    pub async fn read(self) -> Result<Vec<f32>, JsValue> {
        let index = self.index();
        super::read_frame(self.0.values, index).await
    }
}
