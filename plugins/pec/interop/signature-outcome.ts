/** One vocabulary for every signature check of the plugin: the busta's S/MIME and the XAdES seals. */
export type { SignatureOutcome } from '../message/parsed-message.js';
