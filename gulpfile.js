const { src, dest, parallel } = require('gulp');

// tsc compiles the TypeScript; the icons and the codex files beside each node are copied as
// they are, keeping their paths so that `file:` icon references resolve inside dist/.
function copyIcons() {
	return src('icons/**/*.svg', { base: '.' }).pipe(dest('dist'));
}

function copyCodex() {
	return src(['nodes/**/*.node.json', 'credentials/**/*.json'], {
		base: '.',
		allowEmpty: true,
	}).pipe(dest('dist'));
}

exports['build:assets'] = parallel(copyIcons, copyCodex);
