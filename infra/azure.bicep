// Samspil – Azure resources for the Teams bot.
//
//   * App Service (Linux, Node 20 LTS) running the bot, with a system-assigned
//     managed identity (Cosmos DB data access, Key Vault references).
//   * Azure Cosmos DB for NoSQL (serverless), local (key) auth disabled: only
//     Microsoft Entra identities with a data-plane role can read or write.
//   * Azure Bot (Microsoft.BotService) with the Microsoft Teams channel only
//     (the Web Chat and Direct Line sites Azure creates are switched off).
//     Bot authentication uses a user-assigned managed identity (no secret at
//     all) or, with botAppType = 'SingleTenant', an Entra app registration whose
//     client secret is kept in Key Vault and reaches the app as a Key Vault reference.
//   * Key Vault (always): the .ics link signing secret (ICS_LINK_SECRET), made at the
//     first deployment, and the SingleTenant client secret; the app gets Key Vault references.
//   * Optional: Log Analytics + Application Insights.
//
// The app settings below are everything src/config.ts requires with NODE_ENV=production;
// test/unit/appPackage/deployment.test.ts runs the real loadConfig on them.
//
// Deployed by the Microsoft 365 Agents Toolkit (teamsapp.yml, arm/deploy). The
// outputs at the end are written to env/.env.<environment>.
// Syntax is kept to what Bicep v0.9 (the version pinned in teamsapp.yml) understands:
// multi-line objects and arrays, no user-defined types, no safe-dereference.

@minLength(4)
@maxLength(20)
@description('Base name for all resources: lower-case letters and digits (the toolkit appends RESOURCE_SUFFIX).')
param resourceBaseName string

@description('Region for App Service, Cosmos DB and monitoring. EU/EEA regions only: the care plans are health data.')
@allowed([
  'swedencentral'
  'northeurope'
  'westeurope'
  'germanywestcentral'
  'francecentral'
  'norwayeast'
])
param location string = 'swedencentral'

@description('App Service plan SKU (Linux). Basic or higher: the bot needs Always On.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
])
param webAppSku string = 'B1'

@maxLength(42)
@description('Display name of the Azure Bot resource (Teams shows the name from the app manifest).')
param botDisplayName string = 'Samspil'

@description('How the bot authenticates to the Bot Framework: a user-assigned managed identity (no secret) or a single-tenant Entra app with a client secret.')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botAppType string = 'UserAssignedMSI'

@description('SingleTenant only: client (application) id of the bot\'s Entra app registration.')
param botAadAppClientId string = ''

@secure()
@description('SingleTenant only: client secret of the bot\'s Entra app registration. Stored in Key Vault only.')
param botAadAppClientSecret string = ''

@description('Azure Bot data residency: global, or westeurope for an EU-regional bot (the bot code must then use the EU Bot Framework endpoints).')
@allowed([
  'global'
  'westeurope'
])
param botServiceLocation string = 'global'

@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@description('Create Log Analytics + Application Insights and pass the connection string to the app.')
param enableApplicationInsights bool = true

@minLength(36)
@description('Tenants whose Teams users may use the bot (ALLOWED_TENANT_IDS): comma-separated tenant ids. Default: this deployment\'s tenant. Staff of partner organisations normally work as B2B guests of this tenant and need no entry (infra/README.md).')
param allowedTenantIds string = subscription().tenantId

// Upper bound: Cosmos DB keeps defaultTtl as a 32-bit number of seconds.
@minValue(365)
@maxValue(24855)
@description('Days an audit entry is kept (AUDIT_RETENTION_DAYS; default 1826 = 5 years). Cosmos DB deletes older entries itself (defaultTtl of the audit container). Lowering it deletes older entries for good.')
param auditRetentionDays int = 1826

@allowed([
  'generate'
  'keep'
])
@description('ICS_LINK_SECRET in Key Vault: generate (first deployment, or to rotate it) writes icsLinkSecret as a new secret version; keep uses the one already there and fails the deployment if there is none. No default on purpose: a silent new secret would break every .ics link already sent (they live 7 days).')
param icsLinkSecretAction string

@secure()
@minLength(32)
@description('Used only with icsLinkSecretAction = generate. Leave it out: the default is 72 random characters made by Azure at deployment time. Never put it in a parameters file.')
param icsLinkSecret string = '${newGuid()}${newGuid()}'

