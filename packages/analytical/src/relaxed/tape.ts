/**
 * Reverse-mode differentiation of scalar programs, in plain TypeScript: each operation records
 * its value and the partial derivatives with respect to its operands; {@link Tape.gradient}
 * then sweeps the record backwards once, so the gradient of one output with respect to every
 * input costs a small multiple of the forward evaluation, whatever the number of inputs.
 *
 * A node is an index into the tape. Inputs are ordinary leaves: create them first and their
 * gradient is the first entries of the adjoint vector. The tape is reused across evaluations
 * ({@link Tape.reset}); its typed arrays grow as needed and are never shrunk, so a steady
 * evaluation loop allocates nothing.
 */
export type Node = number;

export class Tape {
  private values = new Float64Array(4096);
  /** Edges of node k are `[edgeStart[k], edgeStart[k + 1])`. */
  private edgeStart = new Int32Array(4097);
  private parents = new Int32Array(8192);
  private partials = new Float64Array(8192);
  private adjoint = new Float64Array(4096);
  private nodes = 0;
  private edges = 0;

  /** Forgets every node (inputs included). */
  reset(): void {
    this.nodes = 0;
    this.edges = 0;
  }

  /** Nodes recorded since the last reset. */
  get size(): number {
    return this.nodes;
  }

  value(node: Node): number {
    return this.values[node];
  }

  /** A leaf: an input to differentiate with respect to, or a constant. */
  leaf(value: number): Node {
    return this.open(value);
  }

  /** f(a) with f'(a) = `da`. */
  unary(value: number, a: Node, da: number): Node {
    const node = this.open(value);
    this.edge(a, da);
    return node;
  }

  /** f(a, b) with ∂f/∂a = `da`, ∂f/∂b = `db`. */
  binary(value: number, a: Node, da: number, b: Node, db: number): Node {
    const node = this.open(value);
    this.edge(a, da);
    this.edge(b, db);
    return node;
  }

  add(a: Node, b: Node): Node {
    return this.binary(this.values[a] + this.values[b], a, 1, b, 1);
  }

  sub(a: Node, b: Node): Node {
    return this.binary(this.values[a] - this.values[b], a, 1, b, -1);
  }

  mul(a: Node, b: Node): Node {
    const va = this.values[a], vb = this.values[b];
    return this.binary(va * vb, a, vb, b, va);
  }

  div(a: Node, b: Node): Node {
    const va = this.values[a], vb = this.values[b];
    return this.binary(va / vb, a, 1 / vb, b, -va / (vb * vb));
  }

  /** k · a + c. */
  affine(a: Node, k: number, c = 0): Node {
    return this.unary(k * this.values[a] + c, a, k);
  }

  exp(a: Node): Node {
    const v = Math.exp(this.values[a]);
    return this.unary(v, a, v);
  }

  log(a: Node): Node {
    const va = this.values[a];
    return this.unary(Math.log(va), a, 1 / va);
  }

  /** Σ nodes (one node with one edge per term; an empty list is the constant 0). */
  sum(terms: readonly Node[]): Node {
    let total = 0;
    for (const t of terms) total += this.values[t];
    const node = this.open(total);
    for (const t of terms) this.edge(t, 1);
    return node;
  }

  /** Σ of the nodes base + offsets[i] (a layer's block of inputs). */
  sumAt(base: Node, offsets: readonly number[]): Node {
    let total = 0;
    for (const o of offsets) total += this.values[base + o];
    const node = this.open(total);
    for (const o of offsets) this.edge(base + o, 1);
    return node;
  }

  /** Σ weights[i] · terms[i]. */
  weightedSum(terms: readonly Node[], weights: readonly number[]): Node {
    let total = 0;
    for (let i = 0; i < terms.length; i++) total += weights[i] * this.values[terms[i]];
    const node = this.open(total);
    for (let i = 0; i < terms.length; i++) this.edge(terms[i], weights[i]);
    return node;
  }

  /** A node of the given value whose partial with respect to terms[i] is partials[i]. */
  combine(value: number, terms: readonly Node[], partials: readonly number[]): Node {
    const node = this.open(value);
    for (let i = 0; i < terms.length; i++) this.edge(terms[i], partials[i]);
    return node;
  }

  /**
   * Gradient of `output` with respect to the first `inputs` nodes (the inputs, when they were
   * created first), written into `into` (length ≥ inputs).
   */
  gradient(output: Node, inputs: number, into: Float64Array): void {
    if (this.adjoint.length < this.nodes) this.adjoint = new Float64Array(this.values.length);
    const adjoint = this.adjoint;
    adjoint.fill(0, 0, this.nodes);
    adjoint[output] = 1;
    for (let k = output; k >= 0; k--) {
      const a = adjoint[k];
      if (a === 0) continue;
      for (let e = this.edgeStart[k], end = this.edgeStart[k + 1]; e < end; e++) adjoint[this.parents[e]] += a * this.partials[e];
    }
    for (let i = 0; i < inputs; i++) into[i] = adjoint[i];
  }

  private open(value: number): Node {
    if (this.nodes === this.values.length) this.growNodes();
    const node = this.nodes++;
    this.values[node] = value;
    this.edgeStart[node] = this.edges;
    this.edgeStart[node + 1] = this.edges;
    return node;
  }

  /** Adds an edge from the node opened last to `parent`. */
  private edge(parent: Node, partial: number): void {
    if (this.edges === this.parents.length) this.growEdges();
    this.parents[this.edges] = parent;
    this.partials[this.edges] = partial;
    this.edges++;
    this.edgeStart[this.nodes] = this.edges;
  }

  private growNodes(): void {
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    const edgeStart = new Int32Array(values.length + 1);
    edgeStart.set(this.edgeStart);
    this.values = values;
    this.edgeStart = edgeStart;
  }

  private growEdges(): void {
    const parents = new Int32Array(this.parents.length * 2);
    parents.set(this.parents);
    const partials = new Float64Array(parents.length);
    partials.set(this.partials);
    this.parents = parents;
    this.partials = partials;
  }
}
