//! Training the 2D score network on CPU: the loss falls and the learned eps approaches the exact
//! eps of the data's closed form.

mod common;

use common::*;
use diffusion_playground::denoiser::ConditionalDenoiser;
use diffusion_playground::network::{ScoreMlp, ScoreMlpConfig};
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::presets;
use diffusion_playground::schedule::{Schedule, VpLinear};
use diffusion_playground::tensor::{from_rows, to_vec};
use diffusion_playground::training::{Checkpoint, DsmSettings, DsmTrainer, OptimiserSettings};

/// Initialises a network from a fixed seed. Burn's initialisers draw from the device RNG, which
/// may be global, so seeding and drawing happen under one lock while tests run in parallel.
fn seeded(config: &ScoreMlpConfig, seed: u64, device: &burn::tensor::Device) -> ScoreMlp {
    static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INIT.lock().unwrap();
    device.seed(seed);
    config.init(device)
}

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
        let x0t = from_rows(&x0, &device());
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
    let model = seeded(&ScoreMlpConfig::new(2).with_num_classes(3), 1, &device);
    let before = eps_error(&model, &data, &schedule);
    let settings = DsmSettings {
        optimiser: OptimiserSettings {
            learning_rate: 2e-3,
            ema_decay: 0.99,
            seed: 7,
            ..OptimiserSettings::default()
        },
        ..DsmSettings::default()
    };
    let mut trainer = DsmTrainer::new(model, settings, &device);
    let mut noise = Noise::new(7, Stream::Data);
    let mut losses = Vec::new();
    for _ in 0..STEPS {
        let (x0, labels) = data.sample(256, &mut noise);
        losses.push(trainer.step(&schedule, &x0, &labels));
    }
    let after = eps_error(trainer.model(), &data, &schedule);
    let averaged = eps_error(trainer.ema(), &data, &schedule);
    let first: f64 = losses[..50].iter().sum::<f64>() / 50.0;
    let last: f64 = losses[losses.len() - 50..].iter().sum::<f64>() / 50.0;
    println!(
        "loss {first:.4} -> {last:.4}, eps error {before:.4} -> {after:.4}, averaged weights {averaged:.4}"
    );
    assert!(last < 0.8 * first, "loss {first:.4} -> {last:.4}");
    assert!(
        after < 0.25 * before,
        "eps error against the exact score {before:.4} -> {after:.4}"
    );
    assert!(
        averaged < 0.25 * before,
        "eps error of the averaged weights {before:.4} -> {averaged:.4}"
    );
}

const STEPS: usize = 600;

