/**
 * A deterministic generator of labelled PII cases for the types the development set is light
 * on: valid values in varied sentences (with and without context words), and near misses that
 * must not be reported (Luhn-failing cards, wrong IBAN check digits, never-issued SSNs,
 * out-of-range IPs, dates without birth context). Same seed, same cases.
 */
import { seededRandom } from '../../common/seededRandom.ts';
import { passesIbanChecksum } from './recognizeIban.ts';
import type { PiiType } from './piiTypes.ts';

export interface LabelledSpan {
  type: string;
  start: number;
  end: number;
}

export interface LabelledCase {
  id: string;
  text: string;
  spans: LabelledSpan[];
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
const digits = (random: Random, count: number): string =>
  Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
const between = (random: Random, low: number, high: number): number =>
  low + Math.floor(random() * (high - low + 1));

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

const CARD_PREFIXES: ReadonlyArray<readonly [string, number]> = [
  ['4', 16],
  ['4', 13],
  ['51', 16],
  ['55', 16],
  ['2221', 16],
  ['34', 15],
  ['37', 15],
  ['6011', 16],
  ['65', 16],
  ['3530', 16],
  ['36', 14],
  ['62', 16],
  ['4', 19],
];

export function makeCard(random: Random, valid: boolean): string {
  const [prefix, length] = pick(random, CARD_PREFIXES);
  const body = prefix + digits(random, length - prefix.length - 1);
  const check = luhnCheckDigit(body);
  const number = body + (valid ? check : String((Number(check) + between(random, 1, 9)) % 10));
  const style = between(random, 0, 2);
  if (style === 0 || length !== 16) return number;
  return number.replace(/(\d{4})(?=\d)/g, style === 1 ? '$1 ' : '$1-');
}

const IBAN_COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['DE', 22],
  ['GB', 22],
  ['FR', 27],
  ['ES', 24],
  ['IT', 27],
  ['NL', 18],
  ['BE', 16],
  ['CH', 21],
  ['PL', 28],
  ['SE', 24],
  ['NO', 15],
  ['AT', 20],
];

export function makeIban(random: Random, valid: boolean): string {
  const [country, length] = pick(random, IBAN_COUNTRIES);
  const letters = country === 'GB' || country === 'NL';
  const bank = letters
    ? Array.from({ length: 4 }, () => String.fromCharCode(65 + between(random, 0, 25))).join('')
    : '';
  const bban = bank + digits(random, length - 4 - bank.length);
  let iban = '';
  for (let check = 2; check <= 98; check++) {
    const candidate = `${country}${String(check).padStart(2, '0')}${bban}`;
    if (passesIbanChecksum(candidate) === valid) {
      iban = candidate;
      if (valid || random() < 0.3) break;
    }
  }
  return random() < 0.5 ? iban : iban.replace(/(.{4})(?=.)/g, '$1 ');
}

export function makeSsn(random: Random, valid: boolean): string {
  let area = String(between(random, 1, 899)).padStart(3, '0');
  if (area === '666') area = '667';
  let group = String(between(random, 1, 99)).padStart(2, '0');
  let serial = String(between(random, 1, 9999)).padStart(4, '0');
  if (!valid) {
    const flaw = between(random, 0, 3);
    if (flaw === 0) area = pick(random, ['000', '666', String(between(random, 900, 999))]);
    if (flaw === 1) group = '00';
    if (flaw === 2) serial = '0000';
    if (flaw === 3) return pick(random, ['078-05-1120', '219-09-9999', '123-45-6789']);
  }
  return `${area}-${group}-${serial}`;
}

export function makeIpv4(random: Random, valid: boolean): string {
  const octets = Array.from({ length: 4 }, () => between(random, 1, 254));
  if (!valid) octets[between(random, 0, 3)] = between(random, 256, 999);
  return octets.join('.');
}

