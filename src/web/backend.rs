use super::js_error;
use burn::tensor::Device;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// WebGPU can be initialised once per page; later requests reuse the outcome.
    static WEBGPU: RefCell<Option<Result<Device, String>>> = const { RefCell::new(None) };
}

fn has_navigator_gpu() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("gpu"))
        .map(|gpu| !gpu.is_undefined() && !gpu.is_null())
        .unwrap_or(false)
}

async fn webgpu() -> Result<Device, String> {
    if let Some(outcome) = WEBGPU.with(|w| w.borrow().clone()) {
        return outcome;
    }
    let outcome = if has_navigator_gpu() {
        Device::wgpu_options()
            .init_async()
            .await
            .map_err(|e| format!("WebGPU could not start: {e}"))
    } else {
        Err("this browser has no WebGPU (navigator.gpu is missing)".to_string())
    };
    WEBGPU.with(|w| *w.borrow_mut() = Some(outcome.clone()));
    outcome
}

/// Where tensors live: the browser's WebGPU, or burn's CPU backend compiled to wasm.
#[wasm_bindgen]
#[derive(Clone)]
pub struct Backend {
    pub(super) device: Device,
    name: String,
    note: String,
}

#[wasm_bindgen]
impl Backend {
    /// `"auto"` tries WebGPU and falls back to the CPU (saying why in `note`); `"webgpu"` fails
    /// if WebGPU cannot start; `"cpu"` never touches the GPU.
    pub async fn create(preference: String) -> Result<Backend, JsError> {
        let cpu = |note: String| Backend {
            device: Device::flex(),
            name: "cpu".into(),
            note,
        };
        match preference.as_str() {
            "cpu" => Ok(cpu(String::new())),
            "webgpu" => webgpu()
                .await
                .map(|device| Backend {
                    device,
                    name: "webgpu".into(),
                    note: String::new(),
                })
                .map_err(js_error),
            "auto" => Ok(match webgpu().await {
                Ok(device) => Backend {
                    device,
                    name: "webgpu".into(),
                    note: String::new(),
                },
                Err(reason) => cpu(format!("{reason}; running on the CPU instead")),
            }),
            other => Err(js_error(format!(
                "unknown backend '{other}' (auto, webgpu or cpu)"
            ))),
        }
    }

    /// "webgpu" or "cpu".
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Why the backend is not the one asked for, or empty.
    #[wasm_bindgen(getter)]
    pub fn note(&self) -> String {
        self.note.clone()
    }
}
