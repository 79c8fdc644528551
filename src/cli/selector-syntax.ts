// kubectl's `-l/--selector` text now lives with the matcher in src/manifest (the
// library's environments parse it too, and src/lib may not import src/cli); the CLI
// verbs keep importing it from here.
export { parseSelector, SelectorSyntaxError } from '../manifest/selector-syntax.js';
