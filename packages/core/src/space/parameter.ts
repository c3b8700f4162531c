/**
 * Parameters of a design space and their transforms to the unit interval, Ax/BoTorch style:
 * an optimizer sees only numbers in [0, 1]; the transform knows the units.
 *
 * Discrete parameters use *bin* encoding: a parameter with n values splits [0, 1] into n equal
 * bins, a value encodes to the centre of its bin and any x decodes to the value of its bin.
 * Sampling x uniformly therefore samples the values uniformly, and decode(encode(v)) = v.
 */
export type Parameter = IntParameter | LogIntParameter | LogParameter | CategoricalParameter;

/** Value of a parameter: a number, or one of a categorical's choices. */
export type ParameterValue = number | string | boolean;

/** An integer in [min, max], linear bins. Width 1. */
export interface IntParameter {
  readonly kind: 'int';
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** A power of two in [min, max] (e.g. peDim 2..128): bins over log2. Width 1. */
export interface LogIntParameter {
  readonly kind: 'logInt';
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/**
 * A positive number in [min, max] on a log scale (e.g. buffer KiB 1..2048):
 * x = ln(v / min) / ln(max / min). `round: 'integer'` rounds decoded values to integers;
 * `'powerOfTwo'` behaves as a {@link LogIntParameter}. Width 1.
 */
export interface LogParameter {
  readonly kind: 'log';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly round: 'none' | 'integer' | 'powerOfTwo';
}

/** One of a few choices, one-hot encoded (width = number of choices); decodes to the argmax. */
export interface CategoricalParameter {
  readonly kind: 'categorical';
  readonly name: string;
  readonly choices: readonly ParameterValue[];
}

export const intParameter = (name: string, min: number, max: number): IntParameter => ({ kind: 'int', name, min, max });
export const logIntParameter = (name: string, min: number, max: number): LogIntParameter => ({ kind: 'logInt', name, min, max });
export const logParameter = (name: string, min: number, max: number, round: LogParameter['round'] = 'none'): LogParameter =>
  ({ kind: 'log', name, min, max, round });
export const categoricalParameter = (name: string, choices: readonly ParameterValue[]): CategoricalParameter =>
  ({ kind: 'categorical', name, choices });

/** Columns the parameter occupies in the encoded vector. */
export function parameterWidth(p: Parameter): number {
  return p.kind === 'categorical' ? p.choices.length : 1;
}

/** Names of the encoded columns: the parameter name, or `name=choice` for one-hot columns. */
export function parameterColumns(p: Parameter): string[] {
  return p.kind === 'categorical' ? p.choices.map((c) => `${p.name}=${String(c)}`) : [p.name];
}

/** The discrete values of an int / power-of-two parameter, ascending; undefined when continuous. */
export function discreteValues(p: Parameter): readonly number[] | undefined {
  if (p.kind === 'int') return range(Math.ceil(p.min), Math.floor(p.max));
  if (p.kind === 'logInt' || (p.kind === 'log' && p.round === 'powerOfTwo')) {
    return range(Math.ceil(Math.log2(p.min) - 1e-9), Math.floor(Math.log2(p.max) + 1e-9)).map((k) => 2 ** k);
  }
  return undefined;
}

/** Why `value` is not a value of `p`, or undefined when it is. */
export function parameterViolation(p: Parameter, value: unknown): string | undefined {
  if (p.kind === 'categorical') {
    return p.choices.includes(value as ParameterValue) ? undefined : `${p.name} = ${String(value)} is not one of ${p.choices.join(', ')}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${p.name} = ${String(value)} is not a number`;
  const values = discreteValues(p);
  if (values) {
    return values.includes(value) ? undefined
      : `${p.name} = ${value} is not one of the allowed values ${describeValues(values)}`;
  }
  if (value < p.min || value > p.max) return `${p.name} = ${value} is outside ${p.min}..${p.max}`;
  if (p.kind === 'log' && p.round === 'integer' && !Number.isInteger(value)) return `${p.name} = ${value} is not an integer`;
  return undefined;
}

/**
 * Writes the encoding of `value` into `out` at `offset`.
 * @throws RangeError when the value is not in the parameter's domain.
 */
export function encodeParameter(p: Parameter, value: unknown, out: Float64Array, offset: number): void {
  const problem = parameterViolation(p, value);
  if (problem) throw new RangeError(`cannot encode: ${problem}`);
  if (p.kind === 'categorical') {
    for (let i = 0; i < p.choices.length; i++) out[offset + i] = p.choices[i] === value ? 1 : 0;
    return;
  }
  const values = discreteValues(p);
  if (values) {
    out[offset] = (values.indexOf(value as number) + 0.5) / values.length;
  } else {
    out[offset] = p.max === p.min ? 0.5 : Math.log((value as number) / p.min) / Math.log(p.max / p.min);
  }
}

/** Reads the value of `p` from `x` at `offset`; x outside [0, 1] is clamped first. */
export function decodeParameter(p: Parameter, x: ArrayLike<number>, offset: number): ParameterValue {
  if (p.kind === 'categorical') {
    let best = 0;
    for (let i = 1; i < p.choices.length; i++) if (x[offset + i] > x[offset + best]) best = i;
    return p.choices[best];
  }
  const u = clamp01(x[offset]);
  const values = discreteValues(p);
  if (values) return values[Math.min(values.length - 1, Math.floor(u * values.length))];
  const raw = p.min * (p.max / p.min) ** u;
  if (p.kind === 'log' && p.round === 'integer') return Math.min(Math.floor(p.max), Math.max(Math.ceil(p.min), Math.round(raw)));
  return Math.min(p.max, Math.max(p.min, raw));
}

/**
 * Checks a parameter definition.
 * @returns problems, empty when valid.
 */
export function parameterDefinitionProblems(p: Parameter): string[] {
  if (p.kind === 'categorical') return p.choices.length === 0 ? [`${p.name}: a categorical needs at least one choice`] : [];
  const problems: string[] = [];
  if (!(p.min <= p.max)) problems.push(`${p.name}: min ${p.min} is greater than max ${p.max}`);
  if ((p.kind !== 'int') && !(p.min > 0)) problems.push(`${p.name}: a log-scale parameter needs min > 0, got ${p.min}`);
  const values = problems.length === 0 ? discreteValues(p) : undefined;
  if (values && values.length === 0) problems.push(`${p.name}: [${p.min}, ${p.max}] holds no ${p.kind === 'int' ? 'integer' : 'power of two'}`);
  return problems;
}

function clamp01(v: number): number {
  return Number.isNaN(v) ? 0.5 : Math.min(1, Math.max(0, v));
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v++) out.push(v);
  return out;
}

function describeValues(values: readonly number[]): string {
  return values.length <= 12 ? values.join(', ') : `${values[0]}, ${values[1]}, …, ${values[values.length - 1]}`;
}
