export * from './starlight-prediction-pool.js';
export * from './packed-prediction.js';
