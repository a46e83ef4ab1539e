/** Resolves the owner connection string: the flag, else DATABASE_URL. Errors: exits with a clear message. */
export function requireDatabaseUrl(flag: string | undefined): string {
  const url = flag ?? process.env['DATABASE_URL'];
  if (!url) {
    console.error('error: no database given: pass --database-url or set DATABASE_URL');
    process.exit(2);
  }
  return url;
}
