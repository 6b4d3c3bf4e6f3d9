/** The most results a search lists (the latest first); shared with the client, which cannot import the query. */
export const SEARCH_LIMIT = 50;
