// How the takes of one Generate are named from one external id, for main (which checks and
// writes them) and the window (which says what they will be called): the id itself for one take,
// <id>-1 .. <id>-N for several. An id is spent once any Generate of it used any of these names.

/** Most takes one Generate may make. */
export const TAKES_MAX = 4

/** The external ids of `takes` takes named from `base`. */
export function takeIds(base: string, takes: number): string[] {
  return takes === 1 ? [base] : Array.from({ length: takes }, (_, i) => `${base}-${i + 1}`)
}

/** Every name a Generate of `base` could have given a take, whatever its number of takes. */
export function takeIdFamily(base: string): string[] {
  return [base, ...takeIds(base, TAKES_MAX)]
}
