use super::train::load_checkpoint;
use super::{Model, read_weight_file};
use crate::native::files;
use crate::network::{
    DigitClassifierConfig, TimeMlpConfig, UNet, half_weight_bytes, load_weights, weight_bytes,
};
use burn::module::Module;
use burn::store::{BurnToPyTorchAdapter, ModuleSnapshot, SafetensorsStore};
use burn::tensor::Device;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(super) struct Args {
    #[arg(long, required_unless_present = "weights")]
    checkpoint: Option<PathBuf>,
    /// Convert a weight file instead (the site's `www/weights/unet.bpk`, say), of `--model`: the
    /// U-Net, a classifier, or an energy or force network, whose architecture needs no checkpoint
    /// to describe it.
    #[arg(long, conflicts_with = "checkpoint", requires = "model")]
    weights: Option<PathBuf>,
    #[arg(long, value_enum)]
    model: Option<Model>,
    /// The weight file to write; a name ending in `.safetensors` gives PyTorch's layout.
    #[arg(long)]
    out: PathBuf,
    /// Store burnpack weights in f16: what the site ships, half the download.
    #[arg(long)]
    half: bool,
}

pub(super) fn run(args: Args) -> Result<(), String> {
    let device = Device::flex();
    let safetensors = args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("safetensors"));
    let format = match (safetensors, args.half) {
        (true, true) => return Err("--half applies to burnpack files, not safetensors".into()),
        (true, false) => Format::Safetensors,
        (false, true) => Format::Half,
        (false, false) => Format::Full,
    };
    let (bytes, what) = match (&args.checkpoint, &args.weights, args.model) {
        (Some(path), _, _) => {
            let (c, run) = load_checkpoint(path)?;
            let weights = &c.ema;
            let bytes = match run.model {
                Model::Unet => encode(run.unet().init(&device), weights, format),
                Model::Mlp2d | Model::Mlp1d => encode(run.score_mlp(&device)?, weights, format),
                Model::Classifier | Model::NoisyClassifier => {
                    encode(run.classifier().init(&device), weights, format)
                }
                Model::Energy => encode(TimeMlpConfig::energy(2).init(&device), weights, format),
                Model::Force => encode(TimeMlpConfig::force(2).init(&device), weights, format),
            }
            .map_err(|e| format!("the checkpoint's averaged weights: {e}"))?;
            let what = format!(
                "EMA weights of the {:?} after {} steps",
                run.model, c.state.step
            );
            (bytes, what)
        }
        (None, Some(path), Some(model)) => {
            let classifier = DigitClassifierConfig::new()
                .with_noise_conditioned(model == Model::NoisyClassifier);
            let bytes = read_weight_file(path, |weights| match model {
                Model::Unet => {
                    UNet::from_weights(weights, &device).and_then(|unet| write(&unet, format))
                }
                Model::Classifier | Model::NoisyClassifier => {
                    encode(classifier.init(&device), weights, format)
                }
                Model::Energy => encode(TimeMlpConfig::energy(2).init(&device), weights, format),
                Model::Force => encode(TimeMlpConfig::force(2).init(&device), weights, format),
                Model::Mlp2d | Model::Mlp1d => Err(format!(
                    "the {model:?}'s size comes from its checkpoint: export it with --checkpoint"
                )),
            })?;
            (bytes, format!("the {model:?} of {}", path.display()))
        }
        _ => return Err("give --checkpoint, or --weights with --model".into()),
    };
    files::write_atomic(&args.out, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!(
        "wrote {} ({} bytes, {what})",
        args.out.display(),
        bytes.len()
    );
    Ok(())
}

enum Format {
    /// burnpack, f32
    Full,
    /// burnpack, f16
    Half,
    /// safetensors with PyTorch's conventions (linear weights [out, in], norms' weight / bias)
    Safetensors,
}

/// `weights` (burn's record bytes) loaded into `template`, encoded in `format`.
fn encode<M: Module>(template: M, weights: &[u8], format: Format) -> Result<Vec<u8>, String> {
    write(&load_weights(template, weights)?, format)
}

/// `model`'s weights encoded in `format`.
fn write<M: Module>(model: &M, format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Full => return weight_bytes(model),
        Format::Half => return half_weight_bytes(model),
        Format::Safetensors => {}
    }
    let mut store = SafetensorsStore::from_bytes(None).with_to_adapter(BurnToPyTorchAdapter);
    model
        .save_into(&mut store)
        .map_err(|e| format!("cannot encode safetensors: {e:?}"))?;
    store
        .get_bytes()
        .map_err(|e| format!("cannot encode safetensors: {e:?}"))
}
