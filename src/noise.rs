//! Seeded Gaussian noise, drawn on the host and uploaded.
//!
//! Burn's device RNGs differ between backends; drawing on the host makes a run with a given seed
//! identical on WebGPU, the CPU backend and natively, and lets two methods run side by side on
//! exactly the same noise.

use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Independent streams of one seed: the sampler's noise and a projection's noise must not shift
/// each other, or two methods would stop sharing their noise after the first step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Prior = 0,
    Sampler = 1,
    Projection = 2,
    Data = 3,
}

pub struct Noise {
    rng: ChaCha8Rng,
}

/// Where a [`Noise`] is in its stream, so that a resumed training run draws what the
/// uninterrupted one would have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoisePosition {
    pub seed: [u8; 32],
    pub stream: u64,
    pub word: u128,
}

impl Noise {
    pub fn new(seed: u64, stream: Stream) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream as u64);
        Self { rng }
    }

    pub fn normal_vec(&mut self, n: usize) -> Vec<f32> {
        (0..n)
            .map(|_| StandardNormal.sample(&mut self.rng))
            .collect()
    }

    /// A [rows, cols] tensor of independent standard normals.
    pub fn normal(&mut self, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
        let data = TensorData::new(self.normal_vec(rows * cols), [rows, cols]);
        Tensor::from_data(data, device)
    }

    pub fn uniform(&mut self) -> f64 {
        rand::Rng::random(&mut self.rng)
    }

    pub fn position(&self) -> NoisePosition {
        NoisePosition {
            seed: self.rng.get_seed(),
            stream: self.rng.get_stream(),
            word: self.rng.get_word_pos(),
        }
    }

    pub fn at(position: NoisePosition) -> Self {
        let mut rng = ChaCha8Rng::from_seed(position.seed);
        rng.set_stream(position.stream);
        rng.set_word_pos(position.word);
        Self { rng }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a = Noise::new(7, Stream::Sampler).normal_vec(8);
        let b = Noise::new(7, Stream::Sampler).normal_vec(8);
        let c = Noise::new(7, Stream::Projection).normal_vec(8);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_restored_position_continues_the_stream() {
        let mut a = Noise::new(3, Stream::Data);
        a.normal_vec(5);
        let mut b = Noise::at(a.position());
        assert_eq!(a.normal_vec(7), b.normal_vec(7));
        assert_eq!(a.uniform(), b.uniform());
    }
}