@description('Let the app call Microsoft Graph (online meetings, the outbox\'s delivery check) with the web app\'s system-assigned managed identity. Its Graph application permissions are granted separately by an administrator: a data-protection decision (infra/README.md).')
param enableGraph bool = false

@description('With enableGraph: Samspil\'s id in the organisation\'s Teams app catalogue (not the manifest id; `GET /appCatalogs/teamsApps?$filter=externalId eq \'<manifest id>\'`). Samspil then installs itself in the chat of each Teams meeting it creates, which needs the Graph application permission TeamsAppInstallation.ReadWriteSelfForChat.All (infra/README.md). Empty: it does not.')
param teamsAppCatalogId string = ''

@description('The acute line\'s endpoint (README, "The acute line\'s endpoint"): the audience its callers\' tokens carry – the API app registration\'s Application ID URI and/or client id, comma-separated. Empty: no endpoint.')
param acuteApiAudience string = ''

@description('App role a calling app needs to post urgent messages (ACUTE_API_ROLE).')
param acuteApiRole string = 'Acute.Post'

@description('App role that lets a calling app read who acknowledged (ACUTE_API_READ_ROLE); the posting role reads too.')
param acuteApiReadRole string = 'Acute.Read'

@description('Tags put on every resource.')
param tags object = {
  application: 'samspil'
}

var useManagedIdentityForBot = botAppType == 'UserAssignedMSI'
var tenantId = subscription().tenantId

var webAppName = 'app-${resourceBaseName}'
var cosmosAccountName = 'cosmos-${resourceBaseName}'
var keyVaultName = 'kv-${resourceBaseName}'
var botSecretName = 'bot-client-secret'
var icsLinkSecretName = 'ics-link-secret'
var auditRetentionSeconds = auditRetentionDays * 24 * 60 * 60

var cosmosDatabaseName = 'samspil'
// Cosmos DB container TTL: off (no defaultTtl, items never expire), on per item (-1: only
// items that carry `ttl` expire), or a default in seconds (every item expires that long after its last write).
var ttlOff = 0
var ttlPerItem = -1
// One entry per container: name, partition key path and TTL.
// Keep `name` and `partitionKey` on consecutive lines (test/unit/appPackage/deployment.test.ts
// compares them and the TTL with the containers the app expects).
var cosmosContainers = [
  {
    name: 'plans'
    partitionKey: '/tenantId'
    defaultTtl: ttlOff
  }
  {
    name: 'versionResponses'
    partitionKey: '/tenantId'
    defaultTtl: ttlOff
  }
  {
    name: 'drafts'
    partitionKey: '/tenantId'
    // The app sets `ttl` (30 days) on every draft write, so abandoned guides expire.
    defaultTtl: ttlPerItem
  }
  {
    name: 'audit'
    partitionKey: '/planId'
    // Retention enforced by Azure: entries are append-only, so each expires auditRetentionDays after it was written.
    defaultTtl: auditRetentionSeconds
  }
  {
    name: 'conversations'
    partitionKey: '/tenantId'
    defaultTtl: ttlOff
  }
  {
    name: 'meetings'
    partitionKey: '/tenantId'
    defaultTtl: ttlOff
  }
  {
    name: 'followUps'
    partitionKey: '/tenantId'
    defaultTtl: ttlOff
  }
  {
    name: 'deviations'
    partitionKey: '/tenantId'
    defaultTtl: ttlOff
  }
  {
    name: 'meetingRecords'
    partitionKey: '/tenantId'
    defaultTtl: ttlOff
  }
  {
    name: 'outbox'
    partitionKey: '/shard'
    // Finished items carry `ttl` (30 days).
    defaultTtl: ttlPerItem
  }
  {
    name: 'schedule'
    partitionKey: '/shard'
    // Finished jobs carry `ttl` (90 days): kept so a repeated schedule stays a no-op, then expire.
    defaultTtl: ttlPerItem
  }
  {
    name: 'acute'
    partitionKey: '/tenantId'
    // Acute channels, urgent posts and help requests (src/acute).
    defaultTtl: ttlOff
  }
]

// Built-in role ids.
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002' // Cosmos DB Built-in Data Contributor (data plane)
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User

// ---------------------------------------------------------------------------
// Monitoring (optional)
// ---------------------------------------------------------------------------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = if (enableApplicationInsights) {
  name: 'log-${resourceBaseName}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = if (enableApplicationInsights) {
  name: 'appi-${resourceBaseName}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

