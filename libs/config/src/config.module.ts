import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG } from './config';

/** Makes the app's validated config injectable everywhere (APP_CONFIG). Loaded by the app's main. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: object): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: Object.freeze({ ...config }) }],
      exports: [APP_CONFIG],
    };
  }
}
