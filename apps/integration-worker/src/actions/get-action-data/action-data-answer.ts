/** What the freshness policy decided: the status and what goes with it (the controller writes headers and body). */
export type ActionDataAnswer =
  | {
      readonly status: 200 | 203;
      readonly data: object;
      readonly ageSeconds: number;
      readonly fetchedAt: Date;
      readonly validUntil: Date;
      readonly source: 'upstream' | 'cache';
      readonly upstreamError?: { readonly code: string; readonly message: string };
    }
  | { readonly status: 502; readonly message: string; readonly data: object | null; readonly ageSeconds: number | null };
