/**
 * One chart per workload (Vega-Lite, rendered to SVG in Node, no browser): best EDP normalised
 * by the best-known EDP against search time and against trials — median over seeds as a line,
 * min–max as a band — with DOSA's default Gemmini as a dashed rule.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { WorkloadSummary } from './search-summary.js';

const STRATEGY_ORDER = ['random', 'genetic', 'bayesian', 'gradient'];

interface Row { strategy: string; x: number; median: number; min: number; max: number; seeds: number }

function rows(w: WorkloadSummary, axis: 'byTime' | 'byTrials'): Row[] {
  const best = w.bestKnown!;
  return w.strategies.flatMap((s) => s[axis].map((p) => ({
    strategy: s.optimizer,
    x: axis === 'byTime' ? p.x / 60_000 : p.x,
    median: p.median / best, min: p.min / best, max: p.max / best, seeds: p.seeds,
  })));
}

function panel(title: string, values: Row[], xTitle: string, xLog: boolean, dosa: number | undefined, yMax: number): object {
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: xLog ? { type: 'log' } : { domain: [0, 10] } };
  // Zoomed to [~1, just above DOSA's default]: the first few trials' much worse designs are clipped.
  const y = { type: 'quantitative', scale: { type: 'log', domain: [0.99, yMax], clamp: true }, title: 'best EDP / best-known EDP (log, clipped)' };
  const color = { field: 'strategy', type: 'nominal', scale: { domain: STRATEGY_ORDER }, title: 'strategy (line: median, band: min–max over seeds)' };
  const layers: object[] = [
    { mark: { type: 'area', opacity: 0.18, interpolate: 'step-after', clip: true }, encoding: { x, y: { field: 'max', ...y }, y2: { field: 'min' }, color } },
    { mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, clip: true }, encoding: { x, y: { field: 'median', ...y }, color } },
  ];
  if (dosa !== undefined) {
    layers.push(
      { data: { values: [{ y: dosa }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#444' }, encoding: { y: { field: 'y', ...y } } },
      { data: { values: [{ y: dosa, label: `DOSA default 16/128/32: ${dosa.toFixed(2)}×` }] }, mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -2, color: '#444' }, encoding: { y: { field: 'y', ...y }, x: { value: 'width' }, text: { field: 'label' } } },
    );
  }
  return { title, width: 380, height: 260, data: { values }, layer: layers };
}

/** The Vega-Lite spec of a workload's chart; undefined while nothing is stored for it. */
export function workloadChartSpec(w: WorkloadSummary): TopLevelSpec | undefined {
  if (w.bestKnown === undefined) return undefined;
  const dosa = w.reference ? w.reference.edp / w.bestKnown : undefined;
  const yMax = Math.max(1.5, (dosa ?? 2) * 1.25);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${w.workload}: best EDP found, median and range over seeds`, subtitle: `normalised by the best-known EDP ${w.bestKnown.toExponential(4)} pJ·cycles; analytical fidelity, Timeloop energy` },
    hconcat: [
      panel('against search time', rows(w, 'byTime'), 'search time (min, summed over sessions)', false, dosa, yMax),
      panel('against trials', rows(w, 'byTrials'), 'trials (log)', true, dosa, yMax),
    ],
    resolve: { scale: { y: 'shared' } },
    config: { font: 'sans-serif', background: 'white', legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3, labelLimit: 0, titleLimit: 0, orient: 'bottom' } },
  } as unknown as TopLevelSpec;
}

/** Renders a Vega-Lite spec to SVG text, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
