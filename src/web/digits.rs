use super::objects::{DigitLabSettingsIn, DigitLabSettingsOut, settings_from};
use super::{Backend, Frame, js_error, load_on, place_on};
use crate::denoiser::ConditionalDenoiser;
use crate::lab::{self, DigitLabConfig, KnownPixels, Lab};
use crate::network::{CLASSES, DigitClassifier, DigitClassifierConfig, PIXELS, UNet};
use crate::schedule::{Schedule, VpLinear};
use burn::tensor::{Device, Tensor, TensorData, activation};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The MNIST networks on one backend, loaded one by one as their weights arrive, so the first
/// samples need only the U-Net.
#[wasm_bindgen]
pub struct DigitModels {
    device: Device,
    unet: Option<Rc<UNet>>,
    guide: Option<Rc<DigitClassifier>>,
    judge: Option<Rc<DigitClassifier>>,
}

#[wasm_bindgen]
impl DigitModels {
    #[wasm_bindgen(constructor)]
    pub fn new(backend: &Backend) -> DigitModels {
        DigitModels {
            device: backend.device.clone(),
            unet: None,
            guide: None,
            judge: None,
        }
    }

    /// The U-Net's weights (`weights/unet.bpk`).
    pub fn load_unet(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        // The file says which width and conditioning it was trained with.
        let unet = UNet::from_weights(bytes, &Device::flex())
            .and_then(|cpu| place_on(cpu.config().init(&self.device), &cpu))
            .map_err(|e| js_error(format!("unet.bpk: {e}")))?;
        self.unet = Some(Rc::new(unet));
        Ok(())
    }

    /// The noise-conditioned classifier that classifier guidance follows.
    pub fn load_guide(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        let config = DigitClassifierConfig::new().with_noise_conditioned(true);
        let guide = load_on(|d| config.init(d), bytes, &self.device)
            .map_err(|e| js_error(format!("noisy-classifier.bpk: {e}")))?;
        self.guide = Some(Rc::new(guide));
        Ok(())
    }

    /// The clean classifier that says what the samples are.
    pub fn load_judge(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        let judge = load_on(
            |d| DigitClassifierConfig::new().init(d),
            bytes,
            &self.device,
        )
        .map_err(|e| js_error(format!("classifier.bpk: {e}")))?;
        self.judge = Some(Rc::new(judge));
        Ok(())
    }

    #[wasm_bindgen(getter)]
    pub fn has_unet(&self) -> bool {
        self.unet.is_some()
    }

    #[wasm_bindgen(getter)]
    pub fn has_guide(&self) -> bool {
        self.guide.is_some()
    }

    #[wasm_bindgen(getter)]
    pub fn has_judge(&self) -> bool {
        self.judge.is_some()
    }

    /// The clean classifier's probabilities, [n][10] flattened, for `pixels`: n images of 784
    /// values in [-1, 1] (clamped first, as samples are judged in `eval`).
    pub async fn classify(&self, pixels: Vec<f32>) -> Result<Vec<f32>, JsValue> {
        let judge = self
            .judge
            .clone()
            .ok_or_else(|| js_error("the classifier's weights are not loaded yet"))?;
        let x = self.images(pixels)?.clamp(-1.0, 1.0);
        let t = Tensor::<2>::zeros([x.dims()[0], 1], &self.device);
        let probabilities = activation::softmax(judge.forward(x, t), 1);
        super::read(probabilities).await
    }

    /// The U-Net's raw output for `pixels` (n images of 784 values), one time `t` and one
    /// `label` (10 or more: none): eps, [n][784] flattened. One forward pass and one readback,
    /// what a sampling step costs at least; the benchmarks time it against other runtimes.
    pub async fn unet_eps(
        &self,
        pixels: Vec<f32>,
        t: f64,
        label: usize,
    ) -> Result<Vec<f32>, JsValue> {
        let unet = self
            .unet
            .clone()
            .ok_or_else(|| js_error("the U-Net's weights are not loaded yet"))?;
        if !(0.0..=1.0).contains(&t) {
            return Err(js_error("t must be between 0 and 1").into());
        }
        let x = self.images(pixels)?;
        // The network reads only the time of the level; the schedule is the one it learned.
        let level = VpLinear::default().level(t);
        let eps = unet.eps_given(x, &level, (label < CLASSES).then_some(label));
        super::read(eps).await
    }
}

impl DigitModels {
    /// `pixels` as n images of 784 values on the device, or why not.
    fn images(&self, pixels: Vec<f32>) -> Result<Tensor<2>, JsError> {
        if pixels.is_empty() || !pixels.len().is_multiple_of(PIXELS) {
            return Err(js_error(format!("images must be rows of {PIXELS} pixels")));
        }
        let n = pixels.len() / PIXELS;
        Ok(Tensor::from_data(
            TensorData::new(pixels, [n, PIXELS]),
            &self.device,
        ))
    }
}

/// The MNIST lab of [`crate::lab::DigitLab`] for the page.
#[wasm_bindgen]
pub struct DigitLab {
    inner: lab::DigitLab,
}

#[wasm_bindgen]
impl DigitLab {
    /// `settings` has any of the fields of `DigitLabSettings`. `image` (784 values in [-1, 1])
    /// and `known` (784 flags) are what inpainting runs condition on; left out otherwise.
    #[wasm_bindgen(constructor)]
    pub fn new(
        models: &DigitModels,
        settings: Option<DigitLabSettingsIn>,
        image: Option<Vec<f32>>,
        known: Option<Vec<u8>>,
    ) -> Result<DigitLab, JsError> {
        let config: DigitLabConfig = settings_from(settings.map(Into::into))?;
        let unet = models
            .unet
            .clone()
            .ok_or_else(|| js_error("the U-Net's weights are not loaded yet"))?;
        let (image, known) = (image.unwrap_or_default(), known.unwrap_or_default());
        let known = if image.is_empty() && known.is_empty() {
            None
        } else {
            let flags: Vec<bool> = known.iter().map(|&k| k != 0).collect();
            Some(KnownPixels::new(&image, &flags).map_err(js_error)?)
        };
        let inner = lab::DigitLab::new(config, unet, models.guide.clone(), known, &models.device)
            .map_err(js_error)?;
        Ok(DigitLab { inner })
    }
}

super::lab_api!(DigitLab, DigitLabConfig, DigitLabSettingsOut);
