//! Every sampler against closed-form answers, on burn's CPU backend.

mod common;

use common::*;
use diffusion_playground::choice::{self, name};
use diffusion_playground::denoiser::Denoiser;
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::presets;
use diffusion_playground::sampler::{Ddim, Sampler, SamplerKind, uniform_times};
use diffusion_playground::schedule::{Schedule, ScheduleKind, VpLinear};
use diffusion_playground::tensor::to_vec;

const N: usize = 4000;
const STEPS: usize = 250;

#[test]
fn every_sampler_reproduces_the_correlated_gaussian() {
    let schedule = VpLinear::default();
    let data = presets::correlated_gaussian();
    let (mean, cov) = end_marginal(&data, &schedule);
    for kind in choice::all::<SamplerKind>() {
        let s = kind.build(0.0, 0.16);
        let xs = run(&data, s.as_ref(), &schedule, STEPS, N, 11, None);
        assert_moments(name(kind), &xs, &mean, &cov);
    }
}

#[test]
fn every_sampler_reproduces_the_mixture_weights() {
    let schedule = VpLinear::default();
    let data = presets::three_blobs();
    for kind in choice::all::<SamplerKind>() {
        let s = kind.build(0.5, 0.16);
        let xs = run(&data, s.as_ref(), &schedule, STEPS, N, 12, None);
        assert_frequencies(
            name(kind),
            &classify(&data, &xs, &schedule),
            &data.class_weights(),
        );
    }
}

#[test]
fn samplers_run_on_every_schedule() {
    let data = presets::correlated_gaussian();
    for schedule_kind in choice::all::<ScheduleKind>() {
        let schedule = schedule_kind.build();
        let (mean, cov) = end_marginal(&data, schedule.as_ref());
        for kind in [SamplerKind::Em, SamplerKind::OdeHeun, SamplerKind::Ddim] {
            let s = kind.build(1.0, 0.16);
            let xs = run(&data, s.as_ref(), schedule.as_ref(), 500, N, 13, None);
            let label = format!("{}/{}", name(schedule_kind), name(kind));
            assert_moments(&label, &xs, &mean, &cov);
        }
    }
}

/// Runs DDIM by hand from a fixed x_1 with a given noise stream.
fn ddim_from(eta: f64, x1: &burn::tensor::Tensor<2>, noise_seed: u64) -> Vec<f32> {
    let schedule = VpLinear::default();
    let data = presets::correlated_gaussian();
    let ddim = Ddim { eta };
    let mut noise = Noise::new(noise_seed, Stream::Sampler);
    let times = uniform_times(20, schedule.t_min());
    let mut x = x1.clone();
    for w in times.windows(2) {
        x = ddim
            .step(&data as &dyn Denoiser, &schedule, w[0], w[1], x, &mut noise)
            .x;
    }
    to_vec(x)
}

#[test]
fn ddim_with_eta_zero_is_deterministic() {
    let x1 = Noise::new(5, Stream::Prior).normal(64, 2, &device());
    assert_eq!(
        ddim_from(0.0, &x1, 1),
        ddim_from(0.0, &x1, 2),
        "eta = 0 must not depend on the noise"
    );
    assert_ne!(
        ddim_from(1.0, &x1, 1),
        ddim_from(1.0, &x1, 2),
        "eta = 1 must"
    );
}