/// A run checkpointed to disk after 10 steps and resumed in a fresh trainer ends bit for bit where
/// the uninterrupted run ends: weights, Adam's moments, the noise stream and the step count all
/// come back.
#[test]
fn a_resumed_run_continues_exactly() {
    let schedule = VpLinear::default();
    let data = presets::three_blobs();
    let device = device().autodiff();
    let config = ScoreMlpConfig::new(2).with_num_classes(3).with_hidden(32);
    let batch = |step: u64| data.sample(64, &mut Noise::new(1000 + step, Stream::Data));
    let train = |trainer: &mut DsmTrainer<_>, steps: u64| {
        for _ in 0..steps {
            let (x0, labels) = batch(trainer.steps());
            trainer.step(&schedule, &x0, &labels);
        }
    };

    let settings = DsmSettings {
        optimiser: OptimiserSettings {
            learning_rate: 2e-3,
            ema_decay: 0.9,
            seed: 5,
            ..OptimiserSettings::default()
        },
        ..DsmSettings::default()
    };
    let mut uninterrupted = DsmTrainer::new(seeded(&config, 2, &device), settings.clone(), &device);
    train(&mut uninterrupted, 10);
    let path = std::env::temp_dir().join(format!("resume-test-{}/run.ckpt", std::process::id()));
    uninterrupted
        .checkpoint(serde_json::Value::Null)
        .unwrap()
        .save_atomic(&path)
        .unwrap();
    train(&mut uninterrupted, 10);

    let checkpoint = Checkpoint::load(&path).unwrap();
    // A fresh trainer has other initial weights; the resume replaces them.
    let fresh = DsmTrainer::new(seeded(&config, 3, &device), settings, &device);
    let mut resumed = fresh.resume(&checkpoint).unwrap();
    assert_eq!(resumed.steps(), 10);
    train(&mut resumed, 10);

    let x = Noise::new(3, Stream::Prior).normal(32, 2, &device);
    let level = schedule.level(0.3);
    let a = to_vec(uninterrupted.model().eps_given(x.clone(), &level, Some(1)));
    let b = to_vec(resumed.model().eps_given(x.clone(), &level, Some(1)));
    assert_eq!(a, b, "the resumed run diverged");
    let a = to_vec(uninterrupted.ema().eps_given(x.clone(), &level, None));
    let b = to_vec(resumed.ema().eps_given(x, &level, None));
    assert_eq!(a, b, "the resumed moving average diverged");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

/// A checkpoint of another architecture or other settings is refused with a message, not loaded
/// half-way.
#[test]
fn a_checkpoint_of_another_run_is_refused() {
    let device = device().autodiff();
    let trainer = |hidden: usize, settings: DsmSettings| {
        DsmTrainer::new(
            seeded(&ScoreMlpConfig::new(2).with_hidden(hidden), 4, &device),
            settings,
            &device,
        )
    };
    let checkpoint = trainer(16, DsmSettings::default())
        .checkpoint(serde_json::Value::Null)
        .unwrap();
    let err = trainer(64, DsmSettings::default())
        .resume(&checkpoint)
        .err()
        .expect("another architecture");
    assert!(err.contains("do not fit this architecture"), "{err}");
    let other = DsmSettings {
        optimiser: OptimiserSettings {
            learning_rate: 1.0,
            ..OptimiserSettings::default()
        },
        ..DsmSettings::default()
    };
    let err = trainer(16, other)
        .resume(&checkpoint)
        .err()
        .expect("other settings");
    assert!(err.contains("was trained with"), "{err}");
}

/// A constant-rate run resumes into a cool-down that starts at or after the steps it has taken
/// (it continues the same run), and refuses one that would have changed a step already taken.
#[test]
fn a_constant_run_resumes_into_a_later_cooldown_only() {
    use diffusion_playground::training::{Decay, LearningRateSchedule};
    let device = device().autodiff();
    let with = |decay: Decay| DsmSettings {
        optimiser: OptimiserSettings {
            lr_schedule: LearningRateSchedule {
                warmup_steps: 2,
                decay,
            },
            ..OptimiserSettings::default()
        },
        ..DsmSettings::default()
    };
    let trainer = |settings: DsmSettings| {
        DsmTrainer::new(
            seeded(
                &ScoreMlpConfig::new(2).with_num_classes(3).with_hidden(16),
                4,
                &device,
            ),
            settings,
            &device,
        )
    };
    let mut constant = trainer(with(Decay::Constant));
    let data = presets::three_blobs();
    for step in 0..5 {
        let (x0, labels) = data.sample(16, &mut Noise::new(step, Stream::Data));
        constant.step(&VpLinear::default(), &x0, &labels);
    }
    let checkpoint = constant.checkpoint(serde_json::Value::Null).unwrap();
    let later = trainer(with(Decay::Cooldown { from: 5, steps: 9 }))
        .resume(&checkpoint)
        .expect("a cool-down after the steps taken continues the run");
    assert_eq!(later.steps(), 5);
    let err = trainer(with(Decay::Cooldown { from: 4, steps: 9 }))
        .resume(&checkpoint)
        .err()
        .expect("a cool-down inside the steps taken");
    assert!(err.contains("differs at step 4"), "{err}");
}

/// The "Functions" example of the lecture notes "Conditional Diffusion Models": the same MLP over
/// 32 grid values learns the score of the GP the functions are drawn from, which is known exactly.
#[test]
fn the_function_network_learns_the_gp_score() {
    use diffusion_playground::denoiser::Denoiser;
    use diffusion_playground::toy_data::{function_prior, sample_functions};
    let schedule = VpLinear::default();
    let exact = function_prior().prior();
    let device = device().autodiff();
    let model = seeded(&ScoreMlpConfig::new(32).with_hidden(256), 5, &device);
    let error = |model: &ScoreMlp| {
        let (f0, _) = sample_functions(256, &mut Noise::new(77, Stream::Data));
        let mut noise = Noise::new(76, Stream::Sampler);
        let mut total = 0.0;
        for t in [0.1, 0.3, 0.6] {
            let level = schedule.level(t);
            let xt = from_rows(&f0, &device).mul_scalar(level.alpha)
                + noise.normal(256, 32, &device).mul_scalar(level.sigma);
            let a = to_vec(model.eps_given(xt.clone(), &level, None));
            let b = to_vec(exact.eps(xt, &level));
            total += a
                .iter()
                .zip(&b)
                .map(|(p, q)| ((p - q) as f64).powi(2))
                .sum::<f64>()
                / a.len() as f64;
        }
        total / 3.0
    };
    let before = error(&model);
    let settings = DsmSettings {
        optimiser: OptimiserSettings {
            learning_rate: 2e-3,
            seed: 5,
            ..OptimiserSettings::default()
        },
        ..DsmSettings::default()
    };
    let mut trainer = DsmTrainer::new(model, settings, &device);
    let mut noise = Noise::new(5, Stream::Data);
    for _ in 0..400 {
        let (f0, labels) = sample_functions(128, &mut noise);
        trainer.step(&schedule, &f0, &labels);
    }
    let after = error(trainer.model());
    println!("function eps error {before:.4} -> {after:.4}");
    assert!(
        after < 0.3 * before,
        "eps error against the exact GP score {before:.4} -> {after:.4}"
    );
}
