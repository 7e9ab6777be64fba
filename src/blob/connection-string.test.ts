import { describe, expect, it } from 'vitest';
import { AZURITE_KEY, azuriteConnectionString, blobEndpointOf, connectionStringSecrets } from './connection-string.ts';

describe('connection strings', () => {
  it('Azurite: the endpoint with the account path, the key as its only secret', () => {
    const cs = azuriteConnectionString('http://127.0.0.1:41234');
    expect(blobEndpointOf(cs)).toBe('http://127.0.0.1:41234/devstoreaccount1');
    expect(connectionStringSecrets(cs)).toEqual([AZURITE_KEY]);
  });

  it('a real account: the key and a SAS token are secrets (values may contain =), the endpoint is derived', () => {
    const cs = 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=abc==;EndpointSuffix=core.windows.net;SharedAccessSignature=sv=2024&sig=x%3D';
    expect(connectionStringSecrets(cs)).toEqual(['abc==', 'sv=2024&sig=x%3D']);
    expect(blobEndpointOf(cs)).toBe('https://acme.blob.core.windows.net');
  });

  it('a string with neither key nor account says so rather than guessing', () => {
    expect(connectionStringSecrets('UseDevelopmentStorage=true')).toEqual([]);
    expect(blobEndpointOf('UseDevelopmentStorage=true')).toBe('an unnamed account');
  });
});
