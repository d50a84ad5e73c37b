import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The parts of a V8 .cpuprofile (node --cpu-prof) this summary reads. */
interface CpuProfile {
	nodes: Array<{
		id: number;
		callFrame: { functionName: string; url: string; lineNumber: number };
		children?: number[];
	}>;
	samples: number[];
}

export interface ProfileLine {
	frame: string;
	/** Share of all samples spent in this frame itself. */
	selfShare: number;
	/** Share of all samples with this frame anywhere on the stack. */
	totalShare: number;
}

/** Self and inclusive shares per function, the heaviest first. */
export function summarizeProfile(file: string, top = 25): ProfileLine[] {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);

	const label = (id: number) => {
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		const where = url ? `${basename(url)}:${lineNumber + 1}` : '';
		return `${functionName || '(anonymous)'} ${where}`.trim();
	};

	const self = new Map<string, number>();
	const total = new Map<string, number>();
	for (const sample of profile.samples) {
		const own = label(sample);
		self.set(own, (self.get(own) ?? 0) + 1);
		const onStack = new Set<string>();
		for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
			onStack.add(label(id));
		}
		for (const frame of onStack) total.set(frame, (total.get(frame) ?? 0) + 1);
	}

	const count = profile.samples.length;
	return [...total.entries()]
		.map(([frame, samples]) => ({
			frame,
			selfShare: (self.get(frame) ?? 0) / count,
			totalShare: samples / count,
		}))
		.sort((a, b) => b.totalShare - a.totalShare)
		.slice(0, top);
}

/**
 * Of the samples where the thread was not idle, the share with a frame on the stack whose
 * function name or script URL matches: how much of a process's CPU a package or subsystem takes.
 */
export function busyShare(file: string, pattern: RegExp): { busySamples: number; share: number } {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	let busy = 0;
	let matching = 0;
	for (const sample of profile.samples) {
		if (byId.get(sample)!.callFrame.functionName === '(idle)') continue;
		busy++;
		for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
			const { functionName, url } = byId.get(id)!.callFrame;
			if (pattern.test(`${functionName} ${url}`)) {
				matching++;
				break;
			}
		}
	}
	return { busySamples: busy, share: busy === 0 ? 0 : matching / busy };
}

// node -r ./bench/register.cjs bench/profileSummary.ts FILE.cpuprofile [TOP]
if (require.main === module) {
	const [file, top] = process.argv.slice(2);
	const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);
	for (const line of summarizeProfile(file, Number(top ?? 30))) {
		process.stdout.write(`${pct(line.totalShare)} ${pct(line.selfShare)}  ${line.frame}\n`);
	}
	const ours = busyShare(file, /\/node_modules\/n8n-nodes-emailengine\//);
	const isolates = busyShare(file, /acquireIsolate|releaseIsolate|isolated-vm-bridge|isolate-pool/);
	process.stdout.write(
		`\nbusy samples ${ours.busySamples}: this package ${pct(ours.share)}, ` +
			`expression isolates ${pct(isolates.share)}\n`,
	);
}
