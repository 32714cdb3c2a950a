//! The browser API: the only module that knows about wasm-bindgen. A page (or a blog post that
//! imports `pkg/`) picks a [`Backend`], builds a [`Lab2d`] from JSON settings and awaits one
//! [`Frame`] read per drawn frame.

mod backend;
mod digits;
mod functions;
mod lab2d;
mod score_network;

pub use backend::Backend;
pub use digits::{DigitFrame, DigitLab, DigitModels};
pub use functions::FunctionLab;
pub use lab2d::{Frame, Lab2d};
pub use score_network::ScoreNetwork;

use crate::network::{load_weights, weight_bytes};
use burn::module::Module;
use burn::tensor::{Device, Tensor};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // A Rust panic then reaches the console with its message instead of "unreachable".
    console_error_panic_hook::set_once();
}

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// A tensor's values, read back without blocking: the browser may not wait on the GPU.
async fn read(tensor: Tensor<2>) -> Result<Vec<f32>, JsError> {
    let data = tensor.into_data_async().await.map_err(js_error)?;
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| js_error(format!("unexpected tensor data: {e:?}")))
}

/// Weights decoded on the CPU backend, where f16 records are cast to f32, then placed on
/// `device`: a WebGPU adapter need not support f16 at all.
fn load_on<M: Module>(
    template: impl Fn(&Device) -> M,
    bytes: &[u8],
    device: &Device,
) -> Result<M, String> {
    let cpu = load_weights(template(&Device::flex()), bytes)?;
    load_weights(template(device), &weight_bytes(&cpu)?)
}
