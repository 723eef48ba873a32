// Development environment: small, cheap, easy to tear down (`azd down --purge`).
// For deployments without azd:
//   az deployment sub create --location <region> --parameters infra/env/dev.bicepparam
// With azd, the same values go into the azd environment instead (docs/deploy.md, "Per-environment settings").
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'influence-dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'swedencentral')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')

param nightlySchedule = '0 0 2 * * *'
param taskHubName = 'influencedev'
param shardCount = 64
param maximumInstanceCount = 10
param instanceMemoryMB = 2048
param storageSkuName = 'Standard_LRS'
param logRetentionInDays = 30
param keyVaultPurgeProtection = false

// Secrets come from the environment, never from this file. Leave them unset after the first deployment: an
// empty value leaves the vault's secret as it is.
param apiKeyPepper = readEnvironmentVariable('INFLUENCE_API_KEY_PEPPER', '')
param webhookSecretMasterKey = readEnvironmentVariable('INFLUENCE_WEBHOOK_SECRET_MASTER_KEY', '')
