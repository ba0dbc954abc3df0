import type { WorkbookRisks } from '@shadowscan/domain';
import { builtInKind, classifyFormat, type NumberKind } from './number-format';
import { SharedStrings } from './shared-strings';
import { sheetScanner } from './sheet.scan';
import type { SheetEvent } from './sheet.source';
import { emptyExtras, readSharedStrings, readSheetRows, type WorkbookContext } from './xlsx.sheet';
import { elements, elementTexts } from './xml.text';
import type { ZipDirectory, ZipEntry } from './zip-directory';
import { type InflateBudget, readEntry, readEntryText } from './zip-entry';

/** The workbook archive holds no workbook part: not an Excel file, whatever its name. */
export class NotAWorkbookError extends Error {
  override readonly name = 'NotAWorkbookError';
}

/** What reading a workbook learnt besides its rows; filled in as the read goes. */
export interface XlsxReadResult {
  /** Worksheet names in workbook (tab) order. */
  sheetOrder: string[];
  hiddenSheets: string[];
  formulas: number;
  risks: WorkbookRisks;
  /** Per sheet: hidden columns (1-based) and merged ranges, for table detection. */
  sheets: Map<string, { hiddenColumns: number[]; merges: string[] }>;
}

/** Parts read whole (workbook, relationships, styles, properties) are small in any real file. */
const MAX_SMALL_PART_BYTES = 32 * 1024 * 1024;
const MAX_SHARED_STRINGS = 10_000_000;

interface Relationship {
  target: string;
  type: string;
}

/**
 * Streams an .xlsx/.xlsm workbook as sheet and row events, sheets in tab order. Parts are read by
 * random access through the zip directory, each inflated once; worksheets are parsed as they inflate,
 * so memory holds the shared strings and one chunk, never a whole sheet. Stopping the iteration
 * closes everything.
 */
