import { Injectable } from '@nestjs/common';
import type { ResolvedCatalog } from '@shadowscan/domain';
import { Matcher } from '@shadowscan/matching';
import { ShadowscanStore } from '@shadowscan/store';

export interface LoadedCatalog {
  catalog: ResolvedCatalog;
  /** Built on first use: with analysis threads, each thread builds its own and this one is never needed. */
  readonly matcher: Matcher;
}

const KEEP = 4;

/**
 * Catalog versions are immutable, so a worker loads each one (and builds its matcher) once and
 * reloads only when a scan names a version it has not seen.
 */
@Injectable()
export class CatalogCache {
  private readonly loaded = new Map<string, Promise<LoadedCatalog>>();

  constructor(private readonly store: ShadowscanStore) {}

  get(version: string): Promise<LoadedCatalog> {
    let entry = this.loaded.get(version);
    if (!entry) {
      entry = this.load(version);
      entry.catch(() => this.loaded.delete(version));
      this.loaded.set(version, entry);
      while (this.loaded.size > KEEP) this.loaded.delete(this.loaded.keys().next().value!);
    }
    return entry;
  }

  private async load(version: string): Promise<LoadedCatalog> {
    const catalog = await this.store.getCatalog(version);
    if (!catalog) throw new Error(`catalog version ${version} is not in the store`);
    let matcher: Matcher | undefined;
    return {
      catalog,
      get matcher() {
        return (matcher ??= new Matcher(catalog.systems.flatMap((s) => s.entities)));
      },
    };
  }
}
