use crate::denoiser::Denoiser;
use crate::sampler::{Parts, Sampler, Trajectory, check_finite, uniform_times};
use crate::schedule::Schedule;
use crate::tensor::to_vec;
use burn::tensor::{Device, Tensor};

/// How to draw a set of samples: which sampler, how many steps, in chunks of how many.
#[derive(Clone, Copy)]
pub struct Draw<'a> {
    pub sampler: &'a dyn Sampler,
    pub schedule: &'a dyn Schedule,
    pub steps: usize,
    /// Samples per trajectory (per forward pass).
    pub chunk: usize,
    pub device: &'a Device,
}

/// `count` samples of `model`, clamped to the data range [-1, 1]. Chunk k starts from seed
/// `seed + k`, so two calls with the same seed and chunking share their noise: methods and
/// guidance scales are compared on the same noise. `progress` is told about every move.
///
/// A sample is the last move's Tweedie estimate x0_hat, not x at t_min: the last stochastic
/// move adds noise of about sqrt(g^2 h) (0.19 at 25 steps of the VP schedule), speckle a
/// classifier reads as strokes. Song et al.'s samplers end the same way ("denoise" at the last
/// step); with many steps the two are the same.
///
/// Fails when a chunk's samples are NaN or infinite (before clamping would hide infinities).
pub fn draw(
    how: &Draw,
    model: &dyn Denoiser,
    count: usize,
    seed: u64,
    mut progress: impl FnMut(),
) -> Result<Tensor<2>, String> {
    assert!(count > 0 && how.chunk > 0, "draw at least one sample");
    let parts = Parts {
        model,
        sampler: how.sampler,
        schedule: how.schedule,
        projection: None,
    };
    let times = uniform_times(how.steps, how.schedule.t_min());
    let chunks = (0..count.div_ceil(how.chunk))
        .map(|k| {
            let size = how.chunk.min(count - k * how.chunk);
            let mut run = Trajectory::new(parts, times.clone(), size, seed + k as u64, how.device);
            while run.step(parts).is_some() {
                progress();
            }
            let x0 = run.x0_hat().clone();
            check_finite(&to_vec(x0.clone()), how.steps)?;
            Ok(x0)
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Tensor::cat(chunks, 0).clamp(-1.0, 1.0))
}
