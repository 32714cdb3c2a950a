//! Conditional diffusion playground: the core shared by the browser (wasm) and native builds.
//!
//! The four kinds of piece are kept apart (see docs/architecture.md): a [`schedule`] says how data
//! is blurred into noise, a [`denoiser`] says which way is back, a [`sampler`] walks back in steps,
//! and conditioning bends the walk, either as a score transform ([`guidance`]) or as a state
//! projection ([`projection`]).

pub mod choice;
#[cfg(not(target_family = "wasm"))]
pub mod cli;
pub mod denoiser;
#[cfg(not(target_family = "wasm"))]
pub mod evaluation;
pub mod guidance;
pub mod lab;
pub mod linalg;
#[cfg(not(target_family = "wasm"))]
pub mod native;
pub mod network;
pub mod noise;
pub mod observation;
pub mod presets;
pub mod projection;
pub mod sampler;
pub mod schedule;
pub mod tensor;
pub mod toy_data;
pub mod training;
#[cfg(target_family = "wasm")]
pub mod web;
