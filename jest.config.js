/** Three projects so that the fast suites can run on their own: `npm run test:unit`. */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json', isolatedModules: true }];

const base = {
	rootDir: __dirname,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
	projects: [
		{ ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{
			...base,
			displayName: 'integration',
			testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
		},
		{
			...base,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			testTimeout: 600000,
		},
	],
};
