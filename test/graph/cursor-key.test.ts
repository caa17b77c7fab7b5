// A cursor names the key that signed it, so one signed elsewhere is refused saying why.
import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../src/graph/cursor.js';

const A = '0123456789abcdef0123456789abcdef';
const B = 'fedcba9876543210fedcba9876543210';

describe('cursor key id', () => {
  it('round-trips with the same secret in another codec (another process with graph.cursorSecret)', () => {
    const cursor = new CursorCodec(A).encode('b', { o: 1 });
    expect(new CursorCodec(A).decode('b', cursor)).toEqual({ o: 1 });
  });

  it('says the cursor comes from another process when this one has a random key', () => {
    const cursor = new CursorCodec(B, { ephemeral: true }).encode('b', { o: 1 });
    expect(() => new CursorCodec(A, { ephemeral: true }).decode('b', cursor)).toThrow(
      /issued by another orgraph process.*set graph\.cursorSecret/,
    );
  });

  it('says another graph.cursorSecret signed it when the secret is configured', () => {
    const cursor = new CursorCodec(B).encode('b', { o: 1 });
    expect(() => new CursorCodec(A).decode('b', cursor)).toThrow(/signed with another graph\.cursorSecret/);
  });

  it('still refuses a tampered cursor of its own key as not issued for these arguments', () => {
    const codec = new CursorCodec(A);
    const [body, mac, kid] = codec.encode('b', { o: 1 }).split('.');
    const forged = `${Buffer.from(JSON.stringify({ o: 2 })).toString('base64url')}.${mac}.${kid}`;
    expect(body).toBeDefined();
    expect(() => codec.decode('b', forged)).toThrow(/not a cursor this field issued/);
  });
});
