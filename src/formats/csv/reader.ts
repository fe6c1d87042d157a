import { JobpubError } from '../../errors/index.js';
import type { FormatReader } from '../reader.js';

// Placeholder: replaced by the real reader.
export const csvReader: FormatReader = {
  format: 'csv',
  async open() {
    throw new JobpubError('RESULTS_UNSUPPORTED', 'csv reading is not built yet');
  },
};
