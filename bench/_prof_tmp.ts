import { localSource } from '/work/main/src/storage/local.js';
const wasm = await import('parquet-wasm');
const arrow = await import('apache-arrow');
const src = await localSource(process.argv[2]!);
class SourceBlob { constructor(readonly start: number, readonly end: number) {}
  get size() { return this.end - this.start; }
  slice(a = 0, b = this.size) { return new SourceBlob(this.start + a, this.start + Math.min(b, this.size)); }
  async arrayBuffer() { const u = await src.read(this.start, this.end); return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u.buffer : u.slice().buffer; } }
const pf = await wasm.ParquetFile.fromFile(new SourceBlob(0, src.size) as unknown as Blob);
let tDecode = 0, tIpc = 0; const t0 = performance.now();
const mode = process.argv[3] ?? 'stream';
for (let g = 0; g < pf.metadata().numRowGroups(); g++) {
  if (mode === 'read') {
    let t = performance.now();
    const tab = await pf.read({ rowGroups: [g], batchSize: 65536 });
    tDecode += performance.now() - t; t = performance.now();
    const ipc = tab.intoIPCStream(); const at = arrow.tableFromIPC(ipc); tIpc += performance.now() - t;
    continue;
  }
  const stream = await pf.stream({ rowGroups: [g], batchSize: 65536 });
  const reader = stream.getReader();
  for (;;) { let t = performance.now(); const { done, value } = await reader.read(); tDecode += performance.now() - t; if (done) break;
    t = performance.now(); const ipc = (value as any).intoIPCStream(); const at = arrow.tableFromIPC(ipc); tIpc += performance.now() - t; }
}
console.log('wasmMem', (wasm.wasmMemory().buffer.byteLength/2**20)|0, 'heap', (process.memoryUsage().heapUsed/2**20)|0, 'ab', (process.memoryUsage().arrayBuffers/2**20)|0); console.log(mode, 'total', (performance.now()-t0).toFixed(0), 'decode', tDecode.toFixed(0), 'ipc', tIpc.toFixed(0), 'maxrss', process.resourceUsage().maxRSS/1024|0);
