use super::{EpsNetwork, load_weights, time_embedding};
use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{
    Embedding, EmbeddingConfig, GroupNorm, GroupNormConfig, Initializer, Linear, LinearConfig,
    PaddingConfig2d,
};
use burn::tensor::{Device, Int, Tensor, activation};
use serde::{Deserialize, Serialize};

/// How the time-and-class embedding enters each residual block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_family = "wasm"), derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Conditioning {
    /// A per-channel shift before the second GroupNorm (Ho et al. 2020, "Denoising Diffusion
    /// Probabilistic Models"): the normalisation keeps only its differences within a group.
    #[default]
    Shift,
    /// The shift, and after the normalisation a per-channel scale 1 + s (Dhariwal & Nichol 2021,
    /// "Diffusion Models Beat GANs on Image Synthesis", adaptive group normalisation): the label
    /// can turn features up and down, which no normalisation undoes. s starts at zero, so
    /// weights trained with the shift alone draw the same digits until training moves it.
    ScaleShift,
}

/// How wide the U-Net is: its channels at full, half and quarter resolution (28, 14 and 7 pixels
/// for MNIST). Its weight file says which it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_family = "wasm"), derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Width {
    /// 32, 64, 64 channels: 0.51 M parameters (2 MB of f32 weights), sized to draw in real time
    /// in a browser.
    #[default]
    Narrow,
    /// 40, 80, 160 channels: 1.6 M parameters at 1.6 times the work per training step (most of
    /// the added weights sit at the lowest resolution, where a digit's shape is decided, and
    /// cost little). The narrow network fits its training digits no better than held-out ones
    /// (its eps error on both is within 4 %): it is not short of data, and this width tests
    /// whether it is short of capacity (docs/results.md).
    Wide,
}

impl Width {
    pub const ALL: [Width; 2] = [Width::Narrow, Width::Wide];

    /// The channels at full, half and quarter resolution.
    pub fn channels(self) -> [usize; 3] {
        match self {
            Width::Narrow => [32, 64, 64],
            Width::Wide => [40, 80, 160],
        }
    }

    /// The width whose full-resolution channel count is `channels`.
    fn of(channels: usize) -> Self {
        Self::ALL
            .into_iter()
            .find(|w| w.channels()[0] == channels)
            .expect("a U-Net is built from a Width")
    }
}

/// The MNIST eps network: a small U-Net (28 -> 14 -> 7 and back, skip connections) whose
/// residual blocks take a time-and-class embedding, sized to run in real time in a browser.
#[derive(Config, Debug)]
pub struct UNetConfig {
    #[config(default = "Width::Narrow")]
    pub width: Width,
    #[config(default = 10)]
    pub num_classes: usize,
    #[config(default = 144)]
    pub embedding: usize,
    #[config(default = 8)]
    pub groups: usize,
    #[config(default = 28)]
    pub side: usize,
    #[config(default = "Conditioning::Shift")]
    pub conditioning: Conditioning,
}

