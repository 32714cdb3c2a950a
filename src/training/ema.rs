use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::tensor::Tensor;
use std::collections::HashMap;

/// Exponential moving average of a model's weights, the weights a diffusion model is sampled
/// with (Song & Ermon 2020; Ho et al. 2020). The decay ramps up as min(decay, (1 + n) / (10 + n))
/// so early averages are not dominated by the random initialisation.
#[derive(Clone)]
pub struct Ema<M: Module> {
    model: M,
    decay: f64,
    updates: u64,
}

/// Every float parameter of a module, flattened, by id.
struct Collect(HashMap<ParamId, Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val().detach().without_autodiff();
        let n = value.shape().num_elements();
        self.0.insert(param.id, value.reshape([n]));
    }
}

/// average <- d average + (1 - d) current, parameter by parameter.
struct Blend {
    current: HashMap<ParamId, Tensor<1>>,
    decay: f64,
}

impl ModuleMapper for Blend {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(current) = self.current.remove(&param.id) else {
            return param;
        };
        let decay = self.decay;
        param.map(|average| {
            let dims = average.dims();
            average.mul_scalar(decay) + current.reshape(dims).mul_scalar(1.0 - decay)
        })
    }
}

impl<M: Module> Ema<M> {
    pub fn new(model: &M, decay: f64) -> Self {
        assert!((0.0..1.0).contains(&decay), "EMA decay must be in [0, 1)");
        Self {
            model: model.clone().valid(),
            decay,
            updates: 0,
        }
    }

    /// Restores an average saved earlier (its weights replace `self`'s).
    pub fn with_state(mut self, model: M, updates: u64) -> Self {
        self.model = model.valid();
        self.updates = updates;
        self
    }

    pub fn model(&self) -> &M {
        &self.model
    }

    pub fn updates(&self) -> u64 {
        self.updates
    }

    pub fn update(&mut self, current: &M) {
        let n = self.updates as f64;
        let decay = self.decay.min((1.0 + n) / (10.0 + n));
        let mut collect = Collect(HashMap::new());
        current.visit(&mut collect);
        self.model = self.model.clone().map(&mut Blend {
            current: collect.0,
            decay,
        });
        self.updates += 1;
    }
}