// ---------------------------------------------------------------------------
// Bot identity (UserAssignedMSI)
// ---------------------------------------------------------------------------

resource botIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (useManagedIdentityForBot) {
  name: 'id-${resourceBaseName}-bot'
  location: location
  tags: tags
}

var botAppId = useManagedIdentityForBot ? botIdentity.properties.clientId : botAadAppClientId

// System-assigned identity for Cosmos DB and Key Vault; the user-assigned one only authenticates the bot.
var webAppIdentity = useManagedIdentityForBot ? {
  type: 'SystemAssigned, UserAssigned'
  userAssignedIdentities: {
    '${botIdentity.id}': {}
  }
} : {
  type: 'SystemAssigned'
}

// ---------------------------------------------------------------------------
// App Service
// ---------------------------------------------------------------------------

resource appServicePlan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: 'plan-${resourceBaseName}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: webAppIdentity
  properties: {
    serverFarmId: appServicePlan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      // The compiled bot (npm run build -> dist/), as `npm run start:prod` starts it (the same Node flags:
      // a 64 MB young generation – see README "Performance"). App Service sets PORT itself.
      appCommandLine: 'node --max-semi-space-size=64 dist/index.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
  dependsOn: [
    botIdentity // attached through the webAppIdentity variable
  ]
}

// No basic-auth (user name/password) publishing: the toolkit deploys with a Microsoft Entra token.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2022-09-01' = {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2022-09-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// ---------------------------------------------------------------------------
// Cosmos DB for NoSQL
// ---------------------------------------------------------------------------

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: cosmosAccountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    // Only Microsoft Entra identities (managed identity) – account keys are disabled.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableAutomaticFailover: false
    enableMultipleWriteLocations: false
    enableFreeTier: false
  }
}

resource cosmosDatabase 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmosAccount
  name: cosmosDatabaseName
  properties: {
    resource: {
      id: cosmosDatabaseName
    }
  }
}

// Serverless: no throughput options on database or containers.
resource cosmosContainerResources 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for container in cosmosContainers: {
  parent: cosmosDatabase
  name: container.name
  properties: {
    resource: union({
      id: container.name
      partitionKey: {
        paths: [
          container.partitionKey
        ]
        kind: 'Hash'
        version: 2
      }
    }, container.defaultTtl == ttlOff ? {} : {
      defaultTtl: container.defaultTtl
    })
  }
}]

// The web app's system-assigned identity may read and write items in the samspil database
// (data plane only: it cannot create or delete databases and containers – this template does).
resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, webApp.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: webApp.identity.principalId
    scope: '${cosmosAccount.id}/dbs/${cosmosDatabaseName}'
  }
  dependsOn: [
    cosmosDatabase
  ]
}

// ---------------------------------------------------------------------------
// Key Vault: the .ics link secret (always) and the bot's client secret (SingleTenant)
// ---------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource botSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!useManagedIdentityForBot) {
  parent: keyVault
  name: botSecretName
  properties: {
    value: botAadAppClientSecret
    contentType: 'Bot Framework client secret (Entra app ${botAadAppClientId})'
  }
}

// Written only when asked (first deployment, rotation): a redeployment must not replace the
// secret, or every .ics link already sent by secure mail stops working.
resource icsLinkSecretNew 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (icsLinkSecretAction == 'generate') {
  parent: keyVault
  name: icsLinkSecretName
  properties: {
    value: icsLinkSecret
    contentType: 'Signing key for .ics download links (ICS_LINK_SECRET)'
  }
}

// icsLinkSecretAction = keep: the secret already in Key Vault. Reading it fails the deployment when
// it is missing – better than App Service handing the app the unresolved reference text as its secret.
resource icsLinkSecretKept 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: keyVault
  name: icsLinkSecretName
}

// The versioned URI: a new secret version changes the app setting, so App Service restarts the app
// with it at once instead of after its 24-hour Key Vault cache. (?: evaluates only the chosen side.)
var icsLinkSecretUri = icsLinkSecretAction == 'generate' ? icsLinkSecretNew.properties.secretUriWithVersion : icsLinkSecretKept.properties.secretUriWithVersion

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, webApp.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------------------
// App settings (after the role assignments, so the first start can reach Cosmos DB / Key Vault).
// This resource owns all app settings: one set by hand in the portal is gone after the next provision.
// ---------------------------------------------------------------------------

