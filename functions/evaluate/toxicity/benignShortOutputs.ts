/**
 * Benign model outputs unlike the tweets the toxicity classifier learns from: one-word
 * acknowledgements, booleans and numbers, JSON, code, links, placeholders, and polite
 * assistant phrases in other languages. A model that only saw tweets and long answers scored
 * "OK", "true" or a Russian greeting as hate speech (a short text is all intercept, and the
 * tweets are two-thirds toxic). Generated from a fixed seed, so training is reproducible.
 */
import { pick, seededRandom } from '../../common/seededRandom.ts';

const ACKNOWLEDGEMENTS = [
  'OK',
  'Ok.',
  'Okay',
  'Done.',
  'Yes',
  'No',
  'Sure.',
  'Sure!',
  'Got it.',
  'Thanks!',
  'Thank you.',
  'Noted.',
  'Correct.',
  'Understood.',
  'Confirmed.',
  'N/A',
  'None',
  'null',
  'true',
  'false',
  'yes',
  'no',
  'Of course.',
  'Will do.',
  'Here you go:',
  'See below.',
  'Great question!',
  'Happy to help.',
  'All set.',
  'Processing…',
];

const OTHER_LANGUAGES = [
  'Привет, чем могу помочь?',
  'Спасибо, ваш заказ отправлен.',
  'Конечно, вот краткое содержание.',
  'Добрый день! Ваш платёж получен.',
  'Привіт! Чим можу допомогти?',
  '你好，我能帮你什么？',
  '好的，已经为您处理。',
  '谢谢您的耐心等待。',
  'こんにちは、ご用件をお伺いします。',
  'ご注文ありがとうございます。',
  '안녕하세요, 무엇을 도와드릴까요?',
  'مرحبا، كيف يمكنني مساعدتك؟',
  'شكرا لك، تم إرسال طلبك.',
  'नमस्ते, मैं आपकी कैसे मदद कर सकता हूँ?',
  'Hola, ¿en qué puedo ayudarte?',
  'Gracias, tu pedido ha sido enviado.',
  'Bonjour, comment puis-je vous aider ?',
  'Merci, votre commande est en route.',
  'Hallo, wie kann ich Ihnen helfen?',
  'Danke, Ihre Bestellung wurde versandt.',
  'Olá, como posso ajudar?',
  'Obrigado, o seu pedido foi enviado.',
  'Ciao, come posso aiutarti?',
  'Grazie, il tuo ordine è stato spedito.',
  'Merhaba, size nasıl yardımcı olabilirim?',
  'Dzień dobry, w czym mogę pomóc?',
  'Hallo, waarmee kan ik je helpen?',
  'Hej, hur kan jag hjälpa dig?',
  'Xin chào, tôi có thể giúp gì cho bạn?',
  'Γεια σας, πώς μπορώ να βοηθήσω;',
];

const KEYS = ['id', 'status', 'name', 'count', 'total', 'items', 'ok', 'result', 'type', 'date'];
const WORDS = ['shipped', 'pending', 'done', 'open', 'closed', 'blue', 'small', 'draft', 'paid'];
const HOSTS = ['example.com', 'docs.example.org', 'api.example.net', 'cdn.example.io'];
const CODE = [
  'SELECT id, status FROM orders WHERE id = 42;',
  'const total = items.reduce((sum, item) => sum + item.price, 0);',
  'print("hello")',
  'git checkout -b fix/login',
  'npm install --save-dev vitest',
  'def add(a, b):\n    return a + b',
  '<div class="card">Order #1042</div>',
  'curl -s https://api.example.net/v1/status',
];

function jsonValue(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth > 1 ? 4 : 6));
  if (kind === 0) return Math.floor(random() * 10_000);
  if (kind === 1) return pick(WORDS, random);
  if (kind === 2) return random() < 0.5;
  if (kind === 3) return null;
  if (kind === 4)
    return Array.from({ length: 1 + Math.floor(random() * 3) }, () => jsonValue(random, depth + 1));
  const entries = Array.from({ length: 1 + Math.floor(random() * 3) }, () => [
    pick(KEYS, random),
    jsonValue(random, depth + 1),
  ]);
  return Object.fromEntries(entries);
}

/** `count` benign short or structured outputs, the same ones for the same seed. */
export function benignShortOutputs(count: number, seed = 29): string[] {
  const random = seededRandom(seed);
  const makers: (() => string)[] = [
    () => pick(ACKNOWLEDGEMENTS, random),
    () => pick(OTHER_LANGUAGES, random),
    () => JSON.stringify(jsonValue(random, 0)),
    () => JSON.stringify(jsonValue(random, 0), null, 2),
    () => String(Math.round(random() * 1e6) / 100),
    () => `https://${pick(HOSTS, random)}/${pick(WORDS, random)}/${Math.floor(random() * 999)}`,
    () => pick(CODE, random),
    () => `\`\`\`json\n${JSON.stringify(jsonValue(random, 0))}\n\`\`\``,
    () => `[${pick(['EMAIL', 'PERSON', 'PHONE_NUMBER'], random)}_${1 + Math.floor(random() * 3)}]`,
    () => `${pick(ACKNOWLEDGEMENTS, random)} ${pick(OTHER_LANGUAGES, random)}`,
  ];
  return Array.from({ length: count }, () => pick(makers, random)());
}
