//! The native-only edge of the crate: the only module that touches the file system (and, through
//! burn's features, CUDA or Vulkan devices).

pub mod files;
pub mod mnist;
pub mod picture;
