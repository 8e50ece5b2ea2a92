import { defineConfig, globalIgnores } from "eslint/config";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * Import boundaries between the top-level folders. Matched against the file
 * an import resolves to (tsconfig's `@/` paths and relative paths alike, static
 * and dynamic imports), not against the import's text.
 */
const boundaries = [
  {
    target: "./components",
    from: "./app",
    message: "components/ is UI that routes use; it must not import from app/.",
  },
  {
    target: "./lib",
    from: ["./app", "./components"],
    message: "lib/ is the domain; routes and UI depend on it, never the reverse.",
  },
  {
    target: "./simulators",
    from: ["./lib", "./app", "./components"],
    message:
      "Simulators are fakes written from the provider documents; sharing the client's code (lib/) would let a shared misreading pass the contract tests.",
  },
  {
    target: ["./app", "./components", "./lib"],
    from: ["./simulators", "./scripts", "./tests", "./e2e"],
    message: "Simulators, scripts and tests drive the app from outside; the app must not import them.",
  },
];

export default defineConfig([
  ...nextCoreWebVitals,
  ...nextTypescript,
  globalIgnores(["lib/generated/**", ".data/**", "test-results/**", "playwright-report/**"]),
  {
    rules: {
      "import/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: boundaries }],
      // A leading underscore marks a parameter or binding kept on purpose (an interface's signature, a
      // fixture requested for its side effect); a rest sibling drops a field from a copy.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ["app/**", "lib/**", "components/**"],
    ignores: ["lib/security/csv-export.ts"],
    rules: {
      // A CSV people open goes through exportCsv, which neutralises spreadsheet formulas in every cell.
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["csv-stringify", "csv-stringify/*"], message: "Write CSV with lib/security/csv-export.ts." }] },
      ],
    },
  },
  {
    files: ["e2e/**"],
    rules: {
      // Playwright fixtures receive a callback named `use`; it is not React's `use` hook.
      "react-hooks/rules-of-hooks": "off",
    },
  },
  {
    files: ["tests/**", "e2e/**"],
    rules: {
      // Tests read JSON answers from the simulators and the API under test; the assertions check their shape.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
]);
