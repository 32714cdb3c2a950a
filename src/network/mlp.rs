use super::{EpsNetwork, time_embedding};
use burn::config::Config;
use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::tensor::{Device, Int, Tensor, activation};

/// The eps network of the 2D and 1D demos: an MLP on [x, time features, class embedding].
#[derive(Config, Debug)]
pub struct ScoreMlpConfig {
    /// Dimension of one sample.
    pub dim: usize,
    /// Number of real classes; one more embedding row is the null label.
    #[config(default = 1)]
    pub num_classes: usize,
    #[config(default = 128)]
    pub hidden: usize,
    #[config(default = 3)]
    pub layers: usize,
    #[config(default = 32)]
    pub time_features: usize,
    #[config(default = 16)]
    pub class_features: usize,
}

#[derive(Module, Debug)]
pub struct ScoreMlp {
    input: Linear,
    hidden: Vec<Linear>,
    output: Linear,
    classes: Embedding,
    dim: usize,
    num_classes: usize,
    time_features: usize,
}

impl ScoreMlpConfig {
    pub fn init(&self, device: &Device) -> ScoreMlp {
        let width = self.dim + self.time_features + self.class_features;
        ScoreMlp {
            input: LinearConfig::new(width, self.hidden).init(device),
            hidden: (1..self.layers)
                .map(|_| LinearConfig::new(self.hidden, self.hidden).init(device))
                .collect(),
            output: LinearConfig::new(self.hidden, self.dim).init(device),
            classes: EmbeddingConfig::new(self.num_classes + 1, self.class_features).init(device),
            dim: self.dim,
            num_classes: self.num_classes,
            time_features: self.time_features,
        }
    }
}

impl ScoreMlp {
    /// eps for x [batch, dim] at times t [batch, 1] with labels [batch] (`num_classes` = null).
    pub fn forward(&self, x: Tensor<2>, t: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2> {
        let [batch, _] = x.dims();
        let classes = self.classes.forward(labels.reshape([batch, 1]));
        let [_, _, width] = classes.dims();
        let classes = classes.reshape([batch, width]);
        let mut h = Tensor::cat(vec![x, time_embedding(t, self.time_features), classes], 1);
        h = activation::silu(self.input.forward(h));
        for layer in &self.hidden {
            h = activation::silu(layer.forward(h));
        }
        self.output.forward(h)
    }
}

impl EpsNetwork for ScoreMlp {
    fn dim(&self) -> usize {
        self.dim
    }

    fn num_classes(&self) -> usize {
        self.num_classes
    }

    fn forward(&self, x: Tensor<2>, t: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<2> {
        ScoreMlp::forward(self, x, t, labels)
    }
}
