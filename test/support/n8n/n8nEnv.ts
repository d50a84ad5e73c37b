/**
 * Settings shared by every n8n process the harness and `npm start` run: loopback only, no
 * telemetry, no outbound calls (templates, version checks, banners, the MCP registry fetch), and
 * activation applied within a second rather than the default 15 s outbox poll.
 */
export const offlineN8nEnv: Readonly<Record<string, string>> = {
	N8N_LISTEN_ADDRESS: '127.0.0.1',
	N8N_HOST: '127.0.0.1',
	N8N_PROTOCOL: 'http',
	N8N_SECURE_COOKIE: 'false',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
	N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
	N8N_AI_ENABLED: 'false',
	EXTERNAL_FRONTEND_HOOKS_URLS: '',
	N8N_REINSTALL_MISSING_PACKAGES: 'false',
	N8N_DISABLED_MODULES: 'mcp-registry',
	N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '1000',
	N8N_LOG_LEVEL: 'info',
	N8N_LOG_OUTPUT: 'console',
};

/** Variables of the parent worth passing on; everything else (NODE_ENV=test, npm_*) stays out. */
const INHERITED = ['LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL', 'TERM'];

/**
 * A clean environment for an n8n child: Node 24 first in PATH (the task runner is started with
 * `node`), HOME inside the user folder so nothing touches the real home directory.
 */
export function n8nProcessEnv(
	nodeBinDir: string,
	userFolder: string,
	settings: Record<string, string>,
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const key of INHERITED) {
		if (process.env[key] !== undefined) env[key] = process.env[key];
	}
	env.PATH = [nodeBinDir, process.env.PATH ?? ''].join(':');
	env.HOME = userFolder;
	env.N8N_USER_FOLDER = userFolder;
	return { ...env, ...offlineN8nEnv, ...settings };
}
