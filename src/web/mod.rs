//! The browser API: the only module that knows about wasm-bindgen. A page (or a blog post that
//! imports `pkg/`) picks a [`Backend`], builds a [`Lab2d`] from JSON settings and awaits one
//! [`Frame`] read per drawn frame.

mod backend;
mod lab2d;

pub use backend::Backend;
pub use lab2d::{Frame, Lab2d};

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // A Rust panic then reaches the console with its message instead of "unreachable".
    console_error_panic_hook::set_once();
}

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}
