import type { ImagePart, TextPart } from '../../types/request.js';

/** Joins a message's text content, whether given as a string or as text parts. */
export function contentText(content: string | ReadonlyArray<{ type: string }>): string {
  if (typeof content === 'string') return content;
  let out = '';
  for (const p of content) if (p.type === 'text') out += (p as TextPart).text;
  return out;
}

export type ResolvedImage = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string; mediaType: string | undefined };

const DATA_URI = /^data:([^;,]+)?(;base64)?,(.*)$/s;

/** Splits an image part into base64 data (data: URIs included) or a remote URL. */
export function resolveImage(part: ImagePart): ResolvedImage {
  if ('data' in part) return { kind: 'base64', mediaType: part.mediaType, data: part.data };
  const m = DATA_URI.exec(part.url);
  if (m) {
    const mediaType = m[1] ?? part.mediaType ?? 'application/octet-stream';
    const data = m[2] ? (m[3] ?? '') : Buffer.from(decodeURIComponent(m[3] ?? ''), 'utf8').toString('base64');
    return { kind: 'base64', mediaType, data };
  }
  return { kind: 'url', url: part.url, mediaType: part.mediaType ?? guessImageType(part.url) };
}

function guessImageType(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0]!.toLowerCase();
  if (path.endsWith('.png')) return 'image/png';
  if (path.endsWith('.jpg') || path.endsWith('.jpeg')) return 'image/jpeg';
  if (path.endsWith('.gif')) return 'image/gif';
  if (path.endsWith('.webp')) return 'image/webp';
  return undefined;
}

/** Builds a `data:` URI from base64 data. */
export function toDataUri(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}
