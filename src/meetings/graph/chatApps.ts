/**
 * Samspil installs itself in a Teams meeting's chat through Microsoft Graph
 * v1.0 with an application token: `POST /chats/{chat-id}/installedApps` with
 * the app from the organisation's app catalogue, consenting at once to the
 * resource-specific permissions the manifest asks for (without them Teams
 * sends the bot no meeting start/end or participant events).
 *
 * What the tenant must configure: the application permission
 * `TeamsAppInstallation.ReadWriteSelfForChat.All` (the app may install only
 * itself, in any chat), with admin consent, and TEAMS_APP_CATALOG_ID = the
 * app's id in the organisation's catalogue (not the manifest id).
 *
 * Installing is idempotent in effect: an app already in the chat is 409
 * Conflict, which counts as done (a retry after a lost answer, or a leader
 * who added Samspil by hand first).
 */
import { isGraphError } from '../../platform/graph/errors';
import { GRAPH_BASE_URL, GraphHttp } from '../../platform/graph/graphHttp';
import type { GraphHttpOptions } from '../../platform/graph/graphHttp';
import type { Logger } from '../../platform/logger';

/** The RSC permissions in appPackage/manifest.json (authorization.permissions.resourceSpecific); a test keeps them equal. */
export const MEETING_CHAT_RSC_PERMISSIONS = ['OnlineMeeting.ReadBasic.Chat', 'OnlineMeetingParticipant.Read.Chat'] as const;

/** What the meeting capability needs from Graph for meeting chats (a fake can implement it). */
export interface ChatApps {
  /** Installs Samspil in the chat; 'alreadyInstalled' when it was there. Throws GraphError otherwise. */
  install(chatId: string): Promise<'installed' | 'alreadyInstalled'>;
}

export interface GraphChatAppsOptions extends GraphHttpOptions {
  /** The app's id in the organisation's app catalogue (TEAMS_APP_CATALOG_ID). */
  catalogAppId: string;
}

/** Chat app installation over Microsoft Graph. */
export class GraphChatApps implements ChatApps {
  private readonly http: GraphHttp;
  private readonly logger: Logger;
  private readonly bind: string;

  constructor(options: GraphChatAppsOptions) {
    // Retry-After up to 25 s is waited for inside the call; a longer one fails it and the job's backoff takes over.
    this.http = new GraphHttp({ maxRetryAfterMs: 25_000, ...options });
    this.logger = options.logger;
    // Graph reads the binding as an absolute URL of the public cloud's catalogue, whatever address we call.
    this.bind = `${GRAPH_BASE_URL}/appCatalogs/teamsApps/${encodeURIComponent(options.catalogAppId)}`;
  }

  /** Installs the app in the chat (201), or finds it there (409). */
  async install(chatId: string): Promise<'installed' | 'alreadyInstalled'> {
    const body = {
      'teamsApp@odata.bind': this.bind,
      consentedPermissionSet: {
        resourceSpecificPermissions: MEETING_CHAT_RSC_PERMISSIONS.map((permissionValue) => ({ permissionValue, permissionType: 'application' })),
      },
    };
    try {
      await this.http.send('chat.installApp', 'POST', `/chats/${encodeURIComponent(chatId)}/installedApps`, body);
    } catch (err) {
      if (!isGraphError(err) || err.status !== 409) throw err;
      this.logger.info('graph.chatApp.installed', { alreadyInstalled: true });
      return 'alreadyInstalled';
    }
    this.logger.info('graph.chatApp.installed', { alreadyInstalled: false });
    return 'installed';
  }
}
