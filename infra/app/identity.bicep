// The user-assigned managed identity the function app runs as: storage, Key Vault and App Insights all trust it
// (role assignments in rbac.bicep). User-assigned, so its client id is known before the app exists and survives
// re-creating the app.

@description('Name of the identity.')
param name string

param location string

param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
