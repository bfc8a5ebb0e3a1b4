/** Runs `total` calls of `call` from `concurrency` callers; `onDone(count)` after each. */
export async function runLoad(
  total: number,
  concurrency: number,
  call: (index: number) => Promise<unknown>,
  onDone: (completed: number) => void = () => {},
): Promise<{ ok: number; failures: unknown[] }> {
  let next = 0;
  let completed = 0;
  let ok = 0;
  const failures: unknown[] = [];
  const caller = async () => {
    while (next < total) {
      const index = next++;
      try {
        await call(index);
        ok++;
      } catch (error) {
        failures.push(error);
      }
      onDone(++completed);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { ok, failures };
}
