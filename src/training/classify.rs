use super::{descend, noise_at_random_times};
use crate::network::DigitClassifier;
use crate::noise::{Noise, Stream};
use crate::schedule::Schedule;
use crate::tensor::from_rows;
use burn::optim::{AdamConfig, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData, activation};

/// Cross-entropy training of a [`DigitClassifier`]. A noise-conditioned classifier sees each
/// image at a random t on `schedule` (Dhariwal & Nichol train theirs on noised inputs, seed 004);
/// a clean one sees the images as they are.
pub struct ClassifierTrainer {
    model: DigitClassifier,
    optimizer: ModuleOptimizer,
    learning_rate: f64,
    noise: Noise,
    device: Device,
}

impl ClassifierTrainer {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: DigitClassifier, learning_rate: f64, seed: u64, device: &Device) -> Self {
        Self {
            model,
            optimizer: AdamConfig::new().init(),
            learning_rate,
            noise: Noise::new(seed, Stream::Sampler),
            device: device.clone(),
        }
    }

    pub fn model(&self) -> &DigitClassifier {
        &self.model
    }

    /// One optimiser step on images (rows in [-1, 1]) with their labels; returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        let batch = x0.len();
        assert!(batch > 0 && labels.len() == batch, "one label per image");
        let x0 = from_rows(x0, &self.device);
        let (x, t) = if self.model.is_noise_conditioned() {
            let noised = noise_at_random_times(schedule, x0, &mut self.noise);
            (noised.x, noised.t)
        } else {
            (x0, Tensor::<2>::zeros([batch, 1], &self.device))
        };
        let targets: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
        let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [batch]), &self.device);
        let log_probs = activation::log_softmax(self.model.forward(x, t), 1);
        let loss = log_probs
            .gather(1, targets.reshape([batch, 1]))
            .mean()
            .neg();
        let value;
        (self.model, value) = descend(
            &mut self.optimizer,
            self.learning_rate,
            self.model.clone(),
            loss,
        );
        value
    }
}

/// Share of `images` (rows in [-1, 1]) the classifier labels correctly, clean (t = 0).
pub fn accuracy(
    model: &DigitClassifier,
    images: &[Vec<f64>],
    labels: &[usize],
    device: &Device,
) -> f64 {
    let mut correct = 0;
    for (chunk, chunk_labels) in images.chunks(500).zip(labels.chunks(500)) {
        let x = from_rows(chunk, device);
        let t = Tensor::<2>::zeros([chunk.len(), 1], device);
        let predicted = model.forward(x, t).argmax(1).into_data();
        let predicted = predicted.convert::<i64>();
        let predicted = predicted.as_slice::<i64>().expect("argmax gives integers");
        correct += predicted
            .iter()
            .zip(chunk_labels)
            .filter(|(p, l)| **p as usize == **l)
            .count();
    }
    correct as f64 / images.len() as f64
}
