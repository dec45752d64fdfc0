/**
 * The Bot Framework adapter for incoming activities (teams-ai's TeamsAdapter,
 * i.e. botbuilder's CloudAdapter), opened up so that the HTTP edge
 * (src/platform/http/botEdge.ts) can authenticate a request first, run its own
 * channel and tenant checks, and only then run the turn – with botbuilder's own
 * token validation, never a second implementation of it.
 */
import { TeamsAdapter } from '@microsoft/teams-ai';
import { Activity, CallerIdConstants, ConfigurationBotFrameworkAuthenticationOptions, InvokeResponse, TurnContext } from 'botbuilder';
import { AuthenticateRequestResult, AuthenticationConstants, ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Config } from '../../config';

/** The adapter settings for the configured authentication (nothing: authentication off). */
export function adapterSettings(auth: Config['auth']): ConfigurationBotFrameworkAuthenticationOptions {
  if (auth.mode === 'off') return {};
  const settings: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: auth.appId,
    MicrosoftAppPassword: auth.appPassword,
    MicrosoftAppType: auth.appType,
    MicrosoftAppTenantId: auth.tenantId,
  };
  if (!auth.openIdMetadataUrl) return settings;
  // botbuilder takes any one of these as "all are given": the public cloud's values,
  // except where the signing keys of incoming tokens are read (tests: a loopback server).
  return {
    ...settings,
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: auth.openIdMetadataUrl,
    // Tokens with an Azure AD issuer take the emulator path; keep their keys local too, so nothing leaves the machine.
    ToBotFromEmulatorOpenIdMetadataUrl: auth.openIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/** teams-ai's adapter with authentication and the turn as two steps. */
export class BotAdapter extends TeamsAdapter {
  /**
   * @param credentials how the bot authenticates its own calls to the connector;
   *   tests pass one that needs no Azure AD (default: from the settings).
   */
  constructor(auth: Config['auth'], credentials?: ServiceClientCredentialsFactory) {
    super(adapterSettings(auth), credentials);
  }

  /**
   * Validates the request's Bot Framework token for this activity (signature,
   * issuer, audience, expiry, the key's channel endorsement, the service URL).
   * Throws botbuilder's AuthenticationError (or the JWT library's error) when it fails.
   */
  authenticate(activity: Partial<Activity>, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity as Activity, authHeader);
  }

  /** Runs the turn of an authenticated activity; the invoke response, if the turn has one. */
  runAuthenticated(
    auth: AuthenticateRequestResult,
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity as Activity, logic);
  }
}
