/**
 * Adam (Kingma & Ba) on a Float64Array of parameters, with PyTorch's defaults (β₁ 0.9, β₂ 0.999,
 * ε 1e-8) and bias correction. Its state — the step count and both moment estimates — is plain
 * data, so a search can keep it across a rounding (as DOSA reloads its optimizer's state) or
 * restart from a copy.
 */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(size: number, private readonly learningRate: number, private readonly beta1 = 0.9, private readonly beta2 = 0.999, private readonly epsilon = 1e-8) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** θ ← θ − lr · m̂ / (√v̂ + ε) for the gradient `g` (same length as θ). */
  step(theta: Float64Array, g: Float64Array): void {
    this.t += 1;
    const { beta1, beta2 } = this;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    for (let i = 0; i < theta.length; i++) {
      this.m[i] = beta1 * this.m[i] + (1 - beta1) * g[i];
      this.v[i] = beta2 * this.v[i] + (1 - beta2) * g[i] * g[i];
      theta[i] -= (this.learningRate * (this.m[i] / correction1)) / (Math.sqrt(this.v[i] / correction2) + this.epsilon);
    }
  }
}
