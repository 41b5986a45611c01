import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/build/**", "**/coverage/**", "**/node_modules/**", "**/*.md", "effect4/**"]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2022,
      sourceType: "module"
    },
    rules: {
      "no-fallthrough": "off",
      "no-irregular-whitespace": "off",
      "object-shorthand": "error",
      "prefer-destructuring": "off",
      "no-unused-vars": "off",
      "no-console": "error",
      "@typescript-eslint/array-type": ["warn", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }]
    }
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect", "@effect/platform"] }],
      "no-restricted-globals": ["error", "setTimeout", "setInterval"],
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Use Clock" }, {
        object: "JSON",
        property: "parse",
        message: "Decode with Schema"
      }, { object: "process", property: "env", message: "Read through Config" }]
    }
  },
  {
    // The domain core is shared by both Effect lines and the simulator: plain TypeScript, no Effect, no Node.
    files: ["core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{ group: ["effect", "effect/*", "@effect/*", "node:*"], message: "core/ has no Effect and no Node" }]
      }]
    }
  },
  {
    // Runtime internals an Effect maintainer would not accept (issue 17).
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-syntax": ["error", {
        selector:
          "MemberExpression[property.name=/^(getChildren|unsafeInterruptAsFork|unsafeUpdate|getFiberRefs|currentDefaultServices)$/]",
        message: "Effect's public API only"
      }, {
        selector: "MemberExpression[object.name='FiberRef'][property.name=/^(interruptedCause|currentContext)$/]",
        message: "Effect's public API only: runtime-owned FiberRefs are not written here"
      }]
    }
  },
  {
    files: [
      "examples/**/*.ts",
      "bin/**/*.ts",
      "scripts/**/*.ts",
      "bench/**/*.ts",
      "simulator/src/Cli.ts",
      "simulator/scripts/**/*.ts"
    ],
    rules: { "no-console": "off" }
  }
)
