// The two Vite features the renderer uses, typed here (tsconfig has no vite/client types so that
// nothing else of Vite's ambient world leaks into the renderer).
interface ImportMeta {
  glob<T>(
    pattern: string | readonly string[],
    options: { query: '?url'; import: 'default'; eager: true },
  ): Record<string, T>;
}

declare module '*?raw' {
  const text: string;
  export default text;
}
