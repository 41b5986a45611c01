/**
 * The bookkeeping of a bulk lookup's results, shared by both lines'
 * `Generations.getGenerations`: each id gets an index when it is taken from
 * the source; results are handed on in the order of their indexes (or as they
 * come, unordered); and the whole is done once the source has ended and every
 * result taken has been handed on.
 */
export class Handover<A> {
  private readonly waiting = new Map<number, A>()
  private taken = 0
  private handedOn = 0
  private sourceEnded = false

  constructor(private readonly ordered: boolean) {}

  /** The index of the next id taken from the source. */
  take(): number {
    return this.taken++
  }

  /** Takes the result of `index` in, and gives `emit` every result that may go on now, in order. */
  put(index: number, result: A, emit: (result: A) => void): void {
    if (!this.ordered) {
      this.handedOn++
      emit(result)
      return
    }
    this.waiting.set(index, result)
    for (let next = this.waiting.get(this.handedOn); next !== undefined; next = this.waiting.get(this.handedOn)) {
      this.waiting.delete(this.handedOn)
      this.handedOn++
      emit(next)
    }
  }

  /** The source has ended: no id is taken after this. */
  endSource(): void {
    this.sourceEnded = true
  }

  /** Whether the source has ended and every result taken has been handed on. */
  get done(): boolean {
    return this.sourceEnded && this.handedOn === this.taken
  }
}
