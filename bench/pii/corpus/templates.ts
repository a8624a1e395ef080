// Document shapes: support tickets, chats, e-mails, JSON payloads, .env / YAML / code, logs, stack
// traces and markdown tables. Each genre renders a list of items (true entities and hard negatives)
// in the way that genre writes them, with the document's language around them.
import { EMOJI, PHRASES, type LangPhrases } from './phrases.js';
import type { Rng } from './rng.js';
import { personName, type EntityType, type Lang, type NegativeValue, type PositiveValue } from './values.js';

export interface PiiSlot {
  kind: 'pii';
  v: PositiveValue;
}
export interface NegSlot {
  kind: 'neg';
  v: NegativeValue;
}
export interface NameSlot {
  kind: 'name';
  value: string;
}
export type Slot = PiiSlot | NegSlot;
export type Part = string | Slot | NameSlot;

export type Genre = 'ticket' | 'chat' | 'email' | 'json' | 'env' | 'yaml' | 'code' | 'log' | 'stacktrace' | 'table';

export interface GenCtx {
  rng: Rng;
  lang: Lang;
  p: LangPhrases;
  items: Slot[];
}

const CJK = new Set<Lang>(['ja', 'zh']);

const pii = (v: PositiveValue): PiiSlot => ({ kind: 'pii', v });
const nameSlot = (value: string): NameSlot => ({ kind: 'name', value });

/** Splits a phrase template at `{}` (the item) and `{n}` (a name). */
function fill(template: string, item: Part | undefined, name?: () => Part): Part[] {
  const out: Part[] = [];
  const re = /\{n?\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(template)) !== null) {
    if (m.index > last) out.push(template.slice(last, m.index));
    if (m[0] === '{}') {
      if (item !== undefined) out.push(item);
    } else if (name) out.push(name());
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}

function phraseKey(s: Slot): keyof LangPhrases {
  if (s.kind === 'pii') {
    switch (s.v.type) {
      case 'email':
        return 'email';
      case 'phone':
        return 'phone';
      case 'credit_card':
        return 'card';
      case 'us_ssn':
        return s.v.variant === 'ssn_bare' ? 'ssnBare' : 'ssn';
      case 'iban':
        return 'iban';
      case 'ipv4':
      case 'ipv6':
        return 'ip';
      default:
        return 'secret';
    }
  }
  switch (s.v.category) {
    case 'order_number':
    case 'part_number':
    case 'tracking_number':
    case 'imei':
    case 'isbn':
    case 'luhn_invalid':
      return 'order';
    case 'date':
    case 'timestamp':
      return 'date';
    case 'invalid_ssn':
      return 'ssn';
    case 'bad_iban':
      return 'iban';
    case 'invalid_ip':
      return 'ip';
    case 'placeholder_key':
    case 'public_pem':
      return 'secret';
    default:
      return 'tech';
  }
}

/** One sentence carrying `item`, sometimes with an emoji right before it or before the sentence. */
function sentence(c: GenCtx, item: Slot, name: () => Part): Part[] {
  const key = phraseKey(item);
  const list = c.p[key] as readonly string[];
  let parts = fill(c.rng.pick(list), item, name);
  const r = c.rng.next();
  if (r < 0.12) parts = [`${c.rng.pick(EMOJI)} `, ...parts];
  else if (r < 0.2) {
    // Emoji glued to the value: `📞+49 …`.
    const i = parts.indexOf(item);
    parts.splice(i, 0, c.rng.pick(EMOJI) + (c.rng.chance(0.5) ? ' ' : ''));
  }
  return parts;
}

function sep(c: GenCtx): string {
  return CJK.has(c.lang) ? '' : ' ';
}

function namer(c: GenCtx): () => Part {
  return () => nameSlot(personName(c.rng, c.lang));
}

function prose(c: GenCtx, items: Slot[]): Part[] {
  const out: Part[] = [];
  const name = namer(c);
  for (const it of items) {
    if (c.rng.chance(0.4)) out.push(c.rng.pick(c.p.filler), sep(c));
    out.push(...sentence(c, it, name));
    out.push(c.rng.chance(0.3) ? '\n' : sep(c));
  }
  return out;
}

// --- prose genres --------------------------------------------------------------------------------

