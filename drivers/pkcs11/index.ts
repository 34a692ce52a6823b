// Smartcards and the kiosk HSM over PKCS#11 (DESIGN §1, §2, §8): what the kiosk backend imports.
export { CardAuthenticator, type CardAuthConfig, type CardAuthListener } from './card-auth';
export {
  cardAuthTransition,
  hasCard,
  initialCardAuthState,
  type AuthError,
  type CardAuthEvent,
  type CardAuthState,
  type CardAuthStatus,
  type CardIdentity,
  type CardRef,
  type PinPrompt,
} from './card-auth-machine';
export { CARD_CHALLENGE_DOMAIN, cardChallenge, newCardChallenge, newCardSessionId } from './card-challenge';
export type {
  CardCertificate,
  CardEvent,
  CardInfo,
  CardReader,
  CardSession,
  WatchOptions,
} from './card-reader';
export {
  loadCardFiles,
  openEmulatedDevices,
  openPkcs11Devices,
  type EmulatedDevices,
  type KioskDevices,
  type Pkcs11DevicesConfig,
} from './devices';
export { EmulatedCardReader } from './emulated-card-reader';
export { EmulatedHsm, type EmulatedHsmOptions } from './emulated-hsm';
export { DEFAULT_SEALING_KEY_LABEL, type Hsm, type HsmError } from './hsm';
export { Pkcs11CardReader, type Pkcs11CardReaderOptions } from './pkcs11-card-reader';
export { CKR, ckrName } from './pkcs11-constants';
export { isCardGone, type Pkcs11Error, type Pkcs11ErrorKind } from './pkcs11-errors';
export { OPENSC_MODULE, Pkcs11Host, SOFTHSM2_MODULE, type Pkcs11HostOptions } from './pkcs11-host';
export { Pkcs11Hsm, type Pkcs11HsmOptions } from './pkcs11-hsm';
export type { ModuleSummary, PinFlags, SecretKeyInfo, TokenSummary } from './pkcs11-types';
export {
  DEFAULT_LOCKOUT_POLICY,
  JsonFilePinAttemptStore,
  MemoryPinAttemptStore,
  PinAttemptTracker,
  lockoutMs,
  newPinAttemptSecret,
  pinAttemptKey,
  systemClock,
  type Clock,
  type LockoutPolicy,
  type PinAttemptRecord,
  type PinAttemptStatus,
  type PinAttemptStore,
} from './pin-attempts';
export { KIOSK_KEY_PURPOSE, parseSealedBlob, type SealBinding } from './sealed-blob';
