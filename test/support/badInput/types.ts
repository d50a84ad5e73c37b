/** One request of the bad-input corpus and the answer the trigger must give it. */
export interface BadRequestCase {
	/** Unique and descriptive, e.g. `wrong-type/messageSent/data.queueId/number`. */
	id: string;
	category: BadInputCategory;
	/** Header lines in sending order; `host` and `content-length` are added when missing. */
	headers: Array<[string, string]>;
	body: Buffer | StreamedBody;
	/** Which trigger configuration receives it (see `CORPUS_TRIGGERS`). */
	trigger: CorpusTrigger;
	expect: ExpectedAnswer;
	/** A real n8n answers differently (its body parser or size limit decides first). */
	inN8n?: ExpectedAnswer;
}

/** A body too large to hold twice: produced chunk by chunk, on demand, as often as needed. */
export interface StreamedBody {
	size: number;
	chunks: () => Iterable<Buffer>;
}

export type CorpusTrigger = 'all' | 'selective';

export type BadInputCategory =
	| 'truncated'
	| 'mutated'
	| 'wrong-type'
	| 'missing-field'
	| 'not-a-payload'
	| 'empty'
	| 'enormous'
	| 'deep-nesting'
	| 'invalid-utf8'
	| 'compressed'
	| 'content-type'
	| 'signature'
	| 'duplicate-headers'
	| 'reordered-headers'
	| 'replay'
	| 'unselected';

/**
 * What the sender sees. `error` is the trigger's `{"error": …}` text, `ignored` the reason in a
 * 200 `{"received":true,"ignored":…}`, `message` the text of an answer n8n itself gives.
 */
export interface ExpectedAnswer {
	status: number;
	error?: string | RegExp;
	ignored?: string | RegExp;
	message?: string | RegExp;
}
