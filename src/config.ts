/**
 * All settings, parsed once from the environment with zod and frozen.
 * A missing or invalid setting stops start-up with a message naming it.
 */
import { z } from 'zod';
import { DEFAULT_AUDIT_RETENTION_DAYS } from './platform/audit/audit';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/**
 * A secret App Service could not resolve arrives as the reference text itself
 * ("@Microsoft.KeyVault(...)"): long enough to pass a length check, but not
 * secret. Refused, so a missing Key Vault permission stops start-up loudly.
 */
const secret = (min = 1) =>
  optionalString.pipe(
    z
      .string()
      .min(min, `must be at least ${min} characters`)
      .refine((v) => !/^@Microsoft\.KeyVault\(/i.test(v), 'is an unresolved Key Vault reference (check the app\'s access to the vault)')
      .optional(),
  );

/** Whole days, 0 (erase as soon as the plan ends) to 3650 (ten years), with a default. */
const retentionDays = (fallback: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int('must be whole days').min(0).max(3650).default(fallback));

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "a, b" → ['a', 'b'], each a tenant GUID (lower case, so comparisons need not care about case). */
const tenantList = optionalString.pipe(
  z
    .string()
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))])
    .pipe(z.array(z.string().regex(GUID, 'must be a comma-separated list of tenant GUIDs')).min(1, 'must name at least one tenant GUID'))
    .optional(),
);

