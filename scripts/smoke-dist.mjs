// Loads the built package by its own name (package self-reference) and runs one call.
import { budget, createGateway } from 'switchyard';
import { redisStore } from 'switchyard/redis';
import { mockProvider } from 'switchyard/testing';

const gw = createGateway({ providers: { m: mockProvider() }, middleware: [budget({ limits: [{ tokens: 1000, window: 'day' }] })] });
if (typeof redisStore !== 'function') throw new Error('ESM smoke: switchyard/redis has no redisStore');
const res = await gw.chat({ model: 'm/x', messages: [{ role: 'user', content: 'esm' }] });
if (res.text !== 'Echo: esm') throw new Error(`ESM smoke failed: ${res.text}`);
console.log('ESM ok:', res.text);
