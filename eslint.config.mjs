import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{ ignores: ['dist/**', 'coverage/**', '.n8n-local/**', 'test/fixtures/**'] },
	{
		// Tests, benchmarks and the scripts that run a real n8n are never loaded by n8n. They need
		// Node's http, fs, timers and child_process (to start n8n), made-up secrets to sign fixtures
		// with, and plain errors, which these rules exist to keep out of node code. Every other
		// community-node rule still applies to them.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
];
