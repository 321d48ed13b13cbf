/** The path prefix of every API route (health and docs excepted), set once by app.setup.ts. */
export const API_PREFIX = 'api/v1';
