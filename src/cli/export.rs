use super::Model;
use super::train::load_checkpoint;
use crate::native::files;
use crate::network::{UNetConfig, half_weight_bytes, load_weights, weight_bytes};
use crate::training::Checkpoint;
use burn::module::Module;
use burn::store::{BurnToPyTorchAdapter, ModuleSnapshot, SafetensorsStore};
use burn::tensor::Device;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(super) struct Args {
    #[arg(long)]
    checkpoint: PathBuf,
    /// The weight file to write; a name ending in `.safetensors` gives PyTorch's layout.
    #[arg(long)]
    out: PathBuf,
    /// Store burnpack weights in f16: what the site ships, half the download.
    #[arg(long)]
    half: bool,
}

pub(super) fn run(args: Args) -> Result<(), String> {
    let (c, run) = load_checkpoint(&args.checkpoint)?;
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
    let bytes = match run.model {
        Model::Unet => encode(UNetConfig::new().init(&device), &c, format)?,
        Model::Mlp2d | Model::Mlp1d => encode(run.score_mlp(&device)?, &c, format)?,
        Model::Classifier | Model::NoisyClassifier => {
            encode(run.classifier().init(&device), &c, format)?
        }
    };
    files::write_atomic(&args.out, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!(
        "wrote {} ({} bytes, EMA weights of the {:?} after {} steps)",
        args.out.display(),
        bytes.len(),
        run.model,
        c.state.step
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

/// The EMA weights of `checkpoint` loaded into `template`, encoded in `format`.
fn encode<M: Module>(
    template: M,
    checkpoint: &Checkpoint,
    format: Format,
) -> Result<Vec<u8>, String> {
    let model = load_weights(template, &checkpoint.ema)
        .map_err(|e| format!("the checkpoint's averaged weights: {e}"))?;
    match format {
        Format::Full => return weight_bytes(&model),
        Format::Half => return half_weight_bytes(&model),
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
