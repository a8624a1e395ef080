// Value generators for the labelled corpus: true entities of every type in the shapes people write
// them, and hard negatives that look like them. Checksums (Luhn, mod-97) are computed here, on their
// own, not with switchyard's validators, so the corpus does not inherit the engine's mistakes.
import { ALNUM, B64, B64URL, DIGITS, HEX, LOWER, Rng, UPPER } from './rng.js';

export type EntityType =
  | 'email'
  | 'phone'
  | 'credit_card'
  | 'us_ssn'
  | 'iban'
  | 'ipv4'
  | 'ipv6'
  | 'api_key'
  | 'jwt'
  | 'private_key'
  | 'url_credentials';

export const ENTITY_TYPES: readonly EntityType[] = [
  'email',
  'phone',
  'credit_card',
  'us_ssn',
  'iban',
  'ipv4',
  'ipv6',
  'api_key',
  'jwt',
  'private_key',
  'url_credentials',
];

export type Lang = 'en' | 'de' | 'fr' | 'es' | 'pt' | 'ja' | 'zh' | 'hi' | 'ar' | 'ru';
export const LANGS: readonly Lang[] = ['en', 'de', 'fr', 'es', 'pt', 'ja', 'zh', 'hi', 'ar', 'ru'];

export type NegativeCategory =
  | 'luhn_invalid'
  | 'order_number'
  | 'part_number'
  | 'tracking_number'
  | 'imei'
  | 'uuid'
  | 'git_sha'
  | 'hex_hash'
  | 'date'
  | 'timestamp'
  | 'version'
  | 'invalid_ssn'
  | 'bad_iban'
  | 'invalid_ip'
  | 'mac_address'
  | 'isbn'
  | 'price'
  | 'code_token'
  | 'placeholder_key'
  | 'public_pem'
  | 'asset_name'
  | 'scp_remote'
  | 'jwt_like'
  | 'url_userinfo';

/** A value of a true entity, and how it is written (`variant`, for per-format breakdowns). */
export interface PositiveValue {
  type: EntityType;
  value: string;
  variant: string;
}

/** A hard negative: a value that must survive redaction, and the type it could be mistaken for. */
export interface NegativeValue {
  looksLike: EntityType;
  category: NegativeCategory;
  value: string;
}

// --- checksums ---------------------------------------------------------------------------------

