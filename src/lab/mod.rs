//! The playground's demos as plain Rust, tested natively; `web` wraps them for the page. A lab
//! owns a set of runs that start from the same noise and moves them one step at a time, so the
//! page can draw every step and compare methods on equal terms.

mod digits;
mod functions;
mod points;

pub use digits::{DigitFrame, DigitLab, DigitLabConfig, Inpainting, KnownPixels, RunConfig};
pub use functions::{FUNCTION_METHODS, FunctionLab, FunctionLabConfig};
pub use points::{CONDITIONINGS, Frame, LEARNED, Lab2d, Lab2dConfig, methods};