fn conv3(input: usize, output: usize, stride: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([input, output], [3, 3])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

/// The embedding's per-channel scale s of [`Conditioning::ScaleShift`], zero: the identity 1 + s.
fn zero_scale(embedding: usize, output: usize, device: &Device) -> Linear {
    LinearConfig::new(embedding, output)
        .with_initializer(Initializer::Zeros)
        .init(device)
}

/// GroupNorm, SiLU, conv; plus the embedding as a per-channel shift (and scale); twice; plus a
/// skip.
#[derive(Module, Debug)]
struct ResBlock {
    norm1: GroupNorm,
    conv1: Conv2d,
    shift: Linear,
    scale: Option<Linear>,
    norm2: GroupNorm,
    conv2: Conv2d,
    skip: Option<Conv2d>,
}

impl ResBlock {
    fn new(input: usize, output: usize, config: &UNetConfig, device: &Device) -> Self {
        Self {
            norm1: GroupNormConfig::new(config.groups, input).init(device),
            conv1: conv3(input, output, 1, device),
            shift: LinearConfig::new(config.embedding, output).init(device),
            scale: (config.conditioning == Conditioning::ScaleShift)
                .then(|| zero_scale(config.embedding, output, device)),
            norm2: GroupNormConfig::new(config.groups, output).init(device),
            conv2: conv3(output, output, 1, device),
            skip: (input != output)
                .then(|| Conv2dConfig::new([input, output], [1, 1]).init(device)),
        }
    }

    /// This block with a zero scale where it has none.
    fn with_scale(self, device: &Device) -> Self {
        let [embedding, output] = self.shift.weight.dims();
        Self {
            scale: self
                .scale
                .or_else(|| Some(zero_scale(embedding, output, device))),
            ..self
        }
    }

    fn forward(&self, x: Tensor<4>, embedding: &Tensor<2>) -> Tensor<4> {
        let h = self
            .conv1
            .forward(activation::silu(self.norm1.forward(x.clone())));
        let [batch, channels, _, _] = h.dims();
        let per_channel = |layer: &Linear| {
            layer
                .forward(embedding.clone())
                .reshape([batch, channels, 1, 1])
        };
        let h = self.norm2.forward(h + per_channel(&self.shift));
        let h = match &self.scale {
            Some(scale) => h.clone() * per_channel(scale) + h,
            None => h,
        };
        let h = self.conv2.forward(activation::silu(h));
        match &self.skip {
            Some(skip) => skip.forward(x) + h,
            None => x + h,
        }
    }
}

#[derive(Module, Debug)]
pub struct UNet {
    time1: Linear,
    time2: Linear,
    classes: Embedding,
    input: Conv2d,
    down1: ResBlock,
    reduce1: Conv2d,
    down2: ResBlock,
    reduce2: Conv2d,
    middle1: ResBlock,
    middle2: ResBlock,
    up2: ResBlock,
    up1: ResBlock,
    out_norm: GroupNorm,
    output: Conv2d,
    num_classes: usize,
    side: usize,
    time_features: usize,
}

impl UNetConfig {
    pub fn init(&self, device: &Device) -> UNet {
        let [c, c2, c4] = self.width.channels();
        let e = self.embedding;
        assert!(
            self.side.is_multiple_of(4),
            "the image side must halve twice"
        );
        UNet {
            time1: LinearConfig::new(e / 2, e).init(device),
            time2: LinearConfig::new(e, e).init(device),
            classes: EmbeddingConfig::new(self.num_classes + 1, e).init(device),
            input: conv3(1, c, 1, device),
            down1: ResBlock::new(c, c, self, device),
            reduce1: conv3(c, c, 2, device),
            down2: ResBlock::new(c, c2, self, device),
            reduce2: conv3(c2, c4, 2, device),
            middle1: ResBlock::new(c4, c4, self, device),
            middle2: ResBlock::new(c4, c4, self, device),
            up2: ResBlock::new(c4 + c2, c2, self, device),
            up1: ResBlock::new(c2 + c, c, self, device),
            out_norm: GroupNormConfig::new(self.groups, c).init(device),
            output: conv3(c, 1, 1, device),
            num_classes: self.num_classes,
            side: self.side,
            time_features: e / 2,
        }
    }
}

/// Nearest-neighbour doubling of the two spatial dimensions.
fn upsample(x: Tensor<4>) -> Tensor<4> {
    let [b, c, h, w] = x.dims();
    x.reshape([b, c, h, 1, w, 1])
        .expand([b, c, h, 2, w, 2])
        .reshape([b, c, 2 * h, 2 * w])
}

impl UNet {
    /// The U-Net that `bytes` (burn's record) hold, of the width and with the conditioning it
    /// was trained with: the file's shapes say which width, its scale layers (or their absence)
    /// which conditioning. A file that fits none gives the error of the default network.
    pub fn from_weights(bytes: &[u8], device: &Device) -> Result<Self, String> {
        let mut configs = Width::ALL.into_iter().flat_map(|width| {
            [Conditioning::Shift, Conditioning::ScaleShift]
                .map(|c| UNetConfig::new().with_width(width).with_conditioning(c))
        });
        let first = configs.next().expect("at least one U-Net");
        load_weights(first.init(device), bytes).or_else(|error| {
            configs
                .find_map(|config| load_weights(config.init(device), bytes).ok())
                .ok_or(error)
        })
    }

    pub fn conditioning(&self) -> Conditioning {
        if self.down1.scale.is_some() {
            Conditioning::ScaleShift
        } else {
            Conditioning::Shift
        }
    }

    pub fn width(&self) -> Width {
        Width::of(self.input.weight.dims()[0])
    }

    /// The configuration that builds this network's architecture (fresh weights of its shape).
    pub fn config(&self) -> UNetConfig {
        UNetConfig::new()
            .with_width(self.width())
            .with_conditioning(self.conditioning())
    }

    /// The same function with [`Conditioning::ScaleShift`]: every scale that is missing added
    /// at zero, where training can take it up (a run warm-started from shift-only weights).
    pub fn with_scale_shift(self, device: &Device) -> Self {
        Self {
            down1: self.down1.with_scale(device),
            down2: self.down2.with_scale(device),
            middle1: self.middle1.with_scale(device),
            middle2: self.middle2.with_scale(device),
            up2: self.up2.with_scale(device),
            up1: self.up1.with_scale(device),
            ..self
        }
    }

    /// eps for flattened images x [batch, side^2] at t [batch, 1] with labels [batch]
    /// (`num_classes` = null).
    pub fn forward(&self, x: Tensor<2>, t: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2> {
        let [batch, pixels] = x.dims();
        assert_eq!(
            pixels,
            self.side * self.side,
            "the U-Net takes {0}x{0} images",
            self.side
        );
        let classes = self.classes.forward(labels.reshape([batch, 1]));
        let [_, _, width] = classes.dims();
        let time = self.time2.forward(activation::silu(
            self.time1.forward(time_embedding(t, self.time_features)),
        ));
        let e = activation::silu(time + classes.reshape([batch, width]));

        let x = self
            .input
            .forward(x.reshape([batch, 1, self.side, self.side]));
        let s1 = self.down1.forward(x, &e);
        let s2 = self.down2.forward(self.reduce1.forward(s1.clone()), &e);
        let h = self.reduce2.forward(s2.clone());
        let h = self.middle2.forward(self.middle1.forward(h, &e), &e);
        let h = self.up2.forward(Tensor::cat(vec![upsample(h), s2], 1), &e);
        let h = self.up1.forward(Tensor::cat(vec![upsample(h), s1], 1), &e);
        self.output
            .forward(activation::silu(self.out_norm.forward(h)))
            .reshape([batch, pixels])
    }
}

impl EpsNetwork for UNet {
    fn dim(&self) -> usize {
        self.side * self.side
    }

    fn num_classes(&self) -> usize {
        self.num_classes
    }

    fn forward(&self, x: Tensor<2>, t: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2> {
        UNet::forward(self, x, t, labels)
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::network::weight_bytes;
    use crate::noise::{Noise, Stream};
    use crate::tensor::to_vec;
    use crate::training::{DsmSettings, DsmTrainer, OptimiserSettings};
    use burn::tensor::TensorData;

    fn eps(unet: &UNet, device: &Device) -> Vec<f32> {
        let x = Noise::new(5, Stream::Prior).normal(4, 28 * 28, device);
        let t = Tensor::from_data(
            TensorData::new(vec![0.1f32, 0.4, 0.7, 0.95], [4, 1]),
            device,
        );
        let labels = Tensor::from_data(TensorData::new(vec![7i64, 1, 10, 3], [4]), device);
        to_vec(unet.forward(x, t, labels))
    }

    /// A warm start: shift-only weights with zero scales added compute what they computed, and
    /// a weight file says which width and conditioning it holds.
    #[test]
    fn zero_scales_keep_what_shift_weights_draw_and_files_say_their_architecture() {
        let device = Device::flex();
        for width in Width::ALL {
            let shift = UNetConfig::new().with_width(width).init(&device);
            let scaled = shift.clone().with_scale_shift(&device);
            assert_eq!(shift.conditioning(), Conditioning::Shift);
            assert_eq!(scaled.conditioning(), Conditioning::ScaleShift);
            assert_eq!(eps(&shift, &device), eps(&scaled, &device));
            for unet in [shift, scaled] {
                let bytes = weight_bytes(&unet).unwrap();
                let loaded = UNet::from_weights(&bytes, &device).unwrap();
                assert_eq!(loaded.width(), width);
                assert_eq!(loaded.conditioning(), unet.conditioning());
                // What the page rebuilds on its own device from the file's architecture.
                let rebuilt = load_weights(loaded.config().init(&device), &bytes).unwrap();
                assert_eq!(eps(&rebuilt, &device), eps(&unet, &device));
                assert_eq!(eps(&loaded, &device), eps(&unet, &device));
            }
        }
        let params = |width| {
            UNetConfig::new()
                .with_width(width)
                .init(&device)
                .num_params()
        };
        assert_eq!(params(Width::Narrow), 510_449);
        assert_eq!(params(Width::Wide), 1_600_777);
        let err = UNet::from_weights(b"not weights", &device).unwrap_err();
        assert!(err.contains("not a weight file"), "{err}");
    }

    /// The scales start at zero but are not stuck there: one step moves every block's.
    #[test]
    fn training_moves_the_scales_off_zero() {
        let device = Device::flex().autodiff();
        let unet = UNetConfig::new()
            .with_conditioning(Conditioning::ScaleShift)
            .init(&device);
        let settings = DsmSettings {
            optimiser: OptimiserSettings {
                learning_rate: 1e-3,
                ..OptimiserSettings::default()
            },
            ..DsmSettings::default()
        };
        let mut trainer = DsmTrainer::new(unet, settings, &device);
        let mut noise = Noise::new(6, Stream::Data);
        let x0: Vec<Vec<f64>> = (0..8)
            .map(|_| {
                noise
                    .normal_vec(28 * 28)
                    .into_iter()
                    .map(f64::from)
                    .collect()
            })
            .collect();
        let labels: Vec<usize> = (0..8).collect();
        trainer.step(&crate::schedule::VpLinear::default(), &x0, &labels);
        let m = trainer.model();
        for block in [&m.down1, &m.down2, &m.middle1, &m.middle2, &m.up2, &m.up1] {
            let scale = block
                .scale
                .as_ref()
                .expect("scale-shift blocks have scales");
            let largest: f32 = scale.weight.val().abs().max().into_scalar();
            assert!(largest > 0.0, "a scale stayed at zero");
        }
    }
}
