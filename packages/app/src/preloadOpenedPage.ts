import { preloadPageChunk } from './pagePreloads';

// Imported first by index.tsx, so the fetch starts before the app's own code is evaluated.
preloadPageChunk(window.location.pathname);
