// Small SVG charts drawn with DOM calls (reliable in headless browsers, no canvas presentation).
const NS = 'http://www.w3.org/2000/svg';

export function svgEl(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// A legend entry: the series' swatch in its colour, then its label in the text colour (the stylesheet's
// `svg text` fill overrides a fill attribute on the text itself, so the colour goes on the swatch).
function legend(svg: SVGSVGElement, x: number, swatch: SVGElement, label: string): void {
  swatch.setAttribute('class', 'swatch');
  svg.append(swatch, svgEl('text', { x: x + 14, y: 15 }, label));
}

/** Grouped bars: for each category, one bar per series (values in [0, 1]). */
export function barChart(svg: SVGSVGElement, series: { values: ArrayLike<number>; color: string; label: string }[]): void {
  svg.replaceChildren();
  const [w, h, pad] = [420, 220, 24];
  const n = series[0]!.values.length;
  const slot = (w - 2 * pad) / n;
  const bar = (slot * 0.8) / series.length;
  svg.append(svgEl('line', { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: '#9aa3b2' }));
  series.forEach((s, j) => {
    for (let i = 0; i < n; i++) {
      const v = Math.max(0, Math.min(1, s.values[i]!));
      const bh = v * (h - 2 * pad);
      svg.append(svgEl('rect', { x: pad + i * slot + slot * 0.1 + j * bar, y: h - pad - bh, width: bar, height: bh, fill: s.color }));
    }
    legend(svg, pad + 8 + j * 150, svgEl('rect', { x: pad + 8 + j * 150, y: 6, width: 10, height: 10, fill: s.color }), s.label);
  });
  for (let i = 0; i < n; i++) svg.append(svgEl('text', { x: pad + i * slot + slot / 2 - 3, y: h - 8 }, String(i)));
}

/** Lines over steps, each scaled to its own maximum. */
export function lineChart(svg: SVGSVGElement, series: { values: number[]; color: string; label: string }[], steps: number): void {
  svg.replaceChildren();
  const [w, h, pad] = [420, 220, 24];
  svg.append(svgEl('line', { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: '#9aa3b2' }));
  series.forEach((s, j) => {
    const max = Math.max(1e-9, ...s.values);
    const pts = s.values.map((v, i) => `${pad + (i / Math.max(1, steps - 1)) * (w - 2 * pad)},${h - pad - (v / max) * (h - 2 * pad)}`);
    svg.append(svgEl('polyline', { points: pts.join(' '), fill: 'none', stroke: s.color, 'stroke-width': 1.5 }));
    const swatch = svgEl('line', { x1: pad + 8 + j * 180, y1: 11, x2: pad + 18 + j * 180, y2: 11, stroke: s.color, 'stroke-width': 2 });
    legend(svg, pad + 8 + j * 180, swatch, `${s.label} (max ${max.toPrecision(3)})`);
  });
}
