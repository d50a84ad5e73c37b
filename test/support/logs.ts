/**
 * Captures what the nodes log through n8n's Logger, so that tests can assert that an operator is
 * told what happened and that no secret or message body ever reaches the log.
 */
import { createRequire } from 'node:module';

import type { Logger as LoggerType } from '@n8n/backend-common';
import type { Container as ContainerType } from '@n8n/di';

// n8n-core ships its own copies of these two packages; the logger must be registered in the
// container n8n-core reads from, not in another copy hoisted next to it.
const loadFromCore = createRequire(require.resolve('n8n-core'));
const fromCore = <T>(id: string): T => loadFromCore(id) as T;
const { Container } = fromCore<{ Container: typeof ContainerType }>('@n8n/di');
const { Logger } = fromCore<{ Logger: typeof LoggerType }>('@n8n/backend-common');

export interface LogLine {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	meta: Record<string, unknown>;
}

export interface LogCapture {
	lines: LogLine[];
	/** Every line, message and metadata, as one string, for "never contains" checks. */
	text(): string;
	clear(): void;
}

export function captureLogs(): LogCapture {
	const lines: LogLine[] = [];
	const record =
		(level: LogLine['level']) =>
		(message: string, meta: Record<string, unknown> = {}) => {
			lines.push({ level, message, meta });
		};
	const logger = {
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
		scoped: () => logger,
	};
	Container.set(Logger, logger as unknown as LoggerType);
	return {
		lines,
		text: () => lines.map((line) => `${line.message} ${JSON.stringify(line.meta)}`).join('\n'),
		clear: () => lines.splice(0, lines.length),
	};
}
