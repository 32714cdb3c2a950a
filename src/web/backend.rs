use super::js_error;
use burn::tensor::{Device, Tensor};
use burn_std::ExecutionError;
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
    // The browser is asked first in both builds: the site loads the CPU-only build where
    // navigator.gpu is missing, and that is what the page should say.
    let outcome = if has_navigator_gpu() {
        start_webgpu().await
    } else {
        Err("this browser has no WebGPU (navigator.gpu is missing)".to_string())
    };
    WEBGPU.with(|w| *w.borrow_mut() = Some(outcome.clone()));
    outcome
}

#[cfg(feature = "webgpu")]
async fn start_webgpu() -> Result<Device, String> {
    Device::wgpu_options().init_async().await.map_err(|e| {
        format!(
            "WebGPU could not start: {}",
            super::one_line(&e.to_string())
        )
    })
}

#[cfg(not(feature = "webgpu"))]
async fn start_webgpu() -> Result<Device, String> {
    Err("this build of the playground has no WebGPU (built without the webgpu feature)".to_string())
}

/// Called when a read finds the WebGPU device lost: later `Backend.create` calls say so instead
/// of handing out the dead device (burn keeps one device per page, so it cannot be made anew).
pub(super) fn device_lost(reason: &str) -> JsValue {
    // burn's reason wraps the browser's in "Caused by:" and "Backtrace:" lines.
    let cause = reason.split("Backtrace:").next().unwrap_or(reason);
    let cause = cause.rsplit("Caused by:").next().unwrap_or(cause);
    let message = format!("the WebGPU device was lost ({})", super::one_line(cause));
    WEBGPU.with(|w| *w.borrow_mut() = Some(Err(message.clone())));
    let error = js_sys::Error::new(&message);
    error.set_name("DeviceLost");
    error.into()
}

/// Whether `device` was lost, asked after a read failed: wgpu learns of a loss through a
/// callback that can run after the failed read, so this waits a moment and reads once more,
/// which a lost device refuses as poisoned.
pub(super) async fn lost_reason(device: &Device) -> Option<String> {
    let pause = js_sys::Promise::new(&mut |resolve, _| {
        let timer = web_sys::window().map(|window| {
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 100)
        });
        if !matches!(timer, Some(Ok(_))) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    wasm_bindgen_futures::JsFuture::from(pause).await.ok()?;
    match Tensor::<1>::zeros([1], device).into_data_async().await {
        Err(ExecutionError::DevicePoisoned { reason }) => Some(reason),
        _ => None,
    }
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

    /// Memory in bytes: `[in use, reserved]` by burn on this device (reserved includes pages
    /// kept for reuse; both 0 where the backend keeps no pool, as on the CPU), then the wasm
    /// module's linear memory, which holds the CPU backend's tensors and never shrinks.
    pub fn memory(&self) -> Vec<f64> {
        let (in_use, reserved) = self
            .device
            .memory_pool_usage()
            .map_or((0, 0), |u| (u.bytes_in_use, u.bytes_reserved));
        let pages = core::arch::wasm32::memory_size::<0>();
        vec![in_use as f64, reserved as f64, (pages * 65536) as f64]
    }
}