function ticket(c: GenCtx): Part[] {
  const name = namer(c);
  return [
    c.rng.pick(c.p.subject),
    '\n\n',
    ...fill(c.rng.pick(c.p.greeting), undefined, name),
    '\n',
    c.rng.pick(c.p.filler),
    sep(c),
    ...prose(c, c.items),
    '\n',
    c.rng.pick(c.p.closing),
    '\n',
    name(),
  ];
}

function chat(c: GenCtx): Part[] {
  const a = personName(c.rng, c.lang);
  const b = c.rng.chance(0.5) ? personName(c.rng, c.lang) : 'Support Bot';
  const name = namer(c);
  const out: Part[] = [];
  let h = c.rng.int(8, 20);
  let m = c.rng.int(0, 50);
  const line = (who: string, body: Part[]) => {
    m += c.rng.int(0, 3);
    if (m > 59) {
      m -= 60;
      h = (h + 1) % 24;
    }
    out.push(`[${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}] `, who === 'Support Bot' ? who : nameSlot(who), ': ', ...body, '\n');
  };
  line(a, fill(c.rng.pick(c.p.greeting), undefined, name));
  line(b, [c.rng.pick(c.p.filler)]);
  for (const it of c.items) {
    line(c.rng.chance(0.8) ? a : b, sentence(c, it, name));
    if (c.rng.chance(0.3)) line(b, [c.rng.pick(['ok 👍', '✅', 'danke!', 'got it', '了解です', '收到', 'شكراً', 'спасибо', 'obrigado', 'gracias'])]);
  }
  line(a, [c.rng.pick(c.p.closing)]);
  return out;
}

function mail(c: GenCtx): Part[] {
  const name = namer(c);
  const from = c.items.find((s) => s.kind === 'pii' && s.v.type === 'email');
  const rest = c.items.filter((s) => s !== from);
  const sender = personName(c.rng, c.lang);
  const out: Part[] = [];
  if (from) out.push('From: ', nameSlot(sender), ' <', from, '>\n');
  else out.push('From: ', nameSlot(sender), '\n');
  out.push('To: Customer Care\n', `Date: ${c.rng.pick(['Tue', 'Wed', 'Thu'])}, ${c.rng.int(1, 28)} Mar 2024 ${c.rng.int(7, 18)}:${c.rng.int(10, 59)}:0${c.rng.int(0, 9)} +0100\n`);
  out.push(c.rng.pick(c.p.subject).replace(/^[^:：]*[:：] ?/, 'Subject: '), '\n\n');
  out.push(...fill(c.rng.pick(c.p.greeting), undefined, name), '\n\n');
  const body = rest.filter(() => true);
  const sig = body.length > 1 && c.rng.chance(0.5) ? body.pop() : undefined;
  out.push(...prose(c, body), '\n\n', c.rng.pick(c.p.closing), '\n', nameSlot(sender), '\n');
  if (sig) {
    const label = sig.kind === 'pii' ? c.p.labels[sig.v.type] : (c.p.negLabels[sig.v.category] ?? 'Ref');
    out.push('--\n', label, ': ', sig, '\n');
  }
  return out;
}

// --- structured genres ---------------------------------------------------------------------------

function jsonEscapeSlot(s: Slot): Slot {
  const v = JSON.stringify(s.v.value).slice(1, -1);
  if (v === s.v.value) return s;
  return s.kind === 'pii' ? { kind: 'pii', v: { ...s.v, value: v, variant: `${s.v.variant}_json` } } : { kind: 'neg', v: { ...s.v, value: v } };
}

function jsonString(parts: Part[]): Part[] {
  const out: Part[] = ['"'];
  for (const p of parts) {
    if (typeof p === 'string') out.push(JSON.stringify(p).slice(1, -1));
    else if (p.kind === 'name') out.push(nameSlot(JSON.stringify(p.value).slice(1, -1)));
    else out.push(jsonEscapeSlot(p));
  }
  out.push('"');
  return out;
}

const JSON_KEYS: Readonly<Record<EntityType, readonly string[]>> = {
  email: ['email', 'contact_email', 'billing_email', 'userEmail'],
  phone: ['phone', 'mobile', 'phoneNumber', 'tel'],
  credit_card: ['card_number', 'pan', 'cardNumber'],
  us_ssn: ['ssn', 'SSN', 'tax_ssn'],
  iban: ['iban', 'IBAN', 'payout_iban'],
  ipv4: ['ip', 'client_ip', 'remoteAddr', 'x_forwarded_for'],
  ipv6: ['ip6', 'client_ip', 'remoteAddr'],
  api_key: ['api_key', 'apiKey', 'token', 'secret'],
  jwt: ['access_token', 'id_token', 'jwt', 'authorization'],
  private_key: ['private_key', 'privateKey', 'signing_key'],
  url_credentials: ['database_url', 'dsn', 'connectionString', 'broker_url'],
};

