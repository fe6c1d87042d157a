export * from './equal.js';
export * from './format-type.js';
export * from './render.js';
export * from './types.js';
export * from './values.js';
