// The Flex Consumption (FC1) plan and the .NET 10 isolated function app, running as the user-assigned identity.
// The app settings are written out literally here (one key per line) so a test can check them in the compiled
// template: every setting the code reads in Azure (shared/InfluenceFunctions.Core/AppSettings.cs) is set,
// storage is reached through identity-based connections, and secrets are Key Vault references only.
//
// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE as
// app settings: the runtime is functionAppConfig.runtime, the package comes from the deployment container.

param name string

param planName string

param location string

param tags object

@description('azd service name (azure.yaml): azd finds the app by this tag.')
param serviceName string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

param storageAccountName string

param deploymentContainerName string

param applicationInsightsName string

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('CRON (with seconds, UTC) of the nightly run.')
param nightlySchedule string

@description('Durable Functions task hub name (host.json reads it as %Influence:TaskHubName%).')
param taskHubName string

param shardCount int

@description('End-user JWT issuer, audience and OpenID configuration URL (Auth__*); empty refuses end-user actions.')
param authIssuer string
param authAudience string
param authMetadataAddress string

@description('Versionless Key Vault secret URI of the API-key pepper.')
param apiKeyPepperSecretUri string

@description('Versionless Key Vault secret URI of the webhook secrets\' master key.')
param webhookSecretMasterKeySecretUri string

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with this identity (not a system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // The Functions host's own storage (and the Durable task hub): identity-based, no connection string.
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      // Telemetry: the connection string is an ingestion endpoint, not a credential; the host authenticates
      // with the identity (Monitoring Metrics Publisher).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      // The app's storage clients (StorageClientFactory): service URIs plus the identity's client id.
      Storage__TableServiceUri: storage.properties.primaryEndpoints.table
      Storage__QueueServiceUri: storage.properties.primaryEndpoints.queue
      Storage__ManagedIdentityClientId: identityClientId
      // Service settings.
      Influence__NightlySchedule: nightlySchedule
      Influence__TaskHubName: taskHubName
      Influence__ShardCount: string(shardCount)
      // End-user sign-in for +K and hiding topics: tokens are validated against the provider's published keys.
      Auth__Issuer: authIssuer
      Auth__Audience: authAudience
      Auth__MetadataAddress: authMetadataAddress
      // The webhook delivery queue (the queue trigger binds %Webhooks:QueueName%): "{Influence:TablePrefix}-webhooks".
      Webhooks__QueueName: 'inf-webhooks'
      // Secrets: Key Vault references only.
      Security__ApiKeyPepper: '@Microsoft.KeyVault(SecretUri=${apiKeyPepperSecretUri})'
      Webhooks__SecretMasterKey: '@Microsoft.KeyVault(SecretUri=${webhookSecretMasterKeySecretUri})'
    }
  }
}

// Deployments authenticate with Entra ID (azd uses it): no basic-auth publishing credentials.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
