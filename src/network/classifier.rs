use super::time_embedding;
use crate::guidance::NoisyClassifier;
use crate::schedule::NoiseLevel;
use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::{Device, Tensor, activation};

/// A small convolutional digit classifier. Clean, it judges what the samplers draw (as the
/// 99 %-accurate classifier of Ilin & Friesen, "Conditional Generative Diffusion with Langevin
/// Dynamics", does) and its last hidden layer gives the features of the Fréchet distance;
/// noise-conditioned, it takes t too and guides sampling (classifier guidance, Dhariwal & Nichol
/// 2021, "Diffusion Models Beat GANs on Image Synthesis").
#[derive(Config, Debug)]
pub struct DigitClassifierConfig {
    #[config(default = 10)]
    pub classes: usize,
    /// Channels of the first convolution; the next ones have 2x and 4x.
    #[config(default = 16)]
    pub channels: usize,
    /// Width of the last hidden layer, the feature space of the Fréchet distance: small enough
    /// that a thousand samples estimate its covariance.
    #[config(default = 64)]
    pub features: usize,
    /// Whether the network sees the noise level (for classifier guidance).
    #[config(default = false)]
    pub noise_conditioned: bool,
    #[config(default = 28)]
    pub side: usize,
}

#[derive(Module, Debug)]
pub struct DigitClassifier {
    conv1: Conv2d,
    conv2: Conv2d,
    conv3: Conv2d,
    conv4: Conv2d,
    time: Option<Linear>,
    hidden: Linear,
    head: Linear,
    side: usize,
    classes: usize,
}

const TIME_FEATURES: usize = 32;

impl DigitClassifierConfig {
    pub fn init(&self, device: &Device) -> DigitClassifier {
        let c = self.channels;
        // Three stride-2 convolutions with padding 1 halve the side, rounding up: 28 -> 4.
        let reduced = self.side.div_ceil(2).div_ceil(2).div_ceil(2);
        let conv = |i: usize, o: usize, stride: usize| {
            Conv2dConfig::new([i, o], [3, 3])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .init(device)
        };
        DigitClassifier {
            conv1: conv(1, c, 1),
            conv2: conv(c, 2 * c, 2),
            conv3: conv(2 * c, 4 * c, 2),
            conv4: conv(4 * c, 4 * c, 2),
            time: self
                .noise_conditioned
                .then(|| LinearConfig::new(TIME_FEATURES, 2 * c).init(device)),
            hidden: LinearConfig::new(4 * c * reduced.pow(2), self.features).init(device),
            head: LinearConfig::new(self.features, self.classes).init(device),
            side: self.side,
            classes: self.classes,
        }
    }
}

impl DigitClassifier {
    pub fn is_noise_conditioned(&self) -> bool {
        self.time.is_some()
    }

    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Logits [batch, classes] for flattened images [batch, side^2] in [-1, 1] seen at times t
    /// [batch, 1] (ignored by a clean classifier).
    pub fn forward(&self, x: Tensor<2>, t: Tensor<2>) -> Tensor<2> {
        self.head.forward(self.features(x, t))
    }

    /// The last hidden layer [batch, features]: what the logits are a linear function of.
    pub fn features(&self, x: Tensor<2>, t: Tensor<2>) -> Tensor<2> {
        let [batch, _] = x.dims();
        let h = activation::silu(
            self.conv1
                .forward(x.reshape([batch, 1, self.side, self.side])),
        );
        let mut h = activation::silu(self.conv2.forward(h));
        if let Some(time) = &self.time {
            let [_, channels, _, _] = h.dims();
            h = h + time
                .forward(time_embedding(t, TIME_FEATURES))
                .reshape([batch, channels, 1, 1]);
        }
        let h = activation::silu(self.conv3.forward(h));
        let h = activation::silu(self.conv4.forward(h));
        let [_, channels, height, width] = h.dims();
        activation::silu(
            self.hidden
                .forward(h.reshape([batch, channels * height * width])),
        )
    }
}

impl NoisyClassifier for DigitClassifier {
    fn num_classes(&self) -> usize {
        self.classes
    }

    fn log_probs(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        let [batch, _] = x.dims();
        let t = Tensor::<2>::full([batch, 1], level.t, &x.device());
        activation::log_softmax(self.forward(x, t), 1)
    }
}
