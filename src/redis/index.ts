// `switchyard/redis`: budget and rate-limit counters shared between processes through Redis.
// ioredis is an optional peer: only this entry point refers to it, and only by type.

export { redisStore, type RedisStoreOptions } from './redis-store.js';
