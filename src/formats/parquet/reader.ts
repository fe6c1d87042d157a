import { JobpubError } from '../../errors/index.js';
import type { FormatReader } from '../reader.js';

// Placeholder: replaced by the real reader.
export const parquetReader: FormatReader = {
  format: 'pqt',
  async open() {
    throw new JobpubError('RESULTS_UNSUPPORTED', 'pqt reading is not built yet');
  },
};
