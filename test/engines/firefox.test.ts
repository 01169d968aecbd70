// Firefox ESR (no Background Sync): the engine suite of engine-suite.ts.
import { engineSuite } from './engine-suite.js';
import { launchFirefox } from './firefox.js';

engineSuite('Firefox ESR', launchFirefox);
