/**
 * One canonical form for a Message-ID, so that the value a submission returned, the one in
 * `messageSent` and the one a bounce report quotes compare equal: surrounding white space and
 * angle brackets removed, the domain part lower-cased (domains are case-insensitive, local parts
 * are not), and the angle brackets put back.
 */
export function canonicalMessageId(value: unknown): string | null {
	if (typeof value !== 'string') return null;

	const bare = value.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
	if (bare === '') return null;

	const at = bare.lastIndexOf('@');
	if (at === -1) return `<${bare}>`;
	return `<${bare.slice(0, at)}@${bare.slice(at + 1).toLowerCase()}>`;
}
