use super::{EpsNetwork, time_embedding};
use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{
    Embedding, EmbeddingConfig, GroupNorm, GroupNormConfig, Linear, LinearConfig, PaddingConfig2d,
};
use burn::tensor::{Device, Int, Tensor, activation};

/// The MNIST eps network: a small U-Net (28 -> 14 -> 7 and back, skip connections) whose
/// residual blocks take a time-and-class embedding, sized to run in real time in a browser.
#[derive(Config, Debug)]
pub struct UNetConfig {
    /// Channels at full resolution; twice as many at the lower two. 32 with a 144-wide embedding
    /// gives 0.51 M parameters: 2 MB of f32 weights, and about two thirds of the work 40 channels
    /// would cost per step (convolutions scale with channels squared).
    #[config(default = 32)]
    pub channels: usize,
    #[config(default = 10)]
    pub num_classes: usize,
    #[config(default = 144)]
    pub embedding: usize,
    #[config(default = 8)]
    pub groups: usize,
    #[config(default = 28)]
    pub side: usize,
}

fn conv3(input: usize, output: usize, stride: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([input, output], [3, 3])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

/// GroupNorm, SiLU, conv; plus the embedding as a per-channel shift; twice; plus a skip.
#[derive(Module, Debug)]
struct ResBlock {
    norm1: GroupNorm,
    conv1: Conv2d,
    shift: Linear,
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
            norm2: GroupNormConfig::new(config.groups, output).init(device),
            conv2: conv3(output, output, 1, device),
            skip: (input != output)
                .then(|| Conv2dConfig::new([input, output], [1, 1]).init(device)),
        }
    }

    fn forward(&self, x: Tensor<4>, embedding: &Tensor<2>) -> Tensor<4> {
        let h = self
            .conv1
            .forward(activation::silu(self.norm1.forward(x.clone())));
        let [batch, channels, _, _] = h.dims();
        let shift = self
            .shift
            .forward(embedding.clone())
            .reshape([batch, channels, 1, 1]);
        let h = self
            .conv2
            .forward(activation::silu(self.norm2.forward(h + shift)));
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
        let (c, e) = (self.channels, self.embedding);
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
            down2: ResBlock::new(c, 2 * c, self, device),
            reduce2: conv3(2 * c, 2 * c, 2, device),
            middle1: ResBlock::new(2 * c, 2 * c, self, device),
            middle2: ResBlock::new(2 * c, 2 * c, self, device),
            up2: ResBlock::new(4 * c, 2 * c, self, device),
            up1: ResBlock::new(3 * c, c, self, device),
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