export function makeIpv6(random: Random): string {
  const groups = Array.from({ length: 8 }, () => between(random, 0, 0xffff).toString(16));
  if (random() < 0.5) return groups.join(':');
  return `${groups.slice(0, 3).join(':')}::${groups.slice(6).join(':')}`;
}

const GIVEN = ['anna', 'john', 'maria', 'li', 'olu', 'sven', 'priya', 'jose', 'kim', 'noor'];
const FAMILY = ['smith', 'garcia', 'chen', 'okafor', 'berg', 'patel', 'silva', 'novak'];
const DOMAINS = ['example.com', 'mail.co.uk', 'corp.io', 'uni-bonn.de', 'sub.domain.org'];

export function makeEmail(random: Random): string {
  const separator = pick(random, ['.', '_', '', '+tag.']);
  return `${pick(random, GIVEN)}${separator}${pick(random, FAMILY)}${random() < 0.3 ? between(random, 1, 99) : ''}@${pick(random, DOMAINS)}`;
}

const PHONES: readonly string[] = [
  '+1 415 555 2671',
  '+44 20 7946 0958',
  '+49 30 901820',
  '+33 1 42 68 53 00',
  '(212) 555-0147',
  '415-555-2671',
  '+61 2 9374 4000',
  '+91 98765 43210',
  '+34 912 345 678',
];

export function makeUsPhone(random: Random): string {
  const area = between(random, 201, 989);
  const exchange = between(random, 200, 989);
  const line = digits(random, 4);
  return pick(random, [
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `+1 ${area} ${exchange} ${line}`,
  ]);
}

interface Template {
  type: PiiType | 'NONE';
  make: (random: Random) => string;
  sentences: readonly string[];
}

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export function makeFullName(random: Random): string {
  return `${capitalise(pick(random, GIVEN))} ${capitalise(pick(random, FAMILY))}`;
}

const CITIES = ['Paris', 'Nairobi', 'Toronto', 'Osaka', 'Lisbon', 'Denver', 'Mumbai', 'Krakow'];

/** Ordinary requests with capitalised words, numbers and dates but no personal data. */
const ORDINARY_TEXTS: readonly string[] = [
  'Deploy the Kubernetes cluster with Terraform before Friday.',
  'The Federal Reserve raised rates by 25 basis points in March.',
  'Write a Python function that parses ISO 8601 dates.',
  'Chapter 12 starts on page 210 of the Second Edition.',
  'Meet the Marketing Team in Room 204 at 10:30.',
  'Our Q3 revenue grew 12% to 4 500 000 dollars.',
  'Use React Native 0.72 with Expo SDK 49.',
  'Error 503 from the API Gateway after 30 seconds.',
  'The Second World War ended in 1945, after six years.',
  'Tracking number 1Z999AA10123456784 was delivered.',
];

