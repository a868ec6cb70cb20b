import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Minimal XML layer under the CSTA codec: a namespace-agnostic element tree in, escaped XML out.
 * Entities are never expanded beyond the five predefined ones and character references, and a
 * document with a DTD is refused, so a peer cannot make us expand or fetch anything.
 */

/** An element by local name (prefix stripped), with its decoded text and child elements. */
export interface XmlElement {
  /** Local name, e.g. "MakeCall" for `<csta:MakeCall>`. */
  name: string;
  /** Prefix as written (`csta` in `<csta:MakeCall>`), '' when none. */
  prefix: string;
  /** Attributes by their qualified name as written (`xmlns`, `xmlns:csta`, `typeOfNumber`). */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated, entity-decoded, trimmed character data directly inside the element. */
  text: string;
}

export type XmlErrorCode = 'empty' | 'forbiddenDtd' | 'malformedXml';

export class XmlParseError extends Error {
  constructor(
    readonly code: XmlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'XmlParseError';
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: false,
});

const DTD_PATTERN = /<!(DOCTYPE|ENTITY)/i;

/** Parses one XML document into its root element. Throws XmlParseError on anything else. */
export function parseXmlDocument(xml: string): XmlElement {
  if (xml.trim() === '') throw new XmlParseError('empty', 'empty XML document');
  if (DTD_PATTERN.test(xml)) {
    throw new XmlParseError('forbiddenDtd', 'XML document contains a DOCTYPE or ENTITY declaration; CSTA messages must not');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlParseError('malformedXml', `malformed XML at line ${line}, column ${col}: ${msg}`);
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (e) {
    throw new XmlParseError('malformedXml', `malformed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const elements = toElements(nodes);
  if (elements.length !== 1) {
    throw new XmlParseError('malformedXml', `an XML document has exactly one root element, found ${elements.length}`);
  }
  return elements[0]!;
}

type OrderedNode = Record<string, unknown>;

function toElements(nodes: unknown): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const tag = Object.keys(node).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text' || tag === '#cdata' || tag.startsWith('?') || tag.startsWith('!')) continue;
    const colon = tag.indexOf(':');
    const children = node[tag];
    const rawAttributes = (node[':@'] ?? {}) as Record<string, unknown>;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttributes)) attributes[k] = decodeEntities(String(v));
    out.push({
      name: colon >= 0 ? tag.slice(colon + 1) : tag,
      prefix: colon >= 0 ? tag.slice(0, colon) : '',
      attributes,
      children: toElements(children),
      text: textOf(children),
    });
  }
  return out;
}

function textOf(children: unknown): string {
  if (!Array.isArray(children)) return '';
  let text = '';
  for (const child of children as OrderedNode[]) {
    if ('#text' in child) text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) {
      const cdata = child['#cdata'];
      if (Array.isArray(cdata)) for (const part of cdata as OrderedNode[]) text += String(part['#text'] ?? '');
    }
  }
  return text.trim();
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric character references; anything else is an error. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlParseError('malformedXml', `unterminated entity reference "${whole}"`);
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (numeric) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
      if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return String.fromCodePoint(code);
    }
    throw new XmlParseError('malformedXml', `unsupported entity reference "${whole}" (only the predefined XML entities are allowed)`);
  });
}

/** Escapes text or attribute content. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** First child with the given local name. */
export function childElement(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((c) => c.name === name);
}

/** Follows a slash-separated path of local names. */
export function elementAt(parent: XmlElement | undefined, path: string): XmlElement | undefined {
  let el = parent;
  for (const segment of path.split('/')) el = childElement(el, segment);
  return el;
}

/** The namespace URI that applies to an element's own name (root elements only: no inheritance). */
export function namespaceOf(el: XmlElement): string | undefined {
  return el.attributes[el.prefix ? `xmlns:${el.prefix}` : 'xmlns'];
}

/** An element to write: text or children, never both. */
export interface XmlNode {
  name: string;
  attributes?: Record<string, string>;
  text?: string;
  children?: XmlNode[];
}

export function writeXml(node: XmlNode): string {
  const attrs = Object.entries(node.attributes ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (node.text !== undefined && node.text !== '') return `<${node.name}${attrs}>${escapeXml(node.text)}</${node.name}>`;
  if (node.children && node.children.length > 0) {
    return `<${node.name}${attrs}>${node.children.map(writeXml).join('')}</${node.name}>`;
  }
  return `<${node.name}${attrs}/>`;
}
