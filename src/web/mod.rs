//! The browser API: the only module that knows about wasm-bindgen. A page (or a blog post that
//! imports `pkg/`) picks a [`Backend`], builds a [`Lab2d`] from a plain settings object and awaits
//! one [`Frame`] read per drawn frame.

/// The methods every lab has on the page, for a wrapper `$lab { inner }` of a [`crate::lab::Lab`]
/// whose settings are `$config`: its settings, whether it is done, and its frames.
macro_rules! lab_api {
    ($lab:ident, $config:ty, $settings:ty) => {
        #[wasm_bindgen]
        impl $lab {
            /// The default settings, for the page's controls.
            pub fn default_settings() -> $settings {
                super::objects::to_js(&<$config>::default())
            }

            /// The settings in use.
            pub fn settings(&self) -> $settings {
                super::objects::to_js(self.inner.config())
            }

            #[wasm_bindgen(getter)]
            pub fn done(&self) -> bool {
                self.inner.is_done()
            }

            /// Moves each run needs in all (RePaint's jumps back up count).
            #[wasm_bindgen(getter)]
            pub fn moves_total(&self) -> Vec<usize> {
                self.inner.moves_total()
            }

            /// The current state, without moving: [run][x | x0_hat][batch][dimensions]
            /// flattened.
            pub fn frame(&self) -> Frame {
                Frame::from(self.inner.frame())
            }

            /// Moves every unfinished run once and returns the new state, or `undefined` when
            /// all are done. Only queues work on WebGPU; `Frame.read` waits for it.
            pub fn step(&mut self) -> Option<Frame> {
                self.inner.step().map(Frame::from)
            }
        }
    };
}
use lab_api;

mod backend;
mod catalogue;
mod digits;
mod energy_networks;
mod frame;
mod functions;
mod lab2d;
mod objects;
mod score_network;
mod trainer;

pub use backend::Backend;
pub use catalogue::{samplers, schedules};
pub use digits::{DigitLab, DigitModels};
pub use energy_networks::EnergyNetworks;
pub use frame::Frame;
pub use functions::FunctionLab;
pub use lab2d::Lab2d;
pub use score_network::ScoreNetwork;
pub use trainer::{TrainedSamples, Trainer2d};

use crate::network::{load_weights, weight_bytes};
use crate::sampler;
use burn::module::Module;
use burn::tensor::{Device, Tensor};
use burn_std::ExecutionError;
use wasm_bindgen::prelude::*;

unsafe extern "C" {
    /// The linker's function that runs the module's static constructors (cubecl registers its
    /// kernels' pieces with `inventory` through them).
    fn __wasm_call_ctors();
}

#[wasm_bindgen(start)]
pub fn start() {
    // Runs the constructors once, here. A module none of whose exports calls this function is
    // linked "command-style": every export then runs all constructors first, which in the WebGPU
    // build cost milliseconds per call (a 2D-lab step on the CPU: 9 ms instead of 1).
    // SAFETY: wasm-bindgen runs `start` once, at instantiation, before any other export.
    unsafe { __wasm_call_ctors() };
    std::panic::set_hook(Box::new(|info| {
        // The console gets the message and stack instead of a bare "unreachable"; the page gets
        // a `wasm-panic` event, since the module may be unusable after a panic.
        console_error_panic_hook::hook(info);
        report_panic(&info.to_string());
    }));
}

fn report_panic(message: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(message));
    if let (Some(window), Ok(event)) = (
        web_sys::window(),
        web_sys::CustomEvent::new_with_event_init_dict("wasm-panic", &init),
    ) {
        let _ = window.dispatch_event(&event);
    }
}

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// A tensor's values, read back without blocking: the browser may not wait on the GPU. A lost
/// WebGPU device gives an error named `DeviceLost`, so the page can move to the CPU.
async fn read(tensor: Tensor<2>) -> Result<Vec<f32>, JsValue> {
    let device = tensor.device();
    let data = match tensor.into_data_async().await {
        Ok(data) => data,
        Err(ExecutionError::DevicePoisoned { reason }) => {
            return Err(backend::device_lost(&reason));
        }
        Err(other) => {
            return Err(match backend::lost_reason(&device).await {
                Some(reason) => backend::device_lost(&reason),
                None => js_error(one_line(other.reason())).into(),
            });
        }
    };
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| js_error(format!("unexpected tensor data: {e:?}")).into())
}

/// burn's and the browser's messages span lines; a page notice is one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A frame of a run at `step`, refused when the run went NaN or infinite.
async fn read_frame(tensor: Tensor<2>, step: usize) -> Result<Vec<f32>, JsValue> {
    let values = read(tensor).await?;
    sampler::check_finite(&values, step).map_err(js_error)?;
    Ok(values)
}

/// Weights decoded on the CPU backend, where f16 records are cast to f32, then placed on
/// `device`: a WebGPU adapter need not support f16 at all.
fn load_on<M: Module>(
    template: impl Fn(&Device) -> M,
    bytes: &[u8],
    device: &Device,
) -> Result<M, String> {
    place_on(
        template(device),
        &load_weights(template(&Device::flex()), bytes)?,
    )
}

/// Weights decoded on the CPU backend (`cpu`) placed into `template`, built on the device where
/// they will run.
fn place_on<M: Module>(template: M, cpu: &M) -> Result<M, String> {
    load_weights(template, &weight_bytes(cpu)?)
}