const envSchema = z
  .object({
    /** HTTP port of the bot (App Service sets it). */
    PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).default(3978)),
    /** Interface to listen on; forced to loopback when authentication is off. */
    HOST: optionalString,
    /** Bot Framework app (client) id. When set, every request's JWT is validated. */
    MICROSOFT_APP_ID: optionalString,
    /** Client secret for MultiTenant/SingleTenant bots; not used with a managed identity. */
    MICROSOFT_APP_PASSWORD: secret(),
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
    MICROSOFT_APP_TENANT_ID: optionalString,
    /** Explicit opt-in to run without Bot Framework authentication, for local use only (loopback, embedded store, not production). */
    LOCAL_NO_AUTH: bool,
    /** The Azure AD tenants whose Teams users the bot serves (comma-separated GUIDs). Required in production; unset = every tenant (local, tests). */
    ALLOWED_TENANT_IDS: tenantList,
    /** Tests only: where the OpenID metadata (and so the keys) for incoming Bot Framework tokens is read. Refused in production. */
    BOT_OPENID_METADATA_URL: optionalString.pipe(z.string().url().regex(/^https?:/i, 'must be an http(s) URL').optional()),
    /** Azure Cosmos DB endpoint; when absent the embedded local store is started. */
    COSMOS_ENDPOINT: optionalString.pipe(z.string().url().optional()),
    /** Account key; when absent with COSMOS_ENDPOINT, a managed identity (DefaultAzureCredential) is used. */
    COSMOS_KEY: optionalString,
    COSMOS_DATABASE: z.string().trim().min(1).max(255).default('samspil'),
    /** Where the embedded store keeps its data between restarts. */
    DATA_DIR: z.string().trim().min(1).default('.data'),
    /** Keep the embedded store in memory only (tests). */
    EMBEDDED_COSMOS_IN_MEMORY: bool,
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** The bot's public address, for links in cards (the .ics downloads). Default http://localhost:PORT. */
    PUBLIC_BASE_URL: optionalString.pipe(z.string().url().optional()),
    /** Signs the .ics download links (at least 32 characters). Required in production; random per process locally. */
    ICS_LINK_SECRET: secret(32),
    /** ORGANIZER of .ics files when the organiser has no e-mail in the plan; without it such files have no ORGANIZER/METHOD. */
    CALENDAR_ORGANIZER_EMAIL: optionalString.pipe(z.string().email('must be an e-mail address').max(254).optional()),
    /** How long a link to the plan as a document works (hours, 1–168; default 72: over a weekend, shorter than the .ics links' 7 days). */
    DOCUMENT_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(168).default(72),
    /** The connector address for tenants the bot has not heard from yet (creating a 1:1 chat). */
    DEFAULT_SERVICE_URL: z.string().url().default('https://smba.trafficmanager.net/emea/'),
    /** Microsoft Graph (online meetings, delivery checks): tenant and app, with a secret or a managed identity. */
    GRAPH_TENANT_ID: optionalString,
    GRAPH_CLIENT_ID: optionalString,
    GRAPH_CLIENT_SECRET: secret(),
    GRAPH_USE_MANAGED_IDENTITY: bool,
    GRAPH_BASE_URL: optionalString.pipe(z.string().url().optional()),
    /** Samspil's id in the organisation's Teams app catalogue (not the manifest id): with Graph, Samspil installs itself in the chats of the Teams meetings it creates. */
    TEAMS_APP_CATALOG_ID: optionalString.pipe(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be the app catalogue id (a GUID)').optional()),
    /** The acute line's endpoint (README, "The acute line's endpoint"): the `aud` its tokens carry – the API's app id URI and/or client id, comma-separated. Unset = no endpoint. */
    ACUTE_API_AUDIENCE: optionalString.pipe(z.string().transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))]).pipe(z.array(z.string().max(400)).min(1, 'must name the API\'s app id URI or client id')).optional()),
    /** The app role a calling app needs to post (default Acute.Post). */
    ACUTE_API_ROLE: z.string().trim().min(1).max(120).default('Acute.Post'),
    /** The app role that lets a calling app read who acknowledged, without posting (default Acute.Read; Acute.Post reads too). */
    ACUTE_API_READ_ROLE: z.string().trim().min(1).max(120).default('Acute.Read'),
    /** Tests and local use only: where the tenant's token keys are read, `{tenant}` replaced by the token's tid. Refused in production. */
    ACUTE_API_JWKS_URL: optionalString.pipe(z.string().url().regex(/^https?:/i, 'must be an http(s) URL').optional()),
    /** Requests per calling app a minute to the acute line's endpoint, per instance (default 120). */
    ACUTE_API_RATE_LIMIT_PER_MINUTE: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(100_000).default(120)),
    /** Days a closed plan is kept (read-only) before its documents are erased; each data controller decides (README, "Consent, withdrawal, closing and erasure"). */
    PLAN_RETENTION_DAYS_AFTER_CLOSE: retentionDays(90),
    /** Days a plan is kept (locked, its creator only) after the citizen withdrew all consent, before erasure. */
    PLAN_RETENTION_DAYS_AFTER_WITHDRAWAL: retentionDays(30),
    /** Minutes an urgent deviation waits for a coordinator's acknowledgement before each escalation step (README, "Deviations"). */
    DEVIATION_ESCALATION_URGENT_MINUTES: z.coerce.number().int().min(5).max(1440).default(30),
    /** Time of day (HH:MM, Europe/Copenhagen) on the next working day when a normal deviation escalates; weekends and Danish and Swedish holidays are skipped. */
    DEVIATION_ESCALATION_NORMAL_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM').default('12:00'),
    /** Local only: answer in this locale whatever the client says (the Playground always says en-US). */
    LOCAL_LOCALE: optionalString.pipe(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a locale such as da-DK').optional()),
    /** Days each audit entry is kept (Cosmos ttl); each data controller decides (README, "Privacy"). At least a year; at most what Cosmos's ttl holds (2^31 s). */
    AUDIT_RETENTION_DAYS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(365).max(24_855).default(DEFAULT_AUDIT_RETENTION_DAYS)),
    /** Seconds between the sweeps for overdue actions (src/deviations/followUp; default 900: a reminder comes within 15 minutes of the deadline day's end). */
    OVERDUE_SWEEP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Teams users (AAD object ids, comma-separated) who set the escalation contacts per organisation with 'eskaleringskontakter'. */
    ESCALATION_ADMIN_IDS: optionalString.pipe(
      z.string().transform((v) => [...new Set(v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))]).pipe(z.array(z.string().regex(GUID, 'must be a comma-separated list of user object ids'))).optional(),
    ),
    /** The acute team's Teams channel (or team: its General channel's id, 19:…): help requests go there, and its members are the acute team unless ACUTE_TEAM_GROUP_ID is set. */
    ACUTE_TEAM_CHANNEL_ID: optionalString.pipe(z.string().regex(/^[^\s;]{1,300}$/, 'must be a Teams channel id (19:…@thread.tacv2)').optional()),
    /** An Entra group whose (transitive) members are the acute team, checked through Graph (needs GRAPH_*). */
    ACUTE_TEAM_GROUP_ID: optionalString.pipe(z.string().uuid('must be an Entra group id (a GUID)').optional()),
    NODE_ENV: z.string().default('development'),
  })
  .superRefine((env, ctx) => {
    if (!env.MICROSOFT_APP_ID && !env.LOCAL_NO_AUTH) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MICROSOFT_APP_ID'],
        message: 'is required; for local use without Bot Framework authentication set LOCAL_NO_AUTH=true instead',
      });
    }
    if (env.MICROSOFT_APP_ID && env.LOCAL_NO_AUTH) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['LOCAL_NO_AUTH'], message: 'cannot be combined with MICROSOFT_APP_ID' });
    }
    if (env.LOCAL_NO_AUTH && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['LOCAL_NO_AUTH'], message: 'cannot be used in production (NODE_ENV=production): every request must be authenticated' });
    }
    if (env.LOCAL_NO_AUTH && env.COSMOS_ENDPOINT) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['LOCAL_NO_AUTH'], message: 'cannot be combined with COSMOS_ENDPOINT: a real database is never reachable without authentication' });
    }
    if (env.BOT_OPENID_METADATA_URL && (env.NODE_ENV === 'production' || env.COSMOS_ENDPOINT)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['BOT_OPENID_METADATA_URL'], message: 'is for tests only: refused in production and with COSMOS_ENDPOINT' });
    }
    if (env.BOT_OPENID_METADATA_URL && !env.MICROSOFT_APP_ID) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['BOT_OPENID_METADATA_URL'], message: 'needs MICROSOFT_APP_ID (it only changes where token keys are read)' });
    }
    if (env.ACUTE_API_JWKS_URL && (env.NODE_ENV === 'production' || env.COSMOS_ENDPOINT)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ACUTE_API_JWKS_URL'], message: 'is for tests and local use only: refused in production and with COSMOS_ENDPOINT (tokens are checked against Entra ID\'s keys)' });
    }
    if (env.NODE_ENV === 'production' && !env.ALLOWED_TENANT_IDS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ALLOWED_TENANT_IDS'], message: 'is required in production (the tenants whose Teams users the bot serves, comma-separated GUIDs)' });
    }
    if (env.LOCAL_NO_AUTH && env.HOST && !LOOPBACK.includes(env.HOST)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['HOST'], message: 'must be a loopback address when LOCAL_NO_AUTH=true' });
    }
    if (env.MICROSOFT_APP_ID && env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI' && !env.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['MICROSOFT_APP_PASSWORD'], message: `is required for MICROSOFT_APP_TYPE=${env.MICROSOFT_APP_TYPE}` });
    }
    if (env.MICROSOFT_APP_ID && env.MICROSOFT_APP_TYPE !== 'MultiTenant' && !env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['MICROSOFT_APP_TENANT_ID'], message: `is required for MICROSOFT_APP_TYPE=${env.MICROSOFT_APP_TYPE}` });
    }
    if (env.LOCAL_LOCALE && !env.LOCAL_NO_AUTH) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['LOCAL_LOCALE'], message: 'is for local use only (LOCAL_NO_AUTH=true)' });
    }
    if (env.NODE_ENV === 'production' && !env.PUBLIC_BASE_URL) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['PUBLIC_BASE_URL'], message: 'is required in production (links in cards must reach the bot)' });
    }
    if (env.NODE_ENV === 'production' && env.PUBLIC_BASE_URL && !env.PUBLIC_BASE_URL.startsWith('https://')) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['PUBLIC_BASE_URL'], message: 'must be an https:// address in production (signed links travel in it)' });
    }
    if (env.NODE_ENV === 'production' && !env.ICS_LINK_SECRET) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ICS_LINK_SECRET'], message: 'is required in production (download links must survive restarts)' });
    }
    if (env.GRAPH_CLIENT_ID && !env.GRAPH_CLIENT_SECRET && !env.GRAPH_USE_MANAGED_IDENTITY) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['GRAPH_CLIENT_SECRET'], message: 'is required with GRAPH_CLIENT_ID unless GRAPH_USE_MANAGED_IDENTITY=true' });
    }
    if (env.GRAPH_CLIENT_ID && !env.GRAPH_TENANT_ID) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['GRAPH_TENANT_ID'], message: 'is required with GRAPH_CLIENT_ID' });
    }
    if (env.ACUTE_TEAM_GROUP_ID && !env.GRAPH_TENANT_ID) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ACUTE_TEAM_GROUP_ID'], message: 'needs Microsoft Graph (GRAPH_TENANT_ID and GRAPH_CLIENT_ID or GRAPH_USE_MANAGED_IDENTITY)' });
    }
    if (env.NODE_ENV === 'production' && !env.COSMOS_ENDPOINT) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['COSMOS_ENDPOINT'], message: 'is required in production (the embedded store is for local use)' });
    }
  });