function keyFor(c: GenCtx, s: Slot): string {
  if (s.kind === 'pii') return c.rng.chance(0.2) ? c.p.labels[s.v.type] : c.rng.pick(JSON_KEYS[s.v.type]);
  const local = c.p.negLabels[s.v.category];
  if (local && c.rng.chance(0.3)) return local;
  switch (s.v.category) {
    case 'order_number':
      return 'order_id';
    case 'tracking_number':
      return 'tracking';
    case 'uuid':
      return 'request_id';
    case 'date':
      return 'due_date';
    case 'timestamp':
      return 'created_at';
    case 'version':
      return 'client_version';
    case 'git_sha':
      return 'commit';
    case 'hex_hash':
      return 'checksum';
    case 'mac_address':
      return 'mac';
    case 'imei':
      return 'imei';
    case 'invalid_ssn':
      return 'ssn';
    case 'bad_iban':
      return 'iban';
    case 'invalid_ip':
      return 'ip';
    case 'luhn_invalid':
      return 'reference';
    case 'part_number':
      return 'part_no';
    case 'price':
      return 'amount';
    case 'code_token':
      return 'symbol';
    case 'placeholder_key':
      return 'api_key';
    case 'public_pem':
      return 'public_key';
    case 'asset_name':
      return 'logo';
    case 'scp_remote':
    case 'url_userinfo':
      return 'repo';
    case 'jwt_like':
      return 'state';
    case 'isbn':
      return 'isbn';
  }
}

/** Bare SSNs only where a label names them (a key, a column, a phrase). */
function ssnKey(c: GenCtx, s: Slot): string {
  return s.kind === 'pii' && s.v.type === 'us_ssn' && s.v.variant === 'ssn_bare' ? c.rng.pick(['ssn', 'SSN']) : keyFor(c, s);
}

function json(c: GenCtx): Part[] {
  const name = namer(c);
  const fields: Slot[] = [];
  const inText: Slot[] = [];
  for (const it of c.items) (c.rng.chance(0.6) ? fields : inText).push(it);
  const ind = (n: number) => '  '.repeat(n);
  const out: Part[] = ['{\n', `${ind(1)}"ticket": "T-${c.rng.int(10000, 99999)}",\n`, `${ind(1)}"lang": "${c.lang}",\n`, `${ind(1)}"customer": {\n`, `${ind(2)}"name": `, ...jsonString([name()])];
  const used = new Set<string>(['name']);
  for (const f of fields) {
    let key = ssnKey(c, f);
    for (let n = 2; used.has(key); n++) key = `${ssnKey(c, f)}_${n}`;
    used.add(key);
    out.push(',\n', `${ind(2)}"${key}": `, ...jsonString([f]));
  }
  out.push('\n', `${ind(1)}},\n`, `${ind(1)}"messages": [\n`);
  const msgs = inText.length > 0 ? inText : [];
  out.push(`${ind(2)}{ "role": "system", "content": "You are a helpful support agent. Answer in ${c.lang}." }`);
  for (const it of msgs) out.push(',\n', `${ind(2)}{ "role": "user", "content": `, ...jsonString(sentence(c, it, name)), ' }');
  out.push('\n', `${ind(1)}]\n}`);
  return out;
}

