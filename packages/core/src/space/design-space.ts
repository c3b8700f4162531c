import type { Random } from '../domain/random.js';
import {
  decodeParameter, encodeParameter, type Parameter, parameterColumns, parameterDefinitionProblems, parameterViolation, parameterWidth,
} from './parameter.js';
import { SpaceError } from './space-error.js';

/**
 * A box of named parameters and its encoding to the unit cube [0, 1]^d, where d is the sum
 * of the parameters' widths (one-hot categoricals take one column per choice). Columns are
 * laid out in parameter order. `T` is the decoded record (e.g. {@link HardwareConfig}).
 */
export class DesignSpace<T extends object> {
  /** Number of columns of an encoded point. */
  readonly dimension: number;
  /** Column names, length {@link dimension} (`peDim`, `dataflow=ws`, …). */
  readonly columns: readonly string[];
  private readonly offsets: readonly number[];

  /** @throws SpaceError when a parameter is ill-defined or two share a name. */
  constructor(readonly parameters: readonly Parameter[]) {
    const problems = parameters.flatMap(parameterDefinitionProblems);
    const names = parameters.map((p) => p.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) problems.push(`${duplicate}: two parameters share this name`);
    if (problems.length > 0) throw new SpaceError(problems);
    let offset = 0;
    this.offsets = parameters.map((p) => {
      const at = offset;
      offset += parameterWidth(p);
      return at;
    });
    this.dimension = offset;
    this.columns = parameters.flatMap(parameterColumns);
  }

  /** Every way `values` leaves the space (empty when inside). */
  violations(values: T): string[] {
    const record = values as Record<string, unknown>;
    return this.parameters.map((p) => parameterViolation(p, record[p.name])).filter((m): m is string => m !== undefined);
  }

  contains(values: T): boolean {
    return this.violations(values).length === 0;
  }

  /**
   * Encodes into `out` (a new array by default) at `offset`.
   * @throws RangeError naming the parameter when a value is outside the space.
   */
  encode(values: T, out = new Float64Array(this.dimension), offset = 0): Float64Array {
    const record = values as Record<string, unknown>;
    this.parameters.forEach((p, i) => encodeParameter(p, record[p.name], out, offset + this.offsets[i]));
    return out;
  }

  /** Decodes `dimension` columns of `x` from `offset`; values outside [0, 1] are clamped. */
  decode(x: ArrayLike<number>, offset = 0): T {
    if (x.length - offset < this.dimension) {
      throw new RangeError(`cannot decode: need ${this.dimension} columns from offset ${offset}, got ${x.length - offset}`);
    }
    const record: Record<string, unknown> = {};
    this.parameters.forEach((p, i) => {
      record[p.name] = decodeParameter(p, x, offset + this.offsets[i]);
    });
    return record as T;
  }

  /** A point drawn uniformly in the encoded cube (so discrete values are uniform too). */
  sampleEncoded(rng: Random): Float64Array {
    const x = new Float64Array(this.dimension);
    for (let i = 0; i < x.length; i++) x[i] = rng.next();
    return x;
  }

  /** A decoded point drawn as {@link sampleEncoded}. */
  sample(rng: Random): T {
    return this.decode(this.sampleEncoded(rng));
  }
}
