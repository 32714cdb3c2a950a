// The plain objects the labs take and return. A constructor takes any of the fields (the others
// keep their defaults, which `default_settings()` returns); a name or value out of range is an
// error that says which. Samplers and schedules are named by the catalogues `samplers()` and
// `schedules()`, so a new one needs no change here. tests/typescript.rs checks these fields
// against the Rust settings.

/** The 2D lab (`Lab2d`): a data set, its exact score or the network trained on it, and the
 * conditional runs of one conditioning beside the unconditional one. */
export interface Lab2dSettings {
  preset: 'correlated' | 'blobs' | 'ring';
  /** A name from `schedules()`. */
  schedule: string;
  /** A name from `samplers()`. */
  sampler: string;
  /** 1 to 2000. */
  steps: number;
  /** Samples per run, 1 to 20,000. */
  batch: number;
  seed: number;
  /** DDIM's eta, in [0, 1]. */
  eta: number;
  /** The predictor–corrector's signal-to-noise ratio, in (0, 1]. */
  snr: number;
  /** The observed value of x2. */
  y: number;
  /** Standard deviation of the observation noise; 0 observes x2 exactly. */
  obs_std: number;
  /** Scale of reconstruction guidance. */
  guidance_scale: number;
  /** What the conditional runs aim at. */
  conditioning: 'observation' | 'class' | 'energy';
  /** The closed-form score or the score network trained on the data (`Lab2d.with_network`). */
  model: 'exact' | 'learned';
  /** The class of class conditioning. */
  label: number;
  /** Classifier-free guidance scale, also the classifier guidance scale, in [-100, 100]. */
  w: number;
  /** Energy guidance: the target p(x) exp(-beta E(x)) with E = |x - center|^2 / 2. */
  beta: number;
  center: [number, number];
}

/** The function lab (`FunctionLab`): functions drawn from a Gaussian-process prior, conditioned
 * on observed points and, optionally, on a motif somewhere along them. */
export interface FunctionLabSettings {
  /** Observed (x, y) pairs in [-1, 1] x [-5, 5], at most 32. */
  points: [number, number][];
  /** Standard deviation of the observation noise, in [0, 2]. */
  obs_std: number;
  model: 'exact' | 'learned';
  /** A name from `samplers()`. */
  sampler: string;
  /** 1 to 2000. */
  steps: number;
  eta: number;
  snr: number;
  /** Functions drawn per run, 1 to 2000. */
  batch: number;
  seed: number;
  guidance_scale: number;
  /** 3 to 8 values every function must contain at consecutive grid points, place unknown;
   * empty for none. */
  motif: number[];
  /** Standard deviation of the motif's values, in [0.01, 2]. */
  motif_std: number;
}

/** One run of the digit lab. */
export interface DigitRunSettings {
  /** A name from `samplers()`. */
  sampler: string;
  /** 1 to 1000. */
  steps: number;
  eta: number;
  snr: number;
  /** The digit to condition on; null samples unconditionally. */
  label: number | null;
  /** Classifier-free guidance scale: 0 unconditional, 1 conditional. */
  w: number;
  /** Classifier guidance scale, through the noise-conditioned classifier. */
  classifier_scale: number;
  /** How the run uses the known pixels given to `DigitLab`. */
  inpainting: 'none' | 'replacement' | 'repaint' | 'reconstruction' | 'anywhere';
  /** RePaint: intervals per jump back up, and how often each stretch is walked. */
  jump: number;
  resamplings: number;
  /** Reconstruction guidance scale. */
  guidance_scale: number;
}

/** The digit lab (`DigitLab`): up to four runs of the MNIST U-Net from the same noise. */
export interface DigitLabSettings {
  seed: number;
  /** Samples per run, 1 to 64. */
  batch: number;
  /** 1 to 4 runs; each takes any of its fields. */
  runs: Partial<DigitRunSettings>[];
}

/** The train demo's trainer (`Trainer2d`): a 2D score MLP trained in the page by denoising
 * score matching with label dropout, Adam and a moving average of the weights. */
export interface TrainerSettings {
  data: 'painted' | 'correlated' | 'blobs' | 'ring' | 'moons' | 'swiss-roll' | 'checkerboard';
  /** Painted points (x1, x2, class) in [-4, 4]^2, classes 0 and 1, 1 to 1000 of them; only
   * with data 'painted'. */
  points: [number, number, number][];
  /** Points per step, 1 to 4096. */
  batch: number;
  /** Adam's rate, in (0, 0.1]. */
  learning_rate: number;
  /** Decay of the weights' moving average, in [0, 1). */
  ema: number;
  /** Probability of the null label, in [0, 1]. */
  p_uncond: number;
  seed: number;
}

/** Samples of a `Trainer2d`'s network (`Trainer2d.samples`). */
export interface TrainedSamplesSettings {
  /** A name from `samplers()`. */
  sampler: string;
  /** 1 to 1000. */
  steps: number;
  /** Samples per run, 1 to 5000. */
  batch: number;
  seed: number;
  eta: number;
  snr: number;
  /** Classifier-free guidance scale of the class runs, in [-100, 100]. */
  w: number;
}

/** One run of `TrainedSamples`: its class (null: unconditional) and whether it follows the
 * exact score or the network. */
export interface TrainedRun {
  label: number | null;
  exact: boolean;
}

/** A sampler as `samplers()` lists it. */
export interface SamplerEntry {
  /** The value of a `sampler` field. */
  name: string;
  label: string;
  /** Its name in captions. */
  short: string;
  /** The setting it reads besides the step count. */
  parameter: 'eta' | 'snr' | null;
}

/** A noise schedule as `schedules()` lists it. */
export interface ScheduleEntry {
  /** The value of a `schedule` field. */
  name: string;
  label: string;
}

/** What the trained energy networks learned (`EnergyNetworks.trained()`). */
export interface TrainedEnergy {
  /** The data sets they were trained on. */
  data: string[];
  beta: number;
  center: [number, number];
}
