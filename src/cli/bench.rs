use super::{DeviceChoice, device};
use crate::native::files;
use crate::native::mnist::PIXELS;
use crate::network::{UNetConfig, Width, load_weights, weight_bytes};
use crate::noise::{Noise, Stream};
use crate::schedule::VpLinear;
use crate::training::{DsmSettings, DsmTrainer};
use burn::tensor::Device;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args, Serialize)]
pub(super) struct Args {
    #[arg(long, value_enum, default_value = "cpu")]
    #[serde(skip)]
    device: DeviceChoice,
    /// The U-Net's width: the narrow network the page ships, or the wide one (3 times the weights).
    #[arg(long, value_enum, default_value = "narrow")]
    width: Width,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Steps timed, after the warm-up steps (which compile kernels and fill caches).
    #[arg(long, default_value_t = 20)]
    steps: usize,
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    #[arg(long, default_value = "bench/train-unet.json")]
    out: PathBuf,
}

#[derive(Serialize)]
struct Figures {
    settings: Args,
    device: String,
    parameters: usize,
    first_step_s: f64,
    images_per_s: f64,
    loss_first: f64,
    loss_last: f64,
    /// Every step's loss, warm-up included: same seed, same batches, so two devices' lists
    /// should agree step by step.
    losses: Vec<f64>,
}

/// DSM training steps of the MNIST U-Net on random data (the data loader is not what is timed),
/// seeded so that every device sees the same batches.
pub(super) fn run(args: Args) -> Result<(), String> {
    if args.batch == 0 || args.steps == 0 {
        return Err("--batch and --steps must be positive".into());
    }
    let device = device(args.device)?.autodiff();
    // Backends' random generators differ: the weights are drawn on the CPU and copied, so that
    // every device starts from the same network and the loss lists can be compared step by step.
    let cpu = Device::flex();
    cpu.seed(0);
    let config = UNetConfig::new().with_width(args.width);
    let initial = weight_bytes(&config.init(&cpu))?;
    let model = load_weights(config.init(&device), &initial)?;
    let parameters = burn::module::Module::num_params(&model);
    let mut trainer = DsmTrainer::new(model, DsmSettings::default(), &device);
    let schedule = VpLinear::default();
    let mut noise = Noise::new(0, Stream::Data);
    let mut batch = || {
        let x0: Vec<Vec<f64>> = (0..args.batch)
            .map(|_| (0..PIXELS).map(|_| 2.0 * noise.uniform() - 1.0).collect())
            .collect();
        let labels: Vec<usize> = (0..args.batch).map(|i| i % 10).collect();
        (x0, labels)
    };
    let mut losses = Vec::new();
    let start = Instant::now();
    let mut first_step_s = 0.0;
    for i in 0..args.warmup.max(1) {
        let (x0, labels) = batch();
        losses.push(trainer.step(&schedule, &x0, &labels));
        if i == 0 {
            first_step_s = start.elapsed().as_secs_f64();
        }
    }
    let data: Vec<_> = (0..args.steps).map(|_| batch()).collect();
    let start = Instant::now();
    for (x0, labels) in &data {
        // The loss is read back every step, so the time includes the device finishing its work.
        losses.push(trainer.step(&schedule, x0, labels));
    }
    let seconds = start.elapsed().as_secs_f64();
    let figures = Figures {
        device: format!("{:?}", args.device).to_lowercase(),
        parameters,
        first_step_s,
        images_per_s: (args.steps * args.batch) as f64 / seconds,
        loss_first: losses[0],
        loss_last: *losses.last().expect("at least one step"),
        losses,
        settings: args,
    };
    println!(
        "U-Net ({:?}, {} parameters) on {}: {:.1} training images/s at batch {} ({} steps; first step {:.2} s); loss {:.4} -> {:.4}",
        figures.settings.width,
        figures.parameters,
        figures.device,
        figures.images_per_s,
        figures.settings.batch,
        figures.settings.steps,
        figures.first_step_s,
        figures.loss_first,
        figures.loss_last
    );
    let json = serde_json::to_string_pretty(&figures).expect("figures serialise");
    files::write_atomic(&figures.settings.out, json.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", figures.settings.out.display()))?;
    Ok(())
}
