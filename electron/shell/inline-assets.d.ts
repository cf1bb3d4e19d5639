// Vite turns `import x from './file.png?inline'` into a data: URL string at build time, so the
// icons travel inside dist-electron/main.js (build/ itself is not packed).
declare module '*.png?inline' {
  const dataUrl: string;
  export default dataUrl;
}
