// The two facts about an X.509 certificate that Node's X509Certificate does not expose and IAM Roles
// Anywhere checks on the signing (end-entity) certificate: its key usage bits and the algorithm its
// issuer signed it with. Read straight from the DER with a minimal reader (definite lengths only, as
// DER requires); anything it cannot read is reported as unreadable rather than guessed.

interface Tlv {
  tag: number;
  /** Offset of the contents. */
  start: number;
  /** Offset just past the contents. */
  end: number;
}

function readTlv(der: Uint8Array, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new Error('truncated DER');
  const tag = der[pos] as number;
  let length = der[pos + 1] as number;
  let start = pos + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] as number);
    start += bytes;
  }
  const end = start + length;
  if (end > limit) throw new Error('truncated DER');
  return { tag, start, end };
}

/** The TLVs directly inside a constructed value. */
function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.start; pos < parent.end;) {
    const tlv = readTlv(der, pos, parent.end);
    out.push(tlv);
    pos = tlv.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const OID = 0x06;
const OCTET_STRING = 0x04;
const BIT_STRING = 0x03;
const EXTENSIONS = 0xa3; // [3] EXPLICIT, constructed
const PSS_HASH = 0xa0; // RSASSA-PSS-params hashAlgorithm [0] EXPLICIT

function oidText(der: Uint8Array, tlv: Tlv): string {
  if (tlv.tag !== OID || tlv.end <= tlv.start) throw new Error('expected an OID');
  const parts: number[] = [];
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) {
    const byte = der[i] as number;
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0)
        parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function certificateParts(der: Uint8Array): { tbs: Tlv; signatureAlgorithm: Tlv } {
  const cert = readTlv(der, 0, der.length);
  if (cert.tag !== SEQUENCE) throw new Error('not a certificate');
  const [tbs, signatureAlgorithm] = children(der, cert);
  if (tbs?.tag !== SEQUENCE || signatureAlgorithm?.tag !== SEQUENCE) throw new Error('not a certificate');
  return { tbs, signatureAlgorithm };
}

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const SHA1 = '1.3.14.3.2.26';

/** Signature algorithms over MD2/MD4/MD5 or SHA-1 (RSA, DSA, ECDSA, and the old OIW sha1WithRSA). */
const WEAK_SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.3': 'md4WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSASignature',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
};

/**
 * The name of the certificate's signature algorithm when it hashes with MD2/MD4/MD5 or SHA-1
 * (RSASSA-PSS included, whose hash defaults to SHA-1), else undefined.
 */
export function weakSignatureAlgorithm(der: Uint8Array): string | undefined {
  const { signatureAlgorithm } = certificateParts(der);
  const [oid, params] = children(der, signatureAlgorithm);
  if (!oid) throw new Error('empty AlgorithmIdentifier');
  const name = oidText(der, oid);
  if (WEAK_SIGNATURE_ALGORITHMS[name]) return WEAK_SIGNATURE_ALGORITHMS[name];
  if (name === RSASSA_PSS) {
    const hash = params?.tag === SEQUENCE ? children(der, params).find((t) => t.tag === PSS_HASH) : undefined;
    const hashAlgorithm = hash ? children(der, hash)[0] : undefined;
    const hashOid = hashAlgorithm ? children(der, hashAlgorithm)[0] : undefined;
    if (!hashOid || oidText(der, hashOid) === SHA1) return 'RSASSA-PSS with SHA-1';
  }
  return undefined;
}

const KEY_USAGE = '2.5.29.15';

/**
 * Whether the certificate's key usage extension allows digitalSignature: true or false, or undefined
 * when the certificate has no key usage extension.
 */
export function allowsDigitalSignature(der: Uint8Array): boolean | undefined {
  const { tbs } = certificateParts(der);
  const wrapper = children(der, tbs).find((t) => t.tag === EXTENSIONS);
  if (!wrapper) return undefined;
  const [list] = children(der, wrapper);
  if (list?.tag !== SEQUENCE) throw new Error('malformed extensions');
  for (const extension of children(der, list)) {
    const [id, ...rest] = children(der, extension);
    if (!id || oidText(der, id) !== KEY_USAGE) continue;
    const value = rest.find((t) => t.tag === OCTET_STRING);
    if (!value) throw new Error('malformed key usage');
    const bits = readTlv(der, value.start, value.end);
    if (bits.tag !== BIT_STRING) throw new Error('malformed key usage');
    // First content byte: unused bits; digitalSignature is bit 0, the first byte's most significant bit.
    if (bits.end - bits.start < 2) return false;
    return ((der[bits.start + 1] as number) & 0x80) !== 0;
  }
  return undefined;
}
