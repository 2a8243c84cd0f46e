import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { TrialApp } from './trial/TrialApp';
import { initCornerstone, webGl2Problem } from './viewer/initCornerstone';
import './styles.css';

const rootEl = document.getElementById('root');
if (rootEl === null) throw new Error('index.html has no #root element');
let initialError: string | undefined;
if (webGl2Problem() === null) {
  try {
    initCornerstone();
  } catch (err) {
    initialError = `Cornerstone3D could not start: ${err instanceof Error ? err.message : String(err)}`;
  }
}
// `#trial=<id>`: the core-lab screens (sign-in, tasks, adjudication, audit) instead of the review app.
const trialMode = window.location.hash.startsWith('#trial');
createRoot(rootEl).render(
  <StrictMode>
    {trialMode ? <TrialApp /> : <App {...(initialError === undefined ? {} : { initialError })} />}
  </StrictMode>,
);
