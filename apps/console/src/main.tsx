import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './app';
import { signIn } from './auth/auth';
import { AuthContext } from './auth/auth-context';
import { loadConsoleConfig } from './config';

const root = createRoot(document.getElementById('root') as HTMLElement);

/** Loads the configuration, signs in (redirecting to the issuer when needed), then renders. */
async function start(): Promise<void> {
  const config = await loadConsoleConfig();
  const auth = await signIn(config);
  root.render(
    <StrictMode>
      <AuthContext.Provider value={auth}>
        <App />
      </AuthContext.Provider>
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  root.render(
    <main className="main narrow">
      <div className="state state-error" role="alert">
        <p className="state-title">Gantry could not start</p>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </div>
    </main>,
  );
});
