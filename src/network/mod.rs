//! Trained denoisers: burn modules that predict eps from (x_t, t, label). Each implements
//! [`crate::denoiser::ConditionalDenoiser`], so every sampler and guidance method runs them as it
//! runs the closed forms. Label `num_classes` is the null label of classifier-free guidance.

mod classifier;
mod mlp;
mod time_embedding;
mod time_mlp;
mod unet;
mod weights;

pub use classifier::{DigitClassifier, DigitClassifierConfig};
pub use mlp::{ScoreMlp, ScoreMlpConfig};
pub use time_embedding::time_embedding;
pub use time_mlp::{TimeMlp, TimeMlpConfig};
pub use unet::{Conditioning, UNet, UNetConfig, Width};
pub use weights::{half_weight_bytes, load_weights, weight_bytes};

/// MNIST's images, which the U-Net draws and the classifiers read: SIDE x SIDE pixels, row-major.
pub const SIDE: usize = 28;
pub const PIXELS: usize = SIDE * SIDE;
pub const CLASSES: usize = 10;

use crate::denoiser::ConditionalDenoiser;
use crate::schedule::NoiseLevel;
use burn::module::Module;
use burn::tensor::{Int, Tensor, TensorData};

/// An eps network as training sees it: a time and a label per sample.
pub trait EpsNetwork: Module + Clone {
    fn dim(&self) -> usize;
    fn num_classes(&self) -> usize;
    /// eps for x [batch, dim] at t [batch, 1] with labels [batch] (`num_classes` is the null label).
    fn forward(&self, x: Tensor<2>, t: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2>;
}

/// The label index of `label` for `network`: its own, or the null label for `None`.
fn label_index<N: EpsNetwork>(network: &N, label: Option<usize>) -> i64 {
    let null = network.num_classes();
    let index = label.map_or(null, |l| {
        assert!(
            l < null,
            "label {l} out of range: the network knows {null} classes"
        );
        l
    });
    index as i64
}

/// Every eps network is a denoiser the samplers and guidance methods run: one time for the
/// whole batch, as samplers ask for it.
impl<N: EpsNetwork> ConditionalDenoiser for N {
    fn dim(&self) -> usize {
        EpsNetwork::dim(self)
    }

    fn num_classes(&self) -> usize {
        EpsNetwork::num_classes(self)
    }

    fn eps_given(&self, x: Tensor<2>, level: &NoiseLevel, label: Option<usize>) -> Tensor<2> {
        let device = x.device();
        let [batch, _] = x.dims();
        let index = label_index(self, label);
        let labels = Tensor::from_data(TensorData::new(vec![index; batch], [batch]), &device);
        self.forward(x, Tensor::full([batch, 1], level.t, &device), labels)
    }

    /// One forward pass over the batch twice, labelled then unlabelled.
    fn eps_given_and_unconditional(
        &self,
        x: Tensor<2>,
        level: &NoiseLevel,
        label: usize,
    ) -> [Tensor<2>; 2] {
        let device = x.device();
        let [batch, _] = x.dims();
        let (given, null) = (label_index(self, Some(label)), label_index(self, None));
        let labels: Vec<i64> = std::iter::repeat_n(given, batch)
            .chain(std::iter::repeat_n(null, batch))
            .collect();
        let eps = self.forward(
            Tensor::cat(vec![x.clone(), x], 0),
            Tensor::full([2 * batch, 1], level.t, &device),
            Tensor::from_data(TensorData::new(labels, [2 * batch]), &device),
        );
        let [conditional, unconditional] = eps.chunk(2, 0).try_into().expect("two halves");
        [conditional, unconditional]
    }
}
