/** A byte sequence to look for, and how many bytes after it to keep for the caller to parse. */
export interface ByteMarker {
  readonly name: string;
  readonly pattern: Buffer;
  /** Bytes following the pattern to capture (for example the value of an XMP property). */
  readonly captureAfter: number;
}

/** The first occurrence of a marker in the stream. */
export interface ByteMarkerHit {
  /** Offset of the first byte of the pattern in the whole stream. */
  readonly offset: number;
  /** Up to `captureAfter` bytes that followed the pattern (fewer when the stream ended). */
  readonly following: Buffer;
}

interface MarkerState {
  readonly marker: ByteMarker;
  offset: number | undefined;
  following: Buffer[];
  followingLength: number;
}

/**
 * Finds the first occurrence of each marker in a stream fed chunk by chunk, keeping only a
 * carry-over of `longest pattern - 1` bytes between chunks. Memory is bounded by the marker
 * set, never by the stream: this is what lets an upload be scanned (for instance for the XMP
 * `pdfaid:part` of a PDF/A, which may sit anywhere in the file) while it streams to storage.
 */
export class ByteMarkerScanner {
  private readonly states: MarkerState[];
  private readonly carryLength: number;
  private carry: Buffer = Buffer.alloc(0);
  private consumed = 0;

  constructor(markers: readonly ByteMarker[]) {
    if (markers.some((m) => m.pattern.length === 0)) {
      throw new RangeError('A byte marker needs a non-empty pattern');
    }
    this.states = markers.map((marker) => ({ marker, offset: undefined, following: [], followingLength: 0 }));
    this.carryLength = Math.max(0, ...markers.map((m) => m.pattern.length - 1));
  }

  update(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    for (const state of this.states) this.feedCapture(state, bytes, 0);
    if (this.states.some((s) => s.offset === undefined)) this.search(bytes);
    this.consumed += bytes.length;
    this.keepCarry(bytes);
  }

  /** The first hit of the named marker so far, or undefined. */
  hit(name: string): ByteMarkerHit | undefined {
    const state = this.states.find((s) => s.marker.name === name);
    if (state?.offset === undefined) return undefined;
    return { offset: state.offset, following: Buffer.concat(state.following, state.followingLength) };
  }

  private search(chunk: Buffer): void {
    // Patterns straddling the previous chunk and this one: search the carry plus the first bytes
    // of the chunk (at most carryLength of them), then the chunk itself.
    const boundary =
      this.carry.length > 0
        ? Buffer.concat([this.carry, chunk.subarray(0, this.carryLength)])
        : Buffer.alloc(0);
    const boundaryStart = this.consumed - this.carry.length;
    for (const state of this.states) {
      if (state.offset !== undefined) continue;
      const { pattern } = state.marker;
      const inBoundary = boundary.indexOf(pattern);
      if (inBoundary !== -1) {
        state.offset = boundaryStart + inBoundary;
        this.feedCapture(state, chunk, inBoundary + pattern.length - this.carry.length);
        continue;
      }
      const inChunk = chunk.indexOf(pattern);
      if (inChunk !== -1) {
        state.offset = this.consumed + inChunk;
        this.feedCapture(state, chunk, inChunk + pattern.length);
      }
    }
  }

  /** Appends the bytes of `chunk` from `from` to a found marker's capture, up to its limit. */
  private feedCapture(state: MarkerState, chunk: Buffer, from: number): void {
    if (state.offset === undefined) return;
    const missing = state.marker.captureAfter - state.followingLength;
    if (missing <= 0 || from >= chunk.length) return;
    const piece = Buffer.from(chunk.subarray(from, from + missing)); // copy: the caller may reuse chunk
    state.following.push(piece);
    state.followingLength += piece.length;
  }

  private keepCarry(chunk: Buffer): void {
    if (this.carryLength === 0) return;
    const joined = chunk.length >= this.carryLength ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = Buffer.from(joined.subarray(Math.max(0, joined.length - this.carryLength)));
  }
}
