use super::{DeviceChoice, device, load_weight_file, read_weight_file};
use crate::choice;
use crate::denoiser::{Denoiser, WithLabel};
use crate::evaluation::{Draw, FeatureStats, Judge, draw, frechet_distance, nearest_cosine};
use crate::guidance::{ClassifierFree, ClassifierGuidance};
use crate::lab::MAX_SCALE;
use crate::native::files;
use crate::native::mnist::{CLASSES, Digits, PIXELS, SIDE};
use crate::native::picture::grid_png;
use crate::network::{DigitClassifier, DigitClassifierConfig, UNet};
use crate::sampler::{Sampler, SamplerKind};
use crate::schedule::VpLinear;
use crate::training::accuracy;
use burn::tensor::{Device, Tensor, TensorData};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[derive(clap::Args, Serialize)]
pub(super) struct Args {
    /// The MNIST U-Net's weights (burn's record format, from `export`).
    #[arg(long, default_value = "www/weights/unet.bpk")]
    unet: PathBuf,
    /// The clean classifier that judges the samples.
    #[arg(long, default_value = "www/weights/classifier.bpk")]
    classifier: PathBuf,
    /// The noise-conditioned classifier for the classifier-guidance sweep.
    #[arg(long, default_value = "www/weights/noisy-classifier.bpk")]
    noisy_classifier: PathBuf,
    #[arg(long, default_value = "data/mnist")]
    mnist: PathBuf,
    /// Samples per row of the frequency table (Ilin & Friesen: 1000).
    #[arg(long, default_value_t = 1000)]
    samples: usize,
    /// Samples per setting of the trade-off and of the classifier-guidance sweep.
    #[arg(long, default_value_t = 1000)]
    sweep_samples: usize,
    /// Sampler (em, ode-euler, ode-heun, ddim, pc) and its steps for everything but the
    /// steps experiment. Ilin & Friesen sample with the reverse SDE; the deterministic samplers
    /// forgive an undertrained network less (its errors are never washed out by fresh noise).
    #[arg(long, default_value = "em", value_parser = choice::parse::<SamplerKind>)]
    sampler: SamplerKind,
    #[arg(long, default_value_t = 100)]
    steps: usize,
    /// The step counts compared (Ilin & Friesen: 20, 50, 200, 1000), the sampler they are
    /// compared with (Ilin & Friesen's reverse SDE: em) and the samples drawn for each.
    #[arg(long, value_delimiter = ',', default_value = "20,50,200,1000")]
    step_counts: Vec<usize>,
    #[arg(long, default_value = "em", value_parser = choice::parse::<SamplerKind>)]
    steps_sampler: SamplerKind,
    #[arg(long, default_value_t = 100)]
    steps_samples: usize,
    /// The digit the frequency table and the classifier-guidance sweep condition on.
    #[arg(long, default_value_t = 7)]
    class: usize,
    /// Guidance scales w of the frequency table (Ilin & Friesen's gamma = w - 1).
    #[arg(long, allow_hyphen_values = true, default_value = "-1,0,0.5,1,2,4")]
    frequency_ws: Scales,
    /// Guidance scales w of the diversity / fidelity trade-off (all digits).
    #[arg(long, allow_hyphen_values = true, default_value = "0,0.5,1,2,4,8")]
    tradeoff_ws: Scales,
    /// Classifier-guidance scales of the sweep, on the unconditional model.
    #[arg(long, allow_hyphen_values = true, default_value = "0,1,2,4,8")]
    classifier_scales: Scales,
    /// Samples per trajectory (per forward pass).
    #[arg(long, default_value_t = 250)]
    chunk: usize,
    /// Seeds the noise. Two seeds share no sample's noise (a run's noise streams start at seed
    /// x 2^32); seed 0 draws what earlier versions drew.
    #[arg(long, default_value_t = 0)]
    seed: u32,
    /// The JSON results file. Beside it, one picture grid per experiment, named after it
    /// (`mnist-eval-frequency.png`, `-steps`, `-classifier-guidance`, `-tradeoff`): a row per
    /// setting, its first ten samples (one per digit where the experiment draws every digit); and
    /// `-misread`, the samples conditioned on the digit at w = 1 the judge reads otherwise.
    #[arg(long, default_value = "results/mnist-eval.json")]
    out: PathBuf,
    #[arg(long, value_enum, default_value = "cpu")]
    #[serde(skip)]
    device: DeviceChoice,
}

