import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import type { Principal, Role } from './principal.js';

const KEY_FORMAT = /^trb_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey {
  readonly id: string;
  /** The whole key. Shown to its owner once; only its hash is kept. */
  readonly key: string;
}

/** A new random key in the platform's format (the prefix identifies it; only the secret's hash is kept). */
export function generateApiKey(): string {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  return `trb_${prefix}_${randomBytes(32).toString('base64url')}`;
}

export const isApiKeyFormat = (key: string): boolean => KEY_FORMAT.test(key);

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** API keys: `trb_<12-char public prefix>_<43-char secret>`, looked up by prefix, compared by hash in constant time. */
export class ApiKeys {
  async issue(q: Queryable, role: Role, tenantId: string | null, name = '', userId: string | null = null): Promise<IssuedKey> {
    return this.register(q, generateApiKey(), role, tenantId, name, userId);
  }

  /**
   * Stores a key made elsewhere (an operator's `TRIBUTARY_ADMIN_KEY`, the standalone runner's saved
   * key), so deployments can hand the platform its admin key instead of reading one out of a log.
   */
  async register(q: Queryable, key: string, role: Role, tenantId: string | null, name = '', userId: string | null = null): Promise<IssuedKey> {
    const match = KEY_FORMAT.exec(key);
    if (!match) throw new TributaryError('invalid', 'api_key_malformed', 'API keys look like trb_<12 characters>_<43 characters>');
    const id = randomUUID();
    // SQL: ApiKeys takes any Queryable — other apps' data sources without TENANCY_ENTITIES, fixtures' pg clients.
    await q.query(
      `INSERT INTO tenancy.api_keys (id, tenant_id, role, prefix, secret_sha256, name, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, tenantId, role, match[1], sha256(match[2]), name, userId],
    );
    return { id, key };
  }

  /**
   * A key of a user acts with the user's current role and stops working when the user is disabled;
   * a disabled tenant's keys are refused with `tenant_disabled` (the key itself is fine).
   */
  async authenticate(q: Queryable, key: string | undefined): Promise<Principal> {
    const match = key ? KEY_FORMAT.exec(key) : null;
    // SQL: every request's authentication, one statement over any Queryable (apps without TENANCY_ENTITIES).
    const [row] = match
      ? await q.query<{
          id: string;
          tenant_id: string | null;
          user_id: string | null;
          role: Role;
          secret_sha256: Buffer;
          tenant_disabled: boolean;
          user_disabled: boolean;
        }>(
          `SELECT k.id, k.tenant_id, k.user_id, coalesce(u.role, k.role) AS role, k.secret_sha256,
                  t.disabled_at IS NOT NULL AS tenant_disabled, u.disabled_at IS NOT NULL AS user_disabled
             FROM tenancy.api_keys k
             LEFT JOIN tenancy.tenants t ON t.id = k.tenant_id
             LEFT JOIN tenancy.users u ON u.id = k.user_id
            WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
          [match[1]],
        )
      : [];
    // Hash even when there is no row, so an unknown prefix takes as long as a wrong secret.
    const given = sha256(match?.[2] ?? '');
    const stored = row?.secret_sha256 ?? Buffer.alloc(given.length);
    if (!row || !timingSafeEqual(given, stored) || row.user_disabled) {
      throw new TributaryError('unauthenticated', 'unauthenticated', 'A valid API key is required');
    }
    if (row.tenant_disabled) throw new TributaryError('forbidden', 'tenant_disabled', 'This tenant is disabled');
    return row.role === 'platform_admin'
      ? { kind: 'platform_admin', keyId: row.id }
      : { kind: 'tenant', keyId: row.id, tenantId: row.tenant_id!, role: row.role, userId: row.user_id };
  }

  async isValid(q: Queryable, key: string): Promise<boolean> {
    return this.authenticate(q, key).then(
      () => true,
      () => false,
    );
  }
}

/** Reads the key from `Authorization: Bearer <key>` (or a bare key, as graphql-ws clients often send it). */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  return /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value || undefined;
}
