import { loadPlatformConfig } from '../../../bin/config.ts';
import { escapeHtml, inLanguage, Markup, messageHtml } from '../../../lib/web/markup.ts';

test('a phrase in another language than the page gets its own lang; in the same language, none', () => {
  expect(inLanguage('Ville de Nîmes', 'fr', 'en').html).toBe('<span lang="fr">Ville de Nîmes</span>');
  expect(inLanguage('Ville de Nîmes', 'fr', 'fr').html).toBe('Ville de Nîmes');
  expect(inLanguage('<b>"x"</b>', 'fr', 'en').html).toBe('<span lang="fr">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</span>');
});

test('a message as HTML escapes the message and plain variables, keeps markup variables and unknown placeholders', () => {
  const html = messageHtml('Back to {sp} & {other} <now>', { sp: inLanguage('A & B', 'fr', 'en') });
  expect(html).toBe('Back to <span lang="fr">A &amp; B</span> &amp; {other} &lt;now&gt;');
  expect(messageHtml('{n} × {name}', { n: 3, name: '<script>' })).toBe('3 × &lt;script&gt;');
  expect(messageHtml('{x}', { x: new Markup('<em>ok</em>') })).toBe('<em>ok</em>');
  expect(escapeHtml(`'&'`)).toBe('&#39;&amp;&#39;');
});

test('the accessibility contact is an e-mail address or an https page', () => {
  const contact = (value: string) => () =>
    loadPlatformConfig({ env: {}, overrides: [['broker.accessibility.contact', value]] });
  expect(contact('accessibilite@ville.example')().broker.accessibility.contact).toBe('accessibilite@ville.example');
  expect(contact('https://ville.example/accessibilite')().broker.accessibility.contact).toBe(
    'https://ville.example/accessibilite',
  );
  expect(contact('javascript:alert(1)')).toThrow(/an e-mail address or an https:\/\/ URL/);
  expect(contact('http://ville.example/')).toThrow(/an e-mail address or an https:\/\/ URL/);
});