impl Args {
    /// Where this run's noise seeds start: `--seed` x 2^32. A run's calls add at most 10,000
    /// (a stream per digit) plus a chunk count to it, far below the next seed's start.
    fn first_seed(&self) -> u64 {
        first_seed(self.seed)
    }
}

fn first_seed(seed: u32) -> u64 {
    u64::from(seed) << 32
}

/// Guidance scales as one comma-separated value, "-1,0,0.5": a leading minus is a number's.
#[derive(Clone, Serialize)]
#[serde(transparent)]
struct Scales(Vec<f64>);

impl FromStr for Scales {
    type Err = String;

    fn from_str(list: &str) -> Result<Self, String> {
        let scale = |s: &str| s.trim().parse().map_err(|e| format!("'{s}': {e}"));
        list.split(',')
            .map(scale)
            .collect::<Result<_, _>>()
            .map(Scales)
    }
}

const MAX_SAMPLES: usize = 100_000;
const MAX_CHUNK: usize = 10_000;
const MAX_STEPS: usize = 10_000;

#[derive(Serialize)]
struct Frequencies {
    w: f64,
    gamma: f64,
    /// Share of samples the classifier reads as each digit 0..9.
    shares: Vec<f64>,
}

#[derive(Serialize)]
struct Quality {
    /// The setting: w, a step count or a classifier scale.
    setting: f64,
    /// Share of samples the classifier reads as the digit asked for.
    hits: f64,
    /// Mean probability the classifier gives its verdict.
    confidence: f64,
    /// Fréchet distance of the classifier features to the held-out digits' (of the digit asked
    /// for, where one is).
    frechet: f64,
}

#[derive(Serialize)]
struct Similarity {
    min: f64,
    median: f64,
    max: f64,
    mean: f64,
}

#[derive(Serialize)]
struct Results {
    settings: Args,
    classifier_accuracy: f64,
    held_out: usize,
    /// The Fréchet distance of held-out digits to as many training digits: the floor a perfect
    /// model would reach with this many samples.
    frechet_floor: f64,
    frequencies: Vec<Frequencies>,
    nearest_cosine: Similarity,
    /// What the judge read the samples conditioned on the digit at w = 1 as, where not that
    /// digit: the first ones, in the order of the `-misread` grid.
    misread: Vec<usize>,
    steps: Vec<Quality>,
    classifier_guidance: Vec<Quality>,
    tradeoff: Vec<Quality>,
}

