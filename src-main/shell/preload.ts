// The sandboxed preload: exposes the named actions of src-shared/preload-api.ts as
// `window.keybridge`, built on ipcRenderer.invoke/on. Nothing generic reaches the page: no
// ipcRenderer, no channel parameter, no event objects.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildKeyBridgeApi, type Invoke, type Subscribe } from '../../src-shared/preload-api';

const invoke: Invoke = (channel, args) => ipcRenderer.invoke(channel, args);

const subscribe: Subscribe = (channel, listener) => {
  const forward = (_event: IpcRendererEvent, payload: Parameters<typeof listener>[0]) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
};

contextBridge.exposeInMainWorld('keybridge', buildKeyBridgeApi(invoke, subscribe));
