// API keys' rules: a user's secrets for scripts and apps, each limited to the permissions it lists.
// A key cannot hand out more than it holds; the secret is shown once and only its hash is kept.
import type { Auth } from "../../common/access";
import { createApiKey, deleteApiKey, getApiKey, listApiKeys, updateApiKey } from "../../common/credentials";
import { AppError, notFound } from "../../common/errors";
import { grants, type Permission } from "../../common/permissions";
import type { ApiKey } from "../../common/schema";
import { sha256 } from "../../common/server-keys";
import type { ServiceContext as Ctx } from "./context";
import { randomToken } from "./auth";

const keyNotFound = () => notFound("API key not found");

// Made with a key, a request may grant only what that key holds; a session holds everything.
function checkGrantable(auth: Auth, wanted: Permission[]): void {
  if (!auth.apiKey) return;
  const extra = wanted.filter((p) => !grants(auth.apiKey!.permissions, p));
  if (extra.length)
    throw new AppError(403, `This API key cannot grant permissions it does not have: ${extra.join(", ")}`);
}

export async function createKey(
  c: Ctx,
  auth: Auth,
  key: { name?: string; permissions: Permission[] },
): Promise<{ secret: string; apiKey: ApiKey }> {
  checkGrantable(auth, key.permissions);
  const secret = randomToken();
  const apiKey = await createApiKey(c.var.db, {
    userId: auth.user.id,
    name: key.name || "API Key",
    keyHash: await sha256(secret),
    permissions: key.permissions,
  });
  return { secret, apiKey };
}

export const myKeys = (c: Ctx, auth: Auth): Promise<ApiKey[]> => listApiKeys(c.var.db, auth.user.id);

export async function myKey(c: Ctx, auth: Auth, id: string): Promise<ApiKey> {
  const key = await getApiKey(c.var.db, auth.user.id, id);
  if (!key) throw keyNotFound();
  return key;
}

// The key the request was made with, so that a client can check what it holds.
export async function keyInUse(c: Ctx, auth: Auth): Promise<ApiKey> {
  const key = auth.apiKey && (await getApiKey(c.var.db, auth.user.id, auth.apiKey.id));
  if (!key) throw new AppError(403, "This request was not made with an API key");
  return key;
}

export async function updateKey(
  c: Ctx,
  auth: Auth,
  id: string,
  changes: { name?: string; permissions?: Permission[] },
): Promise<ApiKey> {
  if (changes.permissions) checkGrantable(auth, changes.permissions);
  const key = await updateApiKey(c.var.db, auth.user.id, id, {
    ...(changes.name ? { name: changes.name } : {}),
    ...(changes.permissions ? { permissions: changes.permissions } : {}),
  });
  if (!key) throw keyNotFound();
  return key;
}

export async function deleteKey(c: Ctx, auth: Auth, id: string): Promise<void> {
  if (!(await deleteApiKey(c.var.db, auth.user.id, id))) throw keyNotFound();
}
