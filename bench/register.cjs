/*
 * Lets plain `node` run the benchmark's TypeScript in place, so that helpers which find files
 * relative to their own folder (fixtures, the n8n install script) keep working. Each file is
 * transpiled on load with the compiler options the package is built with: the code measured is
 * the code n8n would run.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = {
	...options,
	module: ts.ModuleKind.CommonJS,
	sourceMap: false,
	inlineSourceMap: true,
	declaration: false,
};

require.extensions['.ts'] = function compile(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
	module._compile(outputText, filename);
};
