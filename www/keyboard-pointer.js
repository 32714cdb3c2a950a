// The keyboard's way into the canvases that take pointer input (painting points or a mask,
// clicking points, dragging a motif): the canvas takes focus with Tab, the arrow keys move a
// cursor drawn over it (with Shift, in steps five times as long), Space or Enter held down is a
// pointer pressed there (moving the cursor meanwhile drags it) and released on key-up, which also
// clicks; Delete or Backspace clicks with Shift (what removes a point). The demo's own pointer
// handlers receive these as pointer and mouse events at the cursor, so each works one way.

// How far the cursor moves per arrow key, as a share of the canvas's side.
const STEP = 1 / 40;
const HINT = 'Arrow keys move the cursor; hold Space to press there (move while holding to drag); Delete removes the nearest.';

// Pointer capture only for a real pointer: the keyboard's events have no pointer to capture.
export function capture(canvas, event) {
  if (event.isTrusted) canvas.setPointerCapture(event.pointerId);
}

// `what` says what a press does there ("paints points"), for the canvas's description.
export function keyboardPointer(canvas, what) {
  canvas.tabIndex = 0;
  canvas.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight ArrowUp ArrowDown Space Enter Delete');
  const hint = document.createElement('span');
  hint.className = 'visually-hidden';
  hint.id = `${canvas.id}-keys`;
  hint.textContent = `A press ${what}. ${HINT}`;
  canvas.setAttribute('aria-describedby', hint.id);
  const cursor = document.createElement('div');
  cursor.className = 'key-cursor';
  cursor.setAttribute('aria-hidden', 'true');
  canvas.after(cursor, hint);
  let [x, y] = [0.5, 0.5]; // share of the canvas's width and height
  let pressed = false;

  const place = () => {
    cursor.style.left = `${canvas.offsetLeft + x * canvas.offsetWidth}px`;
    cursor.style.top = `${canvas.offsetTop + y * canvas.offsetHeight}px`;
  };
  const at = (options = {}) => {
    const rect = canvas.getBoundingClientRect();
    return { clientX: rect.left + x * rect.width, clientY: rect.top + y * rect.height, bubbles: true, ...options };
  };
  const pointer = (type) => canvas.dispatchEvent(new PointerEvent(type, at({ pointerId: 1, button: 0, buttons: type === 'pointerup' ? 0 : 1, isPrimary: true })));
  const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

  canvas.addEventListener('focus', () => { place(); cursor.hidden = false; });
  canvas.addEventListener('blur', () => {
    cursor.hidden = true;
    if (pressed) { pressed = false; pointer('pointerup'); }
  });
  cursor.hidden = true;
  canvas.addEventListener('keydown', (e) => {
    if (ARROWS[e.key]) {
      const [dx, dy] = ARROWS[e.key];
      const step = STEP * (e.shiftKey ? 5 : 1);
      x = Math.min(1, Math.max(0, x + dx * step));
      y = Math.min(1, Math.max(0, y + dy * step));
      place();
      if (pressed) pointer('pointermove');
    } else if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
      pressed = true;
      pointer('pointerdown');
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      canvas.dispatchEvent(new MouseEvent('click', at({ shiftKey: true })));
    } else {
      return;
    }
    e.preventDefault();
  });
  canvas.addEventListener('keyup', (e) => {
    if ((e.key !== ' ' && e.key !== 'Enter') || !pressed) return;
    pressed = false;
    pointer('pointerup');
    canvas.dispatchEvent(new MouseEvent('click', at()));
    e.preventDefault();
  });
}
