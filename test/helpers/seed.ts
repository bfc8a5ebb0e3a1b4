/**
 * The seed every property test uses, so a failure reproduces exactly. fast-check prints the seed
 * and the shrunk counterexample on failure; override with POOLKIT_SEED to explore other runs.
 */
export const PROPERTY_SEED: number = process.env.POOLKIT_SEED ? Number(process.env.POOLKIT_SEED) : 20261127;
