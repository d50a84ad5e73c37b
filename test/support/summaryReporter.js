/**
 * Ends every jest run with one plain line, `N passed, N failed, N skipped`, which tools that do
 * not know jest's own summary can read.
 */
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
		process.stdout.write(`\n${line}\n`);
	}
}

module.exports = SummaryReporter;
