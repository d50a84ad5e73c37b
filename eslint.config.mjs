import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{ ignores: ['dist/**', 'coverage/**', '.n8n-local/**', 'test/fixtures/**'] },
	{
		// Tests, benchmarks and the scripts that run a real n8n are never loaded by n8n. They need
		// Node's http, fs and child_process and its timers, which the runtime-only rules exist to
		// keep out of node code. Every other community-node rule still applies to them.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
		},
	},
];
