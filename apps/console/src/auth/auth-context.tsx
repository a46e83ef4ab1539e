import { createContext, useContext } from 'react';
import type { Auth } from './auth';

/** The session, provided once at the root. */
export const AuthContext = createContext<Auth | null>(null);

/** The signed-in session. Errors: throws outside the provider (a programming error). */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthContext.Provider>');
  return auth;
}
