import { JobpubError } from '../../errors/index.js';
import type { FormatReader } from '../reader.js';

// Placeholder: replaced by the real reader.
export const avroReader: FormatReader = {
  format: 'avro',
  async open() {
    throw new JobpubError('RESULTS_UNSUPPORTED', 'avro reading is not built yet');
  },
};
