export { N8nClient } from './client';
export type {
	Execution,
	NodeTypeDescription,
	PublicationStatus,
	Workflow,
	WorkflowInput,
} from './client';
export { http, expectOk } from './http';
export type { HttpResult } from './http';
export { packageName } from './packageTarball';
export { startN8n, N8nInstance } from './startN8n';
export { nodeOutput, webhookProbeWorkflow } from './workflows';
export type { N8nMode, N8nProcessName, StartN8nOptions } from './startN8n';
