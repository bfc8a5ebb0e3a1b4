// Worker module of the threads demo section: renders bands of a Mandelbrot image (pure JS CPU
// work), and can kill its own thread once to show a crash being survived.
import { transfer } from '../../dist/threads/index.js';

/** Renders rows [y0, y0 + rows) of a width x height image; one byte of escape time per pixel. */
export function band({ y0, rows, width, height, maxIterations }) {
  const pixels = new Uint8Array(rows * width);
  for (let row = 0; row < rows; row++) {
    const ci = ((y0 + row) / height) * 2.4 - 1.2;
    for (let x = 0; x < width; x++) {
      const cr = (x / width) * 3.2 - 2.2;
      let zr = 0;
      let zi = 0;
      let n = 0;
      while (n < maxIterations && zr * zr + zi * zi < 4) {
        const next = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = next;
        n++;
      }
      pixels[row * width + x] = n === maxIterations ? 0 : 1 + (n % 255);
    }
  }
  return transfer(pixels, [pixels.buffer]);
}

/** Like `band`, but the first attempt (counted in shared memory) kills the thread. */
export function bandOrCrash(input) {
  if (Atomics.add(new Int32Array(input.attempts), 0, 1) === 0) process.exit(70);
  return band(input);
}
