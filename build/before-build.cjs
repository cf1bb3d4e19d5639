// electron-builder `beforeBuild` hook (electron-builder.yml). Vite bundles every runtime
// dependency (zod, …) into dist-electron/, so the app needs nothing from node_modules. Answering
// false tells electron-builder that node_modules are handled already: it neither rebuilds nor
// packs them, and `tsx` (a dependency of the command-line node only) stays out of the installers.
// https://www.electron.build/configuration#beforebuild
module.exports = function beforeBuild() {
  return false;
};
