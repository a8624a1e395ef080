// Loads the built package by its own name (package self-reference) and runs one call.
import { createGateway } from 'switchyard';
import { mockProvider } from 'switchyard/testing';

const gw = createGateway({ providers: { m: mockProvider() } });
const res = await gw.chat({ model: 'm/x', messages: [{ role: 'user', content: 'esm' }] });
if (res.text !== 'Echo: esm') throw new Error(`ESM smoke failed: ${res.text}`);
console.log('ESM ok:', res.text);