resource webAppSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'appsettings'
  properties: union({
    MICROSOFT_APP_ID: botAppId
    MICROSOFT_APP_TENANT_ID: tenantId
    MICROSOFT_APP_TYPE: botAppType
    COSMOS_ENDPOINT: cosmosAccount.properties.documentEndpoint
    COSMOS_DATABASE: cosmosDatabaseName
    NODE_ENV: 'production'
    // Links in cards (the .ics downloads) must reach the bot.
    PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
    // A Key Vault reference, resolved by App Service with the system-assigned identity.
    ICS_LINK_SECRET: '@Microsoft.KeyVault(SecretUri=${icsLinkSecretUri})'
    ALLOWED_TENANT_IDS: allowedTenantIds
    AUDIT_RETENTION_DAYS: string(auditRetentionDays)
    // Empty = the endpoint is off; tokens are checked against Entra ID's keys for the tenants above.
    ACUTE_API_AUDIENCE: acuteApiAudience
    ACUTE_API_ROLE: acuteApiRole
    ACUTE_API_READ_ROLE: acuteApiReadRole
    // The toolkit deploys a built package (dist/ + production node_modules): no build on the server.
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
  }, useManagedIdentityForBot ? {} : {
    // A Key Vault reference, resolved by App Service with the system-assigned identity.
    MICROSOFT_APP_PASSWORD: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${botSecretName})'
  }, enableGraph ? {
    // ManagedIdentityCredential without a client id: the system-assigned identity (not the bot's).
    GRAPH_TENANT_ID: tenantId
    GRAPH_USE_MANAGED_IDENTITY: 'true'
    // Empty: Samspil does not install itself in meeting chats (config.ts reads '' as unset).
    TEAMS_APP_CATALOG_ID: teamsAppCatalogId
  } : {}, enableApplicationInsights ? {
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  } : {})
  dependsOn: [
    cosmosDataContributor
    keyVault
    keyVaultSecretsUser
    botSecret
    cosmosContainerResources
  ]
}

// ---------------------------------------------------------------------------
// Azure Bot + Microsoft Teams channel; no other channel
// ---------------------------------------------------------------------------

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${resourceBaseName}'
  location: botServiceLocation
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: union({
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppType: botAppType
    msaAppTenantId: tenantId
  }, useManagedIdentityForBot ? {
    msaAppMSIResourceId: botIdentity.id
  } : {})
}

resource botTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: botServiceLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Azure gives every new bot a Web Chat channel with a "Default Site", open to anyone who has its
// key. Samspil serves Teams only, so that site is switched off, and Direct Line's the same way in
// case it is on. Shapes: Microsoft.BotService 2022-09-15 (a WebChatSite needs siteName, isEnabled and
// isWebchatPreviewEnabled; a DirectLineSite siteName, isEnabled, isV1Enabled and isV3Enabled).
// One channel after the other: the Bot Service may refuse concurrent changes to one bot.
resource botWebChatChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'WebChatChannel'
  location: botServiceLocation
  properties: {
    channelName: 'WebChatChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: false
          isWebchatPreviewEnabled: false
        }
      ]
    }
  }
  dependsOn: [
    botTeamsChannel
  ]
}

resource botDirectLineChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'DirectLineChannel'
  location: botServiceLocation
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: false
          isV1Enabled: false
          isV3Enabled: false
        }
      ]
    }
  }
  dependsOn: [
    botWebChatChannel
  ]
}

// ---------------------------------------------------------------------------
// Outputs: persisted by the toolkit in env/.env.<environment> (no secrets here)
// ---------------------------------------------------------------------------

output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id // used by the deploy stage
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_ID string = botAppId // the manifest's bots[0].botId
output BOT_TENANT_ID string = tenantId
output COSMOS_ENDPOINT string = cosmosAccount.properties.documentEndpoint
output COSMOS_DATABASE string = cosmosDatabaseName
output KEY_VAULT_NAME string = keyVaultName
output WEB_APP_NAME string = webApp.name
// Object id of the web app's system-assigned identity (Graph permissions are granted to it).
output WEB_APP_PRINCIPAL_ID string = webApp.identity.principalId
// The toolkit writes this to env/.env.<environment>, so every later provision keeps the ICS secret.
output ICS_SIGNING_KEY_ACTION string = 'keep'
