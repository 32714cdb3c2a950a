//! The train demo's API: a score MLP trained in the page ([`Trainer2d`]) and samples of it
//! beside the exact score's ([`TrainedSamples`]).

use super::objects::{
    TrainedRuns, TrainedSamplesSettingsIn, TrainedSamplesSettingsOut, TrainerSettingsIn,
    TrainerSettingsOut, settings_from, to_js,
};
use super::{Backend, Frame, ScoreNetwork, js_error};
use crate::lab::{self, Lab, Trained2dConfig};
use crate::training::{LiveConfig, LiveTrainer};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A 2D score MLP being trained on the page's backend.
#[wasm_bindgen]
pub struct Trainer2d(LiveTrainer);

#[wasm_bindgen]
impl Trainer2d {
    /// `settings` has any of the fields of `TrainerSettings`; the rest take defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(
        backend: &Backend,
        settings: Option<TrainerSettingsIn>,
    ) -> Result<Trainer2d, JsError> {
        let config: LiveConfig = settings_from(settings.map(Into::into))?;
        let trainer = LiveTrainer::new(config, &backend.device).map_err(js_error)?;
        Ok(Trainer2d(trainer))
    }

    /// The default settings, for the page's controls.
    pub fn default_settings() -> TrainerSettingsOut {
        to_js(&LiveConfig::default())
    }

    /// The settings in use.
    pub fn settings(&self) -> TrainerSettingsOut {
        to_js(self.0.config())
    }

    /// Optimiser steps taken.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> f64 {
        self.0.steps() as f64
    }

    /// `steps` (1 to 1000) more optimiser steps; read the frame for their losses. Only queues
    /// work on WebGPU.
    pub fn train(&mut self, steps: usize) -> Result<Frame, JsError> {
        let losses = self.0.train(steps).map_err(js_error)?;
        Ok(Frame::at(self.0.steps() as usize, (0.0, 0.0), losses))
    }

    /// The averaged network's error against the exact score (`exact_eps_error`), a frame of one
    /// value; `undefined` where the data has no closed form.
    pub fn exact_error(&self) -> Option<Frame> {
        let steps = self.0.steps() as usize;
        let error = self.0.exact_error()?;
        Some(Frame::at(steps, (0.0, 0.0), error.reshape([1, 1])))
    }

    /// The averaged network's unconditional eps at time `t` for the points `xy` (flattened
    /// pairs); read the frame for [n][2].
    pub fn eps_field(&self, t: f64, xy: &[f32]) -> Result<Frame, JsError> {
        let field = self.0.eps_field(t, xy).map_err(js_error)?;
        Ok(Frame::at(
            self.0.steps() as usize,
            (t, self.0.sigma(t)),
            field,
        ))
    }

    /// `n` points of the training set as (x1, x2, class) triples, flattened: the painted points
    /// or draws of the data set.
    pub fn data_points(&self, n: usize) -> Vec<f32> {
        let (xy, labels) = self.0.data_samples(n);
        xy.chunks(2)
            .zip(labels)
            .flat_map(|(p, l)| [p[0], p[1], l as f32])
            .collect()
    }

    /// Whether the data has a closed form (exact runs and `exact_error`).
    #[wasm_bindgen(getter)]
    pub fn has_exact(&self) -> bool {
        self.0.exact().is_some()
    }

    /// The averaged weights as they are now, to sample with.
    pub fn network(&self) -> ScoreNetwork {
        ScoreNetwork(Rc::new(self.0.network()))
    }

    /// Samples of the averaged weights as they are now, unconditional and guided towards each
    /// class with data, each beside the exact score's where there is one.
    pub fn samples(
        &self,
        backend: &Backend,
        settings: Option<TrainedSamplesSettingsIn>,
    ) -> Result<TrainedSamples, JsError> {
        let config: Trained2dConfig = settings_from(settings.map(Into::into))?;
        let inner = lab::Trained2d::new(
            config,
            Rc::new(self.0.network()),
            &self.0.classes_present(),
            self.0.exact(),
            &backend.device,
        )
        .map_err(js_error)?;
        Ok(TrainedSamples { inner })
    }
}

/// Runs of a [`Trainer2d`]'s network (and the exact score's), stepped like every lab.
#[wasm_bindgen]
pub struct TrainedSamples {
    inner: lab::Trained2d,
}

#[wasm_bindgen]
impl TrainedSamples {
    /// What each run is, in the order of a frame's blocks.
    pub fn runs(&self) -> TrainedRuns {
        to_js(&self.inner.kinds())
    }
}

super::lab_api!(TrainedSamples, Trained2dConfig, TrainedSamplesSettingsOut);
