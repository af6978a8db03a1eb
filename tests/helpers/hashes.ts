// Perceptual hashes drawn at random, the same every run: for the duplicate tests and benchmark.
import type { HashedAsset } from "../../common/duplicates";

// mulberry32: a small seeded generator, so that the drawn photos and hashes are the same every run.
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function randomHash(next: () => number): string {
  return Array.from({ length: 16 }, () => Math.floor(next() * 16).toString(16)).join("");
}

export function flip(hash: string, bits: number, next: () => number): string {
  let value = BigInt(`0x${hash}`);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(next() * 64));
  for (const bit of chosen) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, "0");
}

// `count` photos with random hashes, and a copy 4 bits off of every 50th.
export function syntheticHashLibrary(count: number, next: () => number): HashedAsset[] {
  const items: HashedAsset[] = [];
  for (let i = 0; i < count; i++) {
    const base = randomHash(next);
    items.push({ id: `p${i}`, type: "IMAGE", hash: base, duplicateId: null, isNew: true });
    if (i % 50 === 0)
      items.push({ id: `p${i}-copy`, type: "IMAGE", hash: flip(base, 4, next), duplicateId: null, isNew: true });
  }
  return items;
}