/** Appends the Luhn check digit to `partial`. */
export function luhnComplete(partial: string): string {
  let sum = 0;
  let double = true; // the digit left of the check digit is doubled
  for (let i = partial.length - 1; i >= 0; i--) {
    let d = partial.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return partial + String((10 - (sum % 10)) % 10);
}

export function luhnOk(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function mod97(numeric: string): number {
  let rem = 0;
  for (let i = 0; i < numeric.length; i++) {
    const c = numeric.charCodeAt(i);
    rem = c >= 65 ? (rem * 100 + (c - 55)) % 97 : (rem * 10 + (c - 48)) % 97;
  }
  return rem;
}

/** IBAN check digits for a country and BBAN (ISO 13616). */
export function ibanWithCheck(country: string, bban: string): string {
  const check = 98 - mod97(bban + country + '00');
  return country + String(check).padStart(2, '0') + bban;
}

export function ibanOk(compact: string): boolean {
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

// --- people, places, domains (neutral text) ------------------------------------------------------

export const NAMES: Readonly<Record<Lang, ReadonlyArray<readonly [string, string]>>> = {
  en: [['Emily', 'Carter'], ['James', 'Whitaker'], ['Olivia', 'Brennan'], ['Marcus', 'Hale'], ['Priya', 'Raman'], ['Daniel', 'Okafor'], ['Sarah', 'Lindqvist'], ['Tom', 'Fischer']],
  de: [['Jürgen', 'Schäfer'], ['Katrin', 'Vogel'], ['Lukas', 'Brandt'], ['Anja', 'Hoffmann'], ['Matthias', 'Krüger'], ['Sabine', 'Wolff'], ['Felix', 'Neumann'], ['Lena', 'Zimmermann']],
  fr: [['Camille', 'Lefèvre'], ['Julien', 'Moreau'], ['Élodie', 'Garnier'], ['Antoine', 'Rousseau'], ['Chloé', 'Fontaine'], ['Mathieu', 'Girard'], ['Inès', 'Benali'], ['Hugo', 'Lambert']],
  es: [['Lucía', 'Fernández'], ['Javier', 'Ortega'], ['Carmen', 'Ruiz'], ['Diego', 'Navarro'], ['Sofía', 'Morales'], ['Pablo', 'Castillo'], ['Marta', 'Iglesias'], ['Andrés', 'Vega']],
  pt: [['João', 'Pereira'], ['Ana', 'Carvalho'], ['Rafael', 'Oliveira'], ['Beatriz', 'Souza'], ['Tiago', 'Martins'], ['Mariana', 'Costa'], ['Gustavo', 'Almeida'], ['Inês', 'Rodrigues']],
  ja: [['太郎', '田中'], ['花子', '佐藤'], ['健太', '鈴木'], ['美咲', '高橋'], ['翔', '伊藤'], ['由美', '渡辺'], ['大輔', '山本'], ['陽菜', '中村']],
  zh: [['伟', '王'], ['芳', '李'], ['娜', '张'], ['强', '刘'], ['敏', '陈'], ['静', '杨'], ['磊', '赵'], ['丽', '黄']],
  hi: [['राहुल', 'शर्मा'], ['प्रिया', 'वर्मा'], ['अमित', 'गुप्ता'], ['नेहा', 'सिंह'], ['विकास', 'यादव'], ['पूजा', 'मेहता'], ['अर्जुन', 'नायर'], ['सुनीता', 'जोशी']],
  ar: [['أحمد', 'الحربي'], ['فاطمة', 'الزهراني'], ['محمد', 'العتيبي'], ['ليلى', 'حداد'], ['يوسف', 'منصور'], ['سارة', 'القحطاني'], ['عمر', 'خليل'], ['نور', 'سليمان']],
  ru: [['Алексей', 'Смирнов'], ['Ольга', 'Кузнецова'], ['Дмитрий', 'Попов'], ['Мария', 'Васильева'], ['Сергей', 'Новиков'], ['Анна', 'Морозова'], ['Иван', 'Соколов'], ['Екатерина', 'Лебедева']],
};

// Romanised given/family names for e-mail local parts.
const LATIN_NAMES: Readonly<Record<Lang, ReadonlyArray<readonly [string, string]>>> = {
  en: [['emily', 'carter'], ['james', 'whitaker'], ['olivia', 'brennan'], ['marcus', 'hale'], ['priya', 'raman'], ['dan', 'okafor']],
  de: [['juergen', 'schaefer'], ['katrin', 'vogel'], ['lukas', 'brandt'], ['anja', 'hoffmann'], ['matthias', 'krueger'], ['lena', 'zimmermann']],
  fr: [['camille', 'lefevre'], ['julien', 'moreau'], ['elodie', 'garnier'], ['antoine', 'rousseau'], ['chloe', 'fontaine'], ['hugo', 'lambert']],
  es: [['lucia', 'fernandez'], ['javier', 'ortega'], ['carmen', 'ruiz'], ['diego', 'navarro'], ['sofia', 'morales'], ['pablo', 'castillo']],
  pt: [['joao', 'pereira'], ['ana', 'carvalho'], ['rafael', 'oliveira'], ['beatriz', 'souza'], ['tiago', 'martins'], ['mariana', 'costa']],
  ja: [['taro', 'tanaka'], ['hanako', 'sato'], ['kenta', 'suzuki'], ['misaki', 'takahashi'], ['sho', 'ito'], ['yumi', 'watanabe']],
  zh: [['wei', 'wang'], ['fang', 'li'], ['na', 'zhang'], ['qiang', 'liu'], ['min', 'chen'], ['jing', 'yang']],
  hi: [['rahul', 'sharma'], ['priya', 'verma'], ['amit', 'gupta'], ['neha', 'singh'], ['vikas', 'yadav'], ['pooja', 'mehta']],
  ar: [['ahmed', 'alharbi'], ['fatima', 'alzahrani'], ['mohammed', 'alotaibi'], ['layla', 'haddad'], ['yousef', 'mansour'], ['sara', 'alqahtani']],
  ru: [['alexey', 'smirnov'], ['olga', 'kuznetsova'], ['dmitry', 'popov'], ['maria', 'vasilieva'], ['sergey', 'novikov'], ['anna', 'morozova']],
};

const DOMAINS: Readonly<Record<Lang, readonly string[]>> = {
  en: ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'northwind-traders.com', 'mail.brightpath.io', 'acmecorp.co.uk', 'stanford.edu'],
  de: ['web.de', 'gmx.de', 't-online.de', 'posteo.de', 'schaefer-logistik.de', 'mail.stadtwerke-kassel.de', 'gmx.at', 'bluewin.ch'],
  fr: ['orange.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'boulangerie-moreau.fr', 'univ-lyon1.fr', 'wanadoo.fr'],
  es: ['hotmail.es', 'telefonica.es', 'yahoo.es', 'gmail.com', 'construcciones-ortega.es', 'correo.ugr.es', 'prodigy.net.mx'],
  pt: ['uol.com.br', 'bol.com.br', 'sapo.pt', 'gmail.com', 'terra.com.br', 'construtora-almeida.com.br', 'ua.pt'],
  ja: ['yahoo.co.jp', 'docomo.ne.jp', 'ezweb.ne.jp', 'gmail.com', 'tanaka-shoji.co.jp', 'i.softbank.jp', 'u-tokyo.ac.jp'],
  zh: ['qq.com', '163.com', '126.com', 'sina.com.cn', 'foxmail.com', 'huaxin-tech.cn', 'pku.edu.cn'],
  hi: ['rediffmail.com', 'gmail.com', 'yahoo.co.in', 'sharma-textiles.in', 'iitb.ac.in', 'outlook.in'],
  ar: ['hotmail.com', 'gmail.com', 'outlook.sa', 'emirates-trading.ae', 'stc.com.sa', 'yahoo.com'],
  ru: ['mail.ru', 'yandex.ru', 'rambler.ru', 'gmail.com', 'inbox.ru', 'tehnoprom.ru', 'bk.ru'],
};

export function personName(rng: Rng, lang: Lang): string {
  const [given, family] = rng.pick(NAMES[lang]);
  // East Asian names: family name first, no space.
  if (lang === 'ja' || lang === 'zh') return family + given;
  return `${given} ${family}`;
}

// --- positives ---------------------------------------------------------------------------------

export function email(rng: Rng, lang: Lang): PositiveValue {
  const [g, f] = rng.pick(LATIN_NAMES[lang]);
  const domain = rng.pick(DOMAINS[lang]);
  const variant = rng.weighted<string>([
    ['first.last', 5],
    ['flast', 2],
    ['first_last', 1],
    ['plus_tag', 1],
    ['digits', 2],
    ['capitalised', 1],
    ['role', 1],
  ]);
  let local: string;
  switch (variant) {
    case 'first.last':
      local = `${g}.${f}`;
      break;
    case 'flast':
      local = `${g[0]}${f}`;
      break;
    case 'first_last':
      local = `${g}_${f}${rng.int(1, 99)}`;
      break;
    case 'plus_tag':
      local = `${g}.${f}+${rng.pick(['shop', 'news', 'work', 'github', 'invoices'])}`;
      break;
    case 'digits':
      local = domain === 'qq.com' || domain === '163.com' ? rng.digits(rng.int(8, 10)).replace(/^0/, '1') : `${g}${f[0]}${rng.int(1960, 2008)}`;
      break;
    case 'capitalised':
      local = `${g[0]!.toUpperCase()}${g.slice(1)}.${f[0]!.toUpperCase()}${f.slice(1)}`;
      break;
    default:
      local = rng.pick(['billing', 'support', 'contact', 'hr', 'facturacion', 'kontakt', 'info']) + (rng.chance(0.5) ? `-${rng.pick(['eu', 'team', 'de', 'mx'])}` : '');
  }
  return { type: 'email', value: `${local}@${domain}`, variant };
}

type PhonePlan = 'us' | 'uk' | 'de' | 'at' | 'ch' | 'fr' | 'es' | 'pt' | 'br' | 'jp' | 'cn' | 'in' | 'ae' | 'sa' | 'eg' | 'ru' | 'mx';

const PLANS_BY_LANG: Readonly<Record<Lang, ReadonlyArray<readonly [PhonePlan, number]>>> = {
  en: [['us', 6], ['uk', 3], ['in', 1]],
  de: [['de', 6], ['at', 1], ['ch', 1]],
  fr: [['fr', 5], ['ch', 1]],
  es: [['es', 5], ['mx', 2]],
  pt: [['br', 4], ['pt', 3]],
  ja: [['jp', 1]],
  zh: [['cn', 1]],
  hi: [['in', 1]],
  ar: [['ae', 2], ['sa', 2], ['eg', 1]],
  ru: [['ru', 1]],
};

function usNumber(rng: Rng): [string, string, string] {
  let area: string;
  do area = `${rng.int(2, 9)}${rng.int(0, 8)}${rng.int(0, 9)}`;
  while (area[1] === '1' && area[2] === '1');
  let exch: string;
  do exch = `${rng.int(2, 9)}${rng.digits(2)}`;
  while (exch[1] === '1' && exch[2] === '1');
  return [area, exch, rng.digits(4)];
}

export function phone(rng: Rng, lang: Lang, plan: PhonePlan = rng.weighted(PLANS_BY_LANG[lang])): PositiveValue {
  const d = (n: number) => rng.digits(n);
  const nz = (n: number) => String(rng.int(1, 9)) + rng.digits(n - 1);
  let forms: Array<readonly [string, string]>; // [variant, value]
  switch (plan) {
    case 'us': {
      const [a, e, l] = usNumber(rng);
      forms = [
        ['us_paren', `(${a}) ${e}-${l}`],
        ['us_dash', `${a}-${e}-${l}`],
        ['us_dot', `${a}.${e}.${l}`],
        ['us_e164_spaced', `+1 ${a} ${e} ${l}`],
        ['us_e164_dash', `+1-${a}-${e}-${l}`],
        ['us_e164_paren', `+1 (${a}) ${e}-${l}`],
        ['us_trunk', `1-${a}-${e}-${l}`],
        ['us_e164', `+1${a}${e}${l}`],
      ];
      break;
    }
    case 'uk': {
      const mob = `7${rng.int(4, 9)}${d(2)}`;
      const sub = d(6);
      const l1 = `${rng.int(3, 8)}${d(3)}`;
      const l2 = d(4);
      forms = [
        ['uk_london_intl', `+44 20 ${l1} ${l2}`],
        ['uk_london', `020 ${l1} ${l2}`],
        ['uk_mobile', `0${mob} ${sub}`],
        ['uk_mobile_intl', `+44 ${mob} ${sub}`],
        ['uk_trunk_paren', `+44 (0)20 ${l1} ${l2}`],
        ['uk_geo', `0161 ${nz(3)} ${d(4)}`],
        ['uk_mobile_bare', `0${mob}${sub}`],
      ];
      break;
    }
    case 'de': {
      const area = rng.pick(['30', '40', '89', '69', '221', '711', '351', '611']);
      const subLen = area.length === 2 ? rng.int(7, 8) : 7;
      const sub = nz(subLen);
      const mob = rng.pick(['151', '152', '160', '162', '170', '171', '172', '176', '179']);
      const msub = nz(rng.int(7, 8));
      forms = [
        ['de_intl', `+49 ${area} ${sub}`],
        ['de_national', `0${area} ${sub}`],
        ['de_slash', `0${area}/${sub}`],
        ['de_dash', `0${area}-${sub}`],
        ['de_paren', `(0${area}) ${sub}`],
        ['de_trunk_paren', `+49 (0)${area} ${sub}`],
        ['de_00', `0049 ${area} ${sub}`],
        ['de_mobile', `0${mob} ${msub}`],
        ['de_mobile_intl', `+49 ${mob} ${msub}`],
        ['de_mobile_grouped', `0${mob} ${msub.slice(0, 3)} ${msub.slice(3, 5)} ${msub.slice(5)}`],
        ['de_mobile_bare', `0${mob}${msub}`],
      ];
      break;
    }
    case 'at': {
      const sub = nz(rng.int(6, 8));
      forms = [
        ['at_intl', `+43 1 ${sub}`],
        ['at_mobile', `0664 ${nz(7)}`],
        ['at_mobile_intl', `+43 664 ${nz(7)}`],
      ];
      break;
    }
    case 'ch': {
      const a = rng.pick(['44', '31', '22', '61']);
      forms = [
        ['ch_intl', `+41 ${a} ${nz(3)} ${d(2)} ${d(2)}`],
        ['ch_national', `0${a} ${nz(3)} ${d(2)} ${d(2)}`],
        ['ch_mobile', `079 ${nz(3)} ${d(2)} ${d(2)}`],
      ];
      break;
    }
    case 'fr': {
      const first = rng.pick(['1', '2', '3', '4', '5', '6', '7', '9']);
      const pairs = [d(2), d(2), d(2), d(2)];
      forms = [
        ['fr_national', `0${first} ${pairs.join(' ')}`],
        ['fr_dots', `0${first}.${pairs.join('.')}`],
        ['fr_intl', `+33 ${first} ${pairs.join(' ')}`],
        ['fr_trunk_paren', `+33 (0)${first} ${pairs.join(' ')}`],
        ['fr_e164', `+33${first}${pairs.join('')}`],
        ['fr_bare', `0${first}${pairs.join('')}`],
        ['fr_dash', `0${first}-${pairs.join('-')}`],
      ];
      break;
    }
    case 'es': {
      const mob = `${rng.pick(['6', '7'])}${d(2)}`;
      const land = `9${rng.int(1, 8)}`;
      forms = [
        ['es_intl_3', `+34 ${mob} ${d(3)} ${d(3)}`],
        ['es_intl_2', `+34 ${mob} ${d(2)} ${d(2)} ${d(2)}`],
        ['es_mobile_3', `${mob} ${d(3)} ${d(3)}`],
        ['es_mobile_2', `${mob} ${d(2)} ${d(2)} ${d(2)}`],
        ['es_land', `${land} ${nz(3)} ${d(2)} ${d(2)}`],
        ['es_land_intl', `+34 ${land} ${nz(3)} ${d(2)} ${d(2)}`],
      ];
      break;
    }
    case 'mx': {
      forms = [
        ['mx_intl', `+52 55 ${nz(4)} ${d(4)}`],
        ['mx_mobile_intl', `+52 1 33 ${nz(4)} ${d(4)}`],
        ['mx_national', `55 ${nz(4)} ${d(4)}`],
      ];
      break;
    }
    case 'pt': {
      const mob = `9${rng.pick(['1', '2', '3', '6'])}${d(1)}`;
      forms = [
        ['pt_intl', `+351 ${mob} ${d(3)} ${d(3)}`],
        ['pt_mobile', `${mob} ${d(3)} ${d(3)}`],
        ['pt_land', `21 ${nz(3)} ${d(4)}`],
        ['pt_land_intl', `+351 21 ${nz(3)} ${d(4)}`],
      ];
      break;
    }
    case 'br': {
      const ddd = rng.pick(['11', '21', '31', '41', '51', '61', '71', '81', '85']);
      const cel = `9${rng.int(6, 9)}${d(3)}`;
      const fixo = `${rng.int(2, 5)}${d(3)}`;
      const tail = d(4);
      forms = [
        ['br_intl', `+55 ${ddd} ${cel}-${tail}`],
        ['br_paren', `(${ddd}) ${cel}-${tail}`],
        ['br_fixo', `(${ddd}) ${fixo}-${tail}`],
        ['br_intl_paren', `+55 (${ddd}) ${cel}-${tail}`],
        ['br_plain', `${ddd} ${cel}-${tail}`],
        ['br_e164', `+55${ddd}${cel}${tail}`],
      ];
      break;
    }
    case 'jp': {
      const mob = rng.pick(['90', '80', '70']);
      const m1 = nz(4);
      const m2 = d(4);
      forms = [
        ['jp_tokyo', `03-${nz(4)}-${d(4)}`],
        ['jp_osaka', `06-${nz(4)}-${d(4)}`],
        ['jp_mobile', `0${mob}-${m1}-${m2}`],
        ['jp_mobile_intl', `+81 ${mob}-${m1}-${m2}`],
        ['jp_intl', `+81 3-${nz(4)}-${d(4)}`],
        ['jp_paren', `(03) ${nz(4)}-${d(4)}`],
        ['jp_tollfree', `0120-${nz(3)}-${d(3)}`],
        ['jp_mobile_bare', `0${mob}${m1}${m2}`],
        ['jp_regional', `045-${nz(3)}-${d(4)}`],
      ];
      break;
    }
    case 'cn': {
      const mob = `1${rng.pick(['3', '5', '7', '8', '9'])}${d(1)}`;
      const m1 = d(4);
      const m2 = d(4);
      forms = [
        ['cn_mobile_spaced', `${mob} ${m1} ${m2}`],
        ['cn_mobile_bare', `${mob}${m1}${m2}`],
        ['cn_mobile_intl', `+86 ${mob} ${m1} ${m2}`],
        ['cn_mobile_intl_bare', `+86 ${mob}${m1}${m2}`],
        ['cn_beijing', `010-${nz(8)}`],
        ['cn_shanghai', `021-${nz(4)} ${d(4)}`],
        ['cn_land_intl', `+86 10 ${nz(4)} ${d(4)}`],
        ['cn_mobile_dash', `${mob}-${m1}-${m2}`],
      ];
      break;
    }
    case 'in': {
      const m = `${rng.int(6, 9)}${d(4)}`;
      const n = d(5);
      forms = [
        ['in_intl', `+91 ${m} ${n}`],
        ['in_national', `${m} ${n}`],
        ['in_intl_dash', `+91-${m}-${n}`],
        ['in_intl_bare', `+91 ${m}${n}`],
        ['in_trunk_bare', `0${m}${n}`],
        ['in_bare', `${m}${n}`],
        ['in_mumbai', `022 ${nz(4)} ${d(4)}`],
        ['in_delhi', `011-${nz(8)}`],
      ];
      break;
    }
    case 'ae': {
      const mob = rng.pick(['50', '52', '55', '56']);
      forms = [
        ['ae_mobile_intl', `+971 ${mob} ${nz(3)} ${d(4)}`],
        ['ae_mobile', `0${mob} ${nz(3)} ${d(4)}`],
        ['ae_dubai_intl', `+971 4 ${nz(3)} ${d(4)}`],
        ['ae_dubai', `04 ${nz(3)} ${d(4)}`],
      ];
      break;
    }
    case 'sa': {
      const mob = `5${rng.pick(['0', '3', '4', '5', '6', '9'])}`;
      forms = [
        ['sa_mobile_intl', `+966 ${mob} ${nz(3)} ${d(4)}`],
        ['sa_mobile', `0${mob} ${nz(3)} ${d(4)}`],
        ['sa_riyadh_intl', `+966 11 ${nz(3)} ${d(4)}`],
        ['sa_mobile_e164', `+966${mob}${nz(7)}`],
      ];
      break;
    }
    case 'eg': {
      const mob = rng.pick(['10', '11', '12', '15']);
      forms = [
        ['eg_mobile_intl', `+20 ${mob} ${nz(4)} ${d(4)}`],
        ['eg_mobile', `0${mob} ${nz(4)} ${d(4)}`],
        ['eg_cairo_intl', `+20 2 ${nz(4)} ${d(4)}`],
      ];
      break;
    }
    case 'ru': {
      const a = rng.pick(['495', '499', '812', '916', '903', '926', '965']);
      const e = nz(3);
      const p1 = d(2);
      const p2 = d(2);
      forms = [
        ['ru_intl', `+7 (${a}) ${e}-${p1}-${p2}`],
        ['ru_intl_plain', `+7 ${a} ${e}-${p1}-${p2}`],
        ['ru_trunk8', `8 (${a}) ${e}-${p1}-${p2}`],
        ['ru_trunk8_dash', `8-${a}-${e}-${p1}-${p2}`],
        ['ru_e164', `+7${a}${e}${p1}${p2}`],
      ];
      break;
    }
  }
  const [variant, value] = rng.pick(forms);
  return { type: 'phone', value, variant };
}

type Scheme = 'visa' | 'visa13' | 'mastercard' | 'mastercard2' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'maestro';

function cardDigits(rng: Rng, scheme: Scheme): string {
  const make = (prefix: string, len: number) => luhnComplete(prefix + rng.digits(len - prefix.length - 1));
  switch (scheme) {
    case 'visa':
      return make('4', 16);
    case 'visa13':
      return make('4', 13);
    case 'mastercard':
      return make(`5${rng.int(1, 5)}`, 16);
    case 'mastercard2':
      return make(String(rng.int(2221, 2720)), 16);
    case 'amex':
      return make(rng.pick(['34', '37']), 15);
    case 'discover':
      return make(rng.pick(['6011', '65', '644', '649']), 16);
    case 'jcb':
      return make(String(rng.int(3528, 3589)), 16);
    case 'diners':
      return make(rng.pick(['36', '38', '300', '305']), 14);
    case 'unionpay':
      return make('62', rng.pick([16, 19]));
    case 'maestro':
      return make(rng.pick(['6759', '5018', '5020', '6304']), rng.pick([16, 19]));
  }
}

/** Groups digits the way they are printed on the card. */
function printedGroups(digits: string): number[] {
  switch (digits.length) {
    case 15:
      return [4, 6, 5];
    case 14:
      return [4, 6, 4];
    case 13:
      return [4, 4, 5];
    case 19:
      return [4, 4, 4, 4, 3];
    default:
      return [4, 4, 4, 4];
  }
}

function group(digits: string, sizes: number[], sep: string): string {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(digits.slice(i, i + n));
    i += n;
  }
  return out.join(sep);
}

export function creditCard(rng: Rng): PositiveValue {
  const scheme = rng.weighted<Scheme>([
    ['visa', 8],
    ['mastercard', 5],
    ['mastercard2', 1],
    ['amex', 3],
    ['discover', 2],
    ['jcb', 1],
    ['diners', 1],
    ['unionpay', 1],
    ['maestro', 1],
    ['visa13', 0.5],
  ]);
  const digits = cardDigits(rng, scheme);
  const style = rng.weighted<string>([
    ['spaced', 5],
    ['bare', 3],
    ['dashed', 2],
  ]);
  const value = style === 'bare' ? digits : group(digits, printedGroups(digits), style === 'spaced' ? ' ' : '-');
  return { type: 'credit_card', value, variant: `${scheme}_${style}` };
}

export function ssn(rng: Rng, style?: 'dashed' | 'spaced' | 'bare'): PositiveValue {
  let area: number;
  do area = rng.int(1, 899);
  while (area === 666);
  const a = String(area).padStart(3, '0');
  const g = String(rng.int(1, 99)).padStart(2, '0');
  const s = String(rng.int(1, 9999)).padStart(4, '0');
  const st = style ?? rng.weighted<'dashed' | 'spaced' | 'bare'>([
    ['dashed', 7],
    ['spaced', 1.5],
    ['bare', 1.5],
  ]);
  const value = st === 'dashed' ? `${a}-${g}-${s}` : st === 'spaced' ? `${a} ${g} ${s}` : `${a}${g}${s}`;
  return { type: 'us_ssn', value, variant: `ssn_${st}` };
}

// BBAN builders: `9` digit, `A` upper-case letter, `C` letter or digit.
const IBAN_FORMATS: Readonly<Record<string, string>> = {
  DE: '999999999999999999',
  AT: '9999999999999999',
  CH: '99999CCCCCCCCCCCC',
  FR: '9999999999CCCCCCCCCCC99',
  ES: '99999999999999999999',
  IT: 'A9999999999CCCCCCCCCCCC',
  NL: 'AAAA9999999999',
  BE: '999999999999',
  GB: 'AAAA99999999999999',
  IE: 'AAAA99999999999999',
  PT: '999999999999999999999',
  PL: '999999999999999999999999',
  SE: '99999999999999999999',
  SA: '99CCCCCCCCCCCCCCCCCC',
  AE: '9999999999999999999',
  BR: '99999999999999999999999AC',
  NO: '99999999999',
  LU: '999CCCCCCCCCCCCC',
};

const IBAN_BY_LANG: Readonly<Record<Lang, readonly string[]>> = {
  en: ['GB', 'IE', 'NL', 'DE', 'SE'],
  de: ['DE', 'DE', 'AT', 'CH', 'LU'],
  fr: ['FR', 'FR', 'BE', 'LU', 'CH'],
  es: ['ES', 'ES', 'IT', 'PT'],
  pt: ['PT', 'BR', 'BR', 'ES'],
  ja: ['DE', 'GB', 'FR', 'NL'],
  zh: ['DE', 'GB', 'FR', 'IT'],
  hi: ['GB', 'AE', 'DE'],
  ar: ['SA', 'AE', 'SA', 'FR'],
  ru: ['DE', 'PL', 'NO', 'AT'],
};

function bban(rng: Rng, fmt: string): string {
  let s = '';
  for (const c of fmt) s += c === '9' ? rng.chars(DIGITS, 1) : c === 'A' ? rng.chars(UPPER, 1) : rng.chars(rng.chance(0.7) ? DIGITS : UPPER, 1);
  return s;
}

function groupBy4(s: string): string {
  return s.replace(/(.{4})(?=.)/g, '$1 ');
}

export function iban(rng: Rng, lang: Lang): PositiveValue {
  const country = rng.pick(IBAN_BY_LANG[lang]);
  const compact = ibanWithCheck(country, bban(rng, IBAN_FORMATS[country]!));
  const spaced = rng.chance(0.6);
  return { type: 'iban', value: spaced ? groupBy4(compact) : compact, variant: `${country}_${spaced ? 'spaced' : 'compact'}` };
}

function publicIpv4(rng: Rng): string {
  for (;;) {
    const a = rng.int(1, 223);
    if (a === 10 || a === 127 || a === 0) continue;
    return `${a}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}

export function ipv4(rng: Rng): PositiveValue {
  const variant = rng.weighted<string>([
    ['private_10', 2],
    ['private_192', 2],
    ['private_172', 1],
    ['public', 5],
  ]);
  const value =
    variant === 'private_10'
      ? `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`
      : variant === 'private_192'
        ? `192.168.${rng.int(0, 255)}.${rng.int(1, 254)}`
        : variant === 'private_172'
          ? `172.${rng.int(16, 31)}.${rng.int(0, 255)}.${rng.int(1, 254)}`
          : publicIpv4(rng);
  return { type: 'ipv4', value, variant };
}

function hexGroup(rng: Rng, min = 1): string {
  return rng.chars(HEX, rng.int(min, 4)).replace(/^0+(?=.)/, '');
}

export function ipv6(rng: Rng): PositiveValue {
  const variant = rng.weighted<string>([
    ['full', 2],
    ['compressed', 4],
    ['link_local', 2],
    ['global_random', 3],
    ['mapped_v4', 1],
    ['upper', 1],
  ]);
  let value: string;
  switch (variant) {
    case 'full':
      value = Array.from({ length: 8 }, () => rng.chars(HEX, 4)).join(':');
      value = `2001:0db8:${value.slice(10)}`;
      break;
    case 'compressed':
      value = `2001:db8:${hexGroup(rng)}::${hexGroup(rng, 2)}:${hexGroup(rng, 2)}`;
      break;
    case 'link_local':
      // EUI-64 interface id: xxxx:xxff:fexx:xxxx
      value = `fe80::${hexGroup(rng, 3)}:${rng.chars(HEX, 2).replace(/^0/, '')}ff:fe${rng.chars(HEX, 2)}:${rng.chars(HEX, 4)}`;
      break;
    case 'global_random':
      value = `2a0${rng.int(0, 9)}:${Array.from({ length: 7 }, () => hexGroup(rng, 3)).join(':')}`;
      break;
    case 'mapped_v4':
      value = `::ffff:${publicIpv4(rng)}`;
      break;
    default:
      value = `2001:DB8:${hexGroup(rng, 3).toUpperCase()}::${hexGroup(rng, 3).toUpperCase()}`;
  }
  return { type: 'ipv6', value, variant };
}

export function apiKey(rng: Rng): PositiveValue {
  const variant = rng.weighted<string>([
    ['openai_proj', 3],
    ['openai_legacy', 2],
    ['openai_svcacct', 1],
    ['anthropic', 3],
    ['aws_akia', 2],
    ['aws_asia', 1],
    ['github_ghp', 2],
    ['github_pat', 1],
    ['github_gho', 1],
    ['slack_bot', 2],
    ['slack_user', 1],
  ]);
  let value: string;
  switch (variant) {
    case 'openai_proj':
      value = `sk-proj-${rng.chars(B64URL, rng.int(48, 74))}T3BlbkFJ${rng.chars(B64URL, rng.int(48, 74))}`;
      break;
    case 'openai_legacy':
      value = `sk-${rng.chars(ALNUM, 20)}T3BlbkFJ${rng.chars(ALNUM, 20)}`;
      break;
    case 'openai_svcacct':
      value = `sk-svcacct-${rng.chars(B64URL, 120)}`;
      break;
    case 'anthropic':
      value = `sk-ant-api03-${rng.chars(B64URL, 93)}AA`;
      break;
    case 'aws_akia':
      value = `AKIA${rng.chars(UPPER + '234567', 16)}`;
      break;
    case 'aws_asia':
      value = `ASIA${rng.chars(UPPER + '234567', 16)}`;
      break;
    case 'github_ghp':
      value = `ghp_${rng.chars(ALNUM, 36)}`;
      break;
    case 'github_gho':
      value = `gho_${rng.chars(ALNUM, 36)}`;
      break;
    case 'github_pat':
      value = `github_pat_11${rng.chars(UPPER + DIGITS, 20)}_${rng.chars(ALNUM, 59)}`;
      break;
    case 'slack_bot':
      value = `xoxb-${rng.digits(12)}-${rng.digits(13)}-${rng.chars(ALNUM, 24)}`;
      break;
    default:
      value = `xoxp-${rng.digits(12)}-${rng.digits(12)}-${rng.digits(13)}-${rng.chars(HEX, 32)}`;
  }
  return { type: 'api_key', value, variant };
}

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function jwt(rng: Rng): PositiveValue {
  const alg = rng.weighted<string>([
    ['HS256', 4],
    ['RS256', 3],
    ['ES256', 1],
  ]);
  const header = rng.chance(0.5) ? { alg, typ: 'JWT' } : alg === 'HS256' ? { typ: 'JWT', alg } : { alg, kid: rng.chars(HEX, 16), typ: 'JWT' };
  const iat = 1_700_000_000 + rng.int(0, 30_000_000);
  const payload: Record<string, unknown> = { sub: rng.chance(0.5) ? String(rng.int(1000, 999999)) : `usr_${rng.chars(ALNUM, 12)}`, iat, exp: iat + 3600 };
  if (rng.chance(0.4)) payload.role = rng.pick(['admin', 'user', 'service']);
  if (rng.chance(0.3)) payload.iss = rng.pick(['https://auth.northwind-traders.com/', 'https://accounts.example-idp.io', 'billing-api']);
  const sigLen = alg === 'HS256' ? 43 : alg === 'ES256' ? 86 : 342;
  const value = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${rng.chars(B64URL, sigLen)}`;
  return { type: 'jwt', value, variant: alg };
}

/** A PEM private key; `escaped` writes the line breaks as `\n` (as in a JSON string or a .env value). */
export function privateKey(rng: Rng, escaped = false, truncated = false): PositiveValue {
  const kind = rng.weighted<string>([
    ['RSA PRIVATE KEY', 3],
    ['PRIVATE KEY', 3],
    ['EC PRIVATE KEY', 1],
    ['OPENSSH PRIVATE KEY', 2],
    ['ENCRYPTED PRIVATE KEY', 1],
  ]);
  const head =
    kind === 'PRIVATE KEY' ? 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' : kind === 'RSA PRIVATE KEY' ? 'MIIEowIBAAKCAQEA' : kind === 'EC PRIVATE KEY' ? 'MHcCAQEEI' : kind === 'OPENSSH PRIVATE KEY' ? 'b3BlbnNzaC1rZXktdjEAAAAA' : 'MIIFHzBJBgkqhkiG9w0BBQ0w';
  const lines = kind === 'EC PRIVATE KEY' ? 3 : rng.int(5, 9);
  const body: string[] = [];
  let first = head + rng.chars(B64, 64 - head.length);
  body.push(first);
  for (let i = 1; i < lines; i++) body.push(rng.chars(B64, 64));
  body.push(rng.chars(B64, rng.int(8, 40)) + rng.pick(['', '=', '==']));
  const nl = escaped ? '\\n' : '\n';
  if (truncated) {
    first = body.slice(0, 3).join(nl);
    return { type: 'private_key', value: `-----BEGIN ${kind}-----${nl}${first}`, variant: 'truncated' };
  }
  const value = `-----BEGIN ${kind}-----${nl}${body.join(nl)}${nl}-----END ${kind}-----`;
  return { type: 'private_key', value, variant: `${kind.replace(/ /g, '_').toLowerCase()}${escaped ? '_escaped' : ''}` };
}

export function urlCredentials(rng: Rng): PositiveValue {
  const variant = rng.weighted<string>([
    ['postgres', 3],
    ['mysql', 1],
    ['mongodb_srv', 2],
    ['redis_empty_user', 1],
    ['redis', 1],
    ['amqp', 1],
    ['https_token', 2],
    ['ftp', 1],
    ['smtp', 1],
  ]);
  const user = rng.pick(['admin', 'app', 'svc_orders', 'deploy', 'readonly', 'etl_user', 'postgres', 'root', 'mailer']);
  const pass = rng.chars(ALNUM, rng.int(10, 24)) + (rng.chance(0.4) ? rng.pick(['%21', '%40x', '!9', '_Q', '~z']) : '');
  const host = rng.pick(['db.internal', 'pg-prod-01.eu-west-1.rds.amazonaws.com', '10.20.3.17', 'localhost', 'mysql.acme.lan', 'cache.internal']);
  let value: string;
  switch (variant) {
    case 'postgres':
      value = `${rng.pick(['postgres', 'postgresql'])}://${user}:${pass}@${host}:5432`;
      break;
    case 'mysql':
      value = `mysql://${user}:${pass}@${host}:3306`;
      break;
    case 'mongodb_srv':
      value = `mongodb+srv://${user}:${pass}@cluster0.${rng.chars(LOWER + DIGITS, 5)}.mongodb.net`;
      break;
    case 'redis_empty_user':
      value = `redis://:${pass}@${host}:6379`;
      break;
    case 'redis':
      value = `rediss://default:${pass}@${host}:6380`;
      break;
    case 'amqp':
      value = `amqp://${user}:${pass}@rabbitmq.internal:5672`;
      break;
    case 'https_token':
      value = rng.chance(0.5) ? `https://x-access-token:ghp_${rng.chars(ALNUM, 36)}@github.com` : `https://${user}:${pass}@git.acme.lan`;
      break;
    case 'ftp':
      value = `ftp://${user}:${pass}@ftp.acme-files.net`;
      break;
    default:
      value = `smtp://${user}:${pass}@smtp.mailgun.org:587`;
  }
  return { type: 'url_credentials', value, variant };
}

export function positive(rng: Rng, type: EntityType, lang: Lang): PositiveValue {
  switch (type) {
    case 'email':
      return email(rng, lang);
    case 'phone':
      return phone(rng, lang);
    case 'credit_card':
      return creditCard(rng);
    case 'us_ssn':
      return ssn(rng);
    case 'iban':
      return iban(rng, lang);
    case 'ipv4':
      return ipv4(rng);
    case 'ipv6':
      return ipv6(rng);
    case 'api_key':
      return apiKey(rng);
    case 'jwt':
      return jwt(rng);
    case 'private_key':
      return privateKey(rng, false, rng.chance(0.1));
    case 'url_credentials':
      return urlCredentials(rng);
  }
}

// --- hard negatives ----------------------------------------------------------------------------

export function negative(rng: Rng, category: NegativeCategory): NegativeValue {
  const d = (n: number) => rng.digits(n);
  switch (category) {
    case 'luhn_invalid': {
      for (;;) {
        const prefix = rng.pick(['4', `5${rng.int(1, 5)}`, '6011', '4', '35']);
        const n = prefix + d(16 - prefix.length);
        if (luhnOk(n)) continue;
        const style = rng.pick(['spaced', 'bare', 'dashed']);
        return { looksLike: 'credit_card', category, value: style === 'bare' ? n : group(n, [4, 4, 4, 4], style === 'spaced' ? ' ' : '-') };
      }
    }
    case 'order_number': {
      const v = rng.weighted<string>([
        ['amazon', 2],
        ['prefixed', 2],
        ['hash', 1],
        ['nine', 2],
        ['ten', 1],
      ]);
      const value =
        v === 'amazon'
          ? `${rng.pick(['302', '303', '028', '171', '114'])}-${d(7)}-${d(7)}`
          : v === 'prefixed'
            ? `${rng.pick(['ORD', 'SO', 'PO', 'INV', 'RE'])}-${rng.int(2019, 2025)}-${d(rng.int(5, 6))}`
            : v === 'hash'
              ? `#${rng.int(100000, 999999)}`
              : v === 'nine'
                ? String(rng.int(100000000, 999999999))
                : `45${d(8)}`;
      return { looksLike: v === 'nine' ? 'us_ssn' : v === 'amazon' ? 'credit_card' : 'phone', category, value };
    }
    case 'part_number':
      return {
        looksLike: 'phone',
        category,
        value: rng.pick([`${d(4)}-${d(4)}-${d(2)}`, `P/N ${d(3)}-${d(4)}-${d(3)}`, `${rng.chars(UPPER, 2)}-${d(4)}-${d(3)}`, `${d(2)}.${d(3)}.${d(3)}`, `A${d(2)}-${d(4)}-X`]),
      };
    case 'tracking_number': {
      const v = rng.pick(['ups', 'usps', 'dhl', 'fedex']);
      const value =
        v === 'ups'
          ? `1Z${rng.chars(UPPER + DIGITS, 6)}${d(10)}`
          : v === 'usps'
            ? groupBy4(`9400${d(18)}`)
            : v === 'dhl'
              ? `JJD${d(18)}`
              : `7${d(3)} ${d(4)} ${d(4)}`; // FedEx Express
      return { looksLike: v === 'usps' ? 'credit_card' : 'phone', category, value };
    }
    case 'imei':
      return { looksLike: 'credit_card', category, value: luhnComplete(rng.pick(['35', '86', '01', '99']) + d(12)) };
    case 'uuid': {
      const u = `${rng.chars(HEX, 8)}-${rng.chars(HEX, 4)}-4${rng.chars(HEX, 3)}-${rng.pick(['8', '9', 'a', 'b'])}${rng.chars(HEX, 3)}-${rng.chars(HEX, 12)}`;
      return { looksLike: rng.chance(0.5) ? 'phone' : 'ipv6', category, value: rng.chance(0.2) ? u.toUpperCase() : u };
    }
    case 'git_sha':
      return { looksLike: 'api_key', category, value: rng.chance(0.5) ? rng.chars(HEX, 40) : rng.chars(HEX, 7) };
    case 'hex_hash':
      return { looksLike: 'api_key', category, value: rng.chars(HEX, rng.pick([32, 64])) };
    case 'date': {
      const y = rng.int(2018, 2026);
      const m = String(rng.int(1, 12)).padStart(2, '0');
      const day = String(rng.int(1, 28)).padStart(2, '0');
      return { looksLike: 'phone', category, value: rng.pick([`${y}-${m}-${day}`, `${day}.${m}.${y}`, `${m}/${day}/${y}`, `${y}/${m}/${day}`, `${day}/${m}/${y}`]) };
    }
    case 'timestamp': {
      const y = rng.int(2018, 2026);
      const m = String(rng.int(1, 12)).padStart(2, '0');
      const day = String(rng.int(1, 28)).padStart(2, '0');
      const t = `${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
      const v = rng.pick(['iso', 'iso_ms', 'unix', 'unix_ms', 'log']);
      const value =
        v === 'iso' ? `${y}-${m}-${day}T${t}Z` : v === 'iso_ms' ? `${y}-${m}-${day}T${t}.${d(3)}+02:00` : v === 'unix' ? String(rng.int(1_500_000_000, 1_800_000_000)) : v === 'unix_ms' ? String(rng.int(1_500_000_000, 1_800_000_000)) + d(3) : `${y}-${m}-${day} ${t}`;
      return { looksLike: v === 'iso' || v === 'iso_ms' || v === 'log' ? 'ipv6' : 'phone', category, value };
    }
    case 'version': {
      const v = rng.pick(['v4', 'product', 'dotnet', 'semver', 'build']);
      const value =
        v === 'v4'
          ? `v${rng.int(1, 12)}.${rng.int(0, 20)}.${rng.int(0, 9)}.${rng.int(0, 99)}`
          : v === 'product'
            ? `${rng.pick(['Chrome', 'Edg', 'Firefox', 'OPR'])}/${rng.int(100, 131)}.0.0.0`
            : v === 'dotnet'
              ? `Version ${rng.int(1, 9)}.${rng.int(0, 9)}.${rng.int(0, 9)}.${rng.int(0, 250)}`
              : v === 'semver'
                ? `${rng.int(0, 9)}.${rng.int(0, 30)}.${rng.int(0, 30)}`
                : `${rng.int(1, 9)}.${rng.int(0, 9)}.${rng.int(1000, 25000)}.${rng.int(1, 999)}`;
      return { looksLike: v === 'semver' ? 'phone' : 'ipv4', category, value };
    }
    case 'invalid_ssn': {
      const area = rng.pick(['000', '666', `9${d(2)}`, `9${d(2)}`]);
      const g = rng.chance(0.2) ? '00' : String(rng.int(1, 99)).padStart(2, '0');
      const s = rng.chance(0.15) ? '0000' : String(rng.int(1, 9999)).padStart(4, '0');
      return { looksLike: 'us_ssn', category, value: `${area}-${g}-${s}` };
    }
    case 'bad_iban': {
      const country = rng.pick(Object.keys(IBAN_FORMATS));
      const good = ibanWithCheck(country, bban(rng, IBAN_FORMATS[country]!));
      // Change one BBAN digit: mod-97 catches every single-digit error.
      let bad = good;
      while (ibanOk(bad)) {
        const i = rng.int(4, good.length - 1);
        const c = good[i]!;
        if (c < '0' || c > '9') continue;
        bad = good.slice(0, i) + String((Number(c) + rng.int(1, 9)) % 10) + good.slice(i + 1);
      }
      return { looksLike: 'iban', category, value: rng.chance(0.6) ? groupBy4(bad) : bad };
    }
    case 'invalid_ip':
      return {
        looksLike: 'ipv4',
        category,
        value: rng.pick([`${rng.int(256, 999)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}`, `${rng.int(1, 223)}.${rng.int(256, 999)}.${rng.int(0, 255)}.${rng.int(0, 255)}`, `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(256, 999)}`]),
      };
    case 'mac_address':
      return { looksLike: 'ipv6', category, value: Array.from({ length: 6 }, () => rng.chars('0123456789ABCDEF', 2)).join(rng.pick([':', '-'])) };
    case 'isbn':
      return { looksLike: 'phone', category, value: `978-${rng.int(0, 4)}-${d(3)}-${d(5)}-${rng.int(0, 9)}` };
    case 'price':
      return { looksLike: 'phone', category, value: rng.pick([`${rng.int(1, 99)}.${d(3)}.${d(3)},${d(2)}`, `${rng.int(1, 99)},${d(3)},${d(3)}.${d(2)}`, `${rng.int(1, 99)} ${d(3)} ${d(3)}`]) };
    case 'code_token':
      return { looksLike: 'ipv6', category, value: rng.pick(['std::vector<int>', 'Vec::with_capacity', 'Foo::Bar::baz', 'arr[::-1]', 'a::b::c', 'HashMap::new()', 'SHA256:' + Array.from({ length: 8 }, () => rng.chars(HEX, 2)).join(':')]) };
    case 'placeholder_key':
      return {
        looksLike: 'api_key',
        category,
        value: rng.pick(['sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'sk-your-openai-key-goes-here', 'sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX', 'AKIAXXXXXXXXXXXXXXXX', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'xoxb-your-bot-token', 'sk-ant-xxxxxxxxxxxxxxxxxxxxxxxx']),
      };
    case 'public_pem': {
      const kind = rng.pick(['PUBLIC KEY', 'CERTIFICATE', 'RSA PUBLIC KEY']);
      const body = Array.from({ length: 3 }, () => rng.chars(B64, 64)).join('\n');
      return { looksLike: 'private_key', category, value: `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----` };
    }
    case 'asset_name':
      return { looksLike: 'email', category, value: `${rng.pick(['logo', 'icon-close', 'hero', 'avatar', 'btn_primary'])}@${rng.pick(['2x', '3x'])}.${rng.pick(['png', 'jpg', 'webp'])}` };
    case 'jwt_like': {
      // Base64url JSON in one segment (an OAuth `state`, a cursor): not a token.
      const state = rng.pick([{ returnTo: `/${rng.pick(['dashboard', 'settings', 'orders'])}`, nonce: rng.chars(HEX, 8) }, { cursor: rng.int(1000, 99999), dir: 'next' }, { page: rng.int(1, 40), sort: 'created_at' }]);
      return { looksLike: 'jwt', category, value: b64url(JSON.stringify(state)) };
    }
    case 'url_userinfo': {
      const repo = `${rng.pick(['acme', 'northwind', 'platform'])}/${rng.pick(['api', 'web', 'infra'])}.git`;
      return {
        looksLike: 'url_credentials',
        category,
        value: rng.pick([`ssh://git@${rng.pick(['github.com', 'gitlab.acme.io', 'bitbucket.org'])}/${repo}`, `https://${rng.pick(['deploy', 'ci-bot', 'jdoe'])}@bitbucket.org/${repo}`, 'ftp://anonymous@ftp.gnu.org/pub/gnu']),
      };
    }
    case 'scp_remote':
      return { looksLike: 'email', category, value: `git@${rng.pick(['github.com', 'gitlab.com', 'bitbucket.org'])}:${rng.pick(['acme', 'northwind', 'infra-team'])}/${rng.pick(['api', 'web-app', 'terraform-modules'])}.git` };
  }
}

/** How often each category is drawn (the corpus aims at a few hundred hard negatives in all). */
export const NEGATIVE_WEIGHTS: ReadonlyArray<readonly [NegativeCategory, number]> = [
  ['luhn_invalid', 4],
  ['order_number', 5],
  ['part_number', 2],
  ['tracking_number', 3],
  ['imei', 1.5],
  ['uuid', 3],
  ['git_sha', 2],
  ['hex_hash', 1.5],
  ['date', 4],
  ['timestamp', 3],
  ['version', 4],
  ['invalid_ssn', 3],
  ['bad_iban', 3],
  ['invalid_ip', 2.5],
  ['mac_address', 1.5],
  ['isbn', 1],
  ['price', 2],
  ['code_token', 1.5],
  ['placeholder_key', 1],
  ['public_pem', 0.7],
  ['asset_name', 1],
  ['scp_remote', 0.7],
  ['jwt_like', 1],
  ['url_userinfo', 1],
];
