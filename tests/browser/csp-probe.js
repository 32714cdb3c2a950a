// Loaded by the CSP test as a script of the page's own origin: eval as page code would try it
// (code evaluated by the test driver itself is exempt from the page's policy).
const probe = {};
try { probe.eval = eval('1 + 1'); } catch (e) { probe.eval = e.name; }
try { probe.function = new Function('return 2')(); } catch (e) { probe.function = e.name; }
window.cspProbe = probe;
