// Körpü workspace, the flows page: draws each <pre class="mermaid"> with mermaid (served by the
// workspace, no CDN). Without script the Mermaid text stays, readable as it is.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  if (!window.mermaid) return;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { htmlLabels: false } });
  window.mermaid.run({ querySelector: 'pre.mermaid' });
});
