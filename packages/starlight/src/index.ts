/**
 * @polaris/starlight — the Starlight transfer-learned performance model (plugin "starlight").
 * Not built yet: see the Starlight issue. Nothing is exported until it is real.
 */
export {};
