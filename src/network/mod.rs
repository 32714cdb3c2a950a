//! Trained denoisers: burn modules that predict eps from (x_t, t, label). Each implements
//! [`crate::denoiser::ConditionalDenoiser`], so every sampler and guidance method runs them as it
//! runs the closed forms. Label `num_classes` is the null label of classifier-free guidance.

mod classifier;
mod mlp;
mod time_embedding;
mod unet;

pub use classifier::{DigitClassifier, DigitClassifierConfig};
pub use mlp::{ScoreMlp, ScoreMlpConfig};
pub use time_embedding::time_embedding;
pub use unet::{UNet, UNetConfig};
