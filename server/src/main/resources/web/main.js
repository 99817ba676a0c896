// Start: find out whether this browser is signed in (the refresh cookie), then show the app.
import { h, render } from './core/html.js';
import { restore } from './core/session.js';
import { App } from './app.js';

await restore();
render(h(App), document.getElementById('app'));
