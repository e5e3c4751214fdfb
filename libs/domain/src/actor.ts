export const ROLES = ['customer', 'dealer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the gateway builds this from the verified access token. */
export type Actor = { accountId: number; role: Role };
