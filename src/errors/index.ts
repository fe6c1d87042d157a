export * from './jobpub-error.js';
export * from './registry.js';
