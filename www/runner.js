// The step loop every demo shares: one lab at a time, one move and one readback per drawn
// frame, with restart / pause / step. Restarting bumps a generation number so a frame still in
// flight from the previous lab is dropped, not drawn. Every frame read is kept for the time
// scrubber, which draws a kept frame again exactly as it was drawn (the same values through the
// same draw).

// The scrubber's memory: the values of kept frames stay under this many bytes. Past it, every
// second kept frame is dropped (the first and the latest stay), so a long run is still covered
// from start to end, in coarser steps.
export const HISTORY_BYTES = 64 * 2 ** 20;

// Drops every second frame but the first and the last until `frames` (of `bytes` in all) fit in
// HISTORY_BYTES; returns their bytes.
function thin(frames, bytes) {
  while (bytes > HISTORY_BYTES && frames.length > 2) {
    const last = frames.length - 1;
    const kept = frames.filter((_, i) => i % 2 === 0 || i === last);
    frames.splice(0, frames.length, ...kept);
    bytes = frames.reduce((sum, f) => sum + f.data.byteLength, 0);
  }
  return bytes;
}

// A User Timing mark (for devtools and bench/browser/bench-startup.mjs) of the page's first
// drawn frame, step or finished run: only the first per page load, not every restart's.
function markFirst(name) {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

export function createRunner(view) {
  let generation = 0;
  let running = false;
  let lab = null;
  let draw = null;
  let describe = null;
  let samples = null;
  let lastInfo = null;
  let stepMs = [];
  // Frames read so far ({ data, info, seq }, seq counting every frame read), their bytes, and the
  // one on screen when the scrubber chose an earlier one (null: the latest). The frame itself is
  // held, not its place: thinning moves the places, and may drop the frame on screen, which
  // then stays on screen until the slider moves.
  let frames = [];
  let bytes = 0;
  let readCount = 0;
  let viewing = null;

  const meanMs = () => (stepMs.length ? `${(stepMs.reduce((a, b) => a + b, 0) / stepMs.length).toFixed(1)} ms` : '–');

  // Where the slider stands: at the latest frame, or at the frame on screen (thinned away: the
  // last kept one before it).
  function position() {
    if (viewing === null) return frames.length - 1;
    let i = 0;
    while (i + 1 < frames.length && frames[i + 1].seq <= viewing.seq) i += 1;
    return i;
  }

  // Keeps a frame for the scrubber and tells the page (slider, <body data-history> in bytes).
  function keep(data, info) {
    frames.push({ data, info, seq: readCount });
    readCount += 1;
    bytes = thin(frames, bytes + data.byteLength);
    document.body.dataset.history = `${frames.length},${bytes}`;
    view.scrubber?.(frames.length, position(), viewing?.info ?? null);
  }

  async function show(frame, gen) {
    const info = describe(frame);
    const data = new Float32Array(await frame.read());
    if (gen !== generation) return false;
    keep(data, info);
    // Scrubbed back: the run's frame is kept, the chosen one stays on screen.
    if (viewing === null) {
      await draw(data, info);
      view.drawn?.(info);
    }
    lastInfo = info;
    return info;
  }

  // Back from a scrubbed frame to the run's latest, before the run moves on.
  function live() {
    if (viewing === null) return;
    viewing = null;
    view.scrubber?.(frames.length, frames.length - 1, null);
  }

  async function advance(gen) {
    const start = performance.now();
    const frame = lab.step();
    if (!frame) return;
    const info = await show(frame, gen);
    if (!info) return;
    stepMs.push(performance.now() - start);
    markFirst('first step drawn');
    view.status(`${info.text}, ${meanMs()} per step on ${view.backendName()}`);
  }

  async function loop(gen) {
    try {
      while (gen === generation && running && !lab.done) {
        await advance(gen);
        await nextFrame();
      }
    } catch (e) {
      if (gen !== generation) return;
      running = false;
      view.stopped(e, 'Sampling stopped');
      return;
    }
    // Paused: the step in flight has ended (Step may go on from here).
    if (gen === generation && !running && !lab.done) view.setState('paused');
    if (gen === generation && lab.done) finish();
  }

  // The run has taken its last step, by the loop or by Step.
  function finish() {
    running = false;
    markFirst('run done');
    view.setState('done');
    view.status(`done: ${lastInfo.text}, ${meanMs()} per step on ${view.backendName()}`);
    view.pauseLabel('Pause');
  }

  return {
    // Runs `newLab` from its first frame; `newDraw(data, info)` draws a frame's values,
    // `newDescribe(frame)` says where it is ({ text }) and `newSamples(data, info)` makes the
    // file of a frame's samples ({ name, blob }, maybe a promise).
    async start(newLab, newDraw, newDescribe, newSamples) {
      generation += 1;
      const gen = generation;
      running = false;
      lab?.free();
      lab = newLab;
      draw = newDraw;
      describe = newDescribe;
      samples = newSamples;
      stepMs = [];
      frames = [];
      bytes = 0;
      viewing = null;
      if (!(await show(lab.frame(), gen))) return;
      markFirst('first frame drawn');
      running = true;
      view.setState('running');
      view.pauseLabel('Pause');
      loop(gen);
    },
    // Drops the current lab (a setting changed, or the backend).
    stop() {
      generation += 1;
      running = false;
      lab?.free();
      lab = null;
    },
    togglePause() {
      if (!lab) return;
      running = !running && !lab.done;
      view.pauseLabel(running ? 'Pause' : 'Resume');
      if (running) {
        live();
        view.setState('running');
        loop(generation);
      }
    },
    async step() {
      if (!lab || lab.done) return;
      running = false;
      view.pauseLabel('Resume');
      live();
      const gen = generation;
      try {
        await advance(gen);
      } catch (e) {
        view.stopped(e, 'Sampling stopped');
        return;
      }
      if (gen === generation && lab.done) finish();
    },
    // Shows kept frame `i` (0: the first); a running run pauses, and Resume or Step go on from
    // where it had got to.
    async scrub(i) {
      if (!frames.length) return;
      viewing = frames[Math.max(0, Math.min(frames.length - 1, i))];
      if (running) {
        running = false;
        view.pauseLabel('Resume');
      }
      const { data, info } = viewing;
      view.scrubber?.(frames.length, position(), info);
      await draw(data, info);
      view.drawn?.(info);
    },
    // The file of the samples on screen ({ name, blob }), or null before the first frame.
    async samples() {
      const shown = viewing ?? frames.at(-1);
      return shown && samples ? samples(shown.data, shown.info) : null;
    },
  };
}
