// Accounts for tests: sign up or create a user, sign in, and make requests as them.
import assert from "node:assert/strict";

export interface Client {
  url: string;
  userId: string;
  email: string;
  password: string;
  token: string;
  // A request with this client's session.
  fetch(path: string, init?: RequestInit): Promise<Response>;
  // A JSON request (no body when `body` is undefined).
  json(method: string, path: string, body?: unknown): Promise<Response>;
  // The same user, signed in once more (another device).
  newSession(): Promise<Client>;
}

export interface NewAccount {
  email: string;
  password: string;
  name: string;
  // The first admin, made through the sign-up of a fresh server.
  admin?: true;
  // An admin who creates this account.
  createdBy?: Client;
  quotaSizeInBytes?: number;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export async function login(url: string, email: string, password: string): Promise<Client> {
  const response = await post(`${url}/api/auth/login`, { email, password });
  assert.equal(response.status, 201, `login of ${email}: ${await response.clone().text()}`);
  const { accessToken, userId } = (await response.json()) as { accessToken: string; userId: string };
  return clientFor(url, { userId, email, password, token: accessToken });
}

function clientFor(url: string, account: { userId: string; email: string; password: string; token: string }): Client {
  const authorized = (init: RequestInit = {}) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${account.token}` },
  });
  return {
    url,
    ...account,
    fetch: (path, init) => fetch(`${url}${path}`, authorized(init)),
    json: (method, path, body) =>
      fetch(
        `${url}${path}`,
        authorized(
          body === undefined
            ? { method }
            : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
        ),
      ),
    newSession: () => login(url, account.email, account.password),
  };
}

// Signs up the first admin of a fresh server; false when the server has one already.
export async function signUpAdmin(
  url: string,
  account: Pick<NewAccount, "email" | "password" | "name">,
): Promise<boolean> {
  const response = await post(`${url}/api/auth/admin-sign-up`, account);
  if (response.status === 400) return false;
  assert.equal(response.status, 201, `admin sign-up: ${await response.text()}`);
  return true;
}

// An API key of the client's user; its secret.
export async function createApiKey(client: Client, permissions: string[]): Promise<string> {
  const response = await client.json("POST", "/api/api-keys", { name: "tests", permissions });
  assert.equal(response.status, 201, `creating an API key: ${await response.clone().text()}`);
  return ((await response.json()) as { secret: string }).secret;
}

export async function signIn(url: string, account: NewAccount): Promise<Client> {
  const { email, password, name } = account;
  if (account.admin) {
    assert.ok(await signUpAdmin(url, { email, password, name }), "the server has an admin already");
  } else {
    assert.ok(account.createdBy, "an account other than the first admin needs an admin to create it");
    const response = await account.createdBy.json("POST", "/api/admin/users", {
      email,
      password,
      name,
      ...(account.quotaSizeInBytes !== undefined ? { quotaSizeInBytes: account.quotaSizeInBytes } : {}),
    });
    assert.equal(response.status, 201, `creating ${email}: ${await response.clone().text()}`);
  }
  return login(url, email, password);
}
