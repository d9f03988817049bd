// Launch at login, as the OS keeps it: Electron's login item on macOS and Windows, an XDG
// autostart file on Linux (autostart-linux.ts). The OS is the truth; the setting mirrors it.
export interface LoginItem {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}
