import { Inject, Injectable, Logger } from '@nestjs/common';
import { isTributaryError, TributaryError } from '@tributary/domain';
import { noPrincipalUnlessOutage, unavailable } from '@tributary/edge';
import { ApiKeyEntity, ApiKeys, isApiKeyFormat, TenantEntity, UserEntity } from '@tributary/tenancy';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangeSource } from '../sources/change-source.js';
import type { Viewer } from './viewer.js';

const MAX_TOKEN_LENGTH = 8_192;
const unauthorized = () => new TributaryError('unauthenticated', 'unauthenticated', 'Unauthorized');

/**
 * A key's refusal keeps its code — `unauthenticated`, `tenant_disabled`: what the platform's REST APIs answer, and
 * what GraphQL over HTTP answers here (socket.io says 401 and graphql-ws closes 4403 whatever the reason); anything
 * else is an outage.
 */
function refusedOrOutage(error: unknown): never {
  if (isTributaryError(error) && error.kind !== 'unavailable' && error.kind !== 'internal') throw error;
  noPrincipalUnlessOutage(error);
  throw unauthorized();
}

/**
 * Turns a client's token into a Viewer: a platform API key (`trb_…`), else a JWT when JWT_SECRET or
 * JWKS_URL is set, else a lookup of AUTH_TABLE.AUTH_COLUMN. No token is special: there is no test
 * backdoor. Also re-checks live viewers in bulk (a revoked key, a changed or deleted user row, an
 * expired JWT).
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger(Authenticator.name);
  private readonly jwks?: JWTVerifyGetKey;
  private readonly secret?: Uint8Array;

  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeys,
    private readonly config: ChangeSinkConfig,
    @Inject(ChangeSource) private readonly source: ChangeSource,
  ) {
    if (config.JWKS_URL) this.jwks = createRemoteJWKSet(new URL(config.JWKS_URL));
    if (config.JWT_SECRET) this.secret = new TextEncoder().encode(config.JWT_SECRET);
  }

  async authenticate(token: unknown): Promise<Viewer> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw unauthorized();
    if (isApiKeyFormat(token)) {
      const principal = await this.apiKeys.authenticate(this.dataSource, token).catch(refusedOrOutage);
      if (principal.kind !== 'tenant') throw unauthorized();
      return { kind: 'tenant_key', tenantId: principal.tenantId, keyId: principal.keyId };
    }
    if (this.secret || this.jwks) return this.verifyJwt(token);
    const [user] = await this.usersByToken([token]);
    if (!user) throw unauthorized();
    return { kind: 'user', userId: user.userId, tenantId: user.tenantId, credential: { type: 'auth_table', token } };
  }

  /** The viewers among `viewers` that are no longer valid. */
  async revoked(viewers: readonly Viewer[]): Promise<Set<Viewer>> {
    const gone = new Set<Viewer>();
    const keyIds = [...new Set(viewers.flatMap((v) => (v.kind === 'tenant_key' ? [v.keyId] : [])))];
    const tokens = [...new Set(viewers.flatMap((v) => (v.kind === 'user' && v.credential.type === 'auth_table' ? [v.credential.token] : [])))];
    const liveKeys = new Set<string>();
    for (let i = 0; i < keyIds.length; i += 1_000) {
      for (const id of await this.liveKeyIds(keyIds.slice(i, i + 1_000))) liveKeys.add(id);
    }
    const users = new Map<string, { userId: string; tenantId: string | null }[]>();
    for (let i = 0; i < tokens.length; i += 500) {
      for (const user of await this.usersByToken(tokens.slice(i, i + 500))) {
        users.set(user.token, [...(users.get(user.token) ?? []), user]);
      }
    }
    const now = Date.now() / 1000;
    for (const viewer of viewers) {
      if (viewer.kind === 'tenant_key') {
        if (!liveKeys.has(viewer.keyId)) gone.add(viewer);
      } else if (viewer.credential.type === 'jwt') {
        if (viewer.credential.expiresAt !== undefined && viewer.credential.expiresAt <= now) gone.add(viewer);
      } else {
        const found = users.get(viewer.credential.token) ?? [];
        if (found.length !== 1 || found[0].userId !== viewer.userId || found[0].tenantId !== viewer.tenantId) gone.add(viewer);
      }
    }
    return gone;
  }

  /** As ApiKeys.authenticate: a revoked key, a disabled tenant or a disabled user no longer counts. */
  private async liveKeyIds(ids: string[]): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .select('k.id', 'id')
      .leftJoin(TenantEntity, 't', 't.id = k.tenantId')
      .leftJoin(UserEntity, 'u', 'u.id = k.userId')
      .where('k.id IN (:...ids)', { ids })
      .andWhere('k.revokedAt IS NULL')
      .andWhere('t.disabledAt IS NULL')
      .andWhere('u.disabledAt IS NULL')
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  private async usersByToken(tokens: string[]) {
    try {
      return await this.source.usersByToken(tokens);
    } catch (error) {
      // A token the column cannot hold (not a uuid, too long) matches no one; anything else is an outage.
      // Only the driver's error code is logged: database messages quote the offending value, the token.
      if (/invalid input|incorrect|truncat/i.test((error as Error).message)) return [];
      this.logger.warn({ code: (error as { code?: string }).code ?? 'unknown' }, 'token lookup failed');
      throw unavailable();
    }
  }

  private async verifyJwt(token: string): Promise<Viewer> {
    try {
      const { payload } = this.secret ? await jwtVerify(token, this.secret) : await jwtVerify(token, this.jwks!);
      const userId = payload[this.config.JWT_USER_CLAIM];
      if (typeof userId !== 'string' && typeof userId !== 'number') throw unauthorized();
      const tenant = this.config.TENANT_COLUMN ? payload[this.config.JWT_TENANT_CLAIM] : null;
      if (this.config.TENANT_COLUMN && typeof tenant !== 'string' && typeof tenant !== 'number') throw unauthorized();
      return {
        kind: 'user',
        userId: String(userId),
        tenantId: tenant === null || tenant === undefined ? null : String(tenant),
        credential: { type: 'jwt', expiresAt: payload.exp },
      };
    } catch {
      throw unauthorized();
    }
  }
}
