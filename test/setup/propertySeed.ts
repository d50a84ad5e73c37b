// A fixed seed by default, so that `npm test` (and CI) runs the same generated cases every time
// and a red run is one anybody can reproduce. PROPERTY_SEED=random explores new cases; a failure
// prints the seed and path that bring it back.
import fc from 'fast-check';

const DEFAULT_PROPERTY_SEED = 20261203;

const setting = process.env.PROPERTY_SEED ?? String(DEFAULT_PROPERTY_SEED);
if (setting !== 'random') {
	const seed = Number(setting);
	if (!Number.isSafeInteger(seed)) {
		throw new Error(`PROPERTY_SEED must be a whole number or "random", not "${setting}"`);
	}
	fc.configureGlobal({ seed });
}
