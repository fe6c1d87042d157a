import { JobpubError } from '../errors/index.js';
import type { ConnectionRecord } from '../store/connections.js';
import type { Caller } from './deps.js';

/**
 * Who may do what (api.md, Authentication): a user sees and uses what they created, what is shared with
 * them and global connections; admins everything. An object the caller cannot see is "not found" (404),
 * so its existence does not leak; one they can see but not change is 403.
 */
export function notFound(kind: string, id: number | string): JobpubError {
  return new JobpubError('NOT_FOUND', `${kind} ${id} does not exist`);
}

export function gone(kind: string, id: number | string): JobpubError {
  return new JobpubError('GONE', `${kind} ${id} was deleted`);
}

export const owns = (caller: Caller, creatorId: number) => caller.isAdmin || caller.id === creatorId;

export function canSeeConnection(caller: Caller, c: ConnectionRecord, sharedRole: string | undefined) {
  return owns(caller, c.creatorId) || c.isGlobal || sharedRole !== undefined;
}

/** Changing or deleting a connection, and sharing it: its creator or an admin. */
export function canEditConnection(caller: Caller, c: ConnectionRecord) {
  return owns(caller, c.creatorId);
}
