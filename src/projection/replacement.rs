use super::Projection;
use crate::noise::Noise;
use crate::schedule::NoiseLevel;
use crate::tensor;
use burn::tensor::Tensor;

/// The replacement method: observed coordinates of x_t are overwritten by a freshly noised
/// observation alpha y + sigma z, the rest is left to the unconditional model.
///
/// Only approximate: the unobserved part never sees the observation's own noise path, so it
/// follows p(x_unobserved | noisy observation) rather than the exact conditional. The tests
/// measure that bias on the 2D Gaussian of the lecture notes "Conditional Diffusion Models".
#[derive(Debug, Clone)]
pub struct Replacement {
    mask: Vec<f64>,
    values: Vec<f64>,
}

impl Replacement {
    /// `observed[i]` is the value of coordinate i where known.
    pub fn new(observed: &[Option<f64>]) -> Self {
        Self {
            mask: observed
                .iter()
                .map(|o| f64::from(u8::from(o.is_some())))
                .collect(),
            values: observed.iter().map(|o| o.unwrap_or(0.0)).collect(),
        }
    }
}

impl Projection for Replacement {
    fn project(&self, x: Tensor<2>, level: &NoiseLevel, noise: &mut Noise) -> Tensor<2> {
        let device = x.device();
        let [batch, dim] = x.dims();
        let mask = tensor::row(&self.mask, &device);
        let noised = tensor::row(&self.values, &device).mul_scalar(level.alpha)
            + noise.normal(batch, dim, &device).mul_scalar(level.sigma);
        x * (mask.ones_like() - mask.clone()) + noised * mask
    }
}
