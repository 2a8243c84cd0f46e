/**
 * Electron safeStorage as the cipher of the PACS secret store (EncryptedSecretStore): the OS keychain
 * protects the key. On Linux without a keyring safeStorage falls back to a hard-coded key
 * ("basic_text"), which is not a secure store: reported as unavailable, so the store refuses.
 */
import { safeStorage } from 'electron';
import type { SecretCipher } from '../services/pacs/EncryptedSecretStore';

export const safeStorageCipher: SecretCipher = {
  unavailableReason() {
    if (!safeStorage.isEncryptionAvailable()) return 'Electron safeStorage reports that encryption is not available';
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'no keyring (gnome-keyring or kwallet) is running';
    return undefined;
  },
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (encrypted) => safeStorage.decryptString(encrypted),
};
