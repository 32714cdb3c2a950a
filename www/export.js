// "Take it away": what the page draws as one PNG, and the samples on screen as a file (CSV for
// points and functions, a PNG grid for digits), built in the page and handed to the browser as a
// download.

// Every canvas of the demo (`root`'s, in page order) side by side on white, at their own
// resolution: the picture as drawn, without the page around it.
export function stagePng(root) {
  const canvases = [...root.querySelectorAll('canvas')].filter((c) => c.width && c.height && c.offsetParent);
  const gap = 8;
  const out = document.createElement('canvas');
  out.width = canvases.reduce((w, c) => w + c.width, 0) + gap * Math.max(0, canvases.length - 1);
  out.height = Math.max(1, ...canvases.map((c) => c.height));
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  let x = 0;
  for (const c of canvases) {
    ctx.drawImage(c, x, 0);
    x += c.width + gap;
  }
  return toPng(out);
}

export function toPng(canvas) {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/png'));
}

// A CSV file of `rows` (arrays of numbers and names) under `header`. Numbers are written in
// full: each float32 value reads back to the same float32.
export function csv(header, rows) {
  const lines = [header.join(','), ...rows.map((r) => r.join(','))];
  return new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' });
}

export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
