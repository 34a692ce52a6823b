// String.prototype.isWellFormed (ES2024) exists in Node 20 (V8 11.3), but the ES2023 lib we compile
// against (to keep out ES2024 APIs that Node 20 lacks, like Promise.withResolvers) does not declare it.
interface String {
  isWellFormed(): boolean;
}
