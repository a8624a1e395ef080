import { memoryStore } from '../../src/budget/memory-store.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('memoryStore', () => memoryStore());
