// InfluenceFunctions in Azure: `azd up` provisions this (subscription scope, one resource group per environment).
//
//   Flex Consumption (FC1) function app, .NET 10 isolated, Durable Functions on the Azure Storage provider
//   one storage account (tables, queues, task hub, deployment container), shared-key access disabled
//   a user-assigned managed identity with exactly the data roles it needs (app/rbac.bicep)
//   Key Vault (RBAC) holding the API-key pepper and the webhook master key, read through Key Vault references
//   Application Insights on a Log Analytics workspace
//
// Local modules only (app/): registry modules (br/public:) need the network and cannot be checked offline.
// Names: abbreviations.json + uniqueString(subscription, environment, location). Every resource carries the
// azd-env-name tag. docs/deploy.md walks through a first deployment.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (e.g. influence-prod): names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group name; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object id of the user or pipeline deploying: gets Key Vault Secrets Officer (azd reads the secrets back on re-provision; operators rotate them). Empty: no assignment.')
param principalId string = ''

@description('Kind of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('CRON with seconds, UTC, of the nightly run (Influence__NightlySchedule): default 02:00 UTC every day.')
param nightlySchedule string = '0 0 2 * * *'

@description('Durable Functions task hub name (Influence__TaskHubName): letters and digits, starting with a letter.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'influence'

@description('Users are spread over this many shards (Influence__ShardCount). Fixed for the life of the data: choose it for the population you expect (about 96,000 users per shard at most).')
@minValue(1)
@maxValue(4096)
param shardCount int = 64

@description('End-user sign-in (Auth__Issuer): the issuer of the JWT bearer tokens users present to give +K and hide topics (e.g. https://login.microsoftonline.com/<tenant>/v2.0). Empty refuses every end-user action.')
param authIssuer string = ''

@description('End-user sign-in (Auth__Audience): the audience those tokens are issued for (the API app registration, e.g. api://influence).')
param authAudience string = ''

@description('End-user sign-in (Auth__MetadataAddress): the provider\'s OpenID configuration URL; its JWKS signing keys are fetched and refreshed.')
param authMetadataAddress string = ''

@description('Most instances the Flex Consumption plan scales out to. Also the brake on storage load: see docs/deploy.md (Table Storage limits).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of one Flex Consumption instance in MB (2048 has one vCPU).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('True: App Insights accepts only Entra ID ingestion. Needs the worker telemetry client to use the identity first (docs/deploy.md).')
param appInsightsDisableLocalAuth bool = false

@description('Key Vault purge protection: irreversible once on. True for production.')
param keyVaultPurgeProtection bool = false

@secure()
@description('The API-key pepper (Security:ApiKeyPepper), written to Key Vault. azd passes the vault\'s current value, or a random one the first time. Empty: leave the vault\'s secret as it is.')
param apiKeyPepper string = ''

@secure()
@description('The master key for webhook secrets (Webhooks:SecretMasterKey), written to Key Vault. azd passes the vault\'s current value, or a random one the first time. Empty: leave the vault\'s secret as it is.')
param webhookSecretMasterKey string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}influence-${resourceToken}'
var secretNames = {
  apiKeyPepper: 'api-key-pepper'
  webhookSecretMasterKey: 'webhook-secret-master-key'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}influence-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
    disableLocalAuth: appInsightsDisableLocalAuth
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: 'app-package-${take(resourceToken, 7)}'
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    apiKeyPepperSecretName: secretNames.apiKeyPepper
    webhookSecretMasterKeySecretName: secretNames.webhookSecretMasterKey
    apiKeyPepper: apiKeyPepper
    webhookSecretMasterKey: webhookSecretMasterKey
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityPrincipalId: identity.outputs.principalId
    principalId: principalId
    principalType: principalType
  }
}

module functionApp 'app/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'functions'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: 'app-package-${take(resourceToken, 7)}'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    nightlySchedule: nightlySchedule
    taskHubName: taskHubName
    shardCount: shardCount
    authIssuer: authIssuer
    authAudience: authAudience
    authMetadataAddress: authMetadataAddress
    apiKeyPepperSecretUri: keyVault.outputs.apiKeyPepperSecretUri
    webhookSecretMasterKeySecretUri: keyVault.outputs.webhookSecretMasterKeySecretUri
  }
  // The host needs its storage and Key Vault roles before its first start.
  dependsOn: [
    rbac
  ]
}

// azd stores these in the environment (.azure/<env>/.env). None is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output INFLUENCE_TASK_HUB_NAME string = taskHubName