function envKey(s: Slot): string {
  if (s.kind === 'neg') {
    const k: Partial<Record<string, string>> = {
      version: 'APP_VERSION',
      git_sha: 'GIT_COMMIT',
      hex_hash: 'ASSET_CHECKSUM',
      uuid: 'INSTANCE_ID',
      placeholder_key: 'OPENAI_API_KEY',
      date: 'RELEASE_DATE',
      timestamp: 'BUILD_TIME',
      public_pem: 'JWT_PUBLIC_KEY',
      scp_remote: 'REPO',
      url_userinfo: 'REPO_URL',
      jwt_like: 'OAUTH_STATE',
      asset_name: 'LOGO_FILE',
      invalid_ip: 'LEGACY_HOST',
      mac_address: 'DEVICE_MAC',
      code_token: 'ENTRYPOINT',
      bad_iban: 'OLD_IBAN',
      invalid_ssn: 'TEST_SSN',
      luhn_invalid: 'DECLINED_CARD',
      order_number: 'LAST_ORDER_ID',
      tracking_number: 'TRACKING_NO',
      part_number: 'PART_NO',
      imei: 'DEVICE_IMEI',
      price: 'PRICE_LIMIT',
    };
    return k[s.v.category] ?? `${s.v.category.toUpperCase()}`;
  }
  switch (s.v.type) {
    case 'api_key':
      return s.v.variant.startsWith('openai')
        ? 'OPENAI_API_KEY'
        : s.v.variant === 'anthropic'
          ? 'ANTHROPIC_API_KEY'
          : s.v.variant.startsWith('aws')
            ? 'AWS_ACCESS_KEY_ID'
            : s.v.variant.startsWith('github')
              ? 'GITHUB_TOKEN'
              : 'SLACK_BOT_TOKEN';
    case 'url_credentials':
      return 'DATABASE_URL';
    case 'jwt':
      return 'SERVICE_JWT';
    case 'private_key':
      return 'SIGNING_PRIVATE_KEY';
    case 'email':
      return 'ALERT_EMAIL';
    case 'phone':
      return 'ONCALL_PHONE';
    case 'ipv4':
      return 'DB_HOST';
    case 'ipv6':
      return 'BIND_ADDR6';
    case 'iban':
      return 'PAYOUT_IBAN';
    case 'credit_card':
      return 'TEST_CARD';
    case 'us_ssn':
      return 'OWNER_SSN';
  }
}

const COMMENTS: Readonly<Record<Lang, readonly string[]>> = {
  en: ['# production settings', '# do not commit this file', '# rotated last quarter'],
  de: ['# Produktivumgebung', '# Datei nicht einchecken!', '# zuletzt rotiert im Q3'],
  fr: ['# configuration de production', '# ne pas committer ce fichier'],
  es: ['# configuración de producción', '# no subir este archivo'],
  pt: ['# configuração de produção', '# não versionar este arquivo'],
  ja: ['# 本番環境の設定', '# このファイルはコミットしないこと'],
  zh: ['# 生产环境配置', '# 不要提交这个文件'],
  hi: ['# प्रोडक्शन सेटिंग्स', '# यह फ़ाइल commit न करें'],
  ar: ['# إعدادات الإنتاج', '# لا ترفع هذا الملف'],
  ru: ['# боевые настройки', '# не коммитить этот файл'],
};

/** A private key as it sits in a one-line value: line breaks written as `\n`. */
function oneLine(s: Slot): Slot {
  if (s.kind === 'pii' && s.v.type === 'private_key' && s.v.value.includes('\n')) return pii({ ...s.v, value: s.v.value.replace(/\n/g, '\\n'), variant: `${s.v.variant}_escaped` });
  if (s.kind === 'neg' && s.v.category === 'public_pem') return { kind: 'neg', v: { ...s.v, value: s.v.value.replace(/\n/g, '\\n') } };
  return s;
}

function env(c: GenCtx): Part[] {
  const out: Part[] = [c.rng.pick(COMMENTS[c.lang]), '\n', 'NODE_ENV=production\n', `PORT=${c.rng.pick(['3000', '8080', '8443'])}\n`];
  for (const it of c.items) {
    const v = oneLine(it);
    const quote = v.kind === 'pii' && (v.v.type === 'phone' || v.v.type === 'private_key' || v.v.value.includes(' ')) ? '"' : c.rng.chance(0.2) ? "'" : '';
    out.push(`${envKey(it)}=`, quote, v, quote, '\n');
    if (c.rng.chance(0.2)) out.push(`LOG_LEVEL=${c.rng.pick(['info', 'debug', 'warn'])}\n`);
  }
  return out;
}

