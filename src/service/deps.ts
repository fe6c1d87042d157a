import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Store } from '../store/index.js';

/** What the HTTP layer and the workers share; built once by the server (or a test). */
export interface Deps {
  readonly config: Config;
  readonly store: Store;
  readonly box: SecretBox;
  readonly log: Logger;
}

/** The authenticated caller. */
export interface Caller {
  readonly id: number;
  readonly email: string;
  readonly isAdmin: boolean;
}
