export * from './search-event.js';
export * from './search-events.js';
export * from './run-search.js';
export * from './run-lease.js';
export * from './store-cached-mapper.js';
export * from './trial-records.js';
export * from './evaluate-through-store.js';
export * from './scheduled-optimizer.js';