const TEMPLATES: readonly Template[] = [
  {
    type: 'PERSON',
    make: makeFullName,
    sentences: [
      'Please ask {} to call me back.',
      'My name is {}.',
      'Dear {}, thanks for the update.',
      'The report was written by {} last week.',
    ],
  },
  {
    type: 'LOCATION',
    make: (random) => pick(random, CITIES),
    sentences: [
      'I live in {} with my family.',
      'We are moving to {} next year.',
      'She was born in {}.',
    ],
  },
  {
    type: 'NONE',
    make: (random) => pick(random, ORDINARY_TEXTS),
    sentences: ['{}'],
  },
  {
    type: 'NONE',
    make: (random) => `${between(random, 2, 9)}${digits(random, 9)}`,
    sentences: ['order id {} shipped', 'Invoice {} is attached.'],
  },
  {
    type: 'EMAIL',
    make: makeEmail,
    sentences: [
      'Contact me at {} please.',
      'reply-to: <{}>',
      'Send the report to {}, thanks!',
      '{}',
    ],
  },
  {
    type: 'NONE',
    make: (random) => pick(random, ['user@localhost', 'a@b', 'name@domain.', '@handle', 'x@.com']),
    sentences: ['The string {} is not an address.', 'see {} in the logs'],
  },
  {
    type: 'PHONE_NUMBER',
    make: (random) => (random() < 0.5 ? pick(random, PHONES) : makeUsPhone(random)),
    sentences: [
      'Call me on {} tomorrow.',
      'Phone: {}',
      'You can reach the office at {}.',
      'my number is {}',
    ],
  },
  {
    type: 'NONE',
    make: (random) =>
      pick(random, ['1,234,567', '12345', '3.14159', '2024-01-15', 'v1.2.3', '10 000 000']),
    sentences: ['Revenue was {} last year.', 'Use version {} of the package.'],
  },
  {
    type: 'CREDIT_CARD',
    make: (random) => makeCard(random, true),
    sentences: [
      'My card number is {}.',
      'charge {} for the order',
      'Card: {} exp 04/27',
      'use {} please',
    ],
  },
  {
    type: 'NONE',
    make: (random) => makeCard(random, false),
    sentences: ['My card number is {}.', 'order id {} shipped'],
  },
  {
    type: 'IBAN',
    make: (random) => makeIban(random, true),
    sentences: ['My IBAN is {}.', 'Transfer to {} by Friday.', 'iban: {}', 'Pay {}'],
  },
  {
    type: 'NONE',
    make: (random) => makeIban(random, false),
    sentences: ['My IBAN is {}.', 'Reference {} attached'],
  },
  {
    type: 'US_SSN',
    make: (random) => makeSsn(random, true),
    sentences: ['SSN: {}', 'my social security number is {}', 'Employee {} was hired', 'ID {}.'],
  },
  {
    type: 'NONE',
    make: (random) => makeSsn(random, false),
    sentences: ['SSN: {}', 'my social security number is {}'],
  },
  {
    type: 'IP_ADDRESS',
    make: (random) => (random() < 0.7 ? makeIpv4(random, true) : makeIpv6(random)),
    sentences: ['The server at {} is down.', 'client_ip={}', 'blocked {} after 5 tries', 'ping {}'],
  },
  {
    type: 'NONE',
    make: (random) => (random() < 0.5 ? makeIpv4(random, false) : '999.1.1.1'),
    sentences: ['The server at {} is down.', 'Value {} is out of range.'],
  },
  {
    type: 'DATE_OF_BIRTH',
    make: (random) =>
      pick(random, [
        `${between(random, 1, 12)}/${between(random, 1, 28)}/${between(random, 1940, 2005)}`,
        `${between(random, 1940, 2005)}-0${between(random, 1, 9)}-1${between(random, 0, 9)}`,
        `${between(random, 1, 28)} March ${between(random, 1940, 2005)}`,
        `July ${between(random, 1, 28)}, ${between(random, 1940, 2005)}`,
      ]),
    sentences: ['I was born on {}.', 'Date of birth: {}', 'DOB {}', 'my birthday is {}'],
  },
  {
    type: 'NONE',
    make: (random) =>
      `${between(random, 1, 12)}/${between(random, 1, 28)}/${between(random, 2010, 2030)}`,
    sentences: ['The meeting is on {}.', 'Invoice due {}.'],
  },
];

export function generateSyntheticCases(seed = 20261126, perTemplate = 60): LabelledCase[] {
  const random = seededRandom(seed);
  const cases: LabelledCase[] = [];
  for (const template of TEMPLATES) {
    for (let i = 0; i < perTemplate; i++) {
      const value = template.make(random);
      const sentence = pick(random, template.sentences);
      const at = sentence.indexOf('{}');
      const text = sentence.slice(0, at) + value + sentence.slice(at + 2);
      const spans =
        template.type === 'NONE'
          ? []
          : [{ type: template.type, start: at, end: at + value.length }];
      cases.push({ id: `synth-${template.type}-${cases.length}`, text, spans });
    }
  }
  return cases;
}
