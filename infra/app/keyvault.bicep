// Key Vault for the service's own secrets: the API-key pepper and the master key for webhook secrets. The app
// reads them through Key Vault references (versionless, so a rotated value is picked up); access is by Azure RBAC
// only (no access policies).
//
// A secret is written only when a value is passed. azd always passes one: infra/main.parameters.json reads the
// current value back from this vault (azd's secretOrRandomPassword) and generates one only the first time, so a
// re-provision never changes a secret. A deployment without values leaves the vault's secrets as they are.

param name string

param location string

param tags object

@description('Purge protection cannot be turned off once on: true for production, false where environments are torn down and recreated.')
param enablePurgeProtection bool

@description('Secret name of the API-key pepper.')
param apiKeyPepperSecretName string

@description('Secret name of the webhook secrets\' master key.')
param webhookSecretMasterKeySecretName string

@secure()
@description('The API-key pepper; empty: leave the secret in the vault as it is.')
param apiKeyPepper string

@secure()
@description('The master key for webhook secrets; empty: leave the secret in the vault as it is.')
param webhookSecretMasterKey string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource apiKeyPepperSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(apiKeyPepper)) {
  parent: vault
  name: apiKeyPepperSecretName
  properties: {
    value: apiKeyPepper
    contentType: 'text/plain'
  }
}

resource webhookSecretMasterKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(webhookSecretMasterKey)) {
  parent: vault
  name: webhookSecretMasterKeySecretName
  properties: {
    value: webhookSecretMasterKey
    contentType: 'text/plain'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless secret URIs (not secret themselves): the app settings reference these.
output apiKeyPepperSecretUri string = '${vault.properties.vaultUri}secrets/${apiKeyPepperSecretName}'
output webhookSecretMasterKeySecretUri string = '${vault.properties.vaultUri}secrets/${webhookSecretMasterKeySecretName}'
