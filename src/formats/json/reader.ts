import { JobpubError } from '../../errors/index.js';
import type { FormatReader } from '../reader.js';

// Placeholder: replaced by the real reader.
export const jsonReader: FormatReader = {
  format: 'json',
  async open() {
    throw new JobpubError('RESULTS_UNSUPPORTED', 'json reading is not built yet');
  },
};
