import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/** What every app's config has. Apps extend it and override `PORT`'s default. */
export class AppConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  @IsNotEmpty()
  DATABASE_URL: string;

  /** Set to a real server's URL to be woken by LISTEN/NOTIFY; unset for the embedded database. */
  @IsOptional()
  @IsString()
  TRIBUTARY_NOTIFY_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}

/** The config of an app that publishes or consumes signed messages. */
export class MessagingAppConfig extends AppConfig {
  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY_ID: string = 'k1';

  /** HMAC key for message signatures; the same in every app. */
  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY: string;

  get signing(): { active: { id: string; secret: string } } {
    return { active: { id: this.TRIBUTARY_SIGNING_KEY_ID, secret: this.TRIBUTARY_SIGNING_KEY } };
  }
}
