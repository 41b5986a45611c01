/**
 * A small seeded pseudo-random generator (mulberry32, seeded by a string
 * hash), so the same seed gives the same generations in every run and in any
 * JavaScript runtime.
 */

/** A stream of pseudo-random numbers. */
export interface Random {
  /** A number in [0, 1). */
  readonly next: () => number
  /** A whole number in [min, max). */
  readonly int: (min: number, max: number) => number
  /** A number in [min, max). */
  readonly range: (min: number, max: number) => number
  readonly boolean: () => boolean
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  readonly shuffle: <A>(items: ReadonlyArray<A>) => Array<A>
}

// FNV-1a: spreads every character of the seed over the 32-bit state.
const hash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A generator whose numbers depend on `seed` alone. */
export const make = (seed: string): Random => {
  let state = hash(seed)
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min))
  return {
    next,
    int,
    range: (min, max) => min + next() * (max - min),
    boolean: () => next() < 0.5,
    pick: (items) => items[int(0, items.length)],
    shuffle: (items) => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i + 1)
        ;[out[i], out[j]] = [out[j], out[i]]
      }
      return out
    }
  }
}
