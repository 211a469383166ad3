/**
 * The React app of `react.test.ts`, bundled by the test with esbuild: every hook of
 * `sidecar/react`, in StrictMode, against the sidecar the page is given.
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from '../../../src/client/index.js';
import {
  SidecarProvider,
  useChannel,
  useChannelState,
  useRequest,
  useSidecar,
} from '../../../src/react/index.js';

declare global {
  interface Window {
    SIDECAR: { url: string; token: string };
  }
}

const client = connect(window.SIDECAR);

function Connection() {
  const { state } = useSidecar();
  const info = useRequest('server.info');
  return (
    <p>
      <span id="state">{state}</span> <span id="clients">{info.result?.clients ?? ''}</span>
    </p>
  );
}

function Files() {
  const { changes } = useChannelState('files');
  return (
    <ul id="files">
      {changes.map((change) => (
        <li key={`${change.seq}:${change.file}`}>{`${change.event} ${change.file}`}</li>
      ))}
    </ul>
  );
}

function Problems() {
  const { ready, files, summary } = useChannelState('diagnostics');
  if (!ready) return <p id="problems">waiting</p>;
  return (
    <div id="problems">
      <p id="summary">{`${summary.errors} errors`}</p>
      <ul>
        {[...files].flatMap(([file, diagnostics]) =>
          diagnostics.map((d) => (
            <li key={`${file}:${d.range.start.line}:${d.message}`}>
              {`${file}:${d.range.start.line + 1} ${d.message}`}
            </li>
          )),
        )}
      </ul>
    </div>
  );
}

function Custom() {
  const [last, setLast] = useState('');
  useChannel('custom:test', (message) => {
    if (message.type === 'event') setLast(JSON.stringify(message.data));
  });
  return <p id="custom">{last}</p>;
}

function App() {
  const [showFiles, setShowFiles] = useState(true);
  return (
    <>
      <Connection />
      <button type="button" id="toggle-files" onClick={() => setShowFiles((shown) => !shown)}>
        toggle files
      </button>
      {showFiles ? <Files /> : null}
      <Problems />
      <Custom />
    </>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <SidecarProvider client={client}>
      <App />
    </SidecarProvider>
  </StrictMode>,
);
