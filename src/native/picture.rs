//! Grids of grey images as PNG files, for results a reader should see.

/// Rows of square grey images (values in [-1, 1], row-major, `side` x `side`) tiled into one
/// 8-bit PNG with a 2-pixel mid-grey gap; short rows are padded with the gap colour.
pub fn grid_png(rows: &[Vec<Vec<f32>>], side: usize) -> Vec<u8> {
    const GAP: usize = 2;
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let (width, height) = (
        columns * (side + GAP) + GAP,
        rows.len().max(1) * (side + GAP) + GAP,
    );
    let mut pixels = vec![128u8; width * height];
    for (r, row) in rows.iter().enumerate() {
        for (c, image) in row.iter().enumerate() {
            assert_eq!(image.len(), side * side, "square images of the given side");
            let (x0, y0) = (GAP + c * (side + GAP), GAP + r * (side + GAP));
            for (k, &v) in image.iter().enumerate() {
                let grey = ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8;
                pixels[(y0 + k / side) * width + x0 + k % side] = grey;
            }
        }
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width as u32, height as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels))
        .expect("encoding into memory cannot fail");
    bytes
}
