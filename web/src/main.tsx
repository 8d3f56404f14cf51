/** @module Entry point: mounts the app; the stylesheet is bundled (no CDN, no web fonts). */
import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

render(<App />, document.getElementById('app')!);
