/** Separate projects so that the fast suites can run on their own: `npm run test:unit`. */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }];

const base = {
	rootDir: __dirname,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'json'],
	modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.n8n-local/'],
	setupFiles: ['<rootDir>/test/setup/n8nUserFolder.ts', '<rootDir>/test/setup/propertySeed.ts'],
};

module.exports = {
	reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
	projects: [
		{ ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{
			...base,
			displayName: 'integration',
			testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
		},
		{
			...base,
			displayName: 'robustness',
			// Bad input, faults and property tests over the real node classes, on loopback.
			testMatch: ['<rootDir>/test/robustness/**/*.test.ts'],
		},
		{
			...base,
			displayName: 'e2e',
			// Each e2e file sets its own timeout: a real n8n takes seconds to start.
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			// Installs n8n when missing and builds + packs the package once for all e2e files.
			globalSetup: '<rootDir>/test/support/n8n/globalSetup.ts',
			globalTeardown: '<rootDir>/test/support/n8n/globalTeardown.ts',
		},
	],
};
