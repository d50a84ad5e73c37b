/**
 * Ends every jest run with one plain line, `N passed, N failed, N skipped`, which tools that do
 * not know jest's own summary can read. A file that failed outside its tests (in a hook, or
 * before any test ran) is named on the same line, so a red run never reads "0 failed".
 */
class SummaryReporter {
	onRunComplete(_contexts, results) {
		let line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`;
		const broken = results.testResults.filter(
			(file) => file.testExecError || (file.failureMessage && file.numFailingTests === 0),
		).length;
		if (broken > 0) line += `, ${broken} test file${broken === 1 ? '' : 's'} failed outside a test`;
		process.stdout.write(`\n${line}\n`);
	}
}

module.exports = SummaryReporter;
