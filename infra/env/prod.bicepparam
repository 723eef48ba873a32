// Production environment.
// For deployments without azd:
//   az deployment sub create --location <region> --parameters infra/env/prod.bicepparam
// With azd, the same values go into the azd environment instead (docs/deploy.md, "Per-environment settings").
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'influence-prod')
param location = readEnvironmentVariable('AZURE_LOCATION', 'swedencentral')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')

param nightlySchedule = '0 0 2 * * *'
param taskHubName = 'influence'
// Fixed for the life of the data: 256 shards hold about 24 million users (96,000 per shard at most).
param shardCount = 256
// The brake on Table Storage load during the nightly run: instances x users/s x 3 entities under ~15,000/s per
// account (docs/deploy.md, "Table Storage limits"). Revisit once the per-instance rate in Azure is measured.
param maximumInstanceCount = 12
param instanceMemoryMB = 2048
param storageSkuName = 'Standard_ZRS'
param logRetentionInDays = 90
param keyVaultPurgeProtection = true

// Secrets come from the environment, never from this file. Leave them unset after the first deployment: an
// empty value leaves the vault's secret as it is.
param apiKeyPepper = readEnvironmentVariable('INFLUENCE_API_KEY_PEPPER', '')
param webhookSecretMasterKey = readEnvironmentVariable('INFLUENCE_WEBHOOK_SECRET_MASTER_KEY', '')