pub(super) fn run(args: Args) -> Result<(), String> {
    check(&args)?;
    // DDIM deterministic (eta 0) and the predictor–corrector at the labs' default snr.
    let build = |kind: SamplerKind| kind.build(0.0, 0.16);
    let (sampler, steps_sampler) = (build(args.sampler), build(args.steps_sampler));
    let device = device(args.device)?;
    let unet = read_weight_file(&args.unet, |bytes| UNet::from_weights(bytes, &device))?;
    let judge_model: DigitClassifier =
        load_weight_file(DigitClassifierConfig::new().init(&device), &args.classifier)?;
    // Classifier guidance differentiates through this one: it lives on the autodiff device.
    let guide: DigitClassifier = load_weight_file(
        DigitClassifierConfig::new()
            .with_noise_conditioned(true)
            .init(&device.clone().autodiff()),
        &args.noisy_classifier,
    )?;
    let (train, test) = Digits::load(&args.mnist)?.split(10);
    let judge = Judge {
        classifier: &judge_model,
    };
    let schedule = VpLinear::default();
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} sampler moves, {per_sec} {msg}")
            .expect("template"),
    );
    // The training digits, built once: the Fréchet floor and the nearest-neighbour search read them.
    let train_images = train.tensor(&device);
    let reference = Reference::of(&judge, &train_images, &test, args.class, &device);
    let classifier_accuracy = accuracy(&judge_model, &test.rows(), &test.labels, &device);
    bar.suspend(|| {
        println!(
            "clean classifier: {:.2} % of {} held-out digits right; Fréchet floor {:.3}",
            100.0 * classifier_accuracy,
            test.len(),
            reference.frechet_floor
        )
    });
    let experiments = Experiments {
        args: &args,
        unet: &unet,
        judge: &judge,
        how: Draw {
            sampler: sampler.as_ref(),
            schedule: &schedule,
            steps: args.steps,
            chunk: args.chunk,
            device: &device,
        },
        reference: &reference,
        bar: &bar,
    };
    let (frequencies, conditional, frequency_grid) = experiments.frequency_table()?;
    let (conditional, verdicts) = experiments.conditional(conditional)?;
    let (misread, misread_grid) = experiments.misread(&conditional, &verdicts);
    let nearest_cosine = experiments.nearest_cosine(conditional, train_images);
    let (steps, steps_grid) = experiments.step_counts(steps_sampler.as_ref())?;
    let (classifier_guidance, guidance_grid) = experiments.classifier_guidance(&guide)?;
    let (tradeoff, tradeoff_grid) = experiments.tradeoff()?;
    bar.finish_and_clear();
    print_quality("w (all digits)", &tradeoff);

    let results = Results {
        classifier_accuracy,
        held_out: test.len(),
        frechet_floor: reference.frechet_floor,
        frequencies,
        nearest_cosine,
        misread,
        steps,
        classifier_guidance,
        tradeoff,
        settings: args,
    };
    let out = &results.settings.out;
    let json = serde_json::to_string_pretty(&results).expect("results serialise");
    files::write_atomic(out, json.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("\nwrote {}", out.display());
    for (experiment, grid) in [
        ("frequency", frequency_grid),
        ("misread", misread_grid),
        ("steps", steps_grid),
        ("classifier-guidance", guidance_grid),
        ("tradeoff", tradeoff_grid),
    ] {
        let path = grid_path(out, experiment);
        files::write_atomic(&path, &grid_png(&grid, SIDE))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Rows of sample images, one row per setting of an experiment.
type Grid = Vec<Vec<Vec<f32>>>;

/// Samples [n, 784] and the digit the judge reads each as.
type Judged = (Tensor<2>, Vec<usize>);

/// The picture grid of `experiment` beside the results file `out`: `results/mnist-eval.json`
/// gives `results/mnist-eval-steps.png`, so runs with other results files keep their own grids.
fn grid_path(out: &Path, experiment: &str) -> PathBuf {
    let stem = out.file_stem().unwrap_or_default().to_string_lossy();
    out.with_file_name(format!("{stem}-{experiment}.png"))
}

/// The first `count` samples (rows of `samples`) as images for a grid.
fn first_images(samples: &Tensor<2>, count: usize) -> Vec<Vec<f32>> {
    let [n, _] = samples.dims();
    crate::tensor::to_vec(samples.clone().slice([0..n.min(count), 0..PIXELS]))
        .chunks(PIXELS)
        .map(<[f32]>::to_vec)
        .collect()
}

/// Images a grid row shows per setting.
const GRID_COLUMNS: usize = 10;

/// Refuses settings that make no sense or would run for days, before any work.
fn check(args: &Args) -> Result<(), String> {
    if args.samples < 2
        || args.sweep_samples < 2
        || args.steps_samples < 2
        || args.chunk == 0
        || args.steps == 0
    {
        return Err(
            "--samples, --sweep-samples and --steps-samples must be at least 2, --chunk and --steps positive".into(),
        );
    }
    // Bounds that keep a typo from allocating the machine away or sampling for days.
    if args.samples.max(args.sweep_samples).max(args.steps_samples) > MAX_SAMPLES
        || args.chunk > MAX_CHUNK
        || args
            .steps
            .max(args.step_counts.iter().copied().max().unwrap_or(0))
            > MAX_STEPS
    {
        return Err(format!(
            "at most {MAX_SAMPLES} samples per setting, {MAX_CHUNK} per chunk and {MAX_STEPS} steps"
        ));
    }
    let scales = args
        .frequency_ws
        .0
        .iter()
        .chain(&args.tradeoff_ws.0)
        .chain(&args.classifier_scales.0);
    if let Some(bad) = scales
        .into_iter()
        .find(|s| !(s.is_finite() && s.abs() <= MAX_SCALE))
    {
        return Err(format!(
            "guidance scale {bad} is out of range: w and classifier scales lie in [-{MAX_SCALE}, {MAX_SCALE}]"
        ));
    }
    if args.class >= CLASSES || args.step_counts.contains(&0) {
        return Err(format!(
            "--class must be below {CLASSES} and every step count positive"
        ));
    }
    Ok(())
}

/// What samples are measured against: the clean classifier's features of the held-out digits
/// (all of them, and those of the digit conditioned on), and the Fréchet distance a perfect model
/// would reach with as many samples.
struct Reference {
    held_out: FeatureStats,
    class: FeatureStats,
    frechet_floor: f64,
}

impl Reference {
    /// `train` holds the training digits at the diffusion scale, one row each.
    fn of(judge: &Judge, train: &Tensor<2>, test: &Digits, class: usize, device: &Device) -> Self {
        let verdicts = judge.judge(test.tensor(device));
        let held_out = FeatureStats::of(&verdicts.features);
        let class_features: Vec<Vec<f64>> = verdicts
            .features
            .iter()
            .zip(&test.labels)
            .filter(|(_, l)| **l == class)
            .map(|(f, _)| f.clone())
            .collect();
        // As many training digits as held-out ones, spread over the classes (the set is sorted).
        let [train_len, _] = train.dims();
        let spread: Vec<i64> = (0..test.len())
            .map(|i| (i * train_len / test.len()) as i64)
            .collect();
        let floor_images = train.clone().select(
            0,
            Tensor::from_data(TensorData::new(spread, [test.len()]), device),
        );
        let frechet_floor = frechet_distance(
            &FeatureStats::of(&judge.judge(floor_images).features),
            &held_out,
        );
        Self {
            held_out,
            class: FeatureStats::of(&class_features),
            frechet_floor,
        }
    }
}

/// The experiments of one `eval` run, each a method: the same U-Net, judge, sampler settings
/// and progress bar.
struct Experiments<'a> {
    args: &'a Args,
    unet: &'a UNet,
    judge: &'a Judge<'a>,
    how: Draw<'a>,
    reference: &'a Reference,
    bar: &'a ProgressBar,
}

impl Experiments<'_> {
    fn tick(&self) -> impl Fn() + Copy + '_ {
        || self.bar.inc(1)
    }

    /// Ilin & Friesen ("Conditional Generative Diffusion with Langevin Dynamics") Fig. 4: what the
    /// samples conditioned on one digit are, as w moves. Returns the rows, the samples at w = 1
    /// with the digits the judge read them as, where there is such a row, and the grid (as their
    /// Fig. 3).
    fn frequency_table(&self) -> Result<(Vec<Frequencies>, Option<Judged>, Grid), String> {
        let args = self.args;
        self.bar.set_message("frequency table");
        let mut frequencies = Vec::new();
        let mut conditional = None;
        let mut grid = Vec::new();
        for &w in &args.frequency_ws.0 {
            let guided = ClassifierFree {
                model: self.unet,
                class: args.class,
                w,
            };
            let samples = draw(
                &self.how,
                &guided,
                args.samples,
                args.first_seed(),
                self.tick(),
            )?;
            let verdicts = self.judge.judge(samples.clone());
            grid.push(first_images(&samples, GRID_COLUMNS));
            let mut shares = vec![0.0; CLASSES];
            for &l in &verdicts.labels {
                shares[l] += 1.0 / args.samples as f64;
            }
            if w == 1.0 {
                conditional = Some((samples, verdicts.labels));
            }
            frequencies.push(Frequencies {
                w,
                gamma: w - 1.0,
                shares,
            });
        }
        self.bar
            .suspend(|| print_frequencies(&frequencies, args.samples, args.class));
        Ok((frequencies, conditional, grid))
    }

    /// The samples conditioned on the digit at w = 1 and the digits the judge reads them as:
    /// those the frequency table drew and judged, or new ones.
    fn conditional(&self, drawn: Option<Judged>) -> Result<Judged, String> {
        let args = self.args;
        match drawn {
            Some(judged) => Ok(judged),
            None => {
                let model = WithLabel {
                    model: self.unet,
                    label: Some(args.class),
                };
                let samples = draw(
                    &self.how,
                    &model,
                    args.samples,
                    args.first_seed(),
                    self.tick(),
                )?;
                let labels = self.judge.judge(samples.clone()).labels;
                Ok((samples, labels))
            }
        }
    }

    /// The samples conditioned on the digit (`conditional`) the judge did not read as it
    /// (`verdicts`): what it read them as and two rows of them, to see whether the network or the
    /// judge errs.
    fn misread(&self, conditional: &Tensor<2>, verdicts: &[usize]) -> (Vec<usize>, Grid) {
        const SHOWN: usize = 2 * GRID_COLUMNS;
        let (rows, labels): (Vec<i64>, Vec<usize>) = (0..)
            .zip(verdicts.iter().copied())
            .filter(|&(_, l)| l != self.args.class)
            .take(SHOWN)
            .unzip();
        if rows.is_empty() {
            return (labels, Vec::new());
        }
        let count = rows.len();
        let picked = conditional.clone().select(
            0,
            Tensor::from_data(TensorData::new(rows, [count]), &conditional.device()),
        );
        let images = first_images(&picked, SHOWN);
        (
            labels,
            images.chunks(GRID_COLUMNS).map(<[_]>::to_vec).collect(),
        )
    }

    /// Ilin & Friesen Fig. 2: are the samples copies of training digits? The cosine similarity of
    /// each sample conditioned on the digit to its nearest training digit.
    fn nearest_cosine(&self, conditional: Tensor<2>, train: Tensor<2>) -> Similarity {
        let args = self.args;
        let to_unit = |x: Tensor<2>| x.add_scalar(1.0).mul_scalar(0.5);
        let mut cosines = nearest_cosine(to_unit(conditional), to_unit(train));
        cosines.sort_by(f64::total_cmp);
        let nearest = Similarity {
            min: cosines[0],
            median: cosines[cosines.len() / 2],
            max: cosines[cosines.len() - 1],
            mean: cosines.iter().sum::<f64>() / cosines.len() as f64,
        };
        self.bar.suspend(|| {
            println!(
                "\nnearest training digit, cosine similarity (w = 1, digit {}): min {:.3}, median {:.3}, max {:.3}",
                args.class, nearest.min, nearest.median, nearest.max
            )
        });
        nearest
    }

    /// Ilin & Friesen Fig. 3: quality against the number of steps, every digit, w = 1.
    fn step_counts(&self, sampler: &dyn Sampler) -> Result<(Vec<Quality>, Grid), String> {
        self.bar.set_message("steps");
        let (mut rows, mut grid) = (Vec::new(), Vec::new());
        for &n in &self.args.step_counts {
            let how = Draw {
                steps: n,
                sampler,
                ..self.how
            };
            let (quality, shown) = self.every_digit(&how, self.args.steps_samples, |c| {
                Box::new(WithLabel {
                    model: self.unet,
                    label: Some(c),
                })
            })?;
            rows.push(Quality {
                setting: n as f64,
                ..quality
            });
            grid.push(shown);
        }
        self.bar.suspend(|| print_quality("steps", &rows));
        Ok((rows, grid))
    }

    /// Classifier guidance (Dhariwal & Nichol 2021): the unconditional model pushed towards one
    /// digit by the noise-conditioned classifier `guide`.
    fn classifier_guidance(&self, guide: &DigitClassifier) -> Result<(Vec<Quality>, Grid), String> {
        let args = self.args;
        self.bar.set_message("classifier guidance");
        let unconditional = WithLabel {
            model: self.unet,
            label: None,
        };
        let (mut rows, mut grid) = (Vec::new(), Vec::new());
        for &scale in &args.classifier_scales.0 {
            let guided = ClassifierGuidance {
                model: &unconditional,
                classifier: guide,
                class: args.class,
                scale,
            };
            let samples = draw(
                &self.how,
                &guided,
                args.sweep_samples,
                args.first_seed(),
                self.tick(),
            )?;
            grid.push(first_images(&samples, GRID_COLUMNS));
            let verdicts = self.judge.judge(samples);
            rows.push(Quality {
                setting: scale,
                hits: share(&verdicts.labels, |_| args.class),
                confidence: mean(&verdicts.confidence),
                frechet: frechet_distance(
                    &FeatureStats::of(&verdicts.features),
                    &self.reference.class,
                ),
            });
        }
        self.bar
            .suspend(|| print_quality("classifier scale", &rows));
        Ok((rows, grid))
    }

    /// Diversity against fidelity as w grows, over all digits (the trade-off Nichol et al. 2022
    /// measure for GLIDE as FID against IS).
    fn tradeoff(&self) -> Result<(Vec<Quality>, Grid), String> {
        self.bar.set_message("trade-off");
        let (mut rows, mut grid) = (Vec::new(), Vec::new());
        for &w in &self.args.tradeoff_ws.0 {
            let (quality, shown) = self.every_digit(&self.how, self.args.sweep_samples, |c| {
                Box::new(ClassifierFree {
                    model: self.unet,
                    class: c,
                    w,
                })
            })?;
            rows.push(Quality {
                setting: w,
                ..quality
            });
            grid.push(shown);
        }
        Ok((rows, grid))
    }

    /// Samples of every digit (`count` split evenly, each digit from its own noise) drawn with
    /// the denoiser `make` gives for it, judged: hits, confidence, Fréchet distance to the
    /// held-out digits; and the first sample of each digit, for a grid row.
    fn every_digit<'m>(
        &self,
        how: &Draw,
        count: usize,
        make: impl Fn(usize) -> Box<dyn Denoiser + 'm>,
    ) -> Result<(Quality, Vec<Vec<f32>>), String> {
        let (mut parts, mut shown) = (Vec::new(), Vec::new());
        let mut asked = Vec::new();
        for c in 0..CLASSES {
            let n = count / CLASSES + usize::from(c < count % CLASSES);
            if n == 0 {
                continue;
            }
            let seed = self.args.first_seed() + 1000 * (c as u64 + 1);
            let samples = draw(how, make(c).as_ref(), n, seed, self.tick())?;
            shown.extend(first_images(&samples, 1));
            parts.push(samples);
            asked.extend(std::iter::repeat_n(c, n));
        }
        let verdicts = self.judge.judge(Tensor::cat(parts, 0));
        let quality = Quality {
            setting: f64::NAN,
            hits: share(&verdicts.labels, |i| asked[i]),
            confidence: mean(&verdicts.confidence),
            frechet: frechet_distance(
                &FeatureStats::of(&verdicts.features),
                &self.reference.held_out,
            ),
        };
        Ok((quality, shown))
    }
}

