import '@backstage/cli/asset-types';
// First: the page's chunk is fetched while the app's code is evaluated and the user signed in.
import './preloadOpenedPage';
import ReactDOM from 'react-dom/client';
import App from './App';
import '@backstage/ui/css/styles.css';

ReactDOM.createRoot(document.getElementById('root')!).render(App.createRoot());