export type Config = Readonly<{
  port: number;
  host: string;
  auth:
    | { mode: 'off' }
    | {
        mode: 'botFramework';
        appId: string;
        appPassword?: string;
        appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
        tenantId?: string;
        /** Tests only: the OpenID metadata URL for incoming tokens (default: the Bot Framework's). */
        openIdMetadataUrl?: string;
      };
  /** Tenants served (lower-case GUIDs); undefined = every tenant (local and tests only). */
  allowedTenantIds?: readonly string[];
  cosmos:
    | { mode: 'embedded'; dataDir?: string; databaseId: string }
    | { mode: 'azure'; endpoint: string; key?: string; databaseId: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  publicBaseUrl: string;
  icsLinkSecret?: string;
  calendarOrganizerEmail?: string;
  documentLinkTtlHours: number;
  defaultServiceUrl: string;
  graph?: { tenantId: string; clientId?: string; clientSecret?: string; managedIdentity: boolean; baseUrl?: string };
  /** The app's id in the organisation's app catalogue, for installing it in meeting chats (with Graph only). */
  teamsAppCatalogId?: string;
  /** The acute line's endpoint; undefined when ACUTE_API_AUDIENCE is unset (no endpoint). */
  acuteApi?: { audiences: readonly string[]; postRole: string; readRole: string; jwksUrl?: string; ratePerMinute: number };
  localLocale?: string;
  auditRetentionDays: number;
  /** How long a plan's documents are kept after it ended (closed, or consent fully withdrawn). */
  retention: { daysAfterClose: number; daysAfterWithdrawal: number };
  /** Overdue actions and escalation contacts (src/deviations/followUp). */
  followUp: { sweepSeconds: number; escalationAdminIds: readonly string[] };
  /** Who the acute team is and where its help requests go (src/acute). */
  acute: { teamChannelId?: string; teamGroupId?: string };
  /** When an unacknowledged deviation escalates (src/deviations/domain/escalation.ts). */
  deviationEscalation: { urgentMinutes: number; normalTime: string };
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into the bot's configuration, or throws a ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.LOCAL_NO_AUTH ? (e.HOST ?? '127.0.0.1') : (e.HOST ?? '0.0.0.0'),
    auth: e.MICROSOFT_APP_ID
      ? {
          mode: 'botFramework',
          appId: e.MICROSOFT_APP_ID,
          appPassword: e.MICROSOFT_APP_PASSWORD,
          appType: e.MICROSOFT_APP_TYPE,
          tenantId: e.MICROSOFT_APP_TENANT_ID,
          openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
        }
      : { mode: 'off' },
    allowedTenantIds: e.ALLOWED_TENANT_IDS && Object.freeze(e.ALLOWED_TENANT_IDS),
    cosmos: e.COSMOS_ENDPOINT
      ? { mode: 'azure', endpoint: e.COSMOS_ENDPOINT, key: e.COSMOS_KEY, databaseId: e.COSMOS_DATABASE }
      : { mode: 'embedded', dataDir: e.EMBEDDED_COSMOS_IN_MEMORY ? undefined : e.DATA_DIR, databaseId: e.COSMOS_DATABASE },
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    icsLinkSecret: e.ICS_LINK_SECRET,
    calendarOrganizerEmail: e.CALENDAR_ORGANIZER_EMAIL,
    documentLinkTtlHours: e.DOCUMENT_LINK_TTL_HOURS,
    defaultServiceUrl: e.DEFAULT_SERVICE_URL,
    graph:
      e.GRAPH_TENANT_ID && (e.GRAPH_CLIENT_ID || e.GRAPH_USE_MANAGED_IDENTITY)
        ? { tenantId: e.GRAPH_TENANT_ID, clientId: e.GRAPH_CLIENT_ID, clientSecret: e.GRAPH_CLIENT_SECRET, managedIdentity: e.GRAPH_USE_MANAGED_IDENTITY, baseUrl: e.GRAPH_BASE_URL }
        : undefined,
    teamsAppCatalogId: e.TEAMS_APP_CATALOG_ID,
    ...(e.ACUTE_API_AUDIENCE && {
      acuteApi: {
        audiences: Object.freeze(e.ACUTE_API_AUDIENCE),
        postRole: e.ACUTE_API_ROLE,
        readRole: e.ACUTE_API_READ_ROLE,
        jwksUrl: e.ACUTE_API_JWKS_URL,
        ratePerMinute: e.ACUTE_API_RATE_LIMIT_PER_MINUTE,
      },
    }),
    localLocale: e.LOCAL_LOCALE,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    retention: { daysAfterClose: e.PLAN_RETENTION_DAYS_AFTER_CLOSE, daysAfterWithdrawal: e.PLAN_RETENTION_DAYS_AFTER_WITHDRAWAL },
    followUp: { sweepSeconds: e.OVERDUE_SWEEP_SECONDS, escalationAdminIds: Object.freeze(e.ESCALATION_ADMIN_IDS ?? []) },
    acute: { teamChannelId: e.ACUTE_TEAM_CHANNEL_ID, teamGroupId: e.ACUTE_TEAM_GROUP_ID },
    deviationEscalation: { urgentMinutes: e.DEVIATION_ESCALATION_URGENT_MINUTES, normalTime: e.DEVIATION_ESCALATION_NORMAL_TIME },
  };
  return Object.freeze(config);
}

/** For process entry points: the configuration, or a message naming every bad setting and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
