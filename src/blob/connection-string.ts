/** Azurite's well-known development account (documented by Microsoft; not a secret, still never printed). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The connection string of Azurite's development account at `endpoint` (http://host:port). */
export function azuriteConnectionString(endpoint: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint}/${AZURITE_ACCOUNT};`;
}

const SECRET_PARTS = ['AccountKey', 'SharedAccessSignature'];

/** The secret values of a connection string (account key, SAS token), for the redactor. */
export function connectionStringSecrets(connectionString: string): string[] {
  const secrets: string[] = [];
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && SECRET_PARTS.includes(part.slice(0, at).trim())) secrets.push(part.slice(at + 1).trim());
  }
  return secrets.filter((s) => s.length > 0);
}

/** The blob endpoint a connection string names, for messages: nothing secret. */
export function blobEndpointOf(connectionString: string): string {
  const parts = new Map(
    connectionString
      .split(';')
      .map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()] as const)
      .filter(([k]) => k.length > 0),
  );
  const endpoint = parts.get('BlobEndpoint');
  if (endpoint) return endpoint;
  const account = parts.get('AccountName');
  return account ? `https://${account}.blob.${parts.get('EndpointSuffix') ?? 'core.windows.net'}` : 'an unnamed account';
}
