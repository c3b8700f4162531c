export * from './starlight-low.js';
