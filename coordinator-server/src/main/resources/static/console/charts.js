/* Coordinator console: tiny inline-SVG line charts (no chart library). */
window.CoordinatorCharts = (function () {
  'use strict';
  const W = 180, H = 40, PAD = 2;

  function fmt(v) {
    if (v >= 1e6) { return (v / 1e6).toFixed(1) + 'M'; }
    if (v >= 1e4) { return Math.round(v / 1e3) + 'k'; }
    if (v >= 1e3) { return (v / 1e3).toFixed(1) + 'k'; }
    return String(v >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
  }

  /**
   * One small chart of a few series over the same samples: series = [{name, values, cls}]. The polyline of each
   * series carries data-points (how many values) and its points, so a test can see it move. Scaled to the largest
   * value shown (at least 1), from 0; {@code capacity} samples span the width.
   */
  function line(series, title, capacity) {
    const n = Math.max(0, ...series.map(s => s.values.length));
    const max = Math.max(1, ...series.map(s => Math.max(0, ...s.values)));
    // a fixed time axis: the newest sample at the right edge, older ones enter from the left as they accumulate
    const step = (W - 2 * PAD) / Math.max(1, Math.max(capacity || n, n) - 1);
    const x = i => W - PAD - (n - 1 - i) * step;
    const y = v => (H - PAD - (H - 2 * PAD) * v / max).toFixed(1);
    const lines = series.map(s => '<polyline class="' + s.cls + '" data-series="' + s.name + '" data-points="' + s.values.length
      + '" data-max="' + Math.max(0, ...s.values) + '" points="' + s.values.map((v, i) => x(i).toFixed(1) + ',' + y(v)).join(' ')
      + '"></polyline>').join('');
    return '<svg class="spark" viewBox="0 0 ' + W + ' ' + H + '" width="' + W + '" height="' + H + '" role="img">'
      + '<title>' + title + ' (scale 0 to ' + fmt(max) + ')</title>'
      + '<line class="axis" x1="0" y1="' + (H - PAD) + '" x2="' + W + '" y2="' + (H - PAD) + '"></line>'
      + lines + '<text x="3" y="9">' + fmt(max) + '</text></svg>';
  }

  return { line: line, fmt: fmt };
})();
