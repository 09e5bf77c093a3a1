import { describe, expect, it } from 'vitest';
import { identifyLanguage, languageMismatch } from './languageMismatch.ts';
import { buildLlmSpan } from './testing/spanFactory.ts';

const EN_QUESTION =
  'How can I reset my password on the company portal? The link in the email says it has expired.';
const EN_ANSWER =
  'Open the portal, choose "Forgot password" and request a new link. The link is valid for one hour, so use it right away.';
const FR_ANSWER =
  'Ouvrez le portail, cliquez sur « Mot de passe oublié » et demandez un nouveau lien. Le lien est valable une heure, utilisez-le tout de suite.';
const DE_QUESTION =
  'Wie kann ich mein Passwort im Firmenportal zurücksetzen? Der Link in der E-Mail ist leider abgelaufen.';
const JA_ANSWER =
  'ポータルを開き、「パスワードを忘れた」を選択して、新しいリンクをリクエストしてください。リンクの有効期限は一時間です。';
const RU_ANSWER =
  'Откройте портал, выберите «Забыли пароль» и запросите новую ссылку. Ссылка действительна только в течение одного часа, так что используйте её сразу, если это возможно.';
const PT_ANSWER =
  'Abra o portal, escolha "Esqueci a senha" e peça um novo link. O link é válido por uma hora, então use-o imediatamente para não perder o acesso.';

describe('languageMismatch', () => {
  it.each([
    {
      case: 'English question, English answer',
      question: EN_QUESTION,
      answer: EN_ANSWER,
      passed: true,
    },
    {
      case: 'English question, French answer',
      question: EN_QUESTION,
      answer: FR_ANSWER,
      passed: false,
    },
    {
      case: 'German question, English answer',
      question: DE_QUESTION,
      answer: EN_ANSWER,
      passed: false,
    },
    {
      case: 'English question, Japanese answer',
      question: EN_QUESTION,
      answer: JA_ANSWER,
      passed: false,
    },
    {
      case: 'English question, Russian answer',
      question: EN_QUESTION,
      answer: RU_ANSWER,
      passed: false,
    },
    {
      case: 'English question, Portuguese answer',
      question: EN_QUESTION,
      answer: PT_ANSWER,
      passed: false,
    },
    {
      case: 'English answer with a code block',
      question: EN_QUESTION,
      answer: `${EN_ANSWER}\n\n\`\`\`python\nprint("bonjour le monde et la vie")\n\`\`\``,
      passed: true,
    },
  ])('$case -> passed=$passed', ({ question, answer, passed }) => {
    // Act
    const score = languageMismatch(buildLlmSpan({ question, answer }));
    // Assess
    expect(score).toMatchObject({ evaluator: 'language_mismatch', passed });
  });

  it.each([
    { case: 'a short question', question: 'Hi?', answer: FR_ANSWER, system: undefined },
    { case: 'a short answer', question: EN_QUESTION, answer: 'Oui.', system: undefined },
    {
      case: 'a translation request',
      question: `Translate this to French: ${EN_ANSWER}`,
      answer: FR_ANSWER,
      system: undefined,
    },
    {
      case: 'a system prompt fixing the language',
      question: EN_QUESTION,
      answer: FR_ANSWER,
      system: 'Always answer in French.',
    },
    {
      case: 'no letters at all',
      question: '1234 5678 9012 3456 7890 1234 5678 9012 3456 7890 12',
      answer: EN_ANSWER,
      system: undefined,
    },
  ])('does not apply to $case', ({ question, answer, system }) => {
    const span = buildLlmSpan({ question, answer, ...(system === undefined ? {} : { system }) });
    expect(languageMismatch(span)).toBeNull();
  });
  it('remembers the system prompt it read, and reads a different one afresh', () => {
    const fixed = buildLlmSpan({
      question: EN_QUESTION,
      answer: FR_ANSWER,
      system: 'Always answer in French.',
    });
    const other = buildLlmSpan({
      question: EN_QUESTION,
      answer: FR_ANSWER,
      system: 'You are a helpful assistant for the company portal.',
    });

    expect(languageMismatch(fixed)).toBeNull();
    expect(languageMismatch(other)).toMatchObject({ passed: false, label: 'mismatch' });
    expect(languageMismatch(fixed)).toBeNull();
  });

  it('does not apply when an earlier input message asks for a translation', () => {
    const span = buildLlmSpan({ question: EN_QUESTION, answer: FR_ANSWER });
    span.inputMessages = [
      { role: 'user', parts: [{ type: 'text', content: 'Please translate my next message.' }] },
      ...span.inputMessages!,
    ];

    expect(languageMismatch(span)).toBeNull();
  });

  it('reads the input only as far as the system prompt leaves of the scanned length', () => {
    const system = `${'You are a helpful assistant. '.repeat(690)}Be brief.`;
    const asking = buildLlmSpan({ question: EN_QUESTION, answer: FR_ANSWER, system });
    asking.inputMessages = [
      { role: 'user', parts: [{ type: 'text', content: 'Translate my next message.' }] },
      ...asking.inputMessages!,
    ];

    // The system prompt fills the 20,000 scanned characters: the request after it is unread.
    expect(system.length).toBeGreaterThanOrEqual(20_000);
    expect(languageMismatch(asking)).toMatchObject({ passed: false });
  });
});

describe('identifyLanguage', () => {
  it.each([
    { text: EN_ANSWER, language: 'eng' },
    { text: FR_ANSWER, language: 'fra' },
    { text: DE_QUESTION, language: 'deu' },
    { text: JA_ANSWER, language: 'jpn' },
    { text: RU_ANSWER, language: 'rus' },
    { text: '这是一个关于如何重置公司门户密码的简短说明，请按照步骤操作。', language: 'cmn' },
  ])('identifies $language', ({ text, language }) => {
    expect(identifyLanguage(text)?.language).toBe(language);
  });
});
