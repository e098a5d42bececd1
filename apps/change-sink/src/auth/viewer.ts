/**
 * Who a live connection belongs to, established once when it connects and re-checked while it
 * lives. Never built from anything the client sends but its token.
 */
export type Viewer =
  /** An end user of the operator's application: AUTH_TABLE token or JWT. Routing decides what it sees. */
  | {
      readonly kind: 'user';
      readonly userId: string;
      /** From TENANT_COLUMN (or the JWT's tenant claim); null when the operator's database is one tenant. */
      readonly tenantId: string | null;
      readonly credential: { readonly type: 'auth_table'; readonly token: string } | { readonly type: 'jwt'; readonly expiresAt?: number };
    }
  /** A platform tenant's API key: sees every change of its tenant. */
  | { readonly kind: 'tenant_key'; readonly tenantId: string; readonly keyId: string };

export const userIdOf = (viewer: Viewer): string => (viewer.kind === 'user' ? viewer.userId : `tenant:${viewer.tenantId}`);
