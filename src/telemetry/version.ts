// The tracer and meter carry the package version. A named import of one JSON field: the bundler
// inlines the string (not the whole package.json), so nothing is read at run time in either build.
import { version } from '../../package.json';

export const SWITCHYARD_VERSION: string = version;
