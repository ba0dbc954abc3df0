const ENTITY = /&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** OOXML's escape for characters XML cannot carry: `_x000D_` is a carriage return. */
const OOXML_ESCAPE = /_x([0-9a-f]{4})_/gi;

function codePoint(cp: number): string {
  return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
}

/** Text content as the author typed it: XML entities and OOXML `_xHHHH_` escapes resolved. */
export function xmlText(raw: string): string {
  let text = raw;
  if (text.includes('_x'))
    text = text.replace(OOXML_ESCAPE, (_, hex: string) => codePoint(parseInt(hex, 16)));
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_, hex?: string, dec?: string, name?: string) =>
    hex
      ? codePoint(parseInt(hex, 16))
      : dec
        ? codePoint(parseInt(dec, 10))
        : NAMED[(name ?? '').toLowerCase()],
  );
}

/** An attribute's value inside the start tag `text[start, end)`, or undefined. Name includes any prefix. */
export function attr(text: string, start: number, end: number, name: string): string | undefined {
  // Searching the whole buffer for a short name would scan far past the tag when it is absent.
  const tag = start === 0 && end === text.length ? text : text.slice(start, end);
  let at = 0;
  for (;;) {
    at = tag.indexOf(name, at);
    if (at < 0) return undefined;
    const before = tag.charCodeAt(at - 1);
    const eq = at + name.length;
    // Preceded by whitespace and followed by `=`: not the tail of a longer attribute name.
    if ((before === 32 || before === 9 || before === 10 || before === 13) && tag.charCodeAt(eq) === 61) {
      const quote = tag[eq + 1];
      if (quote !== '"' && quote !== "'") return undefined;
      const close = tag.indexOf(quote, eq + 2);
      if (close < 0) return undefined;
      const value = tag.slice(eq + 2, close);
      return value.includes('&') || value.includes('_x') ? xmlText(value) : value;
    }
    at = eq;
  }
}

/** Every start tag `<name ...>` in a small document, as attribute maps. */
export function elements(xml: string, name: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${name}(?=[\\s/>])([^>]*)>`, 'g');
  for (const m of xml.matchAll(pattern)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs[a[1]] = xmlText(a[2] ?? a[3] ?? '');
    }
    out.push(attrs);
  }
  return out;
}

/** The text of every `<name>…</name>` in a small document. */
export function elementTexts(xml: string, name: string): string[] {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>`, 'g');
  return [...xml.matchAll(pattern)].map((m) => xmlText(m[1]));
}

/** The namespace prefix of the document element (`x:` in `<x:worksheet>`), or ''. */
/**
 * Where the root element's start tag ends in the first characters of a part (the index of its `>`),
 * or -1 while they do not hold all of it yet: an XML declaration alone says nothing about the root.
 */
export function rootTagEnd(head: string): number {
  const start = head.search(/<[^?!]/);
  return start < 0 ? -1 : head.indexOf('>', start);
}

export function rootPrefix(xml: string): string {
  const m = /<([\w.-]+:)?[\w.-]+[\s>/]/.exec(
    xml.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, ''),
  );
  return m?.[1] ?? '';
}

/** 1 for A, 27 for AA; reads the letters at the start of an A1 reference. */
export function columnOfRef(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + c - 64;
    else if (c >= 97 && c <= 122) n = n * 26 + c - 96;
    else break;
  }
  return n;
}
