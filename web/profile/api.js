// The API on this origin (always under /api, in both hosts), with the person's bearer token.

/** A refusal from the API: the status and the RFC 7807 problem it sent. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problemText(problem) || `The service answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

/** The sentence a problem body carries: its detail, else its first field error, else its title. */
export function problemText(problem) {
  if (!problem || typeof problem !== 'object') return '';
  if (problem.errors) {
    const first = Object.entries(problem.errors)[0];
    if (first) return `${problem.title ?? 'Refused'} ${first[1][0] ?? ''}`.trim();
  }
  return problem.detail ?? problem.title ?? '';
}

export function createApi(getToken, onUnauthorized) {
  async function send(method, url, body) {
    const headers = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      let problem = null;
      try {
        problem = await response.json();
      } catch {
        // Not JSON: the status says it.
      }
      if (response.status === 401 && token) onUnauthorized?.();
      throw new ApiError(response.status, problem);
    }
    return response;
  }

  const json = async (method, url, body) => {
    const response = await send(method, url, body);
    return response.status === 204 ? null : response.json();
  };

  return {
    get: (url) => json('GET', url),
    post: (url, body) => json('POST', url, body),
    put: (url, body) => json('PUT', url, body),
    del: (url) => json('DELETE', url),
    /** The raw answer (for a download). */
    fetch: (url) => send('GET', url),
  };
}

/** /api/v1/users/{id}/... with the id escaped. */
export const userUrl = (userId, rest = '') => `/api/v1/users/${encodeURIComponent(userId)}${rest}`;
