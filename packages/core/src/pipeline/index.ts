export * from './search-event.js';
export * from './search-events.js';
export * from './run-search.js';
