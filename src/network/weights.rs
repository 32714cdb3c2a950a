use burn::module::{Module, ModuleMapper, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, DType, Tensor};

/// Weights in burn's record format (burnpack bytes, what `diffusion export` writes and the site
/// ships) loaded into `template`'s architecture. Bytes that are not a record, or a record of
/// another architecture, give an error that says which. Half-precision records come back as
/// f32: the backends compute in f32, and WebGPU adapters need not support f16 at all.
pub fn load_weights<M: Module>(template: M, bytes: &[u8]) -> Result<M, String> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| format!("not a weight file: {e:?}"))?;
    let module = template
        .try_load_record(record)
        .map_err(|e| format!("the weights do not fit this architecture: {e:?}"))?;
    Ok(module.map(&mut CastFloats(DType::F32)))
}

/// `module`'s weights in burn's record format, in f32.
pub fn weight_bytes<M: Module>(module: &M) -> Result<Vec<u8>, String> {
    module
        .clone()
        .into_record()
        .into_bytes()
        .map(|b| b.to_vec())
        .map_err(|e| format!("cannot encode the weights: {e:?}"))
}

/// `module`'s weights in burn's record format, in f16: half the bytes to download, and a
/// rounding error (relative 5e-4) far below what the networks' own error is.
pub fn half_weight_bytes<M: Module>(module: &M) -> Result<Vec<u8>, String> {
    weight_bytes(&module.clone().map(&mut CastFloats(DType::F16)))
}

struct CastFloats(DType);

impl ModuleMapper for CastFloats {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let dtype = self.0;
        param.map(|tensor| {
            if tensor.dtype() == dtype {
                return tensor;
            }
            // A cast of tracked weights on an autodiff device is a graph node: the weights would
            // be an operation's output rather than leaves, and the second backward pass through
            // them (classifier guidance takes one per step) would find that node's tape
            // consumed. Weights start a graph: the cast is detached and tracked anew.
            if tensor.is_require_grad() {
                tensor.cast(dtype).detach().require_grad()
            } else {
                tensor.cast(dtype)
            }
        })
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::network::ScoreMlpConfig;
    use crate::tensor::to_vec;
    use burn::tensor::Device;

    #[test]
    fn half_precision_weights_load_as_f32_and_round_to_f16() {
        let device = Device::flex();
        let config = ScoreMlpConfig::new(2);
        let original = config.init(&device);
        let half = half_weight_bytes(&original).unwrap();
        let full = weight_bytes(&original).unwrap();
        assert!(
            half.len() * 10 < full.len() * 6,
            "{} vs {}",
            half.len(),
            full.len()
        );
        let loaded = load_weights(config.init(&device), &half).unwrap();
        let x = Tensor::<2>::ones([3, 2], &device);
        let t = Tensor::<2>::full([3, 1], 0.5, &device);
        let labels = Tensor::zeros([3], &device);
        let a = to_vec(original.forward(x.clone(), t.clone(), labels.clone()));
        let out = loaded.forward(x, t, labels);
        assert_eq!(out.dtype(), DType::F32);
        for (a, b) in a.iter().zip(to_vec(out)) {
            assert!((a - b).abs() <= 2e-3 * (1.0 + a.abs()), "{a} vs {b}");
        }
    }

    /// Classifier guidance differentiates through shipped (f16) weights loaded on an autodiff
    /// device once per sampler step: every backward pass must work, not only the first.
    #[test]
    fn half_precision_weights_on_an_autodiff_device_take_repeated_gradients() {
        let device = Device::flex().autodiff();
        let config = ScoreMlpConfig::new(2);
        let half = half_weight_bytes(&config.init(&Device::flex())).unwrap();
        let loaded = load_weights(config.init(&device), &half).unwrap();
        let t = Tensor::<2>::full([3, 1], 0.5, &device);
        let labels = Tensor::zeros([3], &device);
        for _ in 0..3 {
            let x = Tensor::<2>::ones([3, 2], &device).require_grad();
            let grads = loaded
                .forward(x.clone(), t.clone(), labels.clone())
                .sum()
                .backward();
            assert!(x.grad(&grads).is_some());
        }
    }
}
