import { createHash } from 'node:crypto';

import type { INodeParameters } from 'n8n-workflow';

import { DELIVERY_LIFECYCLE_EVENTS } from '../../../nodes/shared/events';
import {
	duplicateHeaderCases,
	reorderedHeaderCases,
	replayCases,
	signatureCases,
	unselectedCases,
} from './headerCases';
import { missingFieldCases, notAPayloadCases, wrongTypeCases } from './payloadCases';
import { isStreamed } from './streamedBody';
import {
	compressedCases,
	contentTypeCases,
	deepNestingCases,
	emptyCases,
	enormousCases,
	invalidUtf8Cases,
	mutatedCases,
	truncatedCases,
} from './transportCases';
import type { BadRequestCase, CorpusTrigger } from './types';

export { replayedCaptures } from './headerCases';
export { CORPUS_SECRET } from './requests';
export { sendCase, type CaseAnswer } from './send';
export { checkAnswer } from './checkAnswer';
export type { BadInputCategory, BadRequestCase, ExpectedAnswer } from './types';

/** The trigger parameters each corpus request is meant for. */
export const CORPUS_TRIGGERS: Record<CorpusTrigger, INodeParameters> = {
	all: { registration: 'manual', events: ['*'] },
	selective: {
		registration: 'manual',
		events: [...DELIVERY_LIFECYCLE_EVENTS],
		accountScope: 'selected',
		accounts: ['bob'],
	},
};

/**
 * Every bad request, built from the captures and the payload schemas. Ids are unique and no
 * two requests are byte-for-byte the same (checked here, so a generator bug cannot inflate it).
 */
export function buildCorpus(): BadRequestCase[] {
	const corpus = [
		...truncatedCases(),
		...mutatedCases(),
		...wrongTypeCases(),
		...missingFieldCases(),
		...notAPayloadCases(),
		...emptyCases(),
		...enormousCases(),
		...deepNestingCases(),
		...invalidUtf8Cases(),
		...compressedCases(),
		...contentTypeCases(),
		...signatureCases(),
		...duplicateHeaderCases(),
		...reorderedHeaderCases(),
		...replayCases(),
		...unselectedCases(),
	];
	const ids = new Set<string>();
	const requests = new Map<string, string>();
	for (const testCase of corpus) {
		if (ids.has(testCase.id)) throw new Error(`Two corpus cases are named ${testCase.id}`);
		ids.add(testCase.id);
		const fingerprint = fingerprintOf(testCase);
		const twin = requests.get(fingerprint);
		if (twin) throw new Error(`Corpus cases ${twin} and ${testCase.id} send the same request`);
		requests.set(fingerprint, testCase.id);
	}
	return corpus;
}

function fingerprintOf(testCase: BadRequestCase): string {
	const hash = createHash('sha256');
	hash.update(testCase.trigger);
	hash.update(JSON.stringify(testCase.headers));
	if (isStreamed(testCase.body)) for (const chunk of testCase.body.chunks()) hash.update(chunk);
	else hash.update(testCase.body);
	return hash.digest('hex');
}

/** A fixed, spread-out subset: every category, then evenly through the rest. */
export function sampleCorpus(corpus: BadRequestCase[], size: number): BadRequestCase[] {
	const chosen = new Map<string, BadRequestCase>();
	for (const testCase of corpus) {
		if (![...chosen.values()].some((picked) => picked.category === testCase.category)) {
			chosen.set(testCase.id, testCase);
		}
	}
	const step = corpus.length / Math.max(1, size - chosen.size);
	for (let index = 0; chosen.size < size && index < corpus.length; index += step) {
		const testCase = corpus[Math.floor(index)];
		chosen.set(testCase.id, testCase);
	}
	return corpus.filter((testCase) => chosen.has(testCase.id));
}
