// The view library, in one place: Preact's h() and hooks (served from its WebJar, see bio.flow.web.WebApp).
// Pages build their markup with h(tag or component, props, ...children).
export { h, render } from '../lib/preact.js';
export { useState, useEffect, useRef } from '../lib/preact-hooks.js';
