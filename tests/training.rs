//! Training the 2D score network on CPU: the loss falls and the learned eps approaches the exact
//! eps of the data's closed form.

mod common;

use burn::tensor::Tensor;
use common::*;
use diffusion_playground::denoiser::ConditionalDenoiser;
use diffusion_playground::network::ScoreMlpConfig;
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::presets;
use diffusion_playground::schedule::{Schedule, VpLinear};
use diffusion_playground::tensor::to_vec;
use diffusion_playground::training::DsmTrainer;

/// Mean squared difference between a model's eps and the exact eps on noised data, per label.
fn eps_error(
    model: &dyn ConditionalDenoiser,
    exact: &dyn ConditionalDenoiser,
    schedule: &dyn Schedule,
) -> f64 {
    let data = presets::three_blobs();
    let (x0, _) = data.sample(512, &mut Noise::new(99, Stream::Data));
    let mut noise = Noise::new(98, Stream::Sampler);
    let mut total = 0.0;
    let mut count = 0.0;
    for t in [0.1, 0.3, 0.6] {
        let level = schedule.level(t);
        let flat: Vec<f32> = x0
            .iter()
            .flat_map(|r| r.iter().map(|&v| v as f32))
            .collect();
        let x0t = Tensor::<2>::from_data(burn::tensor::TensorData::new(flat, [512, 2]), &device());
        let xt =
            x0t.mul_scalar(level.alpha) + noise.normal(512, 2, &device()).mul_scalar(level.sigma);
        for label in [None, Some(0), Some(2)] {
            let a = to_vec(model.eps_given(xt.clone(), &level, label));
            let b = to_vec(exact.eps_given(xt.clone(), &level, label));
            total += a
                .iter()
                .zip(&b)
                .map(|(p, q)| ((p - q) as f64).powi(2))
                .sum::<f64>();
            count += a.len() as f64;
        }
    }
    total / count
}

#[test]
fn the_score_network_learns_the_mixture_score() {
    let schedule = VpLinear::default();
    let data = presets::three_blobs();
    let device = device().autodiff();
    let model = ScoreMlpConfig::new(2).with_num_classes(3).init(&device);
    let before = eps_error(&model, &data, &schedule);
    let mut trainer = DsmTrainer::new(model, 2e-3, 0.2, 7, &device);
    let mut noise = Noise::new(7, Stream::Data);
    let mut losses = Vec::new();
    for _ in 0..STEPS {
        let (x0, labels) = data.sample(256, &mut noise);
        losses.push(trainer.step(&schedule, &x0, &labels));
    }
    let after = eps_error(trainer.model(), &data, &schedule);
    let first: f64 = losses[..50].iter().sum::<f64>() / 50.0;
    let last: f64 = losses[losses.len() - 50..].iter().sum::<f64>() / 50.0;
    println!("loss {first:.4} -> {last:.4}, eps error {before:.4} -> {after:.4}");
    assert!(last < 0.8 * first, "loss {first:.4} -> {last:.4}");
    assert!(
        after < 0.25 * before,
        "eps error against the exact score {before:.4} -> {after:.4}"
    );
}

const STEPS: usize = 600;
