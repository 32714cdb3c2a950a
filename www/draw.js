// Canvas drawing for the 2D lab. World coordinates span [-RANGE, RANGE] on both axes.

const RANGE = 4;
const HIST_HEIGHT = 70;
export const COLORS = {
  unconditional: '#4c6ef5',
  exact: '#2b8a3e',
  replacement: '#e8590c',
  reconstruction: '#ae3ec9',
  cfg: '#1971c2',
  classifier: '#0c8599',
  energy: '#c2255c',
  cep: '#f08c00',
  force: '#5c940d',
};

export function toCanvas(canvas, x, y) {
  const { width, height } = canvas;
  return [((x + RANGE) / (2 * RANGE)) * width, height - ((y + RANGE) / (2 * RANGE)) * height];
}

function axes(ctx, canvas) {
  ctx.strokeStyle = '#dee2e6';
  ctx.lineWidth = 1;
  ctx.beginPath();
  const [x0, y0] = toCanvas(canvas, 0, 0);
  ctx.moveTo(0, y0); ctx.lineTo(canvas.width, y0);
  ctx.moveTo(x0, 0); ctx.lineTo(x0, canvas.height);
  ctx.stroke();
}

function scatter(ctx, canvas, points, color, radius) {
  ctx.fillStyle = color;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [px, py] = toCanvas(canvas, points[i], points[i + 1]);
    ctx.fillRect(px - radius, py - radius, 2 * radius, 2 * radius);
  }
}

// Histogram of the first coordinate in the top band, with the exact density as a curve.
function histogram(ctx, canvas, points, color, density) {
  const bins = 48;
  const counts = new Array(bins).fill(0);
  let n = 0;
  for (let i = 0; i < points.length; i += 2) {
    const b = Math.floor(((points[i] + RANGE) / (2 * RANGE)) * bins);
    if (b >= 0 && b < bins) counts[b] += 1;
    n += 1;
  }
  const width = canvas.width / bins;
  const binWorld = (2 * RANGE) / bins;
  const peak = Math.max(...density.values, 1e-9);
  const scale = (HIST_HEIGHT - 6) / peak;
  ctx.fillStyle = color + '88';
  counts.forEach((c, b) => {
    const h = (c / Math.max(n, 1) / binWorld) * scale;
    ctx.fillRect(b * width, HIST_HEIGHT - h, width - 1, h);
  });
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  density.xs.forEach((x, i) => {
    const [px] = toCanvas(canvas, x, 0);
    const py = HIST_HEIGHT - density.values[i] * scale;
    if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
  });
  ctx.stroke();
}

// One panel: the data behind in grey, the run's points in colour, and for conditional runs the
// line x2 = y and the histogram of x1 against the exact conditional.
export function drawPanel(canvas, { data, points, color, y, density, center }) {
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  axes(ctx, canvas);
  scatter(ctx, canvas, data, '#ced4da', 1);
  if (y !== undefined) {
    const [, py] = toCanvas(canvas, 0, y);
    ctx.strokeStyle = '#868e96';
    ctx.setLineDash([4, 4]);
    ctx.beginPath(); ctx.moveTo(0, py); ctx.lineTo(canvas.width, py); ctx.stroke();
    ctx.setLineDash([]);
  }
  scatter(ctx, canvas, points, color, 1.5);
  if (density) histogram(ctx, canvas, points, color, density);
  if (center) {
    const [cx, cy] = toCanvas(canvas, center[0], center[1]);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(cx - 7, cy); ctx.lineTo(cx + 7, cy); ctx.moveTo(cx, cy - 7); ctx.lineTo(cx, cy + 7);
    ctx.stroke();
  }
}

// The score field as arrows: the score is -eps / sigma, so each arrow points along -eps; lengths
// are relative to the longest arrow of the panel.
export function drawArrows(canvas, xy, eps) {
  const ctx = canvas.getContext('2d');
  let longest = 1e-12;
  const finite = (i) => Number.isFinite(eps[i]) && Number.isFinite(eps[i + 1]);
  for (let i = 0; i < eps.length; i += 2) if (finite(i)) longest = Math.max(longest, Math.hypot(eps[i], eps[i + 1]));
  const cell = canvas.width / 14;
  ctx.strokeStyle = '#343a40';
  ctx.lineWidth = 1;
  for (let i = 0; i < xy.length; i += 2) {
    if (!finite(i)) continue;
    const [px, py] = toCanvas(canvas, xy[i], xy[i + 1]);
    const dx = (-eps[i] / longest) * cell;
    const dy = (eps[i + 1] / longest) * cell; // canvas y grows downwards
    const [ex, ey] = [px + dx, py + dy];
    ctx.beginPath();
    ctx.moveTo(px, py); ctx.lineTo(ex, ey);
    const a = Math.atan2(dy, dx);
    ctx.lineTo(ex - 4 * Math.cos(a - 0.5), ey - 4 * Math.sin(a - 0.5));
    ctx.moveTo(ex, ey);
    ctx.lineTo(ex - 4 * Math.cos(a + 0.5), ey - 4 * Math.sin(a + 0.5));
    ctx.stroke();
  }
}

// Where the score-field arrows stand: `n` x `n` points over the drawn square, flattened pairs.
export function fieldGrid(n) {
  const xs = [];
  for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) xs.push(-3.6 + (7.2 * j) / (n - 1), -3.6 + (7.2 * i) / (n - 1));
  return new Float32Array(xs);
}

export function densityGrid() {
  const xs = [];
  for (let i = 0; i <= 200; i += 1) xs.push(-RANGE + (2 * RANGE * i) / 200);
  return xs;
}
