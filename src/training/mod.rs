//! Training: denoising score matching for the eps networks of `crate::network`, cross-entropy
//! for the digit classifiers, and the intermediate energy and force of energy guidance; all
//! checkpoint and resume exactly. The command line trains natively; the page trains a 2D score
//! MLP live ([`LiveTrainer`]) with the same code.

mod augment;
mod cep;
mod checkpoint;
mod classify;
mod dsm;
mod ema;
mod force;
mod learning_rate;
mod live;
mod points;
mod trainer;

pub use augment::Augmentation;
pub use cep::{Cep, CepTrainer, EnergySettings};
pub use checkpoint::{Checkpoint, CheckpointError, CheckpointState};
pub use classify::{ClassifierSettings, ClassifierTrainer, CrossEntropy, accuracy, accuracy_at};
pub use dsm::{
    Dsm, DsmSettings, DsmTrainer, EXACT_ERROR_TIMES, LossWeighting, exact_eps_error,
    relative_eps_error,
};
pub use ema::Ema;
pub use force::{Force, ForceTrainer};
pub use learning_rate::{Decay, LearningRateSchedule};
pub use live::{LiveConfig, LiveTrainer};
pub use points::{PointSet, TrainingData, batch_noise};
pub use trainer::{Objective, OptimiserSettings, Trainer, TrainerSettings};

use crate::noise::Noise;
use crate::schedule::{NoiseLevel, Schedule};
use burn::tensor::{Tensor, TensorData};

/// A batch of data seen at random times, t ~ U(t_min, 1) shared by each group of `group` rows:
/// x = alpha(t) x0 + sigma(t) z. Denoising score matching draws a time per row (groups of 1);
/// contrastive energy prediction compares the members of a group at one t, and a closed-form
/// score answers one t per call.
struct Noised {
    x: Tensor<2>,
    /// [batch, 1]
    t: Tensor<2>,
    z: Tensor<2>,
    /// One level per group.
    levels: Vec<NoiseLevel>,
}

fn noise_in_groups(
    schedule: &dyn Schedule,
    x0: Tensor<2>,
    group: usize,
    noise: &mut Noise,
) -> Noised {
    let [batch, dim] = x0.dims();
    assert!(
        group > 0 && batch.is_multiple_of(group),
        "the batch must be whole groups of {group}"
    );
    let device = x0.device();
    let t_min = schedule.t_min();
    let levels: Vec<NoiseLevel> = (0..batch / group)
        .map(|_| schedule.level(t_min + (1.0 - t_min) * noise.uniform()))
        .collect();
    let column = |f: &dyn Fn(&NoiseLevel) -> f64| {
        let v: Vec<f32> = levels
            .iter()
            .flat_map(|l| std::iter::repeat_n(f(l) as f32, group))
            .collect();
        Tensor::<2>::from_data(TensorData::new(v, [batch, 1]), &device)
    };
    let z = noise.normal(batch, dim, &device);
    let x = x0 * column(&|l| l.alpha) + z.clone() * column(&|l| l.sigma);
    Noised {
        x,
        t: column(&|l| l.t),
        z,
        levels,
    }
}
