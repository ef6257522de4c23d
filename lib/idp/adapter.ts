import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { withContext } from "@/lib/db/tenant";

// oidc-provider's storage adapter on PostgreSQL (table idp_store), in the 'system' context.
// The interface is the library's (see its lib/adapters/memory_adapter.js): one instance per
// model name, payloads stored as given.

type Payload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
};

const ctx = { kind: "system", purpose: "identity-provider" } as const;

export class PostgresAdapter {
  constructor(private readonly model: string) {}

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    const data = {
      payload: payload as Prisma.InputJsonValue,
      grantId: payload.grantId ?? null,
      userCode: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expiresAt,
    };
    await withContext(ctx, (tx) =>
      tx.idpStore.upsert({
        where: { model_id: { model: this.model, id } },
        create: { model: this.model, id, ...data },
        update: { ...data, consumedAt: null },
      }),
    );
  }

  private async findWhere(where: Prisma.IdpStoreWhereInput): Promise<Payload | undefined> {
    const row = await withContext(ctx, (tx) => tx.idpStore.findFirst({ where: { model: this.model, ...where } }));
    if (!row) return undefined;
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
    const payload = row.payload as Payload;
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  }

  find(id: string) {
    return this.findWhere({ id });
  }

  findByUserCode(userCode: string) {
    return this.findWhere({ userCode });
  }

  findByUid(uid: string) {
    return this.findWhere({ uid });
  }

  async consume(id: string): Promise<void> {
    await withContext(ctx, (tx) => tx.idpStore.updateMany({ where: { model: this.model, id }, data: { consumedAt: new Date() } }));
  }

  async destroy(id: string): Promise<void> {
    await withContext(ctx, (tx) => tx.idpStore.deleteMany({ where: { model: this.model, id } }));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    // A grant's tokens live under several models; revoking the grant revokes all of them.
    await withContext(ctx, (tx) => tx.idpStore.deleteMany({ where: { grantId } }));
  }
}

/** Removes expired protocol artefacts; run at start-up and hourly by the provider. */
export async function purgeExpired(now = new Date()): Promise<number> {
  const [store, pending] = await withContext(ctx, async (tx) => [
    await tx.idpStore.deleteMany({ where: { expiresAt: { lt: now } } }),
    await tx.idpPendingLogin.deleteMany({ where: { expiresAt: { lt: now } } }),
  ]);
  return store.count + pending.count;
}
