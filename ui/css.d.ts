/** esbuild's `text` loader: a CSS import is the stylesheet's text (adopted into shadow roots). */
declare module '*.css' {
  const text: string;
  export default text;
}
