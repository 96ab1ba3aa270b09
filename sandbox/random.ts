/**
 * Seeded randomness: every random choice the sandbox makes (ids, faults, generated
 * fleets) comes from here, so a seed reproduces a run exactly.
 */

/** A 32-bit FNV-1a hash, used to derive independent seeds from names. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A fast seeded generator (mulberry32): returns floats in [0, 1). */
export type Random = () => number;

/** Creates a {@link Random} from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max], both inclusive. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const HEX = '0123456789abcdef';

function draw(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** Kinds of identifier the sandbox mints, each in AWS's own pattern. */
export type IdKind = 'backup' | 'cluster' | 'hsm' | 'eni' | 'sg' | 'subnet' | 'vpc';

/**
 * Mints identifiers that match AWS's patterns (`backup-[2-7a-z]{11}`, `eni-[0-9a-f]{17}`, ...)
 * and never repeats one it has been told about.
 */
export class IdFactory {
  private readonly used = new Set<string>();

  constructor(private readonly random: Random) {}

  /** Records an id that already exists so it is never minted again. */
  reserve(id: string): void {
    this.used.add(id);
  }

  /** A fresh id of the given kind. */
  next(kind: IdKind): string {
    for (;;) {
      const id = this.candidate(kind);
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }

  private candidate(kind: IdKind): string {
    switch (kind) {
      case 'backup':
      case 'cluster':
      case 'hsm':
        return `${kind}-${draw(this.random, BASE32, 11)}`;
      case 'eni':
      case 'sg':
      case 'subnet':
      case 'vpc':
        return `${kind}-${draw(this.random, HEX, 17)}`;
    }
  }
}
