/** The package version, defined by esbuild at build time (scripts/build.mjs). */
declare const __KEYBRIDGE_VERSION__: string;
