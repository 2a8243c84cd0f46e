import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

const rootEl = document.getElementById('root');
if (rootEl === null) throw new Error('index.html has no #root element');
createRoot(rootEl).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
