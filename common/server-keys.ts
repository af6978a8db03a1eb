// Keys derived from the server's own secret (INTERNAL_TOKEN), one per purpose, so that what is signed
// or sealed for one purpose is good for no other. WebCrypto only: workerd and the worker both use them.
const encoder = new TextEncoder();

// WebCrypto's key type, as both runtimes' typings name it.
type Key = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

async function derivedBytes(secret: string, purpose: string): Promise<ArrayBuffer> {
  const base = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return crypto.subtle.sign("HMAC", base, encoder.encode(purpose));
}

// Signs and verifies with HMAC-SHA-256.
export async function signingKey(secret: string, purpose: string): Promise<Key> {
  return crypto.subtle.importKey("raw", await derivedBytes(secret, purpose), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

// Encrypts and decrypts with AES-256-GCM.
export async function sealingKey(secret: string, purpose: string): Promise<Key> {
  return crypto.subtle.importKey("raw", await derivedBytes(secret, purpose), { name: "AES-GCM" }, false, [
    "encrypt",
    "decrypt",
  ]);
}

export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export async function sha256(value: string): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

export async function hmac(key: Key, text: string): Promise<string> {
  return base64url(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

// Text encrypted for keeping (AES-GCM, a fresh nonce each time): "nonce.ciphertext" in base64url.
export async function seal(secret: string, purpose: string, text: string): Promise<string> {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce },
    await sealingKey(secret, purpose),
    encoder.encode(text),
  );
  return `${base64url(nonce)}.${base64url(sealed)}`;
}

export async function unseal(secret: string, purpose: string, sealed: string): Promise<string> {
  const [nonce = "", data = ""] = sealed.split(".");
  const opened = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(nonce) },
    await sealingKey(secret, purpose),
    fromBase64url(data),
  );
  return new TextDecoder().decode(opened);
}
