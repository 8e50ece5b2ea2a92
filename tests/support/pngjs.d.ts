// pngjs (installed with qrcode) ships no types; tests use its synchronous decoder only.
declare module "pngjs" {
  export const PNG: {
    sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } };
  };
}
