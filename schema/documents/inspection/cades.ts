import { CmsFormatError, unwrapEnvelope, type UnwrappedEnvelope } from './cms-parsing.js';
import { MAX_IN_MEMORY_SIGNED_BYTES, MAX_SIGNATURES } from './inspection-limits.js';
import { outcome, SignatureStatus, worstStatus, type SignatureOutcome } from './signature-outcome.js';
import { verifySigners, type SignerVerification } from './signer-verification.js';

export interface VerifyCadesOptions {
  /**
   * Reference time for the certificate validity check when a signer states no signingTime.
   * Default: now. (With a signingTime the check uses it: 002 §4.1.2.1 "certificato scaduto"
   * is about the certificate at the time of signing.)
   */
  at: Date;
  /** At most this many signatures are verified (default MAX_SIGNATURES). */
  maxSignatures?: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function layerDetail(
  depth: number,
  layer: number,
  signerCount: number,
  signer: number,
  text: string,
): string {
  const where = [
    depth > 1 ? `envelope ${layer + 1}/${depth}` : '',
    signerCount > 1 ? `signer ${signer + 1}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${text}` : text;
}

/**
 * Verifies a CAdES attached envelope (.p7m, DER or base64/PEM), every nested envelope
 * (.pdf.p7m.p7m) and every signer in each. The outcome is the worst finding. Never throws:
 * malformed input, unsupported algorithms and inputs over MAX_IN_MEMORY_SIGNED_BYTES give
 * IMPOSSIBILE_EFFETTUARE_VERIFICA with the reason in `detail`. Offline: no chain, CRL or OCSP
 * checks (see verifySigners).
 */
export async function verifyCades(p7m: Buffer, options: VerifyCadesOptions): Promise<SignatureOutcome> {
  const impossible = SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA;
  if (p7m.length > MAX_IN_MEMORY_SIGNED_BYTES) {
    return outcome(
      impossible,
      'CADES',
      `file larger than ${MAX_IN_MEMORY_SIGNED_BYTES} bytes: not verified in memory`,
    );
  }
  let envelope: UnwrappedEnvelope;
  try {
    envelope = unwrapEnvelope(p7m);
  } catch (error) {
    const reason = error instanceof CmsFormatError ? error.message : `unexpected error: ${describe(error)}`;
    return outcome(impossible, 'CADES', reason);
  }
  const signatures = envelope.layers.reduce((n, layer) => n + layer.signedData.signerInfos.length, 0);
  const max = options.maxSignatures ?? MAX_SIGNATURES;
  if (signatures > max) {
    return outcome(impossible, 'CADES', `${signatures} signatures: at most ${max} are verified in one file`, {
      envelopeDepth: envelope.depth,
    });
  }
  try {
    const findings: SignerVerification[] = [];
    const details: string[] = [];
    for (const [layerIndex, layer] of envelope.layers.entries()) {
      const layerFindings = await verifySigners(layer.signedData, { at: options.at });
      for (const [signerIndex, found] of layerFindings.entries()) {
        findings.push(found);
        details.push(
          layerDetail(envelope.depth, layerIndex, layerFindings.length, signerIndex, found.detail),
        );
      }
    }
    return outcome(worstStatus(findings.map((f) => f.status)), 'CADES', details.join('; '), {
      signers: findings.flatMap((f) => (f.signer ? [f.signer] : [])),
      signingTime: findings.find((f) => f.signingTime)?.signingTime,
      envelopeDepth: envelope.depth,
    });
  } catch (error) {
    return outcome(impossible, 'CADES', `unexpected error: ${describe(error)}`, {
      envelopeDepth: envelope.depth,
    });
  }
}
