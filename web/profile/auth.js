// Signing in: the bearer token lives in this tab's sessionStorage only (gone when the tab closes).
// Development (the local host): pick a demo user, get a development token. OIDC (Azure): authorization code + PKCE
// against the configured issuer, as a public client; the provider's discovery document and token endpoint must allow
// this origin (CORS), as Entra ID does for single-page-app redirect URIs.

const TokenKey = 'influence.token';
const PkceKey = 'influence.pkce';

/** The signed-in person ({ userId, token }) or null when there is no token or it has expired. */
export function currentSession() {
  const token = sessionStorage.getItem(TokenKey);
  if (!token) return null;
  const claims = decodeClaims(token);
  if (!claims?.sub || (claims.exp && claims.exp * 1000 < Date.now())) {
    sessionStorage.removeItem(TokenKey);
    return null;
  }
  return { userId: claims.sub, token };
}

export function signOut() {
  sessionStorage.removeItem(TokenKey);
}

/** The claims of a JWT (not verified here: the API verifies every request). */
function decodeClaims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

export async function loadSignInConfig() {
  const response = await fetch('/api/v1/signin/config', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`The sign-in configuration is not available (${response.status}).`);
  return response.json();
}

/** Development sign-in: the demo users this host lists. */
export async function demoUsers(config) {
  const response = await fetch(config.usersUrl, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`The demo users are not available (${response.status}).`);
  return (await response.json()).users;
}

/** Development sign-in: a token for the chosen user. */
export async function developmentSignIn(config, userId) {
  const response = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.errors?.userId?.[0] ?? body?.detail ?? `Sign-in failed (${response.status}).`);
  sessionStorage.setItem(TokenKey, body.token);
  return currentSession();
}

async function providerMetadata(config) {
  const response = await fetch(config.metadataAddress, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`The sign-in provider's metadata is not available (${response.status}).`);
  return response.json();
}

const base64Url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomText = () => base64Url(crypto.getRandomValues(new Uint8Array(32)));
const redirectUri = () => `${location.origin}${location.pathname}`;

/** OIDC: off to the provider, with a PKCE challenge and a state to check on the way back. */
export async function startOidcSignIn(config) {
  const metadata = await providerMetadata(config);
  const verifier = randomText();
  const state = randomText();
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PkceKey, JSON.stringify({ verifier, state }));
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** OIDC: back from the provider with ?code&state: redeem the code (PKCE) for an access token. Null when not returning. */
export async function completeOidcSignIn(config) {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) return null;
  history.replaceState(null, '', location.pathname); // The code is single-use: keep it out of the address bar.
  const pending = JSON.parse(sessionStorage.getItem(PkceKey) ?? 'null');
  sessionStorage.removeItem(PkceKey);
  if (query.has('error')) throw new Error(`Sign-in was refused: ${query.get('error_description') ?? query.get('error')}`);
  if (!pending || pending.state !== query.get('state')) throw new Error('Sign-in could not be completed (the state did not match); try again.');
  const metadata = await providerMetadata(config);
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.get('code'),
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body?.access_token) throw new Error(`Sign-in failed: ${body?.error_description ?? response.status}`);
  sessionStorage.setItem(TokenKey, body.access_token);
  return currentSession();
}
