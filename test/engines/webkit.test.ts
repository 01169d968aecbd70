// WebKitGTK, Safari's engine (no Background Sync): the engine suite of engine-suite.ts.
import { engineSuite } from './engine-suite.js';
import { launchWebKit } from './webkit.js';

engineSuite('WebKitGTK', launchWebKit);
