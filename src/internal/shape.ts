/**
 * Keeps one instance of each hot per-operation class alive for the life of the process.
 *
 * Why: V8 reaches the hidden class ("map") an instance ends up with only through the transition
 * tree of its constructor's initial map, and those transitions are held weakly. When every
 * instance of a class is gone (a pool between bursts, a benchmark between rounds), a major GC
 * frees those maps, and all optimized code that embedded them is thrown away ("deoptimize:
 * weak objects"). The next burst then runs in the interpreter until V8 re-optimizes, about 1.4x
 * slower per operation on the resource pool's contended path (measured with `gc()` between
 * rounds). One retained instance per class keeps the map, hence the optimized code, alive.
 *
 * @module
 */

const retained: unknown[] = [];

/**
 * Retains `instance` (built exactly as the hot path builds its instances, so that it ends with the
 * same hidden class) and returns it.
 */
export function retainShape<T>(instance: T): T {
  retained.push(instance);
  return instance;
}