/// Share of `labels` equal to `want(i)`.
fn share(labels: &[usize], want: impl Fn(usize) -> usize) -> f64 {
    let hits = labels
        .iter()
        .enumerate()
        .filter(|&(i, &l)| l == want(i))
        .count();
    hits as f64 / labels.len() as f64
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn print_frequencies(rows: &[Frequencies], samples: usize, class: usize) {
    println!("\ndigit frequencies (%) of {samples} samples conditioned on {class}");
    print!("{:>6} {:>6} |", "w", "gamma");
    for d in 0..CLASSES {
        print!("{d:>6}");
    }
    println!();
    for r in rows {
        print!("{:>6} {:>6} |", r.w, r.gamma);
        for s in &r.shares {
            print!("{:>6.1}", 100.0 * s);
        }
        println!();
    }
}

fn print_quality(what: &str, rows: &[Quality]) {
    println!("\n{what:>16} | hits % | confidence | Fréchet");
    for r in rows {
        println!(
            "{:>16} | {:>6.1} | {:>10.3} | {:>7.3}",
            r.setting,
            100.0 * r.hits,
            r.confidence,
            r.frechet
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{CLASSES, MAX_SAMPLES, first_seed};

    /// `--seed 1` once shifted every chunk's seed by one, so 750 of 1,000 samples drawn in
    /// chunks of 250 had the noise of `--seed 0`. Seed 0 keeps the noise of the results files.
    #[test]
    fn different_seeds_share_no_noise_and_seed_0_is_unchanged() {
        assert_eq!(first_seed(0), 0);
        // The most a run adds: the last digit's stream, then one seed per chunk (at least one
        // sample each, so at most as many chunks as `check` allows samples).
        let most = 1000 * CLASSES as u64 + MAX_SAMPLES as u64;
        for seed in [0, 1, 7, u32::MAX - 1] {
            assert!(first_seed(seed) + most < first_seed(seed + 1));
        }
    }
}
