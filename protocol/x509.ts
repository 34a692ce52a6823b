/**
 * The one entry point to @peculiar/x509 (maintained X.509 parsing and building; CONVENTIONS: no
 * hand-parsed DER). It needs the `reflect-metadata` polyfill loaded first and a Web Crypto provider;
 * importing it from here guarantees both everywhere.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

export { x509 };
