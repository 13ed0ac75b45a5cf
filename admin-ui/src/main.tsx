import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { answerPlaygroundRequests } from './playground/bridge';

answerPlaygroundRequests();
createRoot(document.getElementById('root')!).render(
    <StrictMode>
        <App />
    </StrictMode>,
);
