import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type CoreConfig } from '@shadowscan/config';
import { openDatabase, type OpenDatabase } from './database';
import { ShadowscanStore } from './store';

export const DATABASE = Symbol('DATABASE');

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG],
      useFactory: (cfg: CoreConfig) =>
        openDatabase({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.SHADOWSCAN_DB_DIR }),
    },
    {
      provide: ShadowscanStore,
      inject: [DATABASE],
      useFactory: (d: OpenDatabase) => new ShadowscanStore(d.db, { oneWriter: d.engine === 'pglite' }),
    },
  ],
  exports: [ShadowscanStore, DATABASE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: OpenDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
