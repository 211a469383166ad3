// The DevTools page only adds the panel; the panel page does the work.
chrome.devtools.panels.create('Sidecar', '', 'panel.html');
