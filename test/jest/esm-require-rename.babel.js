// Some ESM packages (e.g. @nestjs/swagger) declare `const require = createRequire(import.meta.url)`.
// Compiled to CommonJS for Jest, that binding shadows the module's own `require`, which the compiled
// imports above it then hit before initialisation. Renaming the binding keeps both working.
module.exports = function esmRequireRename() {
  return {
    name: 'esm-require-rename',
    visitor: {
      Program(path) {
        if (path.scope.hasOwnBinding('require')) path.scope.rename('require', '__esmRequire');
      },
    },
  };
};