export async function* readXlsxRows(
  path: string,
  directory: ZipDirectory,
  budget: InflateBudget,
  signal: AbortSignal,
  meta: XlsxReadResult,
  reading: { byteHashing: boolean; wasm: boolean } = { byteHashing: true, wasm: true },
): AsyncGenerator<SheetEvent> {
  const byName = new Map<string, ZipEntry>();
  for (const entry of directory.entries) byName.set(entry.name.replace(/^\/+/, '').toLowerCase(), entry);
  const find = (name: string) => byName.get(name.replace(/^\/+/, '').toLowerCase());
  const text = async (name: string): Promise<string | null> => {
    const entry = find(name);
    return entry ? readEntryText(path, entry, budget, MAX_SMALL_PART_BYTES, signal) : null;
  };

  const rootRels = parseRels((await text('_rels/.rels')) ?? '', '');
  const workbookPath =
    [...rootRels.values()].find((r) => /\/officeDocument$/.test(r.type))?.target ?? 'xl/workbook.xml';
  const workbookXml = await text(workbookPath);
  if (workbookXml === null || !/<(?:[\w.-]+:)?workbook[\s>]/.test(workbookXml)) {
    throw new NotAWorkbookError('no workbook part');
  }
  const base = workbookPath.includes('/') ? workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1) : '';
  const rels = parseRels((await text(relsPathOf(workbookPath))) ?? '', base);
  const relOfType = (suffix: string) => [...rels.values()].filter((r) => r.type.endsWith(suffix));

  const workbookPr = elements(workbookXml, 'workbookPr')[0] ?? {};
  const date1904 = workbookPr.date1904 === '1' || workbookPr.date1904 === 'true';
  const stylesPath = relOfType('/styles')[0]?.target ?? `${base}styles.xml`;
  const stringsPath = relOfType('/sharedStrings')[0]?.target ?? `${base}sharedStrings.xml`;
  const stylesXml = await text(stylesPath);
  const stringsEntry = find(stringsPath);
  const strings = new SharedStrings();
  const scanner = reading.wasm ? sheetScanner() : null;
  try {
    if (stringsEntry) {
      const entry = readEntry(path, stringsEntry, budget, signal);
      await readSharedStrings(entry, MAX_SHARED_STRINGS, strings, scanner);
    }
    const book: WorkbookContext = {
      date1904,
      styleKinds: stylesXml ? styleKinds(stylesXml) : [],
      sharedStrings: strings,
      byteHashing: reading.byteHashing,
      scanner,
    };

    const risks = meta.risks;
    risks.macros = directory.entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name));
    risks.externalLinks = relOfType('/externalLink').length;
    risks.dataConnections = directory.entries.filter((e) =>
      /(^|\/)(connections\.xml|queryTables\/[^/]+\.xml)$/i.test(e.name),
    ).length;
    risks.pivotCaches = relOfType('/pivotCacheDefinition').length;
    risks.workbookProtected = elements(workbookXml, 'workbookProtection').some(
      (p) => p.lockStructure === '1' || p.lockStructure === 'true' || p.lockWindows === '1',
    );
    risks.hiddenSheets = meta.hiddenSheets;
    risks.veryHiddenSheets = [];
    risks.protectedSheets = [];
    risks.formulas = 0;
    risks.errorCells = 0;
    const core = await text('docProps/core.xml');
    if (core) {
      const author = elementTexts(core, 'creator')[0]?.trim();
      const modifiedBy = elementTexts(core, 'lastModifiedBy')[0]?.trim();
      if (author) risks.author = author;
      if (modifiedBy) risks.lastModifiedBy = modifiedBy;
    }

    for (const sheet of elements(workbookXml, 'sheet')) {
      const name = sheet.name ?? '';
      const relId = Object.entries(sheet).find(([k]) => /(^|:)id$/.test(k) && k !== 'sheetId')?.[1];
      const rel = relId ? rels.get(relId) : undefined;
      meta.sheetOrder.push(name);
      if (sheet.state === 'hidden' || sheet.state === 'veryHidden') meta.hiddenSheets.push(name);
      if (sheet.state === 'veryHidden') risks.veryHiddenSheets.push(name);
      // Chart sheets and dialog sheets hold no cells.
      if (!rel || !rel.type.endsWith('/worksheet')) continue;
      const entry = find(rel.target);
      if (!entry) continue;
      const extras = emptyExtras();
      yield { kind: 'sheet', name, hidden: sheet.state === 'hidden' || sheet.state === 'veryHidden' };
      try {
        for await (const batch of readSheetRows(readEntry(path, entry, budget, signal), book, extras)) {
          yield { kind: 'batch', batch };
        }
      } finally {
        meta.formulas += extras.formulas;
        risks.formulas += extras.formulas;
        risks.errorCells += extras.errorCells;
        if (extras.protected) risks.protectedSheets.push(name);
        meta.sheets.set(name, { hiddenColumns: extras.hiddenColumns, merges: extras.merges });
      }
    }
  } finally {
    // Closes the spill file of a very large string table.
    strings.dispose();
  }
}

function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** Relationship id -> target part (resolved against `base`, the folder of the source part). */
function parseRels(xml: string, base: string): Map<string, Relationship> {
  const out = new Map<string, Relationship>();
  for (const r of elements(xml, 'Relationship')) {
    if (!r.Id || !r.Target || r.TargetMode === 'External') {
      if (r.Id && r.Type) out.set(r.Id, { target: '', type: r.Type });
      continue;
    }
    out.set(r.Id, { target: resolvePart(base, r.Target), type: r.Type ?? '' });
  }
  return out;
}

function resolvePart(base: string, target: string): string {
  const joined = target.startsWith('/') ? target.slice(1) : base + target;
  const parts: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return parts.join('/');
}

/** The number format kind of every cell style (`cellXfs`), by index. */
export function styleKinds(stylesXml: string): NumberKind[] {
  const custom = new Map<number, NumberKind>();
  for (const f of elements(stylesXml, 'numFmt')) {
    custom.set(Number(f.numFmtId), classifyFormat(f.formatCode ?? ''));
  }
  const cellXfs = /<(?:[\w.-]+:)?cellXfs[\s>][\s\S]*?<\/(?:[\w.-]+:)?cellXfs>/.exec(stylesXml)?.[0] ?? '';
  return elements(cellXfs, 'xf').map((xf) => {
    const id = Number(xf.numFmtId ?? 0);
    return custom.get(id) ?? builtInKind(id);
  });
}