function yaml(c: GenCtx): Part[] {
  const out: Part[] = [c.rng.pick(COMMENTS[c.lang]), '\n', `service:\n  name: ${c.rng.pick(['billing-api', 'orders', 'notifier', 'gateway'])}\n  replicas: ${c.rng.int(1, 6)}\n`, 'settings:\n'];
  for (const it of c.items) {
    const key = envKey(it).toLowerCase();
    if (it.kind === 'pii' && it.v.type === 'private_key' && !it.v.value.includes('\\n')) {
      // A block scalar: every line of the key indented under its name.
      out.push(`  ${key}: |\n    `, pii({ ...it.v, value: it.v.value.replace(/\n/g, '\n    '), variant: `${it.v.variant}_yaml` }), '\n');
      continue;
    }
    const v = oneLine(it);
    const quoted = c.rng.chance(0.5) || (v.kind === 'pii' && v.v.value.includes(': '));
    out.push(`  ${key}: `, quoted ? '"' : '', v, quoted ? '"' : '', '\n');
  }
  return out;
}

function code(c: GenCtx): Part[] {
  const style = c.rng.pick(['python', 'js', 'curl', 'shell']);
  const out: Part[] = [];
  const comment = (s: string) => (style === 'js' ? s.replace(/^#/, '//') : s);
  if (style === 'python') out.push('import os\nimport requests\n\n', comment(c.rng.pick(COMMENTS[c.lang])), '\n');
  if (style === 'js') out.push("import { createClient } from './client.js';\n\n", comment(c.rng.pick(COMMENTS[c.lang])), '\n');
  if (style === 'shell') out.push('#!/usr/bin/env bash\nset -euo pipefail\n', c.rng.pick(COMMENTS[c.lang]), '\n');
  for (const it of c.items) {
    const v = oneLine(it);
    const key = envKey(it);
    if (style === 'curl') {
      if (it.kind === 'pii' && (it.v.type === 'jwt' || it.v.type === 'api_key')) out.push('curl -sS -H "Authorization: Bearer ', v, '" https://api.northwind-traders.com/v2/orders\n');
      else if (it.kind === 'pii' && it.v.type === 'ipv4') out.push('curl -v http://', v, `:${c.rng.pick(['8080', '9200', '3000'])}/healthz\n`);
      else if (it.kind === 'pii' && it.v.type === 'ipv6') out.push('curl -g "http://[', v, ']:8080/metrics"\n');
      else out.push(`curl -X POST https://api.northwind-traders.com/v2/customers -d '{"${keyFor(c, it)}": "`, v, '"}\'\n');
    } else if (style === 'python') {
      out.push(`${key} = "`, v, '"\n');
    } else if (style === 'js') {
      out.push(`const ${key.toLowerCase().replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase())} = '`, v, "';\n");
    } else {
      out.push(`export ${key}="`, v, '"\n');
    }
  }
  if (style === 'python') out.push('resp = requests.get(f"https://api.northwind-traders.com/v2/orders?page={page}", timeout=10)\n');
  if (style === 'js') out.push('const client = createClient({ retries: 3, timeoutMs: 10_000 });\n');
  return out;
}

function logTimestamp(c: GenCtx): string {
  return `2024-0${c.rng.int(1, 9)}-${String(c.rng.int(10, 28))}T${String(c.rng.int(10, 23))}:${String(c.rng.int(10, 59))}:${String(c.rng.int(10, 59))}.${c.rng.int(100, 999)}Z`;
}

function log(c: GenCtx): Part[] {
  const out: Part[] = [];
  for (const it of c.items) {
    const level = c.rng.pick(['INFO', 'WARN', 'ERROR', 'DEBUG']);
    out.push(`${logTimestamp(c)} ${level} [${c.rng.pick(['api', 'auth', 'billing', 'worker-3'])}] `);
    if (it.kind === 'pii') {
      switch (it.v.type) {
        case 'ipv4':
          out.push(c.rng.pick(['client_ip=', 'remote_addr=', 'X-Forwarded-For: ']), it, c.rng.pick([' method=GET path=/api/v1/orders status=200 dur=12ms', ', 10.0.0.0/8 proxy ok', ` port=${c.rng.int(1024, 65000)}`]));
          break;
        case 'ipv6':
          out.push('connection from [', it, `]:${c.rng.int(1024, 65000)} accepted`);
          break;
        case 'email':
          out.push('login ok user=', it, ` session_ttl=${c.rng.int(60, 3600)}s`);
          break;
        case 'jwt':
          out.push('rejected token (expired): Bearer ', it);
          break;
        case 'url_credentials':
          out.push('connecting to ', it, '/orders?sslmode=require');
          break;
        case 'api_key':
          out.push('outbound call with key=', it, ' failed: 401');
          break;
        case 'us_ssn':
          out.push(it.v.variant === 'ssn_bare' ? 'kyc check ssn=' : 'kyc check input=', it, ' result=match');
          break;
        default:
          out.push(`validation failed for field ${keyFor(c, it)}: value="`, oneLine(it), '"');
      }
    } else {
      const label = keyFor(c, it);
      out.push(`${label}=`, oneLine(it), c.rng.pick([' ok', ' retry=2', ` took ${c.rng.int(3, 900)}ms`]));
    }
    out.push('\n');
  }
  return out;
}

const bareSsn = (s: Slot): boolean => s.kind === 'pii' && s.v.variant === 'ssn_bare';

function stacktrace(c: GenCtx): Part[] {
  const out: Part[] = [];
  const [first, ...rest] = c.items;
  const style = c.rng.pick(['python', 'node', 'java']);
  if (style === 'python') {
    out.push('Traceback (most recent call last):\n', `  File "/srv/app/billing/tasks.py", line ${c.rng.int(20, 400)}, in run\n`, '    result = charge(customer)\n', `  File "/srv/app/billing/charge.py", line ${c.rng.int(20, 400)}, in charge\n`);
    if (first) out.push('    raise PaymentError(f"declined: {value!r}")\n', `billing.errors.PaymentError: declined: ${bareSsn(first) ? 'ssn=' : ''}'`, oneLine(first), "'\n");
  } else if (style === 'node') {
    if (first) out.push(`Error: request failed for ${bareSsn(first) ? 'ssn ' : ''}`, oneLine(first), '\n');
    out.push(`    at Client.query (/srv/app/node_modules/pg/lib/client.js:${c.rng.int(100, 600)}:${c.rng.int(5, 40)})\n`, `    at async handler (/srv/app/dist/routes/orders.js:${c.rng.int(10, 300)}:${c.rng.int(3, 30)})\n`);
  } else {
    if (first) out.push(`java.lang.IllegalStateException: unexpected value ${bareSsn(first) ? 'for SSN: ' : ''}`, oneLine(first), '\n');
    out.push(`\tat com.acme.billing.PaymentService.charge(PaymentService.java:${c.rng.int(20, 900)})\n`, `\tat com.acme.billing.api.Controller.post(Controller.java:${c.rng.int(20, 300)})\n`);
  }
  for (const it of rest) out.push(style === 'java' ? 'Caused by: ' : 'context: ', `${keyFor(c, it)}=`, oneLine(it), '\n');
  return out;
}

function table(c: GenCtx): Part[] {
  const out: Part[] = [];
  const name = namer(c);
  if (c.rng.chance(0.5)) {
    const header = { en: ['Field', 'Value'], de: ['Feld', 'Wert'], fr: ['Champ', 'Valeur'], es: ['Campo', 'Valor'], pt: ['Campo', 'Valor'], ja: ['項目', '値'], zh: ['字段', '值'], hi: ['फ़ील्ड', 'मान'], ar: ['الحقل', 'القيمة'], ru: ['Поле', 'Значение'] }[c.lang];
    out.push(`| ${header[0]} | ${header[1]} |\n|---|---|\n`, '| Name | ', name(), ' |\n');
    for (const it of c.items) {
      const label = it.kind === 'pii' ? c.p.labels[it.v.type] : (c.p.negLabels[it.v.category] ?? keyFor(c, it));
      out.push(`| ${label} | `, oneLine(it), ' |\n');
    }
    return out;
  }
  // One row per item: who, what, value, a note.
  out.push('| # | Name | Type | Value | Note |\n|---:|---|---|---|---|\n');
  c.items.forEach((it, i) => {
    const label = it.kind === 'pii' ? c.p.labels[it.v.type] : (c.p.negLabels[it.v.category] ?? keyFor(c, it));
    out.push(`| ${i + 1} | `, name(), ` | ${label} | `, oneLine(it), ` | ${c.rng.pick(['✅', '⚠️ check', 'ok', '—', '2x', 'alt'])} |\n`);
  });
  return out;
}

export const GENRES: Readonly<Record<Genre, (c: GenCtx) => Part[]>> = { ticket, chat, email: mail, json, env, yaml, code, log, stacktrace, table };

export function genreContext(rng: Rng, lang: Lang, items: Slot[]): GenCtx {
  return { rng, lang, p: PHRASES[lang], items };
}
