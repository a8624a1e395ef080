// Loads the built CommonJS entry points by the package's own name and runs one call.
const { createGateway, InvalidRequestError } = require('switchyard');
const { mockProvider } = require('switchyard/testing');
const { redisStore } = require('switchyard/redis');
if (typeof redisStore !== 'function') throw new Error('CJS smoke: switchyard/redis has no redisStore');

const gw = createGateway({ providers: { m: mockProvider() } });
gw.chat({ model: 'm/x', messages: [{ role: 'user', content: 'cjs' }] }).then((res) => {
  if (res.text !== 'Echo: cjs') throw new Error(`CJS smoke failed: ${res.text}`);
  if (typeof InvalidRequestError !== 'function') throw new Error('CJS smoke: error classes missing');
  console.log('CJS ok:', res.text);
});
